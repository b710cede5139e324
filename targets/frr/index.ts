import { compareCidr, parseCidr, type Family } from '../../src/model/ip.ts';
import {
  daemonRouted,
  type Bgp,
  type BgpAccept,
  type BgpSession,
  type Model,
  type Vrf,
} from '../../src/model/model.ts';
import type { Target } from '../../src/render/target.ts';
import { deviceUnit } from '../../src/systemd/device-unit.ts';
import { bgpCheck } from './check.ts';
import { ospfCheck } from './ospf-check.ts';
import { bfdProfileViews, interfaceViews, ospfRouterViews } from './ospf.ts';

/**
 * FRR reads one integrated file (`service integrated-vtysh-config`, Debian's default): vrfgen owns
 * /etc/frr/frr.conf whole, so the writer refuses a hand-written one without --force. It holds the
 * MD5 keys, hence 0640 frr:frr as Debian's package ships it (built with --enable-configfile-mask=0640).
 */
const PATH = '/etc/frr/frr.conf';
const DAEMONS = '/etc/frr/daemons';

/**
 * ebgp-requires-policy (RFC 8212, on in FRR ≥ 7.4 whatever the defaults profile): an eBGP peer
 * without a policy in a direction gets or gives nothing in that direction. A prefix-list `in` counts
 * as the inbound policy; everything else eBGP needs gets this permit-all route-map.
 */
const ALLOW = 'vrfgen-allow';
/** `export: none`: a route-map that lets nothing out. FRR sends a default-originate past it. */
const DENY = 'vrfgen-deny';

/**
 * The daemons the file needs, as the daemons file spells them: Debian's leaves bgpd, ospfd, ospf6d
 * and bfdd off (zebra, staticd and watchfrr always run). `neighbor … bfd`, `ip ospf bfd` and `ipv6
 * ospf6 bfd` need bfdd.
 */
const daemons = (conf: string): string[] =>
  (
    [
      ['bgpd', /^router bgp /m],
      ['ospfd', /^router ospf vrf /m],
      ['ospf6d', /^router ospf6 vrf /m],
      ['bfdd', /^ (neighbor \S+ bfd|ip ospf bfd|ipv6 ospf6 bfd)$/m],
    ] as const
  ).flatMap(([d, re]) => (re.test(conf) ? [d] : []));

