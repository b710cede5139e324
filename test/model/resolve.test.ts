/** resolve(): defaults, table adoption, route placement and sorting, table-driven. */
import { describe, expect, test } from 'vitest';
import { validateText } from '../../src/index.ts';
import type { Model } from '../../src/model/model.ts';

const model = (yaml: string): Model => {
  const v = validateText(`version: 1\n${yaml}`);
  expect(v.diagnostics).toEqual([]);
  return v.model!;
};

describe('resolve', () => {
  test('defaults: platform debian-12, isolate true (two unreachable defaults in the VRF table)', () => {
    const m = model('vrfs: {blue: {table: 7}}');
    expect(m.platformName).toBe('debian-12');
    expect(m.vrfs[0]!.routes.map((r) => [r.to, r.type, r.metric, r.table, r.isolation])).toEqual([
      ['0.0.0.0/0', 'unreachable', 4278198272, 7, true],
      ['::/0', 'unreachable', 4278198272, 7, true],
    ]);
  });

  test('a gateway route is placed on the member whose subnet holds the gateway, in the VRF table', () => {
    const m = model(`vrfs:
  red:
    table: 10
    isolate: false
    interfaces: {a: {addresses: [10.0.0.1/24]}, b: {addresses: [10.0.1.1/24]}}
    routes: [{to: default, via: 10.0.1.254}, {to: 10.9.0.0/16, via: 10.0.0.9, metric: 5}]`);
    const [a, b] = m.vrfs[0]!.members;
    expect(a!.routes.map((r) => `${r.to} via ${r.via} dev ${r.dev} table ${r.table} metric ${r.metric}`)).toEqual([
      '10.9.0.0/16 via 10.0.0.9 dev a table 10 metric 5',
    ]);
    expect(b!.routes.map((r) => `${r.to} via ${r.via} dev ${r.dev}`)).toEqual(['0.0.0.0/0 via 10.0.1.254 dev b']);
    expect(m.vrfs[0]!.routes).toEqual([]);
  });

  test('everything is sorted: vrfs, members, addresses (IPv4 first), services; ssh → ssh.service', () => {
    const m = model(`vrfs:
  zeta: {table: 2, interfaces: {z1: {addresses: ["2001:db8::1/64", 10.0.0.1/24]}, a1: }, services: [sshd, chrony.service]}
  alpha: {table: 1}`);
    expect(m.vrfs.map((v) => v.name)).toEqual(['alpha', 'zeta']);
    expect(m.vrfs[1]!.members.map((x) => x.name)).toEqual(['a1', 'z1']);
    expect(m.vrfs[1]!.members[1]!.addresses).toEqual(['10.0.0.1/24', '2001:db8::1/64']);
    expect(m.vrfs[1]!.services.map((s) => s.unit)).toEqual(['chrony.service', 'sshd.service']);
  });

  test('VLAN parents: a member parent lists its VLANs; a foreign parent becomes a VlanParent', () => {
    const m = model(`vrfs:
  red: {table: 1, interfaces: {eth1: , eth1.5: {vlan: {parent: eth1, id: 5}}, eth0.7: {vlan: {parent: eth0, id: 7}}}}`);
    expect(m.vrfs[0]!.members.find((x) => x.name === 'eth1')!.vlans).toEqual(['eth1.5']);
    expect(m.vlanParents).toEqual([{ name: 'eth0', vlans: ['eth0.7'], at: [] }]);
  });

  test('rules without priority keep intent order after prioritised ones; interface-only rules are both families', () => {
    const m = model(`vrfs:
  red: {table: 1, rules: [{oif: x1}, {from: 10.0.0.0/8, priority: 9}, {iif: x2}]}`);
    expect(m.vrfs[0]!.rules.map((r) => [r.priority, r.family, r.oif ?? r.iif ?? r.from])).toEqual([
      [9, 4, '10.0.0.0/8'],
      [undefined, 'both', 'x1'],
      [undefined, 'both', 'x2'],
    ]);
  });

  test('--platform overrides the intent', () => {
    const v = validateText('version: 1\nplatform: debian-13\nvrfs: {}', 'x.yaml', { platform: 'systemd-260' });
    expect(v.model!.platformName).toBe('systemd-260');
    expect(v.model!.platform.systemd).toBe(260);
  });
  test('member kinds: defaults filled in, ports sorted and tied to their master and its VRF', () => {
    const m = model(
      `vrfs:
  blue:
    table: 1
    interfaces:
      br0: {bridge: {ports: [eth4, eth3]}}
      bond0: {bond: {mode: active-backup, ports: [eth6, eth5], primary: eth5}}
      any0: {dummy: {}}
      vx1: {vxlan: {vni: 100, local: 10.0.0.1, remote: 10.0.0.2}}
      eth1:
  red: {table: 2, interfaces: {vx2: {vxlan: {vni: 5, group: 239.1.1.1, dev: eth0, port: 8472, learning: true}}}}
vlan-parents: {eth0: {networkd-file: 20-eth0.network}}`,
    );
    const byName = Object.fromEntries(m.vrfs.flatMap((v) => v.members).map((x) => [x.name, x]));
    expect(Object.fromEntries(Object.entries(byName).map(([n, x]) => [n, x.kind]))).toEqual({
      any0: 'dummy',
      bond0: 'bond',
      br0: 'bridge',
      eth1: 'ethernet',
      vx1: 'vxlan',
      vx2: 'vxlan',
    });
    expect(byName.br0!.bridge).toEqual({ ports: ['eth3', 'eth4'], stp: false });
    expect(byName.bond0!.bond).toEqual({
      mode: 'active-backup',
      ports: ['eth5', 'eth6'],
      miimon: 100,
      primary: 'eth5',
    });
    expect(byName.vx1!.vxlan).toEqual({ vni: 100, local: '10.0.0.1', remote: '10.0.0.2', port: 4789, learning: false });
    expect(byName.vx2!.vxlan).toEqual({ vni: 5, group: '239.1.1.1', dev: 'eth0', port: 8472, learning: true });
    expect(m.ports.map((p) => `${p.name} ${p.masterKind} ${p.master} ${p.vrf}`)).toEqual([
      'eth3 bridge br0 blue',
      'eth4 bridge br0 blue',
      'eth5 bond bond0 blue',
      'eth6 bond bond0 blue',
    ]);
  });

  test('addresses: secondaries in one subnet on one member, the VRF device its own, gateways in it route via the VRF', () => {
    const m = model(`vrfs:
  blue:
    table: 1
    isolate: false
    addresses: ["::1/128", 127.0.0.1/8, 10.9.0.1/24]
    interfaces: {eth2: {addresses: [192.0.2.2/24, 192.0.2.1/24, 192.0.2.3/25]}}
    routes: [{to: 10.99.0.0/16, via: 10.9.0.254}, {to: 192.0.2.7, via: 192.0.2.254}]`);
    const v = m.vrfs[0]!;
    expect(v.addresses).toEqual(['10.9.0.1/24', '127.0.0.1/8', '::1/128']);
    expect(v.members[0]!.addresses).toEqual(['192.0.2.1/24', '192.0.2.2/24', '192.0.2.3/25']);
    expect(v.routes.map((r) => `${r.to} via ${r.via} dev ${r.dev}`)).toEqual(['10.99.0.0/16 via 10.9.0.254 dev blue']);
    expect(v.members[0]!.routes.map((r) => `${r.to} via ${r.via} dev ${r.dev}`)).toEqual([
      '192.0.2.7/32 via 192.0.2.254 dev eth2',
    ]);
  });

  test('DHCP and RA: flags per member, and routes through the gateway a lease or an advertisement names', () => {
    const m = model(`vrfs:
  mgmt:
    table: 10
    isolate: false
    interfaces: {eth0: {dhcp4: true, accept-ra: true}, eth1: {dhcp6: true}}
    routes: [{to: default, via: dhcp}, {to: "2001:db8::/32", via: ra, metric: 7}]`);
    const [eth0, eth1] = m.vrfs[0]!.members;
    expect([eth0!.dhcp4, eth0!.dhcp6, eth0!.acceptRa, eth1!.dhcp4, eth1!.dhcp6, eth1!.acceptRa]).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
    expect(eth0!.routes.map((r) => [r.to, r.via, r.dynamicGateway, r.dev, r.family, r.metric])).toEqual([
      ['0.0.0.0/0', undefined, 'dhcp', 'eth0', 4, undefined],
      ['2001:db8::/32', undefined, 'ra', 'eth0', 6, 7],
    ]);
  });

  test('host prefixes are /32 and /128; an interface-only rule takes its family from `family`', () => {
    const m = model(`vrfs:
  red:
    table: 1
    isolate: false
    routes: [{to: 198.51.100.7, type: blackhole}, {to: "2001:db8::7", type: prohibit}]
    rules: [{from: 192.168.8.254, priority: 1}, {iif: x1, family: ipv6, priority: 2}, {oif: x1, family: ipv4, priority: 3}, {oif: x2, family: both, priority: 4}]`);
    const v = m.vrfs[0]!;
    expect(v.routes.map((r) => r.to)).toEqual(['198.51.100.7/32', '2001:db8::7/128']);
    expect(v.rules.map((r) => [r.from ?? r.iif ?? r.oif, r.family])).toEqual([
      ['192.168.8.254/32', 4],
      ['x1', 6],
      ['x1', 4],
      ['x2', 'both'],
    ]);
  });
});
