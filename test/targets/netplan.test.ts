/**
 * The netplan target's oracle: the real netplan turns vrfgen's YAML into networkd files, and those
 * (with vrfgen's drop-ins) must describe the same VRFs, members, addresses, VLANs, routes and rules
 * as vrfgen's own networkd target for the same intent — which systemd-networkd itself checks in
 * consumers.test.ts. Each case runs with the netplan of its platform (Debian 12's 0.106 installed,
 * Debian 13's 1.1.2 unpacked), or the oldest newer one where the exact version is not at hand.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';
import { validateText } from '../../src/index.ts';
import type { Model } from '../../src/model/model.ts';
import type { OutputFile } from '../../src/render/target.ts';
import { networkdComplaints, networkdTree } from '../support/consumers.ts';
import { describeWithFacility, goldenCases, modelOf, read, render, treeOf } from '../support/helpers.ts';
import { networkdFacts } from '../support/network-facts.ts';
import { netplanProblems, networkdProblems } from '../support/fuzz/oracle.ts';
import { platformNames } from '../../src/platforms/platforms.ts';
import {
  examplesOnEveryPlatform,
  expectedTree,
  modelFor,
  netplanFor,
  netplans,
  probeNetplans,
  type Netplan,
} from '../support/tools.ts';

const cases = goldenCases();
const ETC_NETWORK = 'etc/systemd/network';

/**
 * A root with the netplan target's files (YAML at 0600, as netplan wants it) and, for each VLAN
 * parent the intent says another file configures, that other netplan file as a stand-in.
 */
function netplanRoot(files: readonly { path: string; content: string }[], model: Model): string {
  const root = mkdtempSync(join(tmpdir(), 'vrfgen-netplan-'));
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.content, { mode: f.path.startsWith('/etc/netplan/') ? 0o600 : 0o644 });
  }
  const foreign = model.vlanParents.filter((p) => p.networkdFile);
  if (foreign.length) {
    const yaml = `network:\n  version: 2\n  ethernets:\n${foreign.map((p) => `    ${p.name}: {dhcp4: true}\n`).join('')}`;
    mkdirSync(join(root, 'etc/netplan'), { recursive: true });
    writeFileSync(join(root, 'etc/netplan/30-standin.yaml'), yaml, { mode: 0o600 });
  }
  return root;
}

const goldenFiles = (expected: string) =>
  treeOf(join(expected, 'netplan'))
    .filter((p) => p !== '/MANIFEST')
    .map((path) => ({ path, content: read(join(expected, 'netplan', path)) }));

/** Run netplan on a root; return its result and the facts of what networkd would then read. */
function generate(netplan: Netplan, root: string) {
  const r = netplan.generate(root);
  const run = join(root, 'run/systemd/network');
  const etc = join(root, ETC_NETWORK);
  const dirs = [etc, run].filter(existsSync);
  return { ...r, run, etc, facts: dirs.length ? networkdFacts(...dirs) : [] };
}

describeWithFacility(
  'netplan generate turns every golden netplan tree into the networkd target’s state',
  probeNetplans,
  () => {
    test('the tools at hand', () => {
      expect(netplans().map((n) => n.version)).toEqual(expect.arrayContaining(['0.106', '1.1.2']));
    });

    test.each(cases)('$name', async ({ intent, expected }) => check(expected, (await modelOf(intent)).model!), 30_000);

    test.each(examplesOnEveryPlatform())(
      'example $name',
      async ({ intent, platform }) => {
        const model = await modelFor(intent, platform);
        await check(expectedTree(model, ['networkd', 'netplan']), model);
      },
      30_000,
    );
  },
);

/** The oracle for one case: its platform's netplan, then facts, then networkd itself. */
async function check(expected: string, model: Model) {
  const netplan = netplanFor(model.platform.netplan.version)!;
  const out = generate(netplan, netplanRoot(goldenFiles(expected), model));
  // Exit 0 and not a word: netplan's warnings (file permissions, say) go to stderr.
  expect({ code: out.code, stdout: out.stdout, stderr: out.stderr }, `netplan ${netplan.version}`).toEqual({
    code: 0,
    stdout: '',
    stderr: '',
  });
  expect(out.facts).toEqual(networkdFacts(networkdTree(expected)));
  // And networkd reads netplan's files plus vrfgen's drop-ins without a complaint.
  mkdirSync(out.etc, { recursive: true });
  expect(await networkdComplaints(out.etc, out.run)).toEqual([]);
}

