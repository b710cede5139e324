/**
 * `vrfgen import --state` on the committed captures of real boots: the imported intent, loaded and
 * resolved by vrfgen's own loader, means what the intent that configured the boot means. Compared
 * as resolved models (test/support/import-compare.ts), each capture leaving out only what a state
 * cannot hold: the platform, BGP, container networks, a service's command lines, and a sysctl's
 * kernel default (a state shows every key, set or not). Boots that did not configure what their
 * intent asked (a failed stack, a deliberately broken file) differ exactly where the boot did, each
 * difference listed with the reason.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { validateText } from '../../src/index.ts';
import { importState } from '../../src/import/import.ts';
import type { Model } from '../../src/model/model.ts';
import { normalised, type Uncarried } from '../support/import-compare.ts';
import { toDumpLayout } from '../support/state-layout.ts';
import { modelOf, ROOT, vrfgen } from '../support/helpers.ts';

const E2E = join(ROOT, 'test/e2e');
const CHECK = join(ROOT, 'test/check');

/** The check captures name the sshd probes as they were taken; their state-layout names (as check.test.ts renames them). */
const LAYOUT: Record<string, string> = {
  'sshd-execstart.txt': 'unit-ssh.service.txt',
  'sshd-vrf-identify.txt': 'vrf-identify-ssh.service.txt',
};

function stateDir(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-import-state-'));
  for (const f of readdirSync(source)) {
    const [, name, suffix] = f.match(/^(.*?)((?:\.rc|\.err)?)$/)!;
    copyFileSync(join(source, f), join(dir, `${LAYOUT[name!] ?? name}${suffix}`));
  }
  return dir;
}

const STATE: Uncarried = { platform: true, bgp: true, containers: true, execStart: true, sysctlDefaults: true };

interface Capture {
  readonly name: string;
  readonly state: string;
  readonly intent: string;
  /** What the boot did not configure as its intent asked: an edit of the intent's model, and why. */
  readonly differs?: { readonly why: string; readonly edit: (m: Model) => Model };
}

const editVrf = (m: Model, name: string, edit: (v: Model['vrfs'][number]) => Model['vrfs'][number]): Model => ({
  ...m,
  vrfs: m.vrfs.map((v) => (v.name === name ? edit(v) : v)),
});

const CAPTURES: Capture[] = [
  { name: 'e2e networkd', state: join(E2E, 'captures/networkd/state'), intent: join(E2E, 'intent.yaml') },
  {
    name: 'e2e members-networkd',
    state: join(E2E, 'captures/members-networkd/state'),
    intent: join(E2E, 'members/intent.yaml'),
  },
  {
    name: 'e2e networkd-broken',
    state: join(E2E, 'captures/networkd-broken/state'),
    intent: join(E2E, 'intent.yaml'),
    differs: {
      why: "the broken .netdev gave mgmt table 11 while its .network still put the routes, isolation ones too, into table 10: the state has mgmt on 11 with an empty table (table 11 was not even probed; table 10's routes belong to no VRF)",
      edit: (m) =>
        editVrf(m, 'mgmt', (v) => ({
          ...v,
          table: 11,
          isolate: false,
          routes: [],
          members: v.members.map((x) => ({ ...x, routes: [] })),
        })),
    },
  },
  ...['networkd', 'netplan', 'ifupdown2', 'ifupdown-classic', 'frr-route-server'].map((c): Capture => ({
    name: `check ${c}`,
    state: join(CHECK, 'captures', c),
    intent: join(CHECK, 'cases', c, 'intent.yaml'),
  })),
  {
    name: 'check networkd-sshsocket',
    state: join(CHECK, 'captures/networkd-sshsocket'),
    intent: join(CHECK, 'cases/networkd-sshsocket/intent.yaml'),
    differs: {
      why: 'ssh.service was masked in that boot (an Accept=yes ssh.socket served ssh) and the capture probed ssh.service only: a masked unit shows no VRF',
      edit: (m) => editVrf(m, 'mgmt', (v) => ({ ...v, services: [] })),
    },
  },
  {
    name: 'check ifupdown2-plainssh',
    state: join(CHECK, 'captures/ifupdown2-plainssh'),
    intent: join(CHECK, 'cases/ifupdown2-plainssh/intent.yaml'),
    differs: {
      why: 'ssh.service failed in that boot: a unit that is not running shows no VRF',
      edit: (m) => editVrf(m, 'mgmt', (v) => ({ ...v, services: [] })),
    },
  },
];

/**
 * The captures are of the per-table layout (route-main.json, route-table10.json…); `collect` now
 * writes one dump of every table per family, with a VRF's table printed by number, or by the VRF's
 * name where ifupdown2 registered one: each capture is imported in all three.
 */
const LAYOUTS = [
  { layout: 'per table', dir: (d: string) => d },
  { layout: 'dumps', dir: (d: string) => dumped(d, false) },
  { layout: 'dumps naming tables', dir: (d: string) => dumped(d, true) },
];

