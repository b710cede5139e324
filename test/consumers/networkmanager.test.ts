/**
 * The networkmanager target's keyfiles, read by NetworkManager's own code: `nmcli --offline` (1.40+)
 * parses a keyfile from stdin with libnm's keyfile reader, verifies and normalises it, and prints
 * it, without a daemon. Every golden keyfile must come back with exactly its settings — NM drops
 * what it cannot use without a word (a routing rule without a priority), so "it parsed" is not
 * enough. The golden files themselves are held to the model by the property tests' oracle.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { keyfileIni } from '../support/fuzz/reparse.ts';
import { describeWithFacility, goldenCases, modelOf, render, treeOf } from '../support/helpers.ts';
import { nmcliFor, nmclis, probeNmclis } from '../support/tools.ts';
import { networkmanagerProblems } from '../support/fuzz/oracle.ts';

type Settings = Record<string, Record<string, string>>;

/** A rule's host prefix as NM writes it: the bare address (nm-setting-ip-config.c _rr_string_append_inet_addr). */
const bareHosts = (rule: string) =>
  rule.replace(/ (from|to) (\S+?)\/(32|128)(?= )/g, (all, word: string, a: string, len: string) =>
    len === (a.includes(':') ? '128' : '32') ? ` ${word} ${a}` : all,
  );

/**
 * A keyfile as NM means it: groups and keys, order and comments aside. `master`/`slave-type` and
 * `controller`/`port-type` are one setting under two names (NM 1.46+); NM 1.50+ writes only the
 * new names, so both are folded into the old ones (and must agree where a file has both). A host
 * prefix in a rule is one prefix with or without its length.
 */
function settings(text: string): Settings {
  const { sections, errors } = keyfileIni(text);
  expect(errors).toEqual([]);
  const out: Settings = Object.fromEntries(
    sections.map((s) => [
      s.name,
      Object.fromEntries(s.entries.map(([k, v]) => [k, /^routing-rule\d+$/.test(k) ? bareHosts(v) : v])),
    ]),
  );
  const c = out.connection ?? {};
  for (const [old, now] of [
    ['master', 'controller'],
    ['slave-type', 'port-type'],
  ] as const) {
    if (c[now] !== undefined) {
      if (c[old] !== undefined) expect(c[old], `${old}= and ${now}= disagree`).toBe(c[now]);
      c[old] = c[now];
      delete c[now];
    }
  }
  return out;
}

/** NM 1.50+ writes a port's controller as controller=/port-type= only; vrfgen's profile has master=/slave-type= too. */
function withMasterKeys(keyfile: string): string {
  const controller = /^controller=(.*)$/m.exec(keyfile)?.[1];
  const portType = /^port-type=(.*)$/m.exec(keyfile)?.[1];
  return controller === undefined || /^master=/m.test(keyfile)
    ? keyfile
    : keyfile.replace(/^controller=/m, `master=${controller}\nslave-type=${portType}\ncontroller=`);
}

const withKeyfiles = goldenCases()
  .map((c) => ({ ...c, files: treeOf(join(c.expected, 'networkmanager')).filter((p) => p.endsWith('.nmconnection')) }))
  .filter((c) => c.files.length > 0);

