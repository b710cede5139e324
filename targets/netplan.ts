import type { Member, Model, Port, Route, Rule, Vrf } from '../src/model/model.ts';
import type { NetplanProfile } from '../src/platforms/platforms.ts';
import type { OutputFile, Target } from '../src/render/target.ts';
import {
  CONF_DIR,
  keepsForeign,
  memberFiles,
  PREFIX,
  readsOwnSettings,
  RESTART,
  routingDaemonFiles,
} from './networkd/files.ts';
import { underlays } from './networkd/links.ts';
import { dhcpSections, routeView, ruleView, type DhcpSection } from './networkd/sections.ts';
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
const dropInPath = (id: string, what = 'routes') => `${NETWORKD}/10-netplan-${id}.network.d/10-vrfgen-${what}.conf`;

const ruleFits = (r: Rule, np: NetplanProfile): boolean =>
  // routing-policy has no iif/oif keys and needs from or to.
  (r.from !== undefined || r.to !== undefined) &&
  r.iif === undefined &&
  r.oif === undefined &&
  (r.priority === undefined ? !np.warnsOnRuleWithoutPriority : r.priority <= np.maxRulePriority) &&
  r.table <= np.maxTable;

/** A route's `via` is an address in netplan: a gateway the member learns is networkd's `_dhcp4`/`_ipv6ra`. */
const routeFits = (r: Route, np: NetplanProfile): boolean =>
  r.dynamicGateway === undefined && (r.metric ?? 0) <= np.maxMetric && r.table <= np.maxTable;

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

/** The device types of netplan's YAML that vrfgen writes, in the order the document lists them. */
type Kind = 'ethernets' | 'bonds' | 'bridges' | 'dummy-devices' | 'tunnels' | 'vlans';
const KINDS: readonly Kind[] = ['ethernets', 'bonds', 'bridges', 'dummy-devices', 'tunnels', 'vlans'];

interface DropIn {
  readonly id: string;
  readonly addresses: readonly string[];
  readonly dhcpSections: readonly DhcpSection[];
  readonly routes: readonly Route[];
  readonly rules: readonly Rule[];
}

interface Placed {
  readonly yaml: object;
  readonly dropIn?: DropIn;
}

const dropIn = (d: DropIn): { dropIn?: DropIn } =>
  d.addresses.length || d.dhcpSections.length || d.routes.length || d.rules.length ? { dropIn: d } : {};

/**
 * The keys of the networkd DHCP/RA sections that netplan's overrides write themselves. It puts both
 * dhcp4- and dhcp6-overrides into one [DHCP] section, where networkd's parser applies UseDNS= and
 * UseNTP= to both clients but UseDomains= to DHCPv4 only (networkd-network-gperf.gperf, the [DHCP]
 * compatibility entries); ra-overrides write [IPv6AcceptRA] from 1.1. The rest stays in the drop-in.
 */
function fromOverrides(np: NetplanProfile): Record<DhcpSection['name'], readonly string[]> {
  return {
    DHCPv4: ['UseDNS', 'UseNTP', 'UseDomains'],
    DHCPv6: ['UseDNS', 'UseNTP'],
    IPv6AcceptRA: np.raOverrides ? ['RouteTable', 'UseDNS', 'UseDomains'] : [],
  };
}

/** The overrides that keep a lease's DNS and NTP servers and domains out of the host (see dhcpSections). */
const leaseOverrides = () => ({ 'use-dns': false, 'use-ntp': false, 'use-domains': false });

