import type { Member, Model, Route, Rule, VlanParent, Vrf } from '../src/model/model.ts';
import type { NetplanProfile } from '../src/platforms/platforms.ts';
import type { OutputFile, Target } from '../src/render/target.ts';
import { routeView, ruleView } from './networkd/sections.ts';
import netplanForeign from './netplan-foreign.ts';

/**
 * netplan merges /{lib,etc,run}/netplan/*.yaml in file-name order, later files amending or
 * overriding earlier ones. 90- comes after the installers' files (00-installer-config.yaml,
 * 50-cloud-init.yaml), so for the links vrfgen manages its keys win. Mode 0600: since 0.106
 * netplan warns about any YAML that group or others can read (LP #1862600).
 */
const PATH = '/etc/netplan/90-vrfgen.yaml';
const NETWORKD = '/etc/systemd/network';

/**
 * Routes and rules netplan cannot write correctly on a platform go into a networkd drop-in for the
 * .network file netplan generates for the same link (`10-netplan-<id>.network`, src/networkd.c):
 * networkd reads drop-ins from /etc for a .network in /run, so the section lands exactly where
 * vrfgen's own networkd target puts it. The YAML pins `renderer: networkd` on every definition
 * vrfgen writes, so a global `renderer: NetworkManager` elsewhere cannot take them over (0.106's NM
 * renderer also drops VRF routing-policy silently).
 */
const dropInPath = (id: string) => `${NETWORKD}/10-netplan-${id}.network.d/10-vrfgen-routes.conf`;

const ruleFits = (r: Rule, np: NetplanProfile): boolean =>
  // routing-policy has no iif/oif keys and needs from or to.
  (r.from !== undefined || r.to !== undefined) &&
  r.iif === undefined &&
  r.oif === undefined &&
  (r.priority === undefined ? !np.warnsOnRuleWithoutPriority : r.priority <= np.maxRulePriority) &&
  r.table <= np.maxTable;

const routeFits = (r: Route, np: NetplanProfile): boolean => (r.metric ?? 0) <= np.maxMetric && r.table <= np.maxTable;

const netplanRoute = (r: Route) => ({
  to: r.to,
  ...(r.via !== undefined ? { via: r.via } : {}),
  ...(r.type !== 'unicast' ? { type: r.type } : {}),
  ...(r.onlink ? { 'on-link': true } : {}),
  ...(r.metric !== undefined ? { metric: r.metric } : {}),
  // Always explicit: netplan's NetworkManager renderer and networkd before v245 have no implicit
  // VRF table, and 0.106 does not adopt the VRF table into routing-policy without routes.
  table: r.table,
});

const netplanRule = (r: Rule) => ({
  ...(r.from !== undefined ? { from: r.from } : {}),
  ...(r.to !== undefined ? { to: r.to } : {}),
  ...(r.priority !== undefined ? { priority: r.priority } : {}),
  table: r.table,
});

interface Placed {
  readonly yaml: object;
  readonly dropIn?: { readonly id: string; readonly routes: readonly Route[]; readonly rules: readonly Rule[] };
}

/**
 * A member's unicast routes go on the member with an explicit table, never under `vrfs:`: netplan
 * puts VRF-level routes on the VRF device's .network, and networkd only configures a gateway route
 * when a route on that same link covers the gateway — the VRF device has none, so the route would
 * stay pending for ever (backends.md §1; netplan's own VRF test gives the VRF an address instead).
 */
function member(m: Member, np: NetplanProfile): Placed {
  const yamlRoutes = m.routes.filter((r) => routeFits(r, np));
  const rest = m.routes.filter((r) => !routeFits(r, np));
  return {
    yaml: {
      renderer: 'networkd',
      ...(m.vlan ? { id: m.vlan.id, link: m.vlan.parent } : {}),
      // As in the networkd target: the intent's addresses and routes only, and no ~10 s wait in
      // systemd-networkd-wait-online for an advertisement that never comes (seen in the real boot).
      'accept-ra': false,
      ...(m.addresses.length ? { addresses: m.addresses } : {}),
      ...(yamlRoutes.length ? { routes: yamlRoutes.map(netplanRoute) } : {}),
    },
    ...(rest.length ? { dropIn: { id: m.name, routes: rest, rules: [] } } : {}),
  };
}

/**
 * The VRF's own routes (isolation, blackhole/unreachable/prohibit) carry no gateway, so the VRF
 * device is the right place for them, as in the networkd target. On netplan < 0.106.1 a VRF with
 * routes but without routing-policy crashes `netplan generate` (LP #2016427), so there they stay in
 * the YAML only next to at least one rule.
 */
