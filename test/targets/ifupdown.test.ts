/**
 * Classic ifupdown (Debian 12's 0.8.41, unpacked) on every golden ifupdown tree: `ifquery` must
 * parse it, and `ifup -a --no-act --verbose` (which prints every command it would run, in order,
 * and runs none) must create each VRF and each link before enslaving anything to it, take a bond's
 * ports down before enslaving them, enslave each member before its addresses and routes, and add
 * exactly what vrfgen's networkd target configures — nothing into main. The dhclient hooks both
 * ifupdown targets write are run by Debian 12's and 13's own dhclient-script. Each check is also
 * shown failing on a broken file.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { DHCLIENT_ENTER_HOOK, DHCLIENT_EXIT_HOOK } from '../../targets/ifupdown/dhcp.ts';
import { INTERFACES_D_FILE, sources } from '../../targets/ifupdown/stanzas.ts';
import { networkdTree, probeNamespaces } from '../support/consumers.ts';
import { describeWithFacility, goldenCases, read, run } from '../support/helpers.ts';
import { wantedFacts } from '../support/ifupdown-facts.ts';
import {
  dhclientHookFacts,
  ipCommandFacts,
  ifupSteps,
  networkdFacts,
  stepFacts,
  type Step,
} from '../support/network-facts.ts';
import {
  etcOverlay,
  examplesOnEveryPlatform,
  expectedTree,
  ifupdown,
  modelFor,
  probeIfupdown,
  TOOLS,
} from '../support/tools.ts';

const cases = goldenCases();
/** A case whose ifupdown file is wrong as a whole (ifupdown would make another VLAN of the name). */
const refuses = (expected: string) => /^error ifupdown\/vlan-name:/m.test(read(join(expected, 'ifupdown/MANIFEST')));

/**
 * Order problems in an ifup command stream: a link enslaved before its master (VRF, bridge, bond)
 * exists, a link vrfgen creates enslaved before it is created, a bond port enslaved while up (the
 * bonding driver refuses it), or an address or route added to a member before it is enslaved to its
 * VRF (the kernel drops them when it enslaves).
 */