/** What a member's kind adds to its definition: the device netplan creates and its settings. */
function kindKeys(m: Member): object {
  if (m.vlan) return { id: m.vlan.id, link: m.vlan.parent };
  if (m.bridge)
    return {
      interfaces: [...m.bridge.ports],
      parameters: { stp: m.bridge.stp },
      // As in the networkd target: nothing gives a bridge without ports a carrier to wait for.
      ...(m.bridge.ports.length ? {} : { optional: true }),
    };
  if (m.bond)
    return {
      interfaces: [...m.bond.ports],
      parameters: {
        mode: m.bond.mode,
        'mii-monitor-interval': m.bond.miimon,
        ...(m.bond.primary !== undefined ? { primary: m.bond.primary } : {}),
        ...(m.bond.lacpRate !== undefined ? { 'lacp-rate': m.bond.lacpRate } : {}),
        ...(m.bond.transmitHashPolicy !== undefined ? { 'transmit-hash-policy': m.bond.transmitHashPolicy } : {}),
      },
    };
  if (m.vxlan)
    // netplan writes Group= for a multicast `remote`, and Independent=true for a VXLAN without `link`.
    return {
      mode: 'vxlan',
      id: m.vxlan.vni,
      ...(m.vxlan.local !== undefined ? { local: m.vxlan.local } : {}),
      ...((m.vxlan.remote ?? m.vxlan.group) !== undefined ? { remote: m.vxlan.remote ?? m.vxlan.group } : {}),
      ...(m.vxlan.dev !== undefined ? { link: m.vxlan.dev } : {}),
      port: m.vxlan.port,
      'mac-learning': m.vxlan.learning,
    };
  return {};
}

const kindOf = (m: Member): Kind =>
  m.vlan
    ? 'vlans'
    : m.bridge
      ? 'bridges'
      : m.bond
        ? 'bonds'
        : m.vxlan
          ? 'tunnels'
          : m.kind === 'dummy'
            ? 'dummy-devices'
            : 'ethernets';

/**
 * A member's unicast routes go on the member with an explicit table, never under `vrfs:`: netplan
 * puts VRF-level routes on the VRF device's .network, and networkd only configures a gateway route
 * when a route on that same link covers the gateway — the VRF device has none, so the route would
 * stay pending for ever (backends.md §1; netplan's own VRF test gives the VRF an address instead).
 */
function member(m: Member, vrf: Vrf, np: NetplanProfile): Placed {
  const yamlRoutes = m.routes.filter((r) => routeFits(r, np));
  const said = fromOverrides(np);
  const sections = dhcpSections(m, vrf.table)
    .map((s) => ({ ...s, entries: s.entries.filter(([k]) => !said[s.name].includes(k)) }))
    .filter((s) => s.entries.length);
  return {
    yaml: {
      renderer: 'networkd',
      ...kindKeys(m),
      ...(m.dhcp4 ? { dhcp4: true, 'dhcp4-overrides': leaseOverrides() } : {}),
      ...(m.dhcp6 ? { dhcp6: true, 'dhcp6-overrides': leaseOverrides() } : {}),
      // As in the networkd target: advertisements only where the intent takes them, and without them
      // no ~10 s wait in systemd-networkd-wait-online for one that never comes (seen in the real boot).
      'accept-ra': m.acceptRa,
      ...(m.acceptRa && np.raOverrides
        ? { 'ra-overrides': { table: vrf.table, 'use-dns': false, 'use-domains': false } }
        : {}),
      ...(m.addresses.length ? { addresses: m.addresses } : {}),
      ...(yamlRoutes.length ? { routes: yamlRoutes.map(netplanRoute) } : {}),
    },
    ...dropIn({
      id: m.name,
      addresses: [],
      dhcpSections: sections,
      routes: m.routes.filter((r) => !yamlRoutes.includes(r)),
      rules: [],
    }),
  };
}

/**
 * The VRF's own routes (isolation, blackhole/unreachable/prohibit) carry no gateway, so the VRF
 * device is the right place for them, as in the networkd target. On netplan < 0.106.1 a VRF with
 * routes but without routing-policy crashes `netplan generate` (LP #2016427), so there they stay in
 * the YAML only next to at least one rule.
 */