describeWithFacility('NetworkManager reads every golden keyfile as written', probeNmclis, () => {
  test('there are cases for Debian 12 and 13', () => {
    expect(withKeyfiles.length).toBeGreaterThan(5);
    expect(nmclis().map((n) => n.version)).toEqual(['1.42.4', '1.52.1']);
  });

  describe.each(withKeyfiles)('$name', ({ intent, expected, files }) => {
    test('the golden keyfiles hold what the model implies', async () => {
      const { model } = await modelOf(intent);
      const { files: rendered, diagnostics } = render(model!, 'networkmanager');
      expect(networkmanagerProblems(model!, rendered, diagnostics)).toEqual([]);
    });

    test('what NetworkManager reads back holds what the model implies: types, masters, options, methods, tables', async () => {
      const { model } = await modelOf(intent);
      const nmcli = nmcliFor(model!.platform.networkManager.version)!;
      const { files: rendered, diagnostics } = render(model!, 'networkmanager');
      const readBack = rendered.map((f) => ({ ...f, content: withMasterKeys(nmcli.normalise(f.content).stdout) }));
      expect(networkmanagerProblems(model!, readBack, diagnostics)).toEqual([]);
    });

    test.each(files)('%s', async (path) => {
      const { model } = await modelOf(intent);
      const nmcli = nmcliFor(model!.platform.networkManager.version)!;
      const keyfile = readFileSync(join(expected, 'networkmanager', path), 'utf8');
      const r = nmcli.normalise(keyfile);
      expect(r.stderr, `nmcli ${nmcli.version}`).toBe('');
      expect(r.code).toBe(0);
      expect(settings(r.stdout), `nmcli ${nmcli.version}`).toEqual(settings(keyfile));
    });
  });

  const base = readFileSync(
    join(
      withKeyfiles.find((c) => c.name === 'mgmt-and-production')!.expected,
      'networkmanager/etc/NetworkManager/system-connections/vrfgen-production.nmconnection',
    ),
    'utf8',
  );

  test.each(nmclis().map((n) => [n.version, n] as const))(
    'nmcli %s: a broken keyfile is refused (the check can fail)',
    (_, nmcli) => {
      const r = nmcli.normalise(base.replace('table=20\n', 'table=zero\n'));
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/vrf\.table/);
    },
  );

  /*
   * Why the oracle reads keyfiles with its own reader rather than an INI package (the `ini` package
   * reads each of these otherwise): GKeyFile has no comments after a value (`#` and `;` stay in it;
   * `;` separates NM's lists), keeps quotes, never takes a lone CR for a line break, and refuses a
   * line without `=`.
   */
  test.each(nmclis().map((n) => [n.version, n] as const))(
    "nmcli %s: the oracle's keyfile reader reads what NetworkManager reads",
    (_, nmcli) => {
      const withZone = (zone: string) => base.replace('[connection]\n', `[connection]\nzone=${zone}\n`);
      for (const zone of ['a#b', 'a;b', 'a ;b', '"a"', "'a'"]) {
        const r = nmcli.normalise(withZone(zone));
        expect(r.stderr, zone).toBe('');
        expect(settings(r.stdout).connection!.zone, zone).toBe(zone);
        expect(settings(withZone(zone)).connection!.zone, zone).toBe(zone);
      }
      const cr = withZone('a\rid=other');
      expect(settings(nmcli.normalise(cr).stdout).connection!.id).toBe('vrfgen-production');
      expect(settings(cr).connection).toMatchObject({ id: 'vrfgen-production', zone: 'a\rid=other' });
      const noValue = base.replace('[vrf]\n', '[vrf]\ntable\n');
      expect(nmcli.normalise(noValue).stderr).toMatch(/not a key-value pair/);
      expect(keyfileIni(noValue).errors).toEqual([
        `${noValue.split('\n').indexOf('table') + 1}: missing '=' in "table"`,
      ]);
    },
  );

  test.each(nmclis().map((n) => [n.version, n] as const))(
    'nmcli %s: a rule without a priority is dropped, and the comparison sees it',
    (_, nmcli) => {
      const broken = base.replace(
        'routing-rule1=priority 100 from 192.0.2.0/24 table 20\n',
        'routing-rule1=from 192.0.2.0/24 table 20\n',
      );
      expect(broken).not.toBe(base);
      const r = nmcli.normalise(broken);
      expect(r.code).toBe(0);
      expect(settings(r.stdout).ipv4!['routing-rule1']).toBeUndefined();
      expect(settings(r.stdout)).not.toEqual(settings(broken));
    },
  );

  test('method=manual without addresses: refused by nmcli 1.42.4, taken by 1.52.1 with a route but not without (why only NM 1.46+ profiles use it, and only with routes)', () => {
    const vrf = readFileSync(
      join(
        withKeyfiles.find((c) => c.name === 'containers-in-a-vrf')!.expected,
        'networkmanager/etc/NetworkManager/system-connections/vrfgen-tenant.nmconnection',
      ),
      'utf8',
    );
    expect(vrf).toMatch(/^\[ipv4\]\nmethod=manual\n/m);
    expect(vrf).not.toMatch(/^address1=/m);
    const [old, current] = nmclis();
    expect(old!.normalise(vrf).stderr).toMatch(/ipv4\.addresses: this property cannot be empty for 'method=manual'/);
    expect(current!.normalise(vrf).code).toBe(0);
    const rulesOnly = current!.normalise(vrf.replace(/^route\d+(_options)?=.*\n/gm, ''));
    expect(rulesOnly.stderr).toMatch(/method 'manual' requires at least an address or a route/);
  });

  test('NetworkManager 1.42 does not know controller=/port-type= (why only NM 1.46+ profiles carry them)', () => {
    const nmcli = nmclis().find((n) => n.version === '1.42.4')!;
    const port = readFileSync(
      join(
        withKeyfiles.find((c) => c.name === 'containers-in-a-vrf')!.expected,
        'networkmanager/etc/NetworkManager/system-connections/vrfgen-eth1.nmconnection',
      ),
      'utf8',
    );
    expect(port).toMatch(/^controller=tenant$/m);
    const r = nmcli.normalise(port.replace(/^(master|slave-type)=.*\n/gm, ''));
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^(master|controller)=/m);
  });

  const memberKinds = (file: string) =>
    readFileSync(
      join(
        withKeyfiles.find((c) => c.name === 'member-kinds')!.expected,
        `networkmanager/etc/NetworkManager/system-connections/vrfgen-${file}.nmconnection`,
      ),
      'utf8',
    );

  test.each(nmclis().map((n) => [n.version, n] as const))(
    "nmcli %s: NM's own defaults (stp on, VXLAN port 8472, learning on) are left out, as the target leaves them",
    (_, nmcli) => {
      const bridge = memberKinds('br1').replace('[bridge]\n', '[bridge]\nstp=true\n');
      expect(settings(nmcli.normalise(bridge).stdout).bridge).toEqual({});
      const vxlan = memberKinds('vx200').replace('[vxlan]\n', '[vxlan]\ndestination-port=8472\nlearning=true\n');
      expect(settings(nmcli.normalise(vxlan).stdout).vxlan).toEqual({
        id: '200',
        parent: 'eth9',
        remote: '239.1.1.200',
      });
      expect(settings(nmcli.normalise(memberKinds('vx100')).stdout).vxlan).toMatchObject({
        'destination-port': '4789',
        learning: 'false',
      });
    },
  );

  test.each(nmclis().map((n) => [n.version, n] as const))(
    "nmcli %s: a bridge or bond port's IP groups are dropped without a word (why ports have none)",
    (_, nmcli) => {
      const port = `${memberKinds('eth3')}\n[ipv4]\naddress1=10.9.9.9/24\nmethod=manual\n`;
      const r = nmcli.normalise(port);
      expect(r.code).toBe(0);
      expect(Object.keys(settings(r.stdout))).toEqual(['connection', 'ethernet', 'bridge-port']);
    },
  );

  test.each(nmclis().map((n) => [n.version, n] as const))(
    'nmcli %s: a host prefix in a rule comes back as the bare address (why the comparison folds the two)',
    (_, nmcli) => {
      const out = nmcli.normalise(memberKinds('blue')).stdout;
      expect(out).toMatch(/^routing-rule1=priority 100 from 192\.168\.8\.254 table 1100$/m);
      expect(settings(out).ipv4!['routing-rule1']).toBe(settings(memberKinds('blue')).ipv4!['routing-rule1']);
      expect(bareHosts('priority 1 from 2001:db8::/32 to 192.0.2.0/32 table 2')).toBe(
        'priority 1 from 2001:db8::/32 to 192.0.2.0 table 2',
      );
    },
  );
});
