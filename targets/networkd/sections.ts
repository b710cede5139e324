import type { Route, Rule } from '../../src/model/model.ts';

/**
 * The [Route] and [RoutingPolicyRule] sections of a .network file, as templates/networkd/_routing.njk
 * lays them out. Two targets write them: networkd in its own files, and netplan in the drop-ins for
 * what netplan cannot express, which networkd reads with the file netplan generates.
 */

/** networkd has no implicit VRF table before v245 and never for rules, so every section names it. */
export const routeView = (r: Route) => ({
  type: r.type === 'unicast' ? null : r.type,
  destination: r.to,
  gateway: r.via ?? null,
  onlink: r.onlink,
  metric: r.metric ?? null,
  table: r.table,
});

export const ruleView = (r: Rule) => ({
  // networkd takes the family from From=/To=; interface-only rules would default to IPv4.
  family: r.family === 'both' ? 'both' : null,
  from: r.from ?? null,
  to: r.to ?? null,
  iif: r.iif ?? null,
  oif: r.oif ?? null,
  priority: r.priority ?? null,
  table: r.table,
});
