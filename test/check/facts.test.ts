/**
 * The fact vocabulary: expectedFacts() of a shipped example, and observedFacts() on probe outputs
 * the captured boots do not cover. The JSON samples are what iproute2 6.1 printed on this
 * project's development machine (in a network namespace) or lines of the captured boots, except
 * the VLAN link (this kernel has no 8021q; the sample has the fields iproute2 prints for one) and
 * the systemd ≥ 260 property (documented, backends §9).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { compare } from '../../src/check/compare.ts';
import { expectedFacts, type Fact } from '../../src/check/facts.ts';
import { KERNEL_VRF_SCRIPT } from '../../src/check/kernel-vrf.ts';
import { observedFacts } from '../../src/check/observed.ts';
import type { Observation, ProbeOutput, ProbeResult } from '../../src/check/probes.ts';
import { ROOT, modelOf, run } from '../support/helpers.ts';

test('expectedFacts: every item the shipped mgmt-and-production example implies', async () => {
  const { model } = await modelOf(join(ROOT, 'examples/mgmt-and-production.yaml'));
  expect(expectedFacts(model!).map((f) => [f.key, f.value])).toEqual([
    ['link mgmt kind', 'vrf'],
    ['link mgmt table', 10],
    ['link mgmt state', 'up'],
    ['link eth1 master', 'mgmt'],
    ['link eth1 state', 'up'],
    ['addr eth1 10.10.0.1/24', 'present'],
    ['addr eth1 2001:db8:10::1/64', 'present'],
    ['route4 main dev eth1', []],
    ['route6 main dev eth1', []],
    ['route4 10 0.0.0.0/0 metric 0', 'via 10.10.0.254 dev eth1'],
    ['route4 10 0.0.0.0/0 metric 4278198272', 'unreachable'],
    ['route6 10 ::/0 metric 1024', 'via 2001:db8:10::fe dev eth1'],
    ['route6 10 ::/0 metric 4278198272', 'unreachable'],
    ['service ssh.service state', 'active'],
    ['service ssh.service vrf', 'mgmt'],
    ['link production kind', 'vrf'],
    ['link production table', 20],
    ['link production state', 'up'],
    ['link eth0.100 master', 'production'],
    ['link eth0.100 state', 'up'],
    ['link eth0.100 vlan', 'eth0 id 100'],
    ['addr eth0.100 192.0.2.1/24', 'present'],
    ['addr eth0.100 2001:db8:100::1/64', 'present'],
    ['route4 main dev eth0.100', []],
    ['route6 main dev eth0.100', []],
    ['link eth2 master', 'production'],
    ['link eth2 state', 'up'],
    ['addr eth2 10.20.0.1/24', 'present'],
    ['route4 main dev eth2', []],
    ['route4 20 0.0.0.0/0 metric 0', 'via 10.20.0.254 dev eth2'],
    ['route4 20 0.0.0.0/0 metric 4278198272', 'unreachable'],
    ['route4 20 198.51.100.0/24 metric 50', 'via 192.0.2.254 dev eth0.100'],
    ['route4 20 203.0.113.0/24 metric 0', 'blackhole'],
    ['route6 20 ::/0 metric 4278198272', 'unreachable'],
    ['rule4 from 192.0.2.0/24 pref 100', 'table 20'],
    ['link eth0 state', 'up'],
    ['rule4 l3mdev', 'pref 1000'],
    ['rule4 local', 'pref 32765'],
    ['rule6 l3mdev', 'pref 1000'],
    ['rule6 local', 'pref 32765'],
    ['sysctl net.ipv4.raw_l3mdev_accept', 1],
    ['sysctl net.ipv4.tcp_l3mdev_accept', 0],
    ['sysctl net.ipv4.udp_l3mdev_accept', 0],
  ]);
});

describe('expectedFacts: member kinds, ports, DHCP and RA', () => {
  const factsOf = async (file: string) => {
    const { model } = await modelOf(join(ROOT, file));
    return new Map(expectedFacts(model!, { strict: true }).map((f) => [f.key, f]));
  };
  const value = (facts: Map<string, Fact>, key: string) => facts.get(key)?.value;

  test('kinds, the settings that matter, ports, and in strict mode the members of each bridge and bond', async () => {
    const facts = await factsOf('test/golden/member-kinds/intent.yaml');
    const picked = Object.fromEntries(
      [...facts.values()]
        .filter((f) => /^link (bond[01]|br[01]|vx(100|200)|anycast0|eth[2-8]|blue) /.test(f.key))
        .map((f) => [f.key, f.value]),
    );
    expect(picked).toEqual({
      'link blue kind': 'vrf',
      'link blue table': 1100,
      'link blue state': 'up',
      'link blue members': ['anycast0', 'bond0', 'bond1', 'bond1.20', 'br0', 'br1', 'eth2', 'vx100', 'vx200'],
      'link anycast0 master': 'blue',
      'link anycast0 state': 'up',
      'link anycast0 kind': 'dummy',
      'link bond0 master': 'blue',
      'link bond0 state': 'up',
      'link bond0 kind': 'bond',
      'link bond0 mode': 'active-backup',
      'link bond0 miimon': 100,
      'link bond0 primary': 'eth5',
      'link bond0 members': ['eth5', 'eth6'],
      'link eth5 master': 'bond0',
      'link eth5 state': 'up',
      'link eth6 master': 'bond0',
      'link eth6 state': 'up',
      'link bond1 master': 'blue',
      'link bond1 state': 'up',
      'link bond1 kind': 'bond',
      'link bond1 mode': '802.3ad',
      'link bond1 miimon': 200,
      'link bond1 lacp-rate': 'fast',
      'link bond1 xmit-hash-policy': 'layer3+4',
      'link bond1 members': ['eth7', 'eth8'],
      'link eth7 master': 'bond1',
      'link eth7 state': 'up',
      'link eth8 master': 'bond1',
      'link eth8 state': 'up',
      'link br0 master': 'blue',
      'link br0 state': 'up',
      'link br0 kind': 'bridge',
      'link br0 stp': 'off',
      'link br0 members': ['eth3', 'eth4'],
      'link eth3 master': 'br0',
      'link eth3 state': 'up',
      'link eth4 master': 'br0',
      'link eth4 state': 'up',
      'link br1 master': 'blue',
      'link br1 state': 'up',
      'link br1 kind': 'bridge',
      'link br1 stp': 'on',
      'link br1 members': [],
      'link eth2 master': 'blue',
      'link eth2 state': 'up',
      'link vx100 master': 'blue',
      'link vx100 state': 'up',
      'link vx100 kind': 'vxlan',
      'link vx100 vni': 100,
      'link vx100 local': '10.0.0.1',
      'link vx100 remote': '10.0.0.2',
      'link vx100 dstport': 4789,
      'link vx100 learning': 'off',
      'link vx200 master': 'blue',
      'link vx200 state': 'up',
      'link vx200 kind': 'vxlan',
      'link vx200 vni': 200,
      'link vx200 group': '239.1.1.200',
      'link vx200 dev': 'eth9',
      'link vx200 dstport': 8472,
      'link vx200 learning': 'on',
    });
    expect(value(facts, 'addr blue 127.0.0.1/8')).toBe('present');
    expect(value(facts, 'addr blue ::1/128')).toBe('present');
    expect(value(facts, 'addr blue *')).toEqual(['127.0.0.1/8', '::1/128']);
    // A bridge without ports has no carrier and DAD waits for one: neither is drift.
    const br1 = facts.get('link br1 state')!;
    expect([br1.allows?.('up (no carrier)'), br1.allows?.('down')]).toEqual([true, false]);
    expect(facts.get('addr br1 2001:db8:b1::1/64')!.allows?.('tentative')).toBe(true);
    expect(facts.get('addr br0 198.51.100.1/24')!.allows).toBeUndefined();
  });

  test('a DHCP/RA member: a dynamic address per family, the default route into the table, none in main', async () => {
    const facts = await factsOf('test/golden/dhcp-in-a-vrf/intent.yaml');
    const eth0 = Object.fromEntries(
      [...facts.values()].filter((f) => / (dev )?eth0( |$)/.test(f.key)).map((f) => [f.key, f.value]),
    );
    expect(eth0).toEqual({
      'link eth0 master': 'mgmt',
      'link eth0 state': 'up',
      'addr eth0 *': [],
      'addr eth0 dynamic ipv4': 'present',
      'addr eth0 dynamic ipv6': 'present',
      'route4 10 0.0.0.0/0 dev eth0': 'via dhcp',
      'route6 10 ::/0 dev eth0': 'via ra',
      'route4 main dev eth0': [],
      'route6 main dev eth0': [],
    });
    const allows = (key: string, item: string) => facts.get(key)!.allows?.(item) ?? false;

    expect(allows('route4 10 0.0.0.0/0 dev eth0', 'via 192.168.122.1')).toBe(true);
    expect(allows('route4 10 0.0.0.0/0 dev eth0', 'via 192.168.122.1, via 192.168.122.2')).toBe(true);
    expect(allows('route4 10 0.0.0.0/0 dev eth0', 'no gateway')).toBe(false);

    // A route through a learned gateway: any one gateway, through that member only.
    expect(value(facts, 'route4 10 10.0.0.0/8 metric 0')).toBe('via dhcp dev eth0');
    expect(allows('route4 10 10.0.0.0/8 metric 0', 'via 192.168.122.1 dev eth0')).toBe(true);
    expect(allows('route4 10 10.0.0.0/8 metric 0', 'via 192.168.122.1 dev eth1')).toBe(false);
    expect(allows('route4 10 10.0.0.0/8 metric 0', 'via 192.168.122.1 dev eth0, via 10.0.0.1 dev eth0')).toBe(false);
    expect(allows('route6 10 2001:db8::/32 metric 1024', 'via fe80::1 dev eth0')).toBe(true);

    // Strict: what the member's DHCP client and RA handler install, and nothing else extra.
    expect(facts.get('route4 10 *')).toMatchObject({
      value: [
        '0.0.0.0/0 metric 4278198272 unreachable',
        '10.0.0.0/8 metric 0 via dhcp dev eth0',
        '172.16.0.0/12 metric 0 via 10.10.0.254 dev eth1',
      ],
      besides: 'routes by DHCP through eth0',
    });
    for (const [item, ok] of [
      ['0.0.0.0/0 metric 1024 via 192.168.122.1 dev eth0 proto dhcp', true],
      ['192.168.122.1/32 metric 1024 dev eth0 proto dhcp', true],
      ['10.0.0.0/8 metric 0 via 192.168.122.1 dev eth0', true],
      ['10.0.0.0/8 metric 5 via 192.168.122.1 dev eth0', false],
      ['0.0.0.0/0 metric 1024 via 10.10.0.254 dev eth1 proto dhcp', false],
      ['0.0.0.0/0 metric 1024 via 192.168.122.1 dev eth0', false],
      ['0.0.0.0/0 metric 1024 via 192.168.122.1 dev eth0 proto ra', false],
    ] as const)
      expect(allows('route4 10 *', item), item).toBe(ok);
    expect(allows('route6 10 *', '::/0 metric 1024 via fe80::1 dev eth0 proto ra')).toBe(true);
    expect(allows('route6 10 *', '2001:db8::/32 metric 1024 via fe80::1 dev eth0')).toBe(true);
    for (const [item, ok] of [
      ['192.168.122.50/24 dynamic', true],
      ['fd00:122::50/128 dynamic', true],
      ['fe80::5054:ff:fe12:3410/64', true],
      ['192.168.122.50/24', false],
      ['fd00:122::50/128', false],
    ] as const)
      expect(allows('addr eth0 *', item), item).toBe(ok);
    expect(facts.get('addr eth1 *')!.allows).toBeUndefined();
  });
});

const ok = (stdout: string): ProbeOutput => ({ code: 0, stdout, stderr: '' });
const result = (file: string, observes: Observation, output?: ProbeOutput, label?: string): ProbeResult => ({
  probe: { file, argv: [], observes, ...(label ? { label } : {}) },
  ...(output ? { output } : {}),
});

const VRF_LINKS =
  '[{"ifindex":5,"ifname":"mgmt","flags":["NOARP","MASTER","UP","LOWER_UP"],"linkinfo":{"info_kind":"vrf","info_data":{"table":10}}}]';

describe('observedFacts', () => {
  test('rules: prefixes with srclen/dstlen, host sources, interfaces, and table names (ifupdown2 names tables after VRFs)', () => {
    const rules =
      '[{"priority":0,"src":"all","table":"local"},{"priority":98,"src":"all","oif":"a0","table":"10"},' +
      '{"priority":100,"src":"192.0.2.0","srclen":24,"table":"10"},{"priority":32765,"src":"1.2.3.4","table":"mgmt"},' +
      '{"priority":200,"src":"all","dst":"2001:db8::","dstlen":32,"table":"10"},{"priority":300,"src":"all","fwmark":"0x1","table":"main"},' +
      '{"priority":1000,"src":"all","l3mdev":null}]';
    const { facts } = observedFacts([
      result('links.json', { kind: 'links' }, ok(VRF_LINKS)),
      result('rule.json', { kind: 'rules', family: 4 }, ok(rules)),
    ]);
    const rule = Object.fromEntries([...facts].filter(([k]) => k.startsWith('rule4')));
    expect(rule).toEqual({
      'rule4 oif a0': 'table 10',
      'rule4 oif a0 pref 98': 'table 10',
      'rule4 from 192.0.2.0/24': 'table 10',
      'rule4 from 192.0.2.0/24 pref 100': 'table 10',
      'rule4 from 1.2.3.4/32': 'table 10',
      'rule4 from 1.2.3.4/32 pref 32765': 'table 10',
      'rule4 to 2001:db8::/32': 'table 10',
      'rule4 to 2001:db8::/32 pref 200': 'table 10',
      // a selector vrfgen never writes keeps the rule from matching an intent rule
      'rule4 fwmark=0x1': 'table 254',
      'rule4 fwmark=0x1 pref 300': 'table 254',
      'rule4 l3mdev': 'pref 1000',
      // of the `from all` rules, only where the local table is looked up
      'rule4 local': 'pref 0',
    });
  });

  test('routes: host destinations, the IPv6 unreachable default on lo, types; address routes are not listed', () => {
    const v6 =
      '[{"dst":"default","gateway":"2001:db8::fe","dev":"a0","metric":1024,"flags":[],"pref":"medium"},{"type":"unreachable","dst":"default","dev":"lo","metric":4278198272,"flags":[],"pref":"medium"},{"dst":"fe80::/64","dev":"a0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"}]';
    const v4 =
      '[{"dst":"10.9.9.9","gateway":"10.1.0.254","dev":"a0","flags":[]},{"type":"prohibit","dst":"203.0.114.0/24","flags":[]},{"type":"local","dst":"10.1.0.1","dev":"a0","protocol":"kernel","scope":"host","prefsrc":"10.1.0.1","flags":[]}]';
    const { facts } = observedFacts([
      result('route6-table10.json', { kind: 'routes', family: 6, table: 10 }, ok(v6)),
      result('route-table10.json', { kind: 'routes', family: 4, table: 10 }, ok(v4)),
    ]);
    expect(Object.fromEntries(facts)).toEqual({
      'route6 10 ::/0 metric 1024': 'via 2001:db8::fe dev a0',
      // the default route through a link, whatever its metric (what a DHCP client or RA installs)
      'route6 10 ::/0 dev a0': 'via 2001:db8::fe',
      'route6 10 ::/0 metric 4278198272': 'unreachable',
      'route6 10 fe80::/64 metric 256': 'dev a0',
      'route6 10 *': ['::/0 metric 1024 via 2001:db8::fe dev a0', '::/0 metric 4278198272 unreachable'],
      'route6 10 dev a0': ['::/0 metric 1024 via 2001:db8::fe dev a0'],
      'route4 10 10.9.9.9/32 metric 0': 'via 10.1.0.254 dev a0',
      'route4 10 203.0.114.0/24 metric 0': 'prohibit',
      'route4 10 *': ['10.9.9.9/32 metric 0 via 10.1.0.254 dev a0', '203.0.114.0/24 metric 0 prohibit'],
      'route4 10 dev a0': ['10.9.9.9/32 metric 0 via 10.1.0.254 dev a0'],
    });
  });

  describe('route dumps (ip -j -4|-6 route show table all)', () => {
    // What iproute2 6.1 printed in a network namespace of the development machine: main without
    // `table`, every other table by number (or by rt_tables name), the local table's routes.
    const DUMP4 =
      '[{"dst":"default","gateway":"10.10.0.254","dev":"d0","table":"10","flags":[]},' +
      '{"type":"unreachable","dst":"default","table":"10","metric":4278198272,"flags":[]},' +
      '{"dst":"10.99.0.0/16","gateway":"10.10.0.254","dev":"d0","table":"20","flags":[]},' +
      '{"dst":"10.10.0.0/24","dev":"d0","protocol":"kernel","scope":"link","prefsrc":"10.10.0.1","flags":[]},' +
      '{"dst":"10.97.0.0/16","gateway":"10.10.0.254","dev":"d0","metric":5,"flags":[]},' +
      '{"type":"local","dst":"10.10.0.1","dev":"d0","table":"local","protocol":"kernel","scope":"host","prefsrc":"10.10.0.1","flags":[]},' +
      '{"type":"broadcast","dst":"10.10.0.255","dev":"d0","table":"local","protocol":"kernel","scope":"link","prefsrc":"10.10.0.1","flags":[]}]';
    const dump = (stdout: string, tables: number[], family: 4 | 6 = 4) =>
      result(`route${family === 6 ? '6' : ''}-all.json`, { kind: 'route-dump', family, tables }, ok(stdout));

    test("only main and the VRFs' tables are read; the local table and other tables are dropped", () => {
      const { facts, unknown } = observedFacts([dump(DUMP4, [10])]);
      expect(unknown.size).toBe(0);
      expect(Object.fromEntries(facts)).toEqual({
        'route4 10 0.0.0.0/0 metric 0': 'via 10.10.0.254 dev d0',
        'route4 10 0.0.0.0/0 dev d0': 'via 10.10.0.254',
        'route4 10 0.0.0.0/0 metric 4278198272': 'unreachable',
        'route4 10 *': ['0.0.0.0/0 metric 0 via 10.10.0.254 dev d0', '0.0.0.0/0 metric 4278198272 unreachable'],
        'route4 10 dev d0': ['0.0.0.0/0 metric 0 via 10.10.0.254 dev d0'],
        'route4 main 10.10.0.0/24 metric 0': 'dev d0',
        'route4 main 10.97.0.0/16 metric 5': 'via 10.10.0.254 dev d0',
        'route4 main *': ['10.97.0.0/16 metric 5 via 10.10.0.254 dev d0'],
        'route4 main dev d0': ['10.97.0.0/16 metric 5 via 10.10.0.254 dev d0'],
      });
    });

    test("a VRF's table printed by its name (ifupdown2's rt_tables.d) is read through the links", () => {
      const named = DUMP4.replaceAll('"table":"10"', '"table":"mgmt"');
      const { facts, unknown } = observedFacts([
        result('links.json', { kind: 'links' }, ok(VRF_LINKS)),
        dump(named, [10]),
      ]);
      expect(unknown.size).toBe(0);
      expect(facts.get('route4 10 0.0.0.0/0 metric 0')).toBe('via 10.10.0.254 dev d0');
    });

    test("a table name that is no VRF's could be any table: the VRF tables not seen by number are unknown", () => {
      const named = DUMP4.replaceAll('"table":"10"', '"table":"tenant-a"');
      const o = observedFacts([dump(named, [10, 20])]);
      const why = "routes in table tenant-a (a name from rt_tables, not a VRF's)";
      // table 20 was printed by number: known; table 10 could be tenant-a.
      expect(Object.fromEntries(o.unknown)).toEqual({ 'route4 10 ': { probe: 'route-all.json', why } });
      expect(o.facts.get('route4 20 10.99.0.0/16 metric 0')).toBe('via 10.10.0.254 dev d0');
    });

    test('a failed dump leaves the whole family unknown; an unreadable one too', () => {
      const o = observedFacts([
        result(
          'route-all.json',
          { kind: 'route-dump', family: 4, tables: [10] },
          { code: 1, stdout: '', stderr: 'x\n' },
        ),
        dump('{"a":1}', [10], 6),
      ]);
      expect(Object.fromEntries(o.unknown)).toEqual({
        'route4 ': { probe: 'route-all.json', why: 'exit 1: x' },
        'route6 ': { probe: 'route6-all.json', why: 'unreadable output (not a JSON array)' },
      });
    });
  });

  describe('kernel VRF support (kernel-vrf.txt), asked when no VRF exists', () => {
    const kernel = (lines: string[]) => result('kernel-vrf.txt', { kind: 'kernel-vrf' }, ok(`${lines.join('\n')}\n`));
    const THIS_HOST = [
      'sys-module-vrf absent',
      'proc-modules absent',
      'config /proc/config.gz unset',
      'lib-modules /lib/modules/6.18.44 absent',
    ];

    test('no VRF device and a kernel that says it has none: one reason', () => {
      expect(observedFacts([kernel(THIS_HOST)]).noVrfSupport).toEqual({
        probe: 'kernel-vrf.txt',
        why: 'CONFIG_NET_VRF is not set (/proc/config.gz)',
      });
    });

    test('a VRF device on the host is VRF support, whatever the probe says', () => {
      const o = observedFacts([result('links.json', { kind: 'links' }, ok(VRF_LINKS)), kernel(THIS_HOST)]);
      expect(o.noVrfSupport).toBeUndefined();
    });

    test.each([
      [['sys-module-vrf present', 'proc-modules present', 'config /boot/config-6.1.0-57-amd64 unset'], undefined],
      [['sys-module-vrf absent', 'proc-modules present', 'config /boot/config-6.1.0-57-amd64 m'], undefined],
      [['sys-module-vrf absent', 'config /boot/config-6.1.0-57-amd64 y'], undefined],
      [
        [
          'sys-module-vrf absent',
          'config /boot/config-6.1.0-57-amd64 m',
          'lib-modules /lib/modules/6.1.0-57-amd64 none',
        ],
        'CONFIG_NET_VRF=m, but no vrf.ko in /lib/modules/6.1.0-57-amd64',
      ],
      [
        ['sys-module-vrf absent', 'proc-modules present', 'config none', 'lib-modules /lib/modules/r absent'],
        undefined,
      ],
      [
        ['sys-module-vrf absent', 'proc-modules present', 'config none', 'lib-modules /lib/modules/r vrf.ko'],
        undefined,
      ],
      [
        ['sys-module-vrf absent', 'proc-modules present', 'config none', 'lib-modules /lib/modules/r none'],
        'no vrf in /sys/module, nor in /lib/modules/r/modules.dep or modules.builtin',
      ],
      [
        ['sys-module-vrf absent', 'proc-modules absent', 'config none'],
        'no vrf in /sys/module, and this kernel loads no modules (no /proc/modules)',
      ],
      [
        ['sys-module-vrf absent', 'proc-modules absent', 'config /proc/config.gz unreadable'],
        'no vrf in /sys/module, and this kernel loads no modules (no /proc/modules)',
      ],
      [['sys-module-vrf absent', 'proc-modules present', 'config /proc/config.gz unreadable'], undefined],
      [[], undefined],
      [['sys-module-vrf gone', 'config /proc/config.gz unset'], undefined],
    ] as const)('%j → %s', (lines, why) => {
      expect(observedFacts([kernel([...lines])]).noVrfSupport?.why).toBe(why);
    });

    test('the probe, run on files laid out as each kind of kernel has them', () => {
      const base = mkdtempSync(join(tmpdir(), 'vrfgen-kernel-'));
      const release = run('uname', ['-r']).stdout.trim();
      const at = (p: string) => join(base, p);
      // The script's own paths, moved under `base`.
      const script = KERNEL_VRF_SCRIPT.replaceAll('/sys/module/vrf', at('sys/module/vrf'))
        .replaceAll('/proc/modules', at('proc/modules'))
        .replaceAll('/proc/config.gz', at('proc/config.gz'))
        .replaceAll('/boot/config-', at('boot/config-'))
        .replaceAll('/lib/modules/', `${at('lib/modules')}/`);
      expect(script).not.toMatch(/ \/(sys|proc|boot|lib)\//);
      const probe = () => run('sh', ['-c', script]).stdout.replaceAll(base, '');
      const put = (p: string, text: string | Buffer) => {
        mkdirSync(dirname(at(p)), { recursive: true });
        writeFileSync(at(p), text);
      };
      const mods = `lib/modules/${release}`;
      expect(probe()).toBe(
        `sys-module-vrf absent\nproc-modules absent\nconfig none\nlib-modules /lib/modules/${release} absent\n`,
      );
      put('proc/modules', '');
      put(`${mods}/modules.dep`, 'kernel/drivers/net/veth.ko.xz:\n');
      put(`${mods}/modules.builtin`, 'kernel/net/ipv6/ipv6.ko\n');
      put(`boot/config-${release}`, 'CONFIG_NET_L3_MASTER_DEV=y\n# CONFIG_NET_VRF is not set\n');
      expect(probe()).toBe(
        `sys-module-vrf absent\nproc-modules present\nconfig /boot/config-${release} unset\nlib-modules /lib/modules/${release} none\n`,
      );
      put(`${mods}/modules.dep`, 'kernel/drivers/net/vrf.ko.xz:\n');
      put('proc/config.gz', gzipSync('CONFIG_NET_VRF=m\n'));
      expect(probe()).toMatch(/^config \/proc\/config\.gz m\nlib-modules \S+ vrf\.ko$/m);
      put('proc/config.gz', 'not gzip');
      expect(probe()).toMatch(/^config \/proc\/config\.gz unreadable$/m);
      put(`${mods}/modules.dep`, '');
      put(`${mods}/modules.builtin`, 'kernel/drivers/net/vrf.ko\n');
      put('proc/config.gz', gzipSync('CONFIG_NET_VRF=y\n'));
      mkdirSync(at('sys/module/vrf'), { recursive: true });
      expect(probe()).toBe(
        `sys-module-vrf present\nproc-modules present\nconfig /proc/config.gz y\nlib-modules /lib/modules/${release} vrf.ko\n`,
      );
    });
  });

  test('links: a VLAN member enslaved to a VRF; a link without carrier', () => {
    const links =
      '[{"ifindex":7,"link":"eth0","ifname":"eth0.100","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"master":"production",' +
      '"linkinfo":{"info_kind":"vlan","info_data":{"protocol":"802.1Q","id":100},"info_slave_kind":"vrf","info_slave_data":{"table":20}}},' +
      '{"ifindex":2,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP"]}]';
    const { facts } = observedFacts([result('links.json', { kind: 'links' }, ok(links))]);
    expect(Object.fromEntries(facts)).toEqual({
      'link eth0.100 kind': 'vlan',
      'link eth0.100 state': 'up',
      'link eth0.100 master': 'production',
      'link eth0.100 vlan': 'eth0 id 100',
      'link production members': ['eth0.100'],
      'link eth0 kind': 'none',
      'link eth0 state': 'up (no carrier)',
      'link eth0 master': 'none',
      'link eth0 vlan': 'none',
    });
  });

  test('links: a bridge, a bond, VXLANs (IPv4 and IPv6 underlay) and their settings as iproute2 6.1 prints them', () => {
    const links = JSON.stringify([
      { ifname: 'br0', flags: ['UP', 'LOWER_UP'], linkinfo: { info_kind: 'bridge', info_data: { stp_state: 2 } } },
      {
        ifname: 'eth3',
        flags: ['UP', 'LOWER_UP'],
        master: 'br0',
        linkinfo: { info_slave_kind: 'bridge', info_slave_data: { state: 'forwarding' } },
      },
      {
        ifname: 'bond0',
        flags: ['MASTER', 'UP', 'LOWER_UP'],
        linkinfo: {
          info_kind: 'bond',
          info_data: {
            mode: '802.3ad',
            miimon: 100,
            arp_validate: null,
            xmit_hash_policy: 'layer2',
            ad_lacp_rate: 'slow',
          },
        },
      },
      {
        ifname: 'vx6',
        flags: ['UP', 'LOWER_UP'],
        linkinfo: {
          info_kind: 'vxlan',
          info_data: { id: 7, remote6: '2001:DB8::0:2', local6: '2001:db8::1', port: 4789, learning: false },
        },
      },
      {
        ifname: 'vx9',
        flags: ['UP'],
        linkinfo: { info_kind: 'vxlan', info_data: { id: '9', group: '239.1.1.1', link: 'eth9' } },
      },
      { ifname: 'd0', flags: ['UP', 'LOWER_UP'], linkinfo: { info_kind: 'dummy' } },
    ]);
    const { facts } = observedFacts([result('links.json', { kind: 'links' }, ok(links))]);
    const settings = Object.fromEntries(
      [...facts].filter(([k]) => !/ (state|master|vlan)$/.test(k) && !k.startsWith('link eth3')),
    );
    expect(settings).toEqual({
      'link br0 kind': 'bridge',
      'link br0 stp': 'on',
      'link br0 members': ['eth3'],
      'link bond0 kind': 'bond',
      'link bond0 mode': '802.3ad',
      'link bond0 miimon': 100,
      'link bond0 primary': 'none',
      'link bond0 lacp-rate': 'slow',
      'link bond0 xmit-hash-policy': 'layer2',
      'link vx6 kind': 'vxlan',
      'link vx6 vni': 7,
      'link vx6 local': '2001:db8::1',
      'link vx6 remote': '2001:db8::2',
      'link vx6 group': 'none',
      'link vx6 dev': 'none',
      'link vx6 dstport': 4789,
      'link vx6 learning': 'off',
      'link vx9 kind': 'vxlan',
      'link vx9 vni': 9,
      'link vx9 local': 'none',
      'link vx9 remote': 'none',
      'link vx9 group': '239.1.1.1',
      'link vx9 dev': 'eth9',
      'link d0 kind': 'dummy',
    });
    expect(facts.get('link eth3 master')).toBe('br0');
  });

  test('addresses: one with a lifetime or the dynamic flag is dynamic; a permanent or tentative one is not counted', () => {
    const addr = JSON.stringify([
      {
        ifname: 'eth0',
        addr_info: [
          { family: 'inet', local: '192.168.122.50', prefixlen: 24, dynamic: true, valid_life_time: 3412 },
          { family: 'inet6', local: 'fd00::50', prefixlen: 128, valid_life_time: 7012 },
          { family: 'inet6', local: 'fe80::1', prefixlen: 64, valid_life_time: 4294967295 },
        ],
      },
      {
        ifname: 'eth1',
        addr_info: [
          { family: 'inet6', local: 'fd00::9', prefixlen: 64, tentative: true, dynamic: true, valid_life_time: 9 },
        ],
      },
    ]);
    const { facts } = observedFacts([result('addr.json', { kind: 'addresses' }, ok(addr))]);
    expect(Object.fromEntries([...facts].filter(([k]) => / (dynamic ipv[46]|\*)$/.test(k)))).toEqual({
      'addr eth0 dynamic ipv4': 'present',
      'addr eth0 dynamic ipv6': 'present',
      'addr eth0 *': ['192.168.122.50/24 dynamic', 'fd00::50/128 dynamic', 'fe80::1/64'],
      'addr eth1 *': ['fd00::9/64 dynamic'],
    });
  });

  test('routes a DHCP client or RA handler installed are listed with their protocol', () => {
    const v4 =
      '[{"dst":"default","gateway":"192.168.122.1","dev":"eth0","protocol":"dhcp","prefsrc":"192.168.122.50","metric":1024,"flags":[]},' +
      '{"dst":"192.168.122.1","dev":"eth0","protocol":"dhcp","scope":"link","prefsrc":"192.168.122.50","metric":1024,"flags":[]},' +
      '{"dst":"10.0.0.0/8","gateway":"192.168.122.1","dev":"eth0","protocol":"static","flags":[]}]';
    const { facts } = observedFacts([result('route-main.json', { kind: 'routes', family: 4, table: 'main' }, ok(v4))]);
    expect(facts.get('route4 main dev eth0')).toEqual([
      '0.0.0.0/0 metric 1024 via 192.168.122.1 dev eth0 proto dhcp',
      '10.0.0.0/8 metric 0 via 192.168.122.1 dev eth0',
      '192.168.122.1/32 metric 1024 dev eth0 proto dhcp',
    ]);
    expect(facts.get('route4 main 0.0.0.0/0 dev eth0')).toBe('via 192.168.122.1');
  });

  test('a table that does not exist is empty (iproute2 6.1 exits 2 and prints a lone "["), not unknown', () => {
    const missing = { code: 2, stdout: '[', stderr: 'Error: ipv4: FIB table does not exist.\nDump terminated\n' };
    const o = observedFacts([result('route-table10.json', { kind: 'routes', family: 4, table: 10 }, missing)]);
    expect(o.unknown.size).toBe(0);
    expect(compare([{ key: 'route4 10 0.0.0.0/0 metric 0', value: 'via 10.10.0.254 dev eth1' }], o)[0]!.status).toBe(
      'missing',
    );
  });

  test('failed, missing or unreadable probes make their keys unknown, with the reason', () => {
    const o = observedFacts([
      result('links.json', { kind: 'links' }, ok('[{},{},{},{}]')), // iproute2 6.1: one {} per link a filter rejected
      result('addr.json', { kind: 'addresses' }, ok('{"not": "a list"}')),
      result('rule.json', { kind: 'rules', family: 4 }, { code: 1, stdout: '', stderr: 'Error: something\nmore\n' }),
      result('sysctl-l3mdev.txt', { kind: 'sysctl' }),
      result('rule6.json', { kind: 'rules', family: 6 }, { code: null, stdout: '[]', stderr: '' }),
    ]);
    expect(o.facts.size).toBe(0);
    expect(Object.fromEntries(o.unknown)).toEqual({
      'addr ': { probe: 'addr.json', why: 'unreadable output (not a JSON array)' },
      'rule4 ': { probe: 'rule.json', why: 'exit 1: Error: something' },
      'sysctl ': { probe: 'sysctl-l3mdev.txt', why: 'not collected' },
      'rule6 ': { probe: 'rule6.json', why: 'no exit status recorded' },
    });
    const findings = compare(
      [
        { key: 'link mgmt kind', value: 'vrf' },
        { key: 'addr eth1 10.0.0.1/24', value: 'present' },
        { key: 'rule4 l3mdev', value: 'pref 1000' },
        { key: 'addr eth1 *', value: [] },
      ],
      o,
    );
    expect(findings.map((f) => f.status)).toEqual(['missing', 'unknown', 'unknown', 'unknown']);
  });

  test("a daemon's probe is read by its target's reader; a failed or unreadable one leaves the target's scope unknown", () => {
    const daemon = (scope: string): Observation => ({
      kind: 'daemon',
      scope,
      read: (stdout, facts) => {
        const answer = JSON.parse(stdout) as { state?: string; peers?: string[] };
        if (typeof answer.state !== 'string') throw new Error('no state');
        facts.set(`${scope}state`, answer.state);
        for (const p of answer.peers ?? []) facts.add(`${scope}peers`, p);
      },
    });
    const o = observedFacts([
      result('a.json', daemon('d a '), ok('{"state":"up","peers":["y","x"]}')),
      result('b.json', daemon('d b '), { code: 1, stdout: '', stderr: 'no daemon here\n' }),
      result('c.json', daemon('d c '), ok('{}')),
    ]);
    expect(Object.fromEntries(o.facts)).toEqual({ 'd a state': 'up', 'd a peers': ['x', 'y'] });
    expect(Object.fromEntries(o.unknown)).toEqual({
      'd b ': { probe: 'b.json', why: 'exit 1: no daemon here' },
      'd c ': { probe: 'c.json', why: 'unreadable output (no state)' },
    });
  });

  describe('services', () => {
    const unit = (stdout: string, identify?: ProbeOutput) => [
      result('unit-ssh.service.txt', { kind: 'unit', unit: 'ssh.service' }, ok(stdout)),
      ...(identify
        ? [
            result(
              'vrf-identify-ssh.service.txt',
              { kind: 'vrf-identify', unit: 'ssh.service', pid: 311 },
              identify,
              '311',
            ),
          ]
        : []),
    ];
    const vrfOf = (results: ProbeResult[]) => {
      const o = observedFacts(results);
      return o.facts.get('service ssh.service vrf') ?? o.unknown.get('service ssh.service vrf')?.why;
    };
    const RUNNING = 'LoadState=loaded\nActiveState=active\nSubState=running\nMainPID=311\n';

    test('the VRF of the MainPID, as ip vrf identify answers for that PID', () => {
      expect(vrfOf(unit(RUNNING, ok('311 mgmt\n')))).toBe('mgmt');
      expect(vrfOf(unit(RUNNING, ok('311 \n')))).toBe('none');
      expect(vrfOf(unit(RUNNING, ok('312 mgmt\n')))).toBe('answers for PID 312, but MainPID is 311');
      expect(vrfOf(unit(RUNNING))).toBe('not collected');
    });

    test('systemd ≥ 260: BindNetworkInterface= binds without a VRF cgroup, so identify finds none', () => {
      expect(vrfOf(unit(`${RUNNING}BindNetworkInterface=mgmt\n`, ok('311 \n')))).toBe('mgmt');
    });

    test('a socket unit is bound by BindToDevice=; a unit that does not exist says so', () => {
      const socket = observedFacts([
        result(
          'unit-sshd-mgmt.socket.txt',
          { kind: 'unit', unit: 'sshd-mgmt.socket' },
          ok('LoadState=loaded\nActiveState=active\nSubState=listening\nBindToDevice=mgmt\n'),
        ),
      ]);
      expect(socket.facts.get('service sshd-mgmt.socket vrf')).toBe('mgmt');
      const o = observedFacts(unit('LoadState=not-found\nActiveState=inactive\nSubState=dead\nMainPID=0\n'));
      expect(o.facts.get('service ssh.service state')).toBe('inactive (not-found)');
      expect(o.facts.get('service ssh.service vrf')).toBe('none (not running)');
    });
  });
});