function vrf(v: Vrf, np: NetplanProfile): Placed {
  const yamlRules = v.rules.filter((r) => ruleFits(r, np));
  const routesAllowed = !np.vrfRoutesNeedRoutingPolicy || yamlRules.length > 0;
  const yamlRoutes = routesAllowed ? v.routes.filter((r) => routeFits(r, np)) : [];
  const routes = v.routes.filter((r) => !yamlRoutes.includes(r));
  const rules = v.rules.filter((r) => !yamlRules.includes(r));
  return {
    yaml: {
      renderer: 'networkd',
      table: v.table,
      interfaces: v.members.map((m) => m.name),
      // A VRF device never gets a link-local address: netplan's own wait-online drop-in would
      // wait 120 s for one (LP #2060311); without link-local it waits for carrier instead.
      ...(np.vrfLinkLocalOff ? { 'link-local': [] } : {}),
      ...(yamlRoutes.length ? { routes: yamlRoutes.map(netplanRoute) } : {}),
      ...(yamlRules.length ? { 'routing-policy': yamlRules.map(netplanRule) } : {}),
    },
    ...(routes.length || rules.length ? { dropIn: { id: v.name, routes, rules } } : {}),
  };
}

/**
 * A VLAN parent that is not a member. One another file configures (named under vlan-parents) is
 * declared there, and netplan resolves `link:` across files, so vrfgen leaves it out (declaring it
 * here as an ethernet would clash with a bond of the same name). Otherwise vrfgen declares it as
 * the networkd target's trunk: up, no addresses, no IPv6 link-local or RA.
 */
const trunk = (p: VlanParent): [string, object][] =>
  p.networkdFile
    ? []
    : [
        [
          p.name,
          { renderer: 'networkd', 'link-local': [], 'accept-ra': false, 'ignore-carrier': true, optional: true },
        ],
      ];

/**
 * The YAML document and the drop-ins of a model. Exported so that the YAML writer's differential
 * test (test/intent/plain-yaml-stringify.test.ts) and the property tests see exactly the document rendered.
 */
export function netplanDocument(model: Model) {
  const np = model.platform.netplan;
  const members = model.vrfs.flatMap((v) => v.members.map((m) => [m, member(m, np)] as const));
  const vrfs = model.vrfs.map((v) => [v, vrf(v, np)] as const);
  const ethernets = [
    ...members.filter(([m]) => !m.vlan).map(([m, p]) => [m.name, p.yaml] as [string, object]),
    ...model.vlanParents.flatMap(trunk),
  ];
  const vlans = members.filter(([m]) => m.vlan).map(([m, p]) => [m.name, p.yaml] as [string, object]);
  const byName = (a: [string, object], b: [string, object]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const network = {
    version: 2,
    ...(ethernets.length ? { ethernets: Object.fromEntries(ethernets.sort(byName)) } : {}),
    ...(vlans.length ? { vlans: Object.fromEntries(vlans.sort(byName)) } : {}),
    ...(vrfs.length ? { vrfs: Object.fromEntries(vrfs.map(([v, p]) => [v.name, p.yaml])) } : {}),
  };
  const dropIns = [...vrfs, ...members].flatMap(([, p]) => (p.dropIn ? [p.dropIn] : []));
  return { yaml: { network }, dropIns };
}

export default {
  name: 'netplan',
  kind: 'network',
  summary: 'netplan YAML in /etc/netplan (renderer networkd), plus networkd drop-ins where netplan falls short',
  owns: [PATH, `${NETWORKD}/10-netplan-*.network.d/10-vrfgen-*.conf`],
  // Regenerates /run/systemd/network from the YAML and has networkd take it (and the drop-ins) up.
  reload: () => [['netplan', 'apply']],
  foreign: netplanForeign,
  render(model: Model, { template }) {
    const np = model.platform.netplan;
    const { yaml, dropIns } = netplanDocument(model);
    return [
      { path: PATH, mode: 0o600, content: template('netplan/vrfgen.yaml.njk', { network: yaml }) },
      ...dropIns.map((d): OutputFile => ({
        path: dropInPath(d.id),
        mode: 0o644,
        content: template('netplan/routes.conf.njk', {
          name: d.id,
          version: np.version,
          routes: d.routes.map(routeView),
          rules: d.rules.map(ruleView),
        }),
      })),
    ];
  },
  platformNotes({ netplan: np }) {
    return [
      np.vrfRoutesNeedRoutingPolicy
        ? `netplan ${np.version}: routes under vrfs: without routing-policy crash netplan generate (LP #2016427, fixed in 0.106.1); they go into networkd drop-ins`
        : `netplan ${np.version}: VRF routes under vrfs:, with or without routing-policy`,
      np.maxMetric < 4294967294
        ? `netplan ${np.version}: metrics above ${np.maxMetric} come out negative (LP #2023681, fixed in 0.107); such routes, the isolation routes among them, go into networkd drop-ins`
        : `netplan ${np.version}: isolation routes (metric 4278198272) in the YAML`,
      `tables and rule priorities above ${np.maxTable}, and rules on iif/oif (no netplan key), go into networkd drop-ins`,
      ...(np.warnsOnRuleWithoutPriority
        ? [
            `netplan ${np.version}: warns about rules without a priority; those go into networkd drop-ins (in intent order)`,
          ]
        : []),
      ...(np.vrfLinkLocalOff
        ? [
            `netplan ${np.version}: VRFs get link-local: [] so its systemd-networkd-wait-online drop-in waits for their carrier, not for a link-local address they never get (LP #2060311)`,
          ]
        : []),
    ];
  },
} satisfies Target;