/** `accept:` as prefix-list bounds: FRR wants `len < ge <= le`, so a bound equal to the length is left out. */
function acceptRule(a: BgpAccept): string {
  const len = Number(a.prefix.split('/')[1]);
  return [
    'permit',
    a.prefix,
    a.minLength > len ? `ge ${a.minLength}` : '',
    a.maxLength > len ? `le ${a.maxLength}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

const familyOf = (prefix: string): Family => (prefix.includes(':') ? 6 : 4);
const byPrefix = (a: string, b: string): number => compareCidr(parseCidr(a)!, parseCidr(b)!);
/** FRR's keyword of a family in prefix-lists and route-map matches. */
const ipWord = (f: Family) => (f === 4 ? 'ip' : 'ipv6');

interface PrefixListEntry {
  readonly family: Family;
  readonly name: string;
  readonly seq: number;
  readonly rule: string;
}

interface RouteMapEntry {
  readonly name: string;
  readonly action: 'permit' | 'deny';
  readonly seq: number;
  readonly matches: readonly string[];
}

interface Globals {
  readonly prefixLists: PrefixListEntry[];
  readonly routeMaps: RouteMapEntry[];
  /** The route-maps every VRF shares (ALLOW, DENY) that some session uses. */
  readonly shared: Set<string>;
}

/**
 * A route-map that lets exactly `prefixes` pass, one entry per family (`match ip address` never
 * matches an IPv6 route, so each family needs its own): seq 10 for IPv4, 20 for IPv6.
 */
function exactly(name: string, prefixes: readonly string[], globals: Globals): void {
  for (const family of [4, 6] as const) {
    const mine = prefixes.filter((p) => familyOf(p) === family);
    if (mine.length === 0) continue;
    mine.forEach((prefix, i) =>
      globals.prefixLists.push({ family, name, seq: (i + 1) * 10, rule: `permit ${prefix}` }),
    );
    globals.routeMaps.push({
      name,
      action: 'permit',
      seq: family === 4 ? 10 : 20,
      matches: [`${ipWord(family)} address prefix-list ${name}`],
    });
  }
}

/** One peer's (or peer group's) lines: the ones at the top of the block, and those of its family. */
interface PeerView {
  readonly name: string;
  readonly global: string[];
  readonly family: Family;
  readonly af: string[];
}

/**
 * One session's settings as FRR lines, in the order FRR's `show running-config` prints them
 * (bgp_config_write_peer_global, bgp_config_write_peer_af). Every neighbour and peer group starts
 * active in IPv4 unicast (`bgp default ipv4-unicast`, on in every profile): an IPv6 one is
 * switched off there and on in IPv6 unicast, so each session carries its own family.
 */
function peerView(
  name: string,
  s: BgpSession,
  group: boolean,
  acceptList: string,
  own: string,
  globals: Globals,
): PeerView {
  const global = [
    ...(group ? ['peer-group'] : []),
    `remote-as ${String(s.remoteAs)}`,
    ...(s.bfd ? ['bfd'] : []),
    ...(s.bfdProfile !== undefined ? [`bfd profile ${s.bfdProfile}`] : []),
    ...(s.password ? [`password ${s.password.value}`] : []),
    ...(s.multihop !== undefined ? [`ebgp-multihop ${s.multihop}`] : []),
    ...(s.updateSource !== undefined ? [`update-source ${s.updateSource}`] : []),
  ];
  const af: string[] = [];
  if (s.family === 6) af.push('activate');
  if (s.reflectorClient) af.push('route-reflector-client');
  if (s.defaultOriginate) af.push('default-originate');
  if (s.accept) {
    globals.prefixLists.push(
      { family: s.family, name: acceptList, seq: 10, rule: acceptRule(s.accept) },
      { family: s.family, name: acceptList, seq: 20, rule: 'deny any' },
    );
    af.push(`prefix-list ${acceptList} in`);
  } else if (s.external) af.push(`route-map ${ALLOW} in`);
  const out = s.export === 'none' ? DENY : s.export === 'own' ? own : s.external ? ALLOW : undefined;
  if (out) af.push(`route-map ${out} out`);
  for (const m of [ALLOW, DENY]) if (af.some((l) => l.startsWith(`route-map ${m} `))) globals.shared.add(m);
  return { name, global, family: s.family, af };
}

/**
 * Whether a VRF's BGP speaks IPv6: an IPv6 session, or IPv6 prefixes it originates (its IPv6 subnets,
 * static or taken by DHCPv6 or router advertisements, with `redistribute: [connected]`).
 */
function speaksIpv6(v: Vrf): boolean {
  const b = v.bgp!;
  return (
    [...b.neighbors, ...b.listen].some((s) => s.family === 6) ||
    [...b.announce, ...b.staticRoutes, ...b.connected].some((p) => familyOf(p) === 6) ||
    (b.redistribute.includes('connected') && v.members.some((m) => m.dhcp6 || m.acceptRa)) ||
    ospf6Redistributed(v)
  );
}

/** BGP takes OSPFv3's routes too when the VRF runs it on some interface. */
const ospf6Redistributed = (v: Vrf): boolean =>
  v.bgp!.redistribute.includes('ospf') && (v.ospf?.interfaces.some((i) => i.ipv6) ?? false);

/**
 * `import vrf route-map`: one route-map per importing VRF and family (FRR keeps one per address
 * family, for every VRF it imports), so each entry matches the VRF a route comes from (`match
 * source-vrf`, which bgpd reads on leaked routes) and, for `only:`, its prefix-list of that family;
 * a VRF without `only:` brings everything. What no entry permits stays out. Written only when an
 * import has `only:`.
 */
function importPolicy(v: Vrf, globals: Globals): string | undefined {
  const b = v.bgp!;
  if (b.importOnly.length === 0) return undefined;
  const name = `vrfgen-${v.name}-import`;
  b.importVrfs.forEach((from, i) => {
    const only = b.importOnly.find((o) => o.vrf === from);
    if (!only) {
      globals.routeMaps.push({ name, action: 'permit', seq: (i + 1) * 10, matches: [`source-vrf ${from}`] });
      return;
    }
    const list = `vrfgen-${v.name}-import-${from}`;
    for (const family of [4, 6] as const) {
      const mine = only.prefixes.filter((p) => familyOf(p) === family);
      if (mine.length === 0) continue;
      mine.forEach((prefix, k) => {
        const len = Number(prefix.split('/')[1]);
        const most = family === 4 ? 32 : 128;
        globals.prefixLists.push({
          family,
          name: list,
          seq: (k + 1) * 10,
          rule: `permit ${prefix}${len < most ? ` le ${most}` : ''}`,
        });
      });
      globals.routeMaps.push({
        name,
        action: 'permit',
        seq: (i + 1) * 10 + (family === 4 ? 0 : 5),
        matches: [`${ipWord(family)} address prefix-list ${list}`, `source-vrf ${from}`],
      });
    }
  });
  return name;
}

/** One `router bgp … vrf …` block, in the order FRR's `show running-config` prints it (bgp_config_write). */
function routerView(v: Vrf, byName: ReadonlyMap<string, Vrf>, globals: Globals) {
  const vrf = v.name;
  const b: Bgp = v.bgp!;
  const originated = [...new Set([...b.announce, ...b.staticRoutes, ...b.connected])].sort(byPrefix);
  // Nothing of its own to export is `export: none` (bgp/nothing-to-export warned).
  const own = originated.length ? `vrfgen-${vrf}-own` : DENY;
  if (originated.length && [...b.neighbors, ...b.listen].some((s) => s.export === 'own'))
    exactly(own, originated, globals);
  const importMap = importPolicy(v, globals);
  // FRR keeps its peer groups by name (strcmp) and its neighbours by address, IPv4 first.
  const groups = b.listen
    .map((l, i) => ({ l, name: `vrfgen-listen-${i + 1}`, list: `vrfgen-${vrf}-listen-${i + 1}-in` }))
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const peers = [
    ...groups.map((g) => peerView(g.name, g.l, true, g.list, own, globals)),
    ...b.neighbors.map((n, i) => peerView(n.address, n, false, `vrfgen-${vrf}-neighbor-${i + 1}-in`, own, globals)),
  ];
  const families = ([4, 6] as const).map((family) => {
    const importVrfs = b.importVrfs.filter((name) => family === 4 || speaksIpv6(byName.get(name)!));
    const static_ = b.staticRoutes.some((p) => familyOf(p) === family);
    const connected =
      b.redistribute.includes('connected') &&
      (family === 4 || v.members.some((m) => m.dhcp6 || m.acceptRa) || b.connected.some((p) => familyOf(p) === 6));
    return {
      name: family === 4 ? 'ipv4' : 'ipv6',
      networks: b.announce.filter((p) => familyOf(p) === family),
      // FRR's order, by route type: kernel, connected, ospf, ospf6.
      redistribute: [
        ...(static_ ? [`kernel route-map vrfgen-${vrf}-static`] : []),
        ...(connected ? ['connected'] : []),
        ...(b.redistribute.includes('ospf') ? [family === 4 ? 'ospf' : ospf6Redistributed(v) ? 'ospf6' : ''] : []),
      ].filter(Boolean),
      peers: peers.flatMap((p) =>
        family === p.family
          ? [{ name: p.name, lines: p.af }]
          : family === 4
            ? [{ name: p.name, lines: ['activate'], negate: true }]
            : [],
      ),
      importVrfs,
      importMap: importVrfs.length && importMap ? importMap : null,
    };
  });
  return {
    vrf,
    asn: b.asn,
    routerId: b.routerId,
    peers,
    // FRR leaves its default (100) out of the running config.
    listenLimit: b.listenLimit !== undefined && b.listenLimit !== 100 ? b.listenLimit : null,
    ranges: groups.map((g) => ({ range: g.l.range, group: g.name })),
    // FRR prints an address family only when something is configured in it.
    families: families
      .filter((f) => f.networks.length || f.redistribute.length || f.peers.length || f.importVrfs.length)
      .map((f) => ({
        ...f,
        peers: f.peers.flatMap((p) => p.lines.map((line) => `${'negate' in p ? 'no ' : ''}neighbor ${p.name} ${line}`)),
      })),
  };
}

/**
 * FRR prints its BGP instances in the order it created them, and `import vrf X` creates X's instance
 * when X has none yet (seen in a Debian 12 boot: `vrf blue` importing red printed blue, the default
 * instance, then red). So each VRF comes by name, followed at once by the VRFs it imports: reading the
 * file then creates the instances in the file's own order, and `show running-config` diffs cleanly.
 */
function creationOrder(routed: readonly Vrf[]): Vrf[] {
  const byName = new Map(routed.map((v) => [v.name, v]));
  const out = new Set<Vrf>();
  for (const v of routed) {
    out.add(v);
    for (const name of v.bgp!.importVrfs) out.add(byName.get(name)!);
  }
  return [...out];
}

/**
 * FRR 10 prints prefix-lists and route-maps before the routers (lib/command.h moved their nodes
 * first in 10.0, so a config that names a list finds it defined); FRR 8 prints them last.
 */
/** frr.service's drop-in that orders it after the VRF devices. */
const AFTER_VRFS = '/etc/systemd/system/frr.service.d/vrfgen-vrfs.conf';

const frrMajor = (model: Model): number => Number(model.platform.frr.split('.')[0]);
const policyFirst = (model: Model): boolean => frrMajor(model) >= 10;

/**
 * The VRFs whose sessions reach a peer only through a default route, with those families. bgpd
 * neither connects to such a peer nor takes the next hops behind it until zebra resolves them,
 * and zebra resolves over a default route only with `ip nht resolve-via-default`: on by default in
 * the traditional profile of FRR 10 (FRR_CFG_DEFAULT_BOOL ZEBRA_IP_NHT_RESOLVE_VIA_DEFAULT), off in
 * 8.4, whose appliances in the real boot never connected over their default route. Written per VRF
 * for the older ones.
 */
function resolveViaDefault(model: Model): { vrf: string; families: string[] }[] {
  if (frrMajor(model) >= 10) return [];
  return model.vrfs.flatMap((v) => {
    const b = v.bgp;
    const sessions = b ? [...b.neighbors, ...b.listen] : [];
    const families = ([4, 6] as const)
      .filter((f) => sessions.some((s) => s.family === f && s.route !== undefined && s.route.endsWith('/0')))
      .map(ipWord);
    return families.length ? [{ vrf: v.name, families }] : [];
  });
}

/** A neighbour or peer-group password, as FRR's grammar has it: the last word of its line. */
const PASSWORD = /^( neighbor \S+ password )\S+$/gm;

export default {
  name: 'frr',
  kind: 'system',
  default: true,
  summary:
    'FRRouting: per-VRF BGP (static peers, listen ranges, per-peer policy, IPv4 and IPv6, BFD, route leaking) in /etc/frr/frr.conf',
  owns: [PATH, AFTER_VRFS],
  /**
   * Debian's frr.service reloads through frr-reload.py, which only frr-pythontools has; a restart
   * works everywhere. bgpd (and bfdd, for `bfd`) run only when the packaged daemons file says yes
   * (default no), so those lines are switched in place and the rest is left as the package has it.
   */
  reload: (files) => [
    ...daemons(files.find((f) => f.path === PATH)?.content ?? '').map((d) => [
      'sed',
      '-i',
      `s/^${d}=no$/${d}=yes/`,
      DAEMONS,
    ]),
    // systemd reads the ordering drop-in only on daemon-reload.
    ['systemctl', 'daemon-reload'],
    ['systemctl', 'restart', 'frr.service'],
  ],
  redact: (content) => content.replace(PASSWORD, '$1<secret>'),
  includedBy: {
    path: DAEMONS,
    file: PATH,
    includes: (content, rendered) => daemons(rendered).every((d) => new RegExp(`^${d}=yes\\s*$`, 'm').test(content)),
    fix: (rendered) =>
      daemons(rendered)
        .map((d) => `${d}=yes`)
        .join(' and '),
  },
  // Whether bgpd runs the sessions and takes the prefixes the intent asks for, and ospfd and ospf6d
  // have their adjacencies (`vrfgen check`).
  check: {
    expected: (model) => [...bgpCheck.expected(model), ...ospfCheck.expected(model)],
    probes: (model) => [...bgpCheck.probes(model), ...ospfCheck.probes(model)],
  },
  platformNotes: (p) => [
    `writes \`frr version ${p.frr}\`, as FRR ${p.frr} prints it in its running config`,
    ...(Number(p.frr.split('.')[0]) >= 10
      ? ['prefix-lists and route-maps before the routers, as FRR 10 prints them']
      : []),
  ],
  render(model, { template }) {
    const withFrr = model.vrfs.filter(daemonRouted);
    if (withFrr.length === 0) return [];
    const routed = withFrr.filter((v) => v.bgp);
    const globals: Globals = { prefixLists: [], routeMaps: [], shared: new Set() };
    const byName = new Map(routed.map((v) => [v.name, v]));
    const routers = creationOrder(routed).map((v) => routerView(v, byName, globals));
    // BGP and OSPF take the VRF's own routes (kernel routes to zebra) through one route-map.
    for (const v of withFrr) {
      const own = v.bgp?.staticRoutes.length ? v.bgp.staticRoutes : (v.ospf?.staticRoutes ?? []);
      if (own.length) exactly(`vrfgen-${v.name}-static`, own, globals);
    }
    const d = model.bgpDefault;
    const all = [
      // `import vrf` creates this instance itself; written out (first, as FRR would create it), the
      // running config matches the file.
      ...(d
        ? [{ vrf: null, asn: d.asn, routerId: d.routerId, peers: [], listenLimit: null, ranges: [], families: [] }]
        : []),
      ...routers,
    ];
    if (globals.shared.has(ALLOW)) globals.routeMaps.push({ name: ALLOW, action: 'permit', seq: 10, matches: [] });
    if (globals.shared.has(DENY)) globals.routeMaps.push({ name: DENY, action: 'deny', seq: 10, matches: [] });
    const byKey = <T extends { name: string; seq: number }>(a: T, b: T) =>
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || a.seq - b.seq;
    // FRR keeps prefix-lists by family and name, route-maps by name, and prints them in that order.
    const lists = globals.prefixLists.sort(byKey);
    return [
      {
        path: PATH,
        mode: 0o640,
        owner: { user: 'frr', group: 'frr' },
        content: template('frr/frr.conf.njk', {
          version: model.platform.frr,
          // zebra installs its routes through kernel nexthop objects, which networkd before 256 deletes
          // as foreign whenever it configures their link (there is no ManageForeignNextHops= yet), and
          // the kernel takes the routes with them; zebra puts the nexthop back but not the routes.
          // Routes with their own next hops are left alone (docs/targets/networkd.md).
          kernelNexthops: model.platform.systemd >= 256,
          resolveViaDefault: resolveViaDefault(model),
          routers: all,
          policyFirst: policyFirst(model),
          prefixLists: ([4, 6] as const)
            .map((f) => lists.filter((e) => e.family === f).map((e) => ({ ...e, keyword: ipWord(f) })))
            .filter((group) => group.length),
          routeMaps: globals.routeMaps.sort(byKey),
          interfaces: interfaceViews(model),
          ospfRouters: ospfRouterViews(model),
          bfdProfiles: bfdProfileViews(model.bfdProfiles),
        }),
      },
      {
        path: AFTER_VRFS,
        mode: 0o644,
        content: template('frr/after-vrfs.conf.njk', {
          devices: withFrr.map((v) => deviceUnit(v.name)),
        }),
      },
    ];
  },
} satisfies Target;
