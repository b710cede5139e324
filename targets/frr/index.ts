import type { Bgp, BgpListen, BgpNeighbor, RemoteAs, Vrf } from '../../src/model/model.ts';
import type { Target } from '../../src/render/target.ts';
import { bgpCheck } from './check.ts';

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

const remoteAs = (r: RemoteAs): string => String(r);

/** `accept:` as prefix-list bounds: FRR wants `len < ge <= le`, so a bound equal to the length is left out. */
function acceptRule(a: NonNullable<BgpListen['accept']>): string {
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

interface Globals {
  readonly prefixLists: { name: string; seq: number; rule: string }[];
  readonly routeMaps: { name: string; match: string | null }[];
}

/**
 * `redistribute` as FRR lines, in FRR's order (by route type: kernel before connected). The intent's
 * routes are installed by the network stack, so zebra knows them as kernel routes: `static` is
 * `redistribute kernel` through a route-map that lets exactly those prefixes pass; never the
 * isolation routes, whose unreachable default would otherwise be announced to every peer.
 */
function redistributeView(vrf: string, b: Bgp, globals: Globals): string[] {
  const lines: string[] = [];
  if (b.redistribute.includes('static') && b.staticRoutes.length) {
    const name = `vrfgen-${vrf}-static`;
    b.staticRoutes.forEach((prefix, i) =>
      globals.prefixLists.push({ name, seq: (i + 1) * 10, rule: `permit ${prefix}` }),
    );
    globals.routeMaps.push({ name, match: `ip address prefix-list ${name}` });
    lines.push(`kernel route-map ${name}`);
  }
  if (b.redistribute.includes('connected')) lines.push('connected');
  return lines;
}

/** One `router bgp … vrf …` block, in the order FRR's `show running-config` prints it (bgp_config_write). */
function routerView(vrf: string, b: Bgp, globals: Globals) {
  const { prefixLists } = globals;
  const policies: { peer: string; kind: 'prefix-list' | 'route-map'; name: string; direction: 'in' | 'out' }[] = [];
  const groups = b.listen.map((l, i) => {
    const name = `vrfgen-listen-${i + 1}`;
    if (l.accept) {
      const list = `vrfgen-${vrf}-listen-${i + 1}-in`;
      prefixLists.push({ name: list, seq: 10, rule: acceptRule(l.accept) }, { name: list, seq: 20, rule: 'deny any' });
      policies.push({ peer: name, kind: 'prefix-list', name: list, direction: 'in' });
    } else if (l.external) policies.push({ peer: name, kind: 'route-map', name: ALLOW, direction: 'in' });
    if (l.external) policies.push({ peer: name, kind: 'route-map', name: ALLOW, direction: 'out' });
    return { name, range: l.range, remoteAs: remoteAs(l.remoteAs), password: l.password?.value ?? null };
  });
  const neighbors = b.neighbors.map((n: BgpNeighbor) => {
    if (n.external)
      policies.push(
        ...(['in', 'out'] as const).map((direction) => ({
          peer: n.address,
          kind: 'route-map' as const,
          name: ALLOW,
          direction,
        })),
      );
    return { address: n.address, remoteAs: remoteAs(n.remoteAs), password: n.password?.value ?? null };
  });
  return {
    vrf,
    asn: b.asn,
    routerId: b.routerId,
    groups,
    neighbors,
    // FRR leaves its default (100) out of the running config.
    listenLimit: b.listenLimit !== undefined && b.listenLimit !== 100 ? b.listenLimit : null,
    family: { redistribute: redistributeView(vrf, b, globals), policies, importVrfs: b.importVrfs },
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

/** A neighbour or peer-group password, as FRR's grammar has it: the last word of its line. */
const PASSWORD = /^( neighbor \S+ password )\S+$/gm;

export default {
  name: 'frr',
  kind: 'system',
  default: true,
  summary: 'FRRouting: per-VRF BGP (static peers, listen ranges, route leaking) in /etc/frr/frr.conf',
  owns: [PATH],
  /**
   * Debian's frr.service reloads through frr-reload.py, which only frr-pythontools has; a restart
   * works everywhere. bgpd runs only with `bgpd=yes` in the packaged daemons file (default no), so
   * that one line is switched in place and the rest of the file is left as the package has it.
   */
  reload: () => [
    ['sed', '-i', 's/^bgpd=no$/bgpd=yes/', DAEMONS],
    ['systemctl', 'restart', 'frr.service'],
  ],
  redact: (content) => content.replace(PASSWORD, '$1<secret>'),
  includedBy: {
    path: DAEMONS,
    file: PATH,
    includes: (content) => /^bgpd=yes\s*$/m.test(content),
    fix: 'bgpd=yes',
  },
  // Whether bgpd runs the sessions and takes the prefixes the intent asks for (`vrfgen check`).
  check: bgpCheck,
  platformNotes: (p) => [`writes \`frr version ${p.frr}\`, as FRR ${p.frr} prints it in its running config`],
  render(model, { template }) {
    const routed = model.vrfs.filter((v) => v.bgp);
    if (routed.length === 0) return [];
    const globals: Globals = { prefixLists: [], routeMaps: [] };
    const routers = creationOrder(routed).map((v) => routerView(v.name, v.bgp!, globals));
    const d = model.bgpDefault;
    const all = [
      // `import vrf` creates this instance itself; written out (first, as FRR would create it), the
      // running config matches the file.
      ...(d
        ? [{ vrf: null, asn: d.asn, routerId: d.routerId, groups: [], neighbors: [], listenLimit: null, family: null }]
        : []),
      ...routers,
    ];
    if (routers.some((r) => r.family.policies.some((p) => p.name === ALLOW)))
      globals.routeMaps.push({ name: ALLOW, match: null });
    const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    return [
      {
        path: PATH,
        mode: 0o640,
        owner: { user: 'frr', group: 'frr' },
        content: template('frr/frr.conf.njk', {
          version: model.platform.frr,
          routers: all,
          // FRR keeps prefix-lists and route-maps by name and prints them last, in that order.
          prefixLists: globals.prefixLists.sort((a, b) => byName(a, b) || a.seq - b.seq),
          routeMaps: globals.routeMaps.sort(byName),
        }),
      },
    ];
  },
} satisfies Target;