function vrf(v: Vrf, interfaces: readonly string[], np: NetplanProfile): Placed {
  const yamlRules = v.rules.filter((r) => ruleFits(r, np));
  const routesAllowed = !np.vrfRoutesNeedRoutingPolicy || yamlRules.length > 0;
  const yamlRoutes = routesAllowed ? v.routes.filter((r) => routeFits(r, np)) : [];
  return {
    yaml: {
      renderer: 'networkd',
      table: v.table,
      interfaces,
      // A VRF device never gets a link-local address: netplan's own wait-online drop-in would
      // wait 120 s for one (LP #2060311); without link-local it waits for carrier instead.
      ...(np.vrfLinkLocalOff ? { 'link-local': [] } : {}),
      ...(np.vrfAddresses && v.addresses.length ? { addresses: v.addresses } : {}),
      ...(yamlRoutes.length ? { routes: yamlRoutes.map(netplanRoute) } : {}),
      ...(yamlRules.length ? { 'routing-policy': yamlRules.map(netplanRule) } : {}),
    },
    ...dropIn({
      id: v.name,
      addresses: np.vrfAddresses ? [] : v.addresses,
      dhcpSections: [],
      routes: v.routes.filter((r) => !yamlRoutes.includes(r)),
      rules: v.rules.filter((r) => !yamlRules.includes(r)),
    }),
  };
}

/** A bridge's or bond's port, as netplan declares one: no addresses, link-local or advertisements. */
const port = (p: Port): [string, object] => [p.name, { renderer: 'networkd', 'link-local': [], 'accept-ra': false }];

/**
 * A link that carries VLAN or VXLAN members but is no member itself, declared as the networkd
 * target's trunk: up, no addresses, no IPv6 link-local or RA. A VLAN parent another file configures
 * (named under vlan-parents) is declared there, and netplan resolves `link:` across files, so vrfgen
 * leaves it out (declaring it here as an ethernet would clash with a bond of the same name).
 */
const trunk = (name: string): [string, object] => [
  name,
  { renderer: 'networkd', 'link-local': [], 'accept-ra': false, 'ignore-carrier': true, optional: true },
];

/**
 * The members netplan cannot declare on the platform: dummies before 0.107, and whatever is stacked
 * on one (a VLAN's `link:` and a VXLAN's must be netplan definitions). The target writes the networkd
 * target's own files for them, which carry `VRF=` themselves.
 */
function networkdOnly(model: Model, np: NetplanProfile): Set<string> {
  const out = new Set<string>();
  const members = model.vrfs.flatMap((v) => v.members);
  let grew = true;
  while (grew) {
    grew = false;
    for (const m of members) {
      const below = m.vlan?.parent ?? m.vxlan?.dev;
      if (!out.has(m.name) && ((m.kind === 'dummy' && !np.dummyDevices) || (below && out.has(below)))) {
        out.add(m.name);
        grew = true;
      }
    }
  }
  return out;
}