function orderProblems(steps: readonly Step[]): string[] {
  const problems: string[] = [];
  const createdAt = new Map<string, number>();
  const enslavedAt = new Map<string, number>();
  const downAt = new Map<string, number>();
  const created = steps.flatMap((s) =>
    ipCommandFacts(s.iface, s.command).flatMap((f) => (/^(vrf|link|vlan) /.test(f) ? [f.split(' ')[1]!] : [])),
  );
  steps.forEach((s, i) => {
    if (/^ip link set dev \S+ down$/.test(s.command)) downAt.set(s.command.split(' ')[4]!, i);
    for (const f of ipCommandFacts(s.iface, s.command)) {
      const [kind, name, , target] = f.split(' ');
      if (['vrf', 'link', 'vlan'].includes(kind!) && !createdAt.has(name!)) createdAt.set(name!, i);
      if (kind === 'member') {
        if (!createdAt.has(target!)) problems.push(`${name} enslaved to ${target} before ${target} exists`);
        if (created.includes(name!) && !createdAt.has(name!)) problems.push(`${name} enslaved before it is created`);
        if (
          steps.some((x) => / type bond /.test(x.command) && x.command.includes(`dev ${target} `)) &&
          !downAt.has(name!)
        )
          problems.push(`${name} enslaved to bond ${target} while up`);
      }
    }
  });
  // Only the enslaving to a VRF drops addresses and routes; a port's to a bridge or bond is no VRF's.
  const facts = steps.map((s) => ipCommandFacts(s.iface, s.command));
  const vrfs = new Set(facts.flat().flatMap((f) => (f.startsWith('vrf ') ? [f.split(' ')[1]!] : [])));
  facts.forEach((fs, i) => {
    for (const [kind, name, , vrf] of fs.map((f) => f.split(' ')))
      if (kind === 'member' && vrfs.has(vrf!) && !enslavedAt.has(name!)) enslavedAt.set(name!, i);
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
      // A route through an advertising router is refused alone; the rest of the file stands.
      expect(
        cases
          .filter((c) => /^error ifupdown\/ra-gateway:/m.test(read(join(c.expected, 'ifupdown/MANIFEST'))))
          .map((c) => c.name),
      ).toEqual(['dhcp-in-a-vrf', 'dhcp-in-a-vrf-debian-13']);
    });

    const check = async (expected: string, intent: string) => {
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
      const hook = join(expected, 'ifupdown', DHCLIENT_EXIT_HOOK);
      const got = [...stepFacts(steps), ...(existsSync(hook) ? dhclientHookFacts(read(hook)) : [])].sort();
      expect(got).toEqual(await wantedFacts(expected, intent));
    };

    test.each(cases.filter((c) => !refuses(c.expected)))('$name', ({ expected, intent }) => check(expected, intent));

    test.each(examplesOnEveryPlatform())('example $name', async ({ intent, platform }) =>
      check(expectedTree(await modelFor(intent, platform), ['networkd', 'ifupdown']), intent),
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

/** Debian 12's and 13's dhclient-script, unpacked by .ci/fetch-tools, with the package's own hooks. */
const DHCLIENT_SCRIPTS = [
  { tool: 'isc-dhcp-client', script: 'sbin/dhclient-script' },
  { tool: 'isc-dhcp-client-trixie', script: 'usr/sbin/dhclient-script' },
];

// In a private mount namespace: /etc overlaid with the hooks and the package's /etc/dhcp, a fresh
// /run, and ip(8) replaced by a recorder ahead in PATH. Then dhclient-script, as dhclient runs it.
const DHCLIENT_NAMESPACED = `
set -e
pkg=$1; etc=$2; bin=$3; shift 3
t=$(mktemp -d)
mount -t tmpfs tmpfs "$t"
mkdir -p "$t/up" "$t/work"
mount -t overlay overlay -o "lowerdir=$etc:$pkg/etc:/etc,upperdir=$t/up,workdir=$t/work" /etc
mount -t tmpfs tmpfs /run
PATH=$bin:$PATH exec "$@"
`;

const probeDhclientScripts = () =>
  DHCLIENT_SCRIPTS.every((d) => existsSync(join(TOOLS, d.tool, 'version')))
    ? probeNamespaces()
    : `isc-dhcp-client (Debian 12 and 13) is not unpacked in ${TOOLS} (.ci/fetch-tools)`;

describeWithFacility(
  "dhclient-script runs vrfgen's dhclient hooks: every route of a lease lands in the VRF's table",
  probeDhclientScripts,
  () => {
    const c = cases.find((x) => x.name === 'dhcp-in-a-vrf')!;
    /** The ip(8) commands dhclient-script runs for one event, with `hooks` (files by path below /etc) in place. */
    const ipCommands = (tool: string, script: string, hooks: Record<string, string>, env: Record<string, string>) => {
      const bin = mkdtempSync(join(tmpdir(), 'vrfgen-ip-'));
      const log = join(bin, 'log');
      // The recorder runs nothing and succeeds; `command ip` in the enter hook reaches it too.
      writeFileSync(join(bin, 'ip'), `#!/bin/sh\necho "ip $*" >> '${log}'\n`, { mode: 0o755 });
      writeFileSync(log, '');
      const root = join(TOOLS, tool, 'root');
      const r = run(
        'unshare',
        ['-m', 'sh', '-c', DHCLIENT_NAMESPACED, 'sh', root, etcOverlay(hooks), bin, 'sh', join(root, script)],
        { env },
      );
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(log, 'utf8').trim().split('\n');
    };
    const hooks = (target: string) => ({
      [DHCLIENT_ENTER_HOOK.slice('/etc/'.length)]: read(join(c.expected, target, DHCLIENT_ENTER_HOOK)),
      [DHCLIENT_EXIT_HOOK.slice('/etc/'.length)]: read(join(c.expected, target, DHCLIENT_EXIT_HOOK)),
    });
    const lease = {
      reason: 'BOUND',
      interface: 'eth0',
      new_ip_address: '192.0.2.10',
      new_subnet_mask: '255.255.255.0',
      new_broadcast_address: '192.0.2.255',
      new_routers: '192.0.2.1 192.0.2.2',
    };
    const routes = (commands: readonly string[], iface: string) =>
      commands.flatMap((cmd) => ipCommandFacts(iface, cmd)).filter((f) => f.startsWith('route '));

    test('both targets write the same hooks', () => {
      expect(hooks('ifupdown2')).toEqual(hooks('ifupdown'));
    });

    test.each(DHCLIENT_SCRIPTS)('$tool: the routers of a lease and the routes through them', ({ tool, script }) => {
      expect(routes(ipCommands(tool, script, hooks('ifupdown'), lease), 'eth0')).toEqual([
        'route on eth0 table 10 ipv4 unicast default via 192.0.2.1 dev eth0 metric 1',
        'route on eth0 table 10 ipv4 unicast default via 192.0.2.2 dev eth0 metric 2',
        'route on eth0 table 10 ipv4 unicast 10.0.0.0/8 via 192.0.2.1 dev eth0',
      ]);
    });

    test.each(DHCLIENT_SCRIPTS)('$tool: RFC 3442 classless routes (Debian exit hook)', ({ tool, script }) => {
      // 198.51.100.0/24 via 192.0.2.1, and a default route via 192.0.2.1: the script then ignores the routers.
      const classless = { ...lease, new_rfc3442_classless_static_routes: '24 198 51 100 192 0 2 1 0 192 0 2 1' };
      expect(routes(ipCommands(tool, script, hooks('ifupdown'), classless), 'eth0')).toEqual([
        'route on eth0 table 10 ipv4 unicast 198.51.100.0/24 via 192.0.2.1 dev eth0',
        'route on eth0 table 10 ipv4 unicast 0.0.0.0/0 via 192.0.2.1 dev eth0',
        'route on eth0 table 10 ipv4 unicast 10.0.0.0/8 via 192.0.2.1 dev eth0',
      ]);
    });

    test.each(DHCLIENT_SCRIPTS)('$tool: a link that is no VRF member, and no hooks, keep main', ({ tool, script }) => {
      const main = [
        'route on eth9 table INVALID(main) ipv4 unicast default via 192.0.2.1 dev eth9 metric 1',
        'route on eth9 table INVALID(main) ipv4 unicast default via 192.0.2.2 dev eth9 metric 2',
      ];
      expect(routes(ipCommands(tool, script, hooks('ifupdown'), { ...lease, interface: 'eth9' }), 'eth9')).toEqual(
        main,
      );
      // Without vrfgen's hooks the lease's routes go to main on a VRF member too: what the hooks are for.
      expect(routes(ipCommands(tool, script, {}, lease), 'eth0')).toEqual(
        main.map((f) => f.replaceAll('eth9', 'eth0')),
      );
    });
  },
);
