/**
 * Classic ifupdown (Debian 12's 0.8.41, unpacked) on every golden ifupdown tree: `ifquery` must
 * parse it, and `ifup -a --no-act --verbose` (which prints every command it would run, in order,
 * and runs none) must create each VRF before enslaving its members, enslave each member before its
 * addresses and routes, and add exactly what vrfgen's networkd target configures — nothing into
 * main. Each check is also shown failing on a broken file.
 */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { INTERFACES_D_FILE, sources } from '../../targets/ifupdown/stanzas.ts';
import { networkdTree } from '../support/consumers.ts';
import { describeWithFacility, goldenCases, read } from '../support/helpers.ts';
import { ipCommandFacts, ifupSteps, networkdFacts, stepFacts, type Step } from '../support/network-facts.ts';
import {
  etcOverlay,
  examplesOnEveryPlatform,
  expectedTree,
  ifupdown,
  modelFor,
  probeIfupdown,
} from '../support/tools.ts';

const cases = goldenCases();
const refuses = (expected: string) => /^error /m.test(read(join(expected, 'ifupdown/MANIFEST')));

/**
 * Order problems in an ifup command stream: a member enslaved before its VRF exists, or an address
 * or route added to a member before it is enslaved (the kernel drops them when it enslaves).
 */
function orderProblems(steps: readonly Step[]): string[] {
  const problems: string[] = [];
  const vrfAt = new Map<string, number>();
  const enslavedAt = new Map<string, number>();
  steps.forEach((s, i) => {
    for (const f of ipCommandFacts(s.iface, s.command)) {
      const [kind, name, , target] = f.split(' ');
      if (kind === 'vrf' && !vrfAt.has(name!)) vrfAt.set(name!, i);
      if (kind === 'member') {
        if (!vrfAt.has(target!)) problems.push(`${name} enslaved to ${target} before ${target} exists`);
        if (!enslavedAt.has(name!)) enslavedAt.set(name!, i);
      }
    }
  });
  steps.forEach((s, i) => {
    for (const f of ipCommandFacts(s.iface, s.command)) {
      const dev = f.startsWith('address ')
        ? f.split(' ')[1]
        : f.startsWith('route ')
          ? / dev (\S+)/.exec(f)?.[1]
          : undefined;
      if (dev && enslavedAt.has(dev) && i < enslavedAt.get(dev)!) problems.push(`${f} comes before ${dev} is enslaved`);
    }
  });
  return problems;
}

