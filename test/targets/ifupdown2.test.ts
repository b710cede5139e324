/**
 * ifupdown2 (Debian 12's 3.0.0, unpacked) on every golden ifupdown2 tree: `ifup -a -s` (syntax
 * check, touches nothing) must pass with Debian's configuration and with its addon syntax check
 * on (which rejects unknown keywords), and `ifquery -a` must parse the file into the same facts as
 * vrfgen's networkd target for the intent (with the routes through the lease's router from the
 * dhclient exit hook; a case networkd has no expectations for yet is held to the model's facts).
 * Each check is also shown failing on a broken file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { DHCLIENT_EXIT_HOOK } from '../../targets/ifupdown/dhcp.ts';
import { INTERFACES_D_FILE, sources } from '../../targets/ifupdown/stanzas.ts';
import { describeWithFacility, goldenCases, read } from '../support/helpers.ts';
import { wantedFacts } from '../support/ifupdown-facts.ts';
import { dhclientHookFacts, ifquery2Facts } from '../support/network-facts.ts';
import {
  etcOverlay,
  examplesOnEveryPlatform,
  expectedTree,
  ifupdown2,
  modelFor,
  probeIfupdown2,
  TOOLS,
} from '../support/tools.ts';

const cases = goldenCases();
const POLICY = '/etc/network/ifupdown2/policy.d/vrfgen.json';

/** Debian's ifupdown2.conf, or the same with addon_syntax_check=1 (unknown keywords become errors). */
const conf = (strict: boolean) => {
  const text = readFileSync(join(TOOLS, 'ifupdown2/root/etc/network/ifupdown2/ifupdown2.conf'), 'utf8');
  return strict ? text.replace(/^addon_syntax_check=0$/m, 'addon_syntax_check=1') : text;
};

/** /etc for a case: its policy file, if vrfgen wrote one, and the chosen ifupdown2.conf. */
function etcFor(expected: string, strict: boolean, extra: Record<string, string> = {}): string {
  const policy = join(expected, 'ifupdown2', POLICY);
  return etcOverlay({
    'network/ifupdown2/ifupdown2.conf': conf(strict),
    ...(readOrUndefined(policy) !== undefined ? { 'network/ifupdown2/policy.d/vrfgen.json': read(policy) } : {}),
    ...extra,
  });
}

/** The VXLAN errors of the target (the case's MANIFEST; a tree made for an example has none), as `code member`. */
const refusedVxlans = (expected: string): string[] =>
  [
    ...(readOrUndefined(join(expected, 'ifupdown2', 'MANIFEST')) ?? '').matchAll(
      /^error (ifupdown2\/vxlan-\S+): member '([^']+)'/gm,
    ),
  ]
    .map((m) => `${m[1]} ${m[2]}`)
    .sort();

/**
 * The same from `ifup -s`'s warnings: an IPv4-only `vxlan-local-tunnelip` (or none on any VXLAN,
 * for an IPv6 remote), and the `vxlan-id` range. Any other line stays as it is, and fails the comparison.
 */
const ifupdown2VxlanRefusals = (out: string): string[] =>
  out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const v6 =
        /^warning: (\S+): (?:vxlan-local-tunnelip: invalid value .*'<ipv4>'\]|missing vxlan-local-tunnelip)$/.exec(l);
      if (v6) return `ifupdown2/vxlan-ipv6 ${v6[1]}`;
      const vni = /^warning: (\S+): vxlan-id: value of out range "\d+": valid attribute range: 1-16777214$/.exec(l);
      return vni ? `ifupdown2/vxlan-vni ${vni[1]}` : l;
    })
    .sort();

const readOrUndefined = (p: string) => {
  try {
    return read(p);
  } catch {
    return undefined;
  }
};