/** The netplan target's files for an intent rendered for another platform. */
function renderFor(text: string, platform: 'debian-12' | 'debian-13'): { files: OutputFile[]; model: Model } {
  const v = validateText(text, 'intent.yaml', { platform });
  return { files: render(v.model!, 'netplan').files, model: v.model! };
}

/**
 * Debian 13's YAML without what 0.106 would refuse outright as an unknown key (link-local under
 * vrfs:), so each test below shows the bug it names and not that refusal.
 */
const withoutLinkLocal = (files: readonly OutputFile[]) =>
  files.map((f) => ({ ...f, content: f.content.replace(/^ {6}link-local: \[\]\n/gm, '') }));

const ISOLATED = 'version: 1\nvrfs:\n  blue:\n    table: 100\n    interfaces: {eth1: {addresses: [10.1.0.1/24]}}\n';
const WITH_RULE = `${ISOLATED}    rules: [{from: 10.1.0.0/24, priority: 100}]\n`;

describeWithFacility('netplan: the check fails on output that is wrong for the platform', probeNetplans, () => {
  const old = () => netplans().find((n) => n.version === '0.106')!;

  test('Debian 13 YAML (isolation routes under vrfs:, no routing-policy) crashes netplan 0.106 (LP #2016427)', () => {
    const { files, model } = renderFor(ISOLATED, 'debian-13');
    const out = generate(old(), netplanRoot(withoutLinkLocal(files), model));
    expect(out.code).not.toBe(0);
    expect(out.stderr).not.toMatch(/unknown key/);
    expect(existsSync(out.run)).toBe(false);
    // The same intent rendered for Debian 12 goes through.
    const ok = renderFor(ISOLATED, 'debian-12');
    expect(generate(old(), netplanRoot(ok.files, ok.model)).code).toBe(0);
  });

  test('Debian 13 YAML next to a rule: 0.106 writes metric 4278198272 as -16769024 (LP #2023681); facts and networkd say so', async () => {
    const { files, model } = renderFor(WITH_RULE, 'debian-13');
    const out = generate(old(), netplanRoot(withoutLinkLocal(files), model));
    expect(out.code).toBe(0);
    expect(out.facts).toContain('route on blue table 100 ipv4 unreachable 0.0.0.0/0 metric INVALID(-16769024)');
    mkdirSync(out.etc, { recursive: true });
    const complaints = await networkdComplaints(out.etc, out.run);
    expect(complaints.join('\n')).toMatch(/10-netplan-blue\.network:\d+: Could not parse route priority "-16769024"/);
  }, 30_000);

  test("netplan 1.1.2 waits online for a VRF's carrier, not for the link-local address a VRF never gets (LP #2060311)", () => {
    const waitOnline = (files: readonly OutputFile[], model: Model) => {
      const root = netplanRoot(files, model);
      expect(generate(netplanFor('1.1.2')!, root).code).toBe(0);
      return read(join(root, 'run/systemd/system/systemd-networkd-wait-online.service.d/10-netplan.conf'));
    };
    const { files, model } = renderFor(ISOLATED, 'debian-13');
    expect(model.platform.netplan.vrfLinkLocalOff).toBe(true);
    expect(waitOnline(files, model)).toMatch(
      /^ExecStart=\/lib\/systemd\/systemd-networkd-wait-online .*-i blue:carrier\b/m,
    );
    // Without link-local: [] (as on a Debian 13 boot before the fix): blue:degraded, a 120 s wait.
    const without = withoutLinkLocal(files);
    expect(without).not.toEqual(files);
    expect(waitOnline(without, model)).toMatch(/-i blue:degraded\b/);
    // And 0.106 has no such key under vrfs:, which is why Debian 12's profile leaves it out.
    expect(generate(old(), netplanRoot(files, model)).stderr).toMatch(/unknown key 'link-local'/);
  });

  test('a member route without its table lands in main and the comparison shows it', async () => {
    const c = cases.find((x) => x.name === 'mgmt-and-production')!;
    const { model } = await modelOf(c.intent);
    const files = goldenFiles(c.expected).map((f) => ({
      ...f,
      content: f.content.replace(/(via: 10\.10\.0\.254\n)\s+table: 10\n/, '$1'),
    }));
    expect(files.map((f) => f.content).join('')).not.toEqual(
      goldenFiles(c.expected)
        .map((f) => f.content)
        .join(''),
    );
    const out = generate(netplanFor('0.106')!, netplanRoot(files, model!));
    expect(out.code).toBe(0);
    const want = networkdFacts(networkdTree(c.expected));
    expect(out.facts).not.toEqual(want);
    expect(out.facts).toContain('route on eth1 table INVALID(main) ipv4 unicast 0.0.0.0/0 via 10.10.0.254 dev eth1');
  });

  test('vrfgen’s drop-in in /etc is read for the .network netplan writes to /run', async () => {
    const c = cases.find((x) => x.name === 'mgmt-and-production')!;
    const { model } = await modelOf(c.intent);
    const out = generate(netplanFor('0.106')!, netplanRoot(goldenFiles(c.expected), model!));
    const dropIn = join(out.etc, '10-netplan-mgmt.network.d/10-vrfgen-routes.conf');
    writeFileSync(dropIn, `${read(dropIn)}VrfgenCanary=yes\n`);
    const complaints = await networkdComplaints(out.etc, out.run);
    expect(complaints).toEqual([
      expect.stringMatching(
        /^\/etc\/systemd\/network\/10-netplan-mgmt\.network\.d\/10-vrfgen-routes\.conf:\d+: Unknown key 'VrfgenCanary' in section \[Route\], ignoring\.$/,
      ),
    ]);
  }, 30_000);
});