function dumped(dir: string, tableNames: boolean): string {
  const dest = mkdtempSync(join(tmpdir(), 'vrfgen-import-dumps-'));
  toDumpLayout(dir, dest, { tableNames });
  expect(readdirSync(dest).filter((f) => /^route6?-(main|table\d+)\.json/.test(f))).toEqual([]);
  return dest;
}

describe.each(CAPTURES.flatMap((c) => LAYOUTS.map((l) => ({ ...c, ...l }))))('import --state $name ($layout)', (c) => {
  test('gives back the intent that configured the boot', async () => {
    const imported = await importState(c.dir(stateDir(c.state)));
    expect(imported.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // The text itself, through vrfgen's loader: no error, and the warnings the original has too.
    const back = validateText(imported.text!, 'imported.yaml');
    const want = await modelOf(c.intent);
    expect(want.model, c.intent).toBeDefined();
    const codes = (ds: readonly { code: string }[]) => [...new Set(ds.map((d) => d.code))].sort();
    expect(codes(back.diagnostics)).toEqual(codes(want.diagnostics.filter((d) => d.code !== 'bgp/password-inline')));
    const expected = c.differs ? c.differs.edit(want.model!) : want.model!;
    expect(normalised(back.model!, STATE)).toEqual(normalised(expected, STATE));
  });
});

test('the boots that configured nothing give an intent without their VRFs, and say so', async () => {
  // ifupdown2 without the policy file refused table 10 and 20; netplan 0.106 crashed.
  for (const c of ['ifupdown2-nopolicy', 'netplan-vrf-routes']) {
    const imported = await importState(stateDir(join(CHECK, 'captures', c)));
    const back = validateText(imported.text!, 'imported.yaml');
    expect(
      back.model!.vrfs.map((v) => v.name),
      c,
    ).toEqual([]);
    expect(imported.text).toMatch(/^# - links in the default VRF, not vrfgen's to configure: /m);
  }
});

test('every choice and everything left out is a comment', async () => {
  const { text } = await importState(stateDir(join(E2E, 'captures/networkd/state')));
  expect(text).toContain('# isolated: an unreachable default at metric 4278198272 in both families');
  expect(text).toContain(
    'routes the kernel derives from addresses, or a routing daemon learned: 10.10.0.0/24 (proto kernel)',
  );
  expect(text).toContain('the IPv6 link-local address the kernel gives every link');
  expect(text).toContain('ssh.service: its main process 249 runs in mgmt (ip vrf identify)');
  expect(text).toContain('rule (IPv4) local at 32765');
});

test('a capture without isolation routes imports isolate: false, with why', async () => {
  const { text } = await importState(stateDir(join(CHECK, 'captures/networkd')));
  expect(text).toContain('# isolate: false, since the table has no unreachable default at metric 4278198272');
});

test('the CLI prints the intent, or writes it with -o', () => {
  const r = vrfgen('import', '--state', join(E2E, 'captures/members-networkd/state'));
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^version: 1$/m);
  const out = join(mkdtempSync(join(tmpdir(), 'vrfgen-import-')), 'host.yaml');
  const w = vrfgen('import', '--state', join(E2E, 'captures/members-networkd/state'), '-o', out);
  expect(w.code, w.stderr).toBe(0);
  expect(readFileSync(out, 'utf8')).toBe(r.stdout);
  expect(vrfgen('validate', out).code).toBe(0);
});

test('a state folder that is not there is an I/O error (exit 2), one without links.json an import error', () => {
  const r = vrfgen('import', '--state', join(tmpdir(), 'vrfgen-no-such-state'));
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/error io\/read: cannot read state /);
  const empty = mkdtempSync(join(tmpdir(), 'vrfgen-empty-state-'));
  const e = vrfgen('import', '--state', empty);
  expect(e.code).toBe(1);
  expect(e.stderr).toMatch(/error import\/no-files: \S+links.json: the state has no readable links.json/);
});

test('a host without VRFs whose kernel has no VRF support says so once, as check does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-import-novrf-'));
  const put = (name: string, stdout: string) => {
    writeFileSync(join(dir, name), stdout);
    writeFileSync(join(dir, `${name}.rc`), '0\n');
  };
  put('links.json', '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP"],"link_type":"loopback"}]\n');
  put('route-all.json', '[]\n');
  put('route6-all.json', '[]\n');
  put(
    'kernel-vrf.txt',
    'sys-module-vrf absent\nproc-modules present\nconfig /boot/config-6.1.0-9-cloud-amd64 unset\nlib-modules /lib/modules/6.1.0-9-cloud-amd64 none\n',
  );
  const { text } = await importState(dir);
  expect(text).toMatch(/^vrfs: \{\}$/m);
  expect(text).toContain(
    `# - this kernel has no VRF support (CONFIG_NET_VRF is not set (/boot/config-6.1.0-9-cloud-amd64)): there is no VRF to import (${join(dir, 'kernel-vrf.txt')})`,
  );
});