describeWithFacility('ifupdown2 accepts and parses every golden ifupdown2 file', probeIfupdown2, () => {
  const tool = () => ifupdown2()!;

  const check = async (expected: string, intent: string) => {
    const file = join(expected, 'ifupdown2', INTERFACES_D_FILE);
    const refused = refusedVxlans(expected);
    for (const strict of [false, true]) {
      const r = tool().run('ifup', ['-a', '-s', '-i', file], etcFor(expected, strict));
      const out = r.stdout + r.stderr;
      // A VXLAN the target refuses (and writes no file for) is one ifupdown2's own check refuses too, in its words.
      expect(
        { code: r.code, out: refused.length ? ifupdown2VxlanRefusals(out) : out },
        strict ? 'addon_syntax_check=1' : 'Debian defaults',
      ).toEqual(refused.length ? { code: 1, out: refused } : { code: 0, out: '' });
    }
    const q = tool().run('ifquery', ['-a', '-o', 'json', '-i', file], etcFor(expected, false));
    expect(q.stderr).toBe('');
    const hook = join(expected, 'ifupdown2', DHCLIENT_EXIT_HOOK);
    const got = [...ifquery2Facts(q.stdout), ...(existsSync(hook) ? dhclientHookFacts(read(hook)) : [])].sort();
    expect(got).toEqual(await wantedFacts(expected, intent));
  };

  // ifupdown2 is a Python program started once per stanza file: on a busy host one case took a
  // minute, past the default bound, so these get a wider one.
  test.each(cases)('$name', ({ expected, intent }) => check(expected, intent), 180_000);

  test.each(examplesOnEveryPlatform())('example $name', async ({ intent, platform }) =>
    check(expectedTree(await modelFor(intent, platform), ['networkd', 'ifupdown2']), intent),
  );

  test("the file is read through Debian's `source /etc/network/interfaces.d/*`, not through source-directory", () => {
    const ours = read(
      join(cases.find((c) => c.name === 'mgmt-and-production')!.expected, 'ifupdown2', INTERFACES_D_FILE),
    );
    const names = (main: string) => {
      const etc = etcFor('/nonexistent', false, { 'network/interfaces': main, 'network/interfaces.d/vrfgen': ours });
      const q = tool().run('ifquery', ['-a', '-o', 'json'], etc);
      return (JSON.parse(q.stdout || '[]') as { name: string }[]).map((i) => i.name).sort();
    };
    const debian = 'source /etc/network/interfaces.d/*\n\nauto lo\niface lo inet loopback\n';
    expect(names(debian)).toEqual(['eth0', 'eth0.100', 'eth1', 'eth2', 'lo', 'mgmt', 'production']);
    expect(sources(debian, INTERFACES_D_FILE, false)).toBe(true);
    // ifupdown2 takes source-directory for an option of the stanza above and reads nothing.
    const directory = 'auto lo\niface lo inet loopback\n\nsource-directory /etc/network/interfaces.d\n';
    expect(names(directory)).toEqual(['lo']);
    expect(sources(directory, INTERFACES_D_FILE, false)).toBe(false);
  });

  test('the checks fail on broken files', () => {
    const c = cases.find((x) => x.name === 'mgmt-and-production')!;
    const file = join(c.expected, 'ifupdown2', INTERFACES_D_FILE);
    const broken = (edit: (s: string) => string) => {
      const etc = etcFor(c.expected, true, { 'network/interfaces.d/broken': edit(read(file)) });
      return { etc, path: '/etc/network/interfaces.d/broken' };
    };
    // A keyword ifupdown2 dropped in 2016.
    const stale = broken((s) => s.replace('    vrf-table 10\n', '    vrf-table 10\n    vrf-default-route yes\n'));
    expect(tool().run('ifup', ['-a', '-s', '-i', stale.path], stale.etc).stderr).toMatch(
      /iface mgmt: unsupported keyword \(vrf-default-route\)/,
    );
    // Table 10 without the policy file that widens ifupdown2's range.
    const noPolicy = tool().run(
      'ifup',
      ['-a', '-s', '-i', file],
      etcOverlay({ 'network/ifupdown2/ifupdown2.conf': conf(true) }),
    );
    expect(noPolicy.code).not.toBe(0);
    expect(noPolicy.stderr).toMatch(/mgmt: vrf table id 10 out of reserved range \[1001,5000\]/);
    // A route without its table parses fine, and the comparison catches it.
    const mainRoute = broken((s) => s.replace('via 10.10.0.254 dev eth1 table 10', 'via 10.10.0.254 dev eth1'));
    const q = tool().run('ifquery', ['-a', '-o', 'json', '-i', mainRoute.path], mainRoute.etc);
    expect(q.code).toBe(0);
    expect(ifquery2Facts(q.stdout)).toContain(
      'route on eth1 table INVALID(main) ipv4 unicast 0.0.0.0/0 via 10.10.0.254 dev eth1',
    );
  });
});