const byName = (a: [string, object], b: [string, object]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * The YAML document, the drop-ins and the members left to networkd files, of a model. Exported so
 * that the YAML writer's differential test (test/intent/plain-yaml-stringify.test.ts) and the property
 * tests see exactly the document rendered.
 */
export function netplanDocument(model: Model) {
  const np = model.platform.netplan;
  const fallback = networkdOnly(model, np);
  const u = underlays(model);
  const members = model.vrfs.flatMap((v) =>
    v.members.filter((m) => !fallback.has(m.name)).map((m) => [m, member(m, v, np)] as const),
  );
  const vrfs = model.vrfs.map(
    (v) =>
      [
        v,
        vrf(
          v,
          v.members.filter((m) => !fallback.has(m.name)).map((m) => m.name),
          np,
        ),
      ] as const,
  );
  const defs: Record<Kind, [string, object][]> = {
    ethernets: [
      ...model.ports.map(port),
      ...model.vlanParents.filter((p) => !p.networkdFile).map((p) => trunk(p.name)),
    ],
    bonds: [],
    bridges: [],
    'dummy-devices': [],
    tunnels: [],
    vlans: [],
  };
  for (const [m, p] of members) defs[kindOf(m)].push([m.name, p.yaml]);
  const network = {
    version: 2,
    ...Object.fromEntries(
      KINDS.filter((k) => defs[k].length).map((k) => [k, Object.fromEntries(defs[k].sort(byName))]),
    ),
    ...(vrfs.length ? { vrfs: Object.fromEntries(vrfs.map(([v, p]) => [v.name, p.yaml])) } : {}),
  };
  const dropIns = [...vrfs, ...members].flatMap(([, p]) => (p.dropIn ? [p.dropIn] : []));
  const networkd = model.vrfs.flatMap((v) => v.members.filter((m) => fallback.has(m.name)).map((m) => ({ vrf: v, m })));
  // The links whose netplan-made .network needs KeepConfiguration= (the networkd target's files say it themselves).
  const keepForeign = model.vrfs
    .filter(keepsForeign)
    .flatMap((v) => [v.name, ...v.members.filter((m) => !fallback.has(m.name)).map((m) => m.name)]);
  return { yaml: { network }, dropIns, networkd, keepForeign, underlays: u };
}

export default {
  name: 'netplan',
  kind: 'network',
  summary: 'netplan YAML in /etc/netplan (renderer networkd), plus networkd drop-ins where netplan falls short',
  owns: [
    PATH,
    `${NETWORKD}/10-netplan-*.network.d/10-vrfgen-*.conf`,
    `${NETWORKD}/${PREFIX}*.netdev`,
    `${NETWORKD}/${PREFIX}*.network`,
    `${CONF_DIR}/${PREFIX}*.conf`,
  ],
  // Regenerates /run/systemd/network from the YAML and has networkd take it (and the drop-ins) up.
  // networkd reads its own settings (the routing-daemon drop-in) only when it starts.
  reload: (files) => [['netplan', 'apply'], ...(readsOwnSettings(files) ? [RESTART] : [])],
  foreign: netplanForeign,
  render(model: Model, { template }) {
    const np = model.platform.netplan;
    const { yaml, dropIns, networkd, keepForeign, underlays: u } = netplanDocument(model);
    return [
      { path: PATH, mode: 0o600, content: template('netplan/vrfgen.yaml.njk', { network: yaml }) },
      ...dropIns.map((d): OutputFile => ({
        path: dropInPath(d.id),
        mode: 0o644,
        content: template('netplan/routes.conf.njk', {
          name: d.id,
          version: np.version,
          addresses: d.addresses,
          dhcpSections: d.dhcpSections,
          routes: d.routes.map(routeView),
          rules: d.rules.map(ruleView),
        }),
      })),
      ...keepForeign.map((id): OutputFile => ({
        path: dropInPath(id, 'routing-daemon'),
        mode: 0o644,
        content: template('netplan/routing-daemon.conf.njk', { name: id, keepForeign: true }),
      })),
      ...networkd.flatMap(({ vrf: v, m }) => memberFiles(template, v, m, u)),
      // netplan has no key for networkd's own settings; its routes meet the same cleanup.
      ...routingDaemonFiles(template, model),
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
      'routes through a gateway a member learns (via: dhcp|ra: Gateway=_dhcp4/_ipv6ra), the route table of DHCP leases and DHCPv6 without an advertisement (WithoutRA=solicit) go into networkd drop-ins',
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
      np.dummyDevices
        ? `netplan ${np.version}: dummy members under dummy-devices:`
        : `netplan ${np.version}: no dummy-devices: (from 0.107); dummy members, and VLANs and VXLANs on them, get the networkd target's own files`,
      np.vrfAddresses
        ? `netplan ${np.version}: addresses of the VRF device under vrfs:`
        : `netplan ${np.version}: no addresses under vrfs: (from 1.0); the VRF device's addresses go into networkd drop-ins`,
      np.raOverrides
        ? `netplan ${np.version}: the route table of router advertisements in ra-overrides:`
        : `netplan ${np.version}: no ra-overrides: (from 1.1); the route table of router advertisements goes into networkd drop-ins`,
    ];
  },
} satisfies Target;