describeWithFacility(
  'classic ifupdown parses every golden ifupdown file and would run it in the right order',
  probeIfupdown,
  () => {
    const tool = () => ifupdown()!;
    const etc = () => etcOverlay({});
    /** What `ifup -a` would run, in order (--verbose prints it on stderr; --no-act runs nothing). */
    const plan = (file: string, etcDir = etc()): Step[] => {
      const r = tool().run(
        'ifup',
        ['-a', '--no-act', '--verbose', '--no-scripts', '--state-dir', '/run/network', '-i', file],
        etcDir,
      );
      expect(r.code, r.stderr).toBe(0);
      return ifupSteps(r.stderr);
    };

    test('the target refuses exactly the intents it cannot express', () => {
      expect(cases.filter((c) => refuses(c.expected)).map((c) => c.name)).toEqual(['classic-vlan-name']);
    });

    const check = (expected: string) => {
      const file = join(expected, 'ifupdown', INTERFACES_D_FILE);
      const list = tool().run('ifquery', ['--list', '-i', file], etc());
      expect(list.stderr).toBe('');
      expect(list.code).toBe(0);
      const stanzas = [...read(file).matchAll(/^iface (\S+) /gm)].map((m) => m[1]!);
      expect(list.stdout.trim().split('\n').sort()).toEqual(['lo', ...stanzas].sort());
      const options = tool().run('ifquery', ['-i', file, ...stanzas], etc());
      expect(options.code).toBe(0);
      expect(options.stdout).not.toMatch(/^gateway:/m); // ifupdown's gateway writes to main
      const steps = plan(file);
      expect(orderProblems(steps)).toEqual([]);
      expect(stepFacts(steps)).toEqual(networkdFacts(networkdTree(expected)));
    };

    test.each(cases.filter((c) => !refuses(c.expected)))('$name', ({ expected }) => check(expected));

    test.each(examplesOnEveryPlatform())('example $name', async ({ intent, platform }) =>
      check(expectedTree(await modelFor(intent, platform), ['networkd', 'ifupdown'])),
    );

    test("the file is read through Debian's `source` line, and through source-directory", () => {
      const ours = read(
        join(cases.find((c) => c.name === 'mgmt-and-production')!.expected, 'ifupdown', INTERFACES_D_FILE),
      );
      for (const main of [
        'source /etc/network/interfaces.d/*\n\nauto lo\niface lo inet loopback\n',
        'auto lo\niface lo inet loopback\n\nsource-directory /etc/network/interfaces.d\n',
      ]) {
        const q = tool().run(
          'ifquery',
          ['--list'],
          etcOverlay({ 'network/interfaces': main, 'network/interfaces.d/vrfgen': ours }),
        );
        expect(q.stdout.trim().split('\n').sort()).toEqual([
          'eth0',
          'eth0.100',
          'eth1',
          'eth2',
          'lo',
          'mgmt',
          'production',
        ]);
        expect(sources(main, INTERFACES_D_FILE, true)).toBe(true);
      }
    });

    test('the checks fail on broken files', () => {
      const c = cases.find((x) => x.name === 'mgmt-and-production')!;
      const good = read(join(c.expected, 'ifupdown', INTERFACES_D_FILE));
      const broken = (text: string) => {
        const e = etcOverlay({ 'network/interfaces.d/broken': text });
        return { e, path: '/etc/network/interfaces.d/broken' };
      };
      // Not an interfaces file at all.
      const bad = broken(good.replace('iface eth1 inet manual', 'iface eth1 inet vrf'));
      const list = tool().run('ifquery', ['--list', '-i', bad.path], bad.e);
      expect(list.code).not.toBe(0);
      expect(list.stderr).toMatch(/broken:\d+: unknown or no method/);
      // Enslaving after the addresses: the order check sees it.
      const late = broken(
        good
          .replace('    pre-up ip link set dev eth1 master mgmt\n', '')
          .replace(
            '    post-down ip link set dev eth1 nomaster',
            '    up ip link set dev eth1 master mgmt\n    post-down ip link set dev eth1 nomaster',
          ),
      );
      expect(orderProblems(plan(late.path, late.e))).toEqual([
        'address eth1 10.10.0.1/24 comes before eth1 is enslaved',
        'address eth1 2001:db8:10::1/64 comes before eth1 is enslaved',
        'route on eth1 table 10 ipv4 unicast 0.0.0.0/0 via 10.10.0.254 dev eth1 comes before eth1 is enslaved',
        'route on eth1 table 10 ipv6 unicast ::/0 via 2001:db8:10::fe dev eth1 comes before eth1 is enslaved',
      ]);
      // ifupdown's own `gateway`: the default route goes to main, and the comparison says so.
      const gw = broken(
        good
          .replace(
            'iface eth2 inet manual',
            'iface eth2 inet static\n    address 10.20.0.1/24\n    gateway 10.20.0.254',
          )
          .replace(
            '    up ip addr replace 10.20.0.1/24 dev eth2\n    up ip -4 route replace 0.0.0.0/0 via 10.20.0.254 dev eth2 table 20\n',
            '',
          ),
      );
      const facts = stepFacts(plan(gw.path, gw.e));
      expect(facts).toContain('route on eth2 table INVALID(main) ipv4 unicast default via 10.20.0.254 dev eth2 onlink');
      expect(facts).not.toEqual(networkdFacts(networkdTree(c.expected)));
    });
  },
);
