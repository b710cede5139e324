import type { Member, Port, VlanParent, Vrf } from '../../src/model/model.ts';
import type { NetworkManagerProfile } from '../../src/platforms/platforms.ts';
import { memberIp, vrfIp } from './ip.ts';
import { connection, type Keys, type Section } from './keyfile.ts';

/**
 * NM's own defaults, which its keyfile writer leaves out (nm-setting-bridge.c NM_BRIDGE_STP_DEF,
 * nm-setting-vxlan.c DST_PORT_DEFAULT and the learning property): vrfgen writes a key where the
 * model differs and leaves it out where NM would, so `nmcli` gives each file back unchanged.
 */
export const NM_DEFAULTS = { stp: true, vxlanPort: 8472, vxlanLearning: true } as const;

const group = (name: string, keys: Keys = []): Section => ({ name, keys });

/**
 * The connection type and the groups of a member's kind, as NM writes them: a VLAN's and a bridge's
 * profile carry an empty [ethernet] (nmcli adds one), a bond's options are the kernel's names
 * (nm-setting-bond.h) sorted, a VXLAN's multicast group is its `remote=` with the underlay as
 * `parent=` (nm-settings-nmcli(5)). flags=1 (REORDER_HEADERS) is NM's default for a VLAN; it writes it.
 */
function link(m: Member): { type: string; groups: Section[] } {
  if (m.vlan)
    return {
      type: 'vlan',
      groups: [
        group('ethernet'),
        group('vlan', [
          ['flags', 1],
          ['id', m.vlan.id],
          ['parent', m.vlan.parent],
        ]),
      ],
    };
  if (m.bridge)
    return {
      type: 'bridge',
      groups: [
        group('ethernet'),
        group('bridge', m.bridge.stp === NM_DEFAULTS.stp ? [] : [['stp', String(m.bridge.stp)]]),
      ],
    };
  if (m.bond) {
    const b = m.bond;
    const options: Keys = [
      ...(b.lacpRate !== undefined ? ([['lacp_rate', b.lacpRate]] as Keys) : []),
      ['miimon', b.miimon],
      ['mode', b.mode],
      ...(b.primary !== undefined ? ([['primary', b.primary]] as Keys) : []),
      ...(b.transmitHashPolicy !== undefined ? ([['xmit_hash_policy', b.transmitHashPolicy]] as Keys) : []),
    ];
    return { type: 'bond', groups: [group('bond', options)] };
  }
  if (m.vxlan) {
    const x = m.vxlan;
    const peer = x.remote ?? x.group;
    const keys: Keys = [
      ...(x.port !== NM_DEFAULTS.vxlanPort ? ([['destination-port', x.port]] as Keys) : []),
      ['id', x.vni],
      ...(x.learning !== NM_DEFAULTS.vxlanLearning ? ([['learning', String(x.learning)]] as Keys) : []),
      ...(x.local !== undefined ? ([['local', x.local]] as Keys) : []),
      ...(x.dev !== undefined ? ([['parent', x.dev]] as Keys) : []),
      ...(peer !== undefined ? ([['remote', peer]] as Keys) : []),
    ];
    return { type: 'vxlan', groups: [group('vxlan', keys)] };
  }
  if (m.kind === 'dummy') return { type: 'dummy', groups: [group('dummy')] };
  return { type: 'ethernet', groups: [group('ethernet')] };
}

/** The VRF device: its table, its own addresses, the routes not bound to a member, and the VRF's rules. */
export const vrfProfile = (v: Vrf, nm: NetworkManagerProfile): Section[] => [
  connection(v.name, 'vrf', nm),
  group('vrf', [['table', v.table]]),
  ...vrfIp(v, nm),
  group('proxy'),
];

/** A member of any kind, enslaved to its VRF. */
export function memberProfile(m: Member, table: number, nm: NetworkManagerProfile): Section[] {
  const { type, groups } = link(m);
  return [
    connection(m.name, type, nm, { name: m.vrf, type: 'vrf' }),
    ...groups,
    ...memberIp(m, table, nm),
    group('proxy'),
  ];
}

/**
 * A port of a bridge or bond member: an ethernet profile enslaved to it, with the empty
 * [bridge-port]/[bond-port] group nmcli writes and no IP groups, which NM drops from a port's
 * profile (its addresses are the master's).
 */
export const portProfile = (p: Port, nm: NetworkManagerProfile): Section[] => [
  connection(p.name, 'ethernet', nm, { name: p.master, type: p.masterKind }),
  group('ethernet'),
  group(`${p.masterKind}-port`),
];

/**
 * A VLAN parent that is not a member, as the networkd target's trunk: up, no addresses, no IPv6.
 * Without a profile NM would start its automatic DHCP profile on it. A parent another tool
 * configures (named under vlan-parents) keeps that tool's profile; NM finds it by name.
 */
export const trunkProfile = (p: VlanParent, nm: NetworkManagerProfile): Section[] => [
  connection(p.name, 'ethernet', nm),
  group('ethernet'),
  group('ipv4', [['method', 'disabled']]),
  group('ipv6', [['method', 'disabled']]),
  group('proxy'),
];
