import type { Member } from '../../src/model/model.ts';
import { words } from './stanzas.ts';

/**
 * The ip(8) commands classic ifupdown runs for a member vrfgen creates: the link itself, then its
 * ports. Undefined kinds (an ethernet link exists already; a VLAN is made apart, guarded) add none.
 */
export function linkAdd(m: Member): string[] {
  if (m.bridge) return [`ip link add dev ${m.name} type bridge stp_state ${m.bridge.stp ? 1 : 0}`];
  if (m.bond) {
    const b = m.bond;
    return [
      // The kernel records a primary that is not enslaved yet and takes it when it is.
      words(
        'ip link add dev',
        m.name,
        `type bond mode ${b.mode} miimon ${b.miimon}`,
        b.primary && `primary ${b.primary}`,
        b.lacpRate && `lacp_rate ${b.lacpRate}`,
        b.transmitHashPolicy && `xmit_hash_policy ${b.transmitHashPolicy}`,
      ),
    ];
  }
  if (m.vxlan) {
    const x = m.vxlan;
    return [
      words(
        'ip link add dev',
        m.name,
        `type vxlan id ${x.vni}`,
        x.local && `local ${x.local}`,
        x.remote && `remote ${x.remote}`,
        x.group && `group ${x.group}`,
        x.dev && `dev ${x.dev}`,
        // ip(8) would pick 8472 (the kernel's) without dstport, and learns by default.
        `dstport ${x.port}`,
        x.learning ? 'learning' : 'nolearning',
      ),
    ];
  }
  if (m.kind === 'dummy') return [`ip link add dev ${m.name} type dummy`];
  return [];
}

/**
 * Enslaving the ports, after the master exists and before it joins the VRF. The bonding driver
 * refuses a port that is up (drivers/net/bonding/bond_main.c bond_enslave) and brings it up itself;
 * a bridge port stays as it was, so it is set up.
 */
export function portCommands(m: Member): string[] {
  if (m.bond)
    return m.bond.ports.flatMap((p) => [`ip link set dev ${p} down`, `ip link set dev ${p} master ${m.name}`]);
  if (m.bridge)
    return m.bridge.ports.flatMap((p) => [`ip link set dev ${p} master ${m.name}`, `ip link set dev ${p} up`]);
  return [];
}