/** An intent with one thing 0.106 cannot take in its YAML, rendered for Debian 13 and for Debian 12. */
const PAST_0106: [string, string, RegExp][] = [
  [
    'a dummy member (dummy-devices: from 0.107)',
    'version: 1\nvrfs:\n  blue:\n    table: 100\n    interfaces: {anycast0: {dummy: {}, addresses: [10.255.0.9/32]}}\n',
    /unknown key 'dummy-devices'/,
  ],
  [
    'addresses on the VRF device (under vrfs: from 1.0)',
    `${WITH_RULE}    addresses: [127.0.0.1/8]\n`,
    /unknown key 'addresses'/,
  ],
  [
    'router advertisements into the VRF table (ra-overrides: from 1.1)',
    `${ISOLATED.replace('addresses: [10.1.0.1/24]', 'accept-ra: true')}`,
    /unknown key 'ra-overrides'/,
  ],
];

describeWithFacility('netplan: what 0.106 lacks goes into networkd files on Debian 12', probeNetplans, () => {
  const old = () => netplans().find((n) => n.version === '0.106')!;

  test.each(PAST_0106)(
    '%s',
    async (_, text, refused) => {
      const newer = renderFor(text, 'debian-13');
      expect(generate(old(), netplanRoot(withoutLinkLocal(newer.files), newer.model)).stderr).toMatch(refused);
      // Debian 12's files say the same through networkd files and drop-ins, which 0.106 and networkd take.
      const { files, model } = renderFor(text, 'debian-12');
      const root = netplanRoot(files, model);
      const out = generate(old(), root);
      expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
      const tree = mkdtempSync(join(tmpdir(), 'vrfgen-networkd-'));
      for (const f of render(model, 'networkd').files) {
        mkdirSync(dirname(join(tree, f.path)), { recursive: true });
        writeFileSync(join(tree, f.path), f.content);
      }
      expect(out.facts).toEqual(networkdFacts(join(tree, ETC_NETWORK)));
      mkdirSync(out.etc, { recursive: true });
      expect(await networkdComplaints(out.etc, out.run)).toEqual([]);
    },
    30_000,
  );

  test("a lease's routes outside the VRF's table show in the facts", () => {
    const c = cases.find((x) => x.name === 'dhcp-in-a-vrf')!;
    const files = goldenFiles(c.expected).map((f) => ({
      ...f,
      content: f.content.replace('RouteTable=10', 'RouteTable=254'),
    }));
    return modelOf(c.intent).then(({ model }) => {
      const out = generate(old(), netplanRoot(files, model!));
      expect(out.code).toBe(0);
      expect(out.facts).toContain('dhcp eth0 ipv4 table 254');
      expect(out.facts).not.toContain('dhcp eth0 ipv4');
    });
  });
});

/**
 * The property tests' oracles (test/support/fuzz/oracle.ts) on every golden intent rendered for every
 * platform: files, keys and facts as the model implies, whatever the platform's netplan lacks.
 */
test.each(cases)('the networkd and netplan oracles hold for $name on every platform', async ({ intent }) => {
  let resolved = 0;
  for (const platform of platformNames) {
    const model = await modelFor(intent, platform);
    // An intent may ask for what only some platforms' FRR does (ospf-debian-13: VRFs of different ASNs
    // leaking into each other, FRR 10.2 on); the others refuse it, as test/invalid shows.
    if (!model) continue;
    resolved++;
    expect(networkdProblems(model, render(model, 'networkd').files), platform).toEqual([]);
    expect(netplanProblems(model, render(model, 'netplan').files), platform).toEqual([]);
  }
  expect(resolved).toBeGreaterThan(0);
});
