import type { Family } from '../../src/model/ip.ts';
import type { Member, Route, Rule, Vrf } from '../../src/model/model.ts';
import type { NetworkManagerProfile } from '../../src/platforms/platforms.ts';
import type { Keys, Section } from './keyfile.ts';

/** The metric the kernel gives a route without one; NM would use its per-device default instead. */
const KERNEL_METRIC: Record<Family, number> = { 4: 0, 6: 1024 };
const ANY: Record<Family, string> = { 4: '0.0.0.0', 6: '::' };

const familyOf = (address: string): Family => (address.includes(':') ? 6 : 4);

/** `routeN=DEST[,GATEWAY[,METRIC]]` plus `routeN_options=` (nm-settings-keyfile(5)); options sorted as NM writes them. */
function routeKeys(routes: readonly Route[]): Keys {
  return routes.flatMap((r, i): Keys => {
    const n = i + 1;
    const value =
      r.metric !== undefined
        ? `${r.to},${r.via ?? ANY[r.family]},${r.metric}`
        : r.via !== undefined
          ? `${r.to},${r.via}`
          : r.to;
    const options = [
      ...(r.onlink ? ['onlink=true'] : []),
      `table=${r.table}`,
      ...(r.type !== 'unicast' ? [`type=${r.type}`] : []),
    ];
    return [
      [`route${n}`, value],
      [`route${n}_options`, options.join(',')],
    ];
  });
}

/**
 * `routing-ruleN=priority P [from P] [to P] [iif X] [oif X] table T`. NM's keyfile reader drops a
 * rule without a priority without a word, so those are refused instead (see ./refused.ts).
 */
const ruleKeys = (family: Family, rules: readonly Rule[]): Keys =>
  rules
    .filter((r) => r.priority !== undefined)
    .map((r, i) => {
      // NM spells a rule on interfaces only with the family's any-prefix; the kernel matches the same.
      const from = r.from ?? (r.to === undefined ? `${ANY[family]}/0` : undefined);
      const words = [
        `priority ${r.priority}`,
        from && `from ${from}`,
        r.to && `to ${r.to}`,
        r.iif && `iif ${r.iif}`,
        r.oif && `oif ${r.oif}`,
        `table ${r.table}`,
      ];
      return [`routing-rule${i + 1}`, words.filter(Boolean).join(' ')];
    });

/** Where NM configures a family by itself: DHCPv4 (`auto` in [ipv4]), router advertisements and DHCPv6. */
export const DYNAMIC_METHODS: readonly string[] = ['auto', 'dhcp'];

/**
 * One [ipv4]/[ipv6] section: keys in the order NM writes them, so `nmcli` re-emits the same file.
 * A family NM configures by itself gets the VRF's table for everything the lease or the router
 * advertisement brings (NM would adopt it for a VRF port by itself, nm-device.c
 * _prop_get_ipvx_route_table; the file says what it does), and keeps the DNS servers they name out
 * of the host's resolver: those are reachable through the VRF only, while resolv.conf and
 * systemd-resolved serve every program of the default VRF.
 */
function ipSection(
  family: Family,
  method: string,
  table: number,
  addresses: readonly string[],
  routes: readonly Route[],
  rules: readonly Rule[],
): Section {
  const dynamic = DYNAMIC_METHODS.includes(method);
  return {
    name: `ipv${family}`,
    keys: [
      ...addresses.filter((a) => familyOf(a) === family).map((a, i): [string, string] => [`address${i + 1}`, a]),
      ...(dynamic ? ([['ignore-auto-dns', 'true']] as Keys) : []),
      ['method', method],
      // Routes without a metric get the kernel's default, as under every other stack (NM would
      // otherwise use its per-device-type default, e.g. 100 for ethernet).
      ['route-metric', KERNEL_METRIC[family]],
      ...(dynamic ? ([['route-table', table]] as Keys) : []),
      ...routeKeys(routes.filter((r) => r.family === family)),
      ...ruleKeys(
        family,
        rules.filter((r) => r.family === family || r.family === 'both'),
      ),
    ],
  };
}

