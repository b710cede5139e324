import type { Member, Route, Rule } from '../../src/model/model.ts';

/**
 * The [Route] and [RoutingPolicyRule] sections of a .network file, as templates/networkd/_routing.njk
 * lays them out, and the [DHCPv4], [DHCPv6] and [IPv6AcceptRA] sections (templates/networkd/_dhcp.njk).
 * Two targets write them: networkd in its own files, and netplan in the drop-ins for what netplan
 * cannot express, which networkd reads with the file netplan generates.
 */

/** networkd's stand-ins for the router a DHCPv4 lease or an advertisement names (systemd v247 NEWS). */
const LEARNED_GATEWAY = { dhcp: '_dhcp4', ra: '_ipv6ra' } as const;

/** networkd has no implicit VRF table before v245 and never for rules, so every section names it. */
export const routeView = (r: Route) => ({
  type: r.type === 'unicast' ? null : r.type,
  destination: r.to,
  gateway: r.via ?? (r.dynamicGateway ? LEARNED_GATEWAY[r.dynamicGateway] : null),
  onlink: r.onlink,
  metric: r.metric ?? null,
  table: r.table,
});

export const ruleView = (r: Rule) => ({
  // networkd takes the family from From=/To=; without either it means IPv4 only (systemd.network(5),
  // Family=), so an interface-only rule names its family.
  family: r.family === 'both' ? 'both' : r.from === undefined && r.to === undefined ? `ipv${r.family}` : null,
  from: r.from ?? null,
  to: r.to ?? null,
  iif: r.iif ?? null,
  oif: r.oif ?? null,
  priority: r.priority ?? null,
  table: r.table,
});

export type Entries = readonly (readonly [key: string, value: string | number])[];

/** One section of fixed keys, in the order written. */
export interface DhcpSection {
  readonly name: 'DHCPv4' | 'DHCPv6' | 'IPv6AcceptRA';
  readonly entries: Entries;
}

/**
 * What a lease or an advertisement hands the host besides addresses and routes. The resolver
 * (systemd-resolved or resolv.conf) and timesyncd serve the default VRF: servers and search domains
 * learnt in a VRF would send the whole host's look-ups there, or reach nothing from outside it.
 * Explicit, so a global default in networkd.conf (v256) cannot turn them on.
 */
const LEASE_SERVICES: Entries = [
  ['UseDNS', 'no'],
  ['UseNTP', 'no'],
  ['UseDomains', 'no'],
];
const RA_SERVICES: Entries = [
  ['UseDNS', 'no'],
  ['UseDomains', 'no'],
];

/**
 * The DHCP and RA client sections of a member (none when it takes neither). Their routes go into the
 * VRF's table, said explicitly: networkd defaults RouteTable= to the VRF's (systemd.network(5)), but
 * only where VRF= is set, and the netplan target's drop-in must not depend on that.
 * - DHCPv6 hands out addresses and no routes: the only one networkd derives from it, the unreachable
 *   route for a delegated prefix, goes into the VRF's table by itself (link_get_vrf_table); there is
 *   no RouteTable= in [DHCPv6]. WithoutRA=solicit (v246) starts it without waiting for an
 *   advertisement with the M flag, which never comes where advertisements are not taken.
 */
export function dhcpSections(m: Member, table: number): DhcpSection[] {
  const sections: DhcpSection[] = [];
  if (m.dhcp4) sections.push({ name: 'DHCPv4', entries: [['RouteTable', table], ...LEASE_SERVICES] });
  if (m.dhcp6) sections.push({ name: 'DHCPv6', entries: [['WithoutRA', 'solicit'], ...LEASE_SERVICES] });
  if (m.acceptRa) sections.push({ name: 'IPv6AcceptRA', entries: [['RouteTable', table], ...RA_SERVICES] });
  return sections;
}

/** `DHCP=` of a member, or null. */
export const dhcpMode = (m: Member) => (m.dhcp4 && m.dhcp6 ? 'yes' : m.dhcp4 ? 'ipv4' : m.dhcp6 ? 'ipv6' : null);
