import { error } from '../../src/diagnostics/diagnostics.ts';
import type { Member, Model } from '../../src/model/model.ts';
import type { OutputFile, RenderContext } from '../../src/render/target.ts';
import { ipRoute } from './stanzas.ts';

/**
 * DHCP and router advertisements on VRF members, for both ifupdown dialects. Both run ISC dhclient
 * (ifupdown2's addons/dhcp.py calls /sbin/dhclient; classic stanzas call it themselves), whose
 * dhclient-script adds the lease's routes with `ip -4 route add … dev IFACE` and no table: the
 * kernel puts such a route into main even when IFACE is a VRF port, since an RTM_NEWROUTE message
 * names its own table and ip(8) names main (net/ipv4/fib_frontend.c rtm_to_fib_config; only the old
 * SIOCADDRT ioctl takes the device's l3mdev table). Two hooks dhclient-script sources (Debian 12's
 * and 13's alike) keep every lease route in the VRF's table. Router advertisements need no help:
 * the kernel adds their default, route-information and prefix routes to the l3mdev table of the
 * port (net/ipv6/route.c rt6_add_dflt_router, rt6_add_route_info; addrconf.c addrconf_prefix_route).
 */

/** Sourced before dhclient-script acts: makes its `ip -4 route add` name the VRF's table. */
export const DHCLIENT_ENTER_HOOK = '/etc/dhcp/dhclient-enter-hooks.d/vrfgen';
/** Sourced after: the routes through the lease's router (`via: dhcp`). */
export const DHCLIENT_EXIT_HOOK = '/etc/dhcp/dhclient-exit-hooks.d/vrfgen';
export const DHCLIENT_HOOKS = [DHCLIENT_ENTER_HOOK, DHCLIENT_EXIT_HOOK];

/** The router of the lease, as the exit hook names it (the first of the lease's `routers`). */
const LEASE_ROUTER = '"$vrfgen_router"';

/** The dhclient hooks the model needs: none without a DHCPv4 member. */
export function dhclientHooks(model: Model, template: RenderContext['template']): OutputFile[] {
  const leased = model.vrfs.flatMap((v) =>
    v.members
      .filter((m) => m.dhcp4)
      .map((m) => ({
        name: m.name,
        table: v.table,
        routes: m.routes.filter((r) => r.dynamicGateway === 'dhcp').map((r) => ipRoute('replace', r, LEASE_ROUTER)),
      })),
  );
  if (leased.length === 0) return [];
  const routed = leased.filter((l) => l.routes.length > 0);
  return [
    { path: DHCLIENT_ENTER_HOOK, mode: 0o644, content: template('ifupdown/dhclient-enter.njk', { leased }) },
    ...(routed.length
      ? [{ path: DHCLIENT_EXIT_HOOK, mode: 0o644, content: template('ifupdown/dhclient-exit.njk', { routed }) }]
      : []),
  ];
}

/**
 * accept_ra 2 takes advertisements even where the host forwards (ip-sysctl.rst), as a router in
 * several VRFs does. Written to /proc, not by sysctl(8): no procps needed, and names with a dot work.
 * A member without accept-ra keeps the kernel's setting; the routes an advertisement would bring
 * still land in the VRF's table.
 */
export const acceptRa = (m: Member): string[] =>
  m.acceptRa ? [`echo 2 > /proc/sys/net/ipv6/conf/${m.name}/accept_ra`] : [];

/** Static routes go into the stanzas; routes through a lease's router into the exit hook. */
export const staticRoutes = (m: Member) => m.routes.filter((r) => r.dynamicGateway === undefined);

/**
 * A route through the router an advertisement names (`via: ra`) has no sound form here: the kernel
 * installs only the routes an advertisement carries (default and RFC 4191 route information), and
 * nothing in either dialect learns the router's address to route another prefix through it.
 */
export function refuseRaGateways(
  model: Model,
  code: 'ifupdown/ra-gateway' | 'ifupdown2/ra-gateway',
  report: RenderContext['report'],
) {
  const stack = code.slice(0, code.indexOf('/'));
  for (const m of model.vrfs.flatMap((v) => v.members))
    for (const r of m.routes.filter((x) => x.dynamicGateway === 'ra'))
      report(
        error(
          code,
          r.at,
          `route to ${r.to} via ra: ${stack} cannot route through the router an advertisement names (the kernel installs only the routes the advertisement carries, into the VRF's table); give the router's address in \`via\` with \`dev: ${m.name}\`, or use the networkd target`,
        ),
      );
}