/** Routes NM can hold: a gateway a lease or an advertisement names has no key (./refused.ts). */
export const writtenRoutes = (routes: readonly Route[]) => routes.filter((r) => r.dynamicGateway === undefined);

const has = (addresses: readonly string[], family: Family) => addresses.some((a) => familyOf(a) === family);

/**
 * The method of an address-less family. NM applies a profile's routes and rules whatever the method
 * (nm-device.c `_dev_ipmanual_start` and `_routing_rules_sync` run for every method; seen on a
 * booted 1.42.4), but `disabled` sets disable_ipv6=1 on the device, and the kernel then refuses an
 * IPv6 route through it ("IPv6 is disabled on nexthop device"; NM 1.42.4 logged "route-sync:
 * failure to add IPv6 route … Permission denied" for a route with `dev` the VRF). So a family with
 * routes gets `manual` where NM takes it without addresses (1.46+; NM 1.52: "method 'manual'
 * requires at least an address or a route"), and before that, for IPv6, `ignore`: NM leaves the
 * device's IPv6 as the kernel has it (on, and without a link-local address on a VRF device) and
 * still applies the routes; nmcli 1.42.4 refuses `manual` without addresses. IPv4 `disabled`
 * changes nothing in the kernel. Without routes: `disabled`, as nmcli's own VRF profiles have it.
 */
const addressless = (nm: NetworkManagerProfile, routes: readonly Route[], family: Family) =>
  !routes.some((r) => r.family === family)
    ? 'disabled'
    : nm.manualWithoutAddresses
      ? 'manual'
      : family === 6
        ? 'ignore'
        : 'disabled';

/** The VRF device: `manual` with its own addresses (localhost for daemons inside the VRF), else address-less. */
export const vrfMethod = (v: Vrf, nm: NetworkManagerProfile, family: Family): string =>
  has(v.addresses, family) ? 'manual' : addressless(nm, v.routes, family);

/**
 * A member: IPv4 `auto` (DHCP) with dhcp4, `manual` with addresses, else address-less. IPv6 `auto`
 * with accept-ra: SLAAC, and DHCPv6 exactly when an advertisement's managed or other flag asks for
 * it, whatever dhcp6 says (NM has no setting for DHCPv6 against or without the advertisement,
 * NMSettingIP6Config:method); `dhcp` (DHCPv6 only, no advertisements) with dhcp6 alone; `manual`
 * with addresses and `link-local` without (as networkd leaves a member), neither of which takes
 * advertisements. Static addresses stay beside DHCP and SLAAC.
 */
export function memberMethod(m: Member, nm: NetworkManagerProfile, family: Family): string {
  if (family === 4)
    return m.dhcp4 ? 'auto' : has(m.addresses, 4) ? 'manual' : addressless(nm, writtenRoutes(m.routes), 4);
  return m.acceptRa ? 'auto' : m.dhcp6 ? 'dhcp' : has(m.addresses, 6) ? 'manual' : 'link-local';
}

/** [ipv4] and [ipv6] of the VRF: its addresses, routes (isolation, typed, gateways in its own subnets) and rules. */
export const vrfIp = (v: Vrf, nm: NetworkManagerProfile): Section[] =>
  ([4, 6] as const).map((f) => ipSection(f, vrfMethod(v, nm, f), v.table, v.addresses, v.routes, v.rules));

/** [ipv4] and [ipv6] of a member: its addresses and the routes through it, each with the VRF's table. */
export const memberIp = (m: Member, table: number, nm: NetworkManagerProfile): Section[] =>
  ([4, 6] as const).map((f) => ipSection(f, memberMethod(m, nm, f), table, m.addresses, writtenRoutes(m.routes), []));
