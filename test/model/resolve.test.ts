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
});
