import { bits, parseCidr } from '../../model/ip.ts';
import { prefixText } from '../canonical.ts';
import { linkOf, type Host, type Origin } from '../host.ts';
import type { Notes } from '../notes.ts';
import type { SourceTree } from '../tree.ts';

/**
 * FRRouting's /etc/frr/frr.conf → the `bgp` sections of the intent: each `router bgp ASN vrf NAME`
 * with its router-id, neighbours and listen ranges (remote-as, password, ebgp-multihop,
 * update-source, bfd, route-reflector-client, default-originate), `network`, `redistribute
 * connected` and `redistribute kernel` (the VRF's own routes, which vrfgen calls static), `import
 * vrf`; a neighbour's inbound prefix-list as its `accept`, and its outbound route-map as its
 * `export` (one that permits all: all; denies all: none; matches prefix-lists: own). frr.conf has no
 * VRF tables: those come from the network stack read with it (`--from networkd,frr`). What vrfgen
 * writes for FRR itself (`no zebra nexthop kernel enable`, a `vrf` block's `ip nht
 * resolve-via-default`) is accounted for, since generate writes it again for a VRF with BGP.
 * Everything else in the file is a warning at its line.
 */
const FRR_CONF = '/etc/frr/frr.conf';

interface Line {
  readonly words: string[];
  readonly at: Origin;
  readonly text: string;
}

interface Session {
  address?: string;
  range?: string;
  group?: string;
  isGroup?: boolean;
  'remote-as'?: number | 'internal' | 'external';
  password?: string;
  multihop?: number;
  'update-source'?: string;
  'route-reflector-client'?: boolean;
  'default-originate'?: boolean;
  bfd?: boolean;
  inList?: string;
  inMap?: string;
  outMap?: string;
  at: Origin;
}

interface Instance {
  readonly vrf?: string;
  readonly asn: number;
  routerId?: string;
  readonly sessions: Map<string, Session>;
  readonly ranges: { range: string; group: string; at: Origin }[];
  limit?: number;
  readonly announce: string[];
  readonly redistribute: Set<'connected' | 'static'>;
  readonly importVrfs: string[];
  readonly at: Origin;
}

/** Top-level lines that describe the daemon, not a VRF's routing. */
const HEADER = /^(frr version|frr defaults|service integrated-vtysh-config|hostname|log |end$|exit$)/;

export async function readFrr(tree: SourceTree, host: Host, notes: Notes): Promise<number> {
  const text = await tree.read(FRR_CONF);
  if (text === undefined) return 0;
  const lines: Line[] = text.split('\n').flatMap((l, i) => {
    const t = l.trim();
    // `!` starts a comment in FRR's files, as `#` does; vrfgen separates blocks with it.
    if (t === '' || t.startsWith('#') || t.startsWith('!')) return [];
    return [{ words: t.split(/\s+/), at: tree.at(FRR_CONF, i + 1, l.length - l.trimStart().length + 1), text: t }];
  });
  const warn = (l: Line, why = 'a line the intent has no words for') =>
    notes.warn('import/not-expressible', l.at, `frr.conf: \`${l.text}\`: ${why}`);
  const instances: Instance[] = [];
  const prefixLists = new Map<string, { action: string; prefix: string; ge?: number; le?: number }[]>();
  const routeMaps = new Map<string, { action: string; matches: string[] }[]>();
  let current: Instance | undefined;
  let routeMap: { action: string; matches: string[] } | undefined;
  let family: 'ipv4' | 'ipv6' | undefined;
  /** Inside `vrf NAME` … `exit-vrf` (zebra's settings for that VRF), or `interface NAME` … `exit`. */
  let block: { kind: 'vrf' | 'interface'; name: string } | undefined;

  for (const l of lines) {
    const w = l.words;
    if (w[0] === 'router' && w[1] === 'bgp') {
      block = undefined;
      routeMap = undefined;
      family = undefined;
      const asn = Number(w[2]);
      const vrf = w[3] === 'vrf' ? w[4] : undefined;
      current = {
        vrf,
        asn,
        sessions: new Map(),
        ranges: [],
        announce: [],
        redistribute: new Set(),
        importVrfs: [],
        at: l.at,
      };
      instances.push(current);
      continue;
    }
    if (w[0] === 'route-map' && w.length >= 4) {
      block = current = undefined;
      routeMap = { action: w[2]!, matches: [] };
      routeMaps.set(w[1]!, [...(routeMaps.get(w[1]!) ?? []), routeMap]);
      continue;
    }
    if ((w[0] === 'ip' || w[0] === 'ipv6') && w[1] === 'prefix-list') {
      block = current = undefined;
      routeMap = undefined;
      const [, , name, seqWord, , action, prefix, ...rest] = w;
      if (seqWord !== 'seq' || !name || !action || !prefix) {
        warn(l);
        continue;
      }
      const o = new Map<string, string>();
      for (let i = 0; i < rest.length; i += 2) o.set(rest[i]!, rest[i + 1] ?? '');
      prefixLists.set(name, [
        ...(prefixLists.get(name) ?? []),
        {
          action,
          prefix,
          ...(o.has('ge') ? { ge: Number(o.get('ge')) } : {}),
          ...(o.has('le') ? { le: Number(o.get('le')) } : {}),
        },
      ]);
      continue;
    }
    if ((w[0] === 'vrf' || w[0] === 'interface') && w[1] && !current && !routeMap) {
      block = { kind: w[0], name: w[1] };
      if (w[0] === 'interface' || w.length > 2) warn(l, 'FRR configuration outside BGP');
      continue;
    }
    if (block) {
      if (w[0] === 'exit-vrf' || w[0] === 'exit' || w[0] === 'end') block = undefined;
      else if (
        block.kind === 'vrf' &&
        (w[0] === 'ip' || w[0] === 'ipv6') &&
        w[1] === 'nht' &&
        w[2] === 'resolve-via-default' &&
        w.length === 3
      )
        // What vrfgen writes on FRR before 10 for a VRF whose peers only a default route reaches.
        host.daemonSettings.push({ text: l.text, link: block.name, origin: l.at });
      else warn(l, `in ${block.kind} ${block.name}: FRR configuration outside BGP`);
      continue;
    }
    if (w[0] === 'exit' || w[0] === 'end') {
      if (family) family = undefined;
      else current = routeMap = undefined;
      continue;
    }
    if (w[0] === 'exit-address-family') {
      family = undefined;
      continue;
    }
    if (routeMap) {
      if (w[0] === 'match' && w[2] === 'address' && w[3] === 'prefix-list') routeMap.matches.push(w[4]!);
      else warn(l, 'a route-map clause other than `match ip address prefix-list`');
      continue;
    }
    if (!current) {
      // zebra without kernel nexthop objects: what vrfgen writes where networkd cannot leave them alone.
      if (l.text === 'no zebra nexthop kernel enable') host.daemonSettings.push({ text: l.text, origin: l.at });
      else if (!HEADER.test(l.text)) warn(l);
      continue;
    }
    if (w[0] === 'address-family') {
      if (w[2] === 'unicast' && (w[1] === 'ipv4' || w[1] === 'ipv6')) family = w[1];
      else warn(l, `address family ${w.slice(1).join(' ')}: the intent's sessions carry unicast routes`);
      continue;
    }
    session(current, l, family, warn);
  }

  for (const i of instances) {
    if (i.vrf === undefined) {
      // The default instance vrfgen writes when a VRF imports another: its router-id only.
      if (i.sessions.size || i.ranges.length || i.announce.length)
        notes.warn(
          'import/not-expressible',
          i.at,
          `frr.conf: the BGP instance of the default VRF: vrfgen configures BGP inside VRFs`,
        );
      else
        notes.omit(
          `frr.conf: the default VRF's BGP instance (router bgp ${i.asn}), which FRR needs for \`import vrf\`: vrfgen writes it`,
          i.at,
        );
      continue;
    }
    const link = linkOf(host, i.vrf, i.at);
    if (link.kind !== 'vrf') {
      link.kind = 'vrf';
      link.origin = i.at;
    }
    host.bgp.push({ vrf: i.vrf, bgp: bgpOf(i, prefixLists, routeMaps, notes), origin: i.at });
  }
  return 1;
}

/** One line inside `router bgp`. */
function session(
  i: Instance,
  l: Line,
  family: 'ipv4' | 'ipv6' | undefined,
  warn: (l: Line, why?: string) => void,
): void {
  const w = l.words;
  const negated = w[0] === 'no';
  const [k0, k1, k2, k3, k4, k5] = negated ? w.slice(1) : w;
  if (k0 === 'bgp' && k1 === 'router-id') i.routerId = k2;
  else if (k0 === 'bgp' && k1 === 'listen' && k2 === 'limit') i.limit = Number(k3);
  else if (k0 === 'bgp' && k1 === 'listen' && k2 === 'range' && k4 === 'peer-group' && k5)
    i.ranges.push({ range: k3!, group: k5, at: l.at });
  else if (k0 === 'network' && k1) i.announce.push(k1);
  else if (k0 === 'redistribute' && k1 === 'connected' && !k2) i.redistribute.add('connected');
  else if (k0 === 'redistribute' && k1 === 'kernel') i.redistribute.add('static');
  else if (k0 === 'import' && k1 === 'vrf' && k2) {
    if (!i.importVrfs.includes(k2)) i.importVrfs.push(k2);
  } else if (k0 === 'neighbor' && k1 && k2) {
    const s = i.sessions.get(k1) ?? { at: l.at };
    i.sessions.set(k1, s);
    if (k2 === 'activate') return; // the session's family follows its address
    if (negated) return warn(l);
    if (k2 === 'peer-group' && !k3) s.isGroup = true;
    else if (k2 === 'peer-group' && k3) s.group = k3;
    else if (k2 === 'remote-as' && k3) s['remote-as'] = k3 === 'internal' || k3 === 'external' ? k3 : Number(k3);
    else if (k2 === 'password' && k3) s.password = k3;
    else if (k2 === 'ebgp-multihop') s.multihop = Number(k3 ?? 255);
    else if (k2 === 'update-source' && k3) s['update-source'] = k3;
    else if (k2 === 'bfd' && !k3) s.bfd = true;
    else if (k2 === 'route-reflector-client') s['route-reflector-client'] = true;
    else if (k2 === 'default-originate' && !k3) s['default-originate'] = true;
    else if (k2 === 'prefix-list' && k4 === 'in') s.inList = k3;
    else if (k2 === 'route-map' && k4 === 'in') s.inMap = k3;
    else if (k2 === 'route-map' && k4 === 'out') s.outMap = k3;
    else warn(l);
  } else warn(l);
  void family;
}

function bgpOf(
  i: Instance,
  prefixLists: ReadonlyMap<string, { action: string; prefix: string; ge?: number; le?: number }[]>,
  routeMaps: ReadonlyMap<string, { action: string; matches: string[] }[]>,
  notes: Notes,
): Record<string, unknown> {
  const out: Record<string, unknown> = { asn: i.asn, 'router-id': i.routerId };
  const settings = (s: Session) => {
    const o: Record<string, unknown> = {};
    for (const k of [
      'remote-as',
      'password',
      'multihop',
      'update-source',
      'route-reflector-client',
      'default-originate',
      'bfd',
    ] as const)
      if (s[k] !== undefined) o[k] = s[k];
    if (s.password !== undefined)
      notes.at(
        ['vrfs', i.vrf!, 'bgp'],
        `a password from frr.conf is written inline: move it to a password-file readable by root only`,
      );
    if (s.inList) {
      const accept = acceptOf(prefixLists.get(s.inList) ?? []);
      if (accept) o.accept = accept;
      else
        notes.warn(
          'import/not-expressible',
          s.at,
          `frr.conf: prefix-list ${s.inList}: only one permitted prefix (ge/le) followed by \`deny any\` is an accept filter`,
        );
    } else if (s.inMap && !permitsAll(routeMaps.get(s.inMap)))
      notes.warn(
        'import/not-expressible',
        s.at,
        `frr.conf: route-map ${s.inMap} in: the intent filters what it takes with a prefix-list`,
      );
    if (s.outMap) {
      const map = routeMaps.get(s.outMap);
      if (permitsAll(map)) o.export = 'all';
      else if (map?.length === 1 && map[0]!.action === 'deny' && map[0]!.matches.length === 0) o.export = 'none';
      else if (map?.every((c) => c.action === 'permit' && c.matches.length)) {
        o.export = 'own';
        notes.at(
          ['vrfs', i.vrf!, 'bgp'],
          `route-map ${s.outMap} out: taken as export: own, the prefixes this VRF originates (vrfgen lists them itself)`,
        );
      } else notes.warn('import/not-expressible', s.at, `frr.conf: route-map ${s.outMap} out`);
    }
    if (o.export === 'all') delete o.export;
    return o;
  };
  const groups = new Map([...i.sessions].filter(([, s]) => s.isGroup));
  const neighbors = [...i.sessions].filter(([, s]) => !s.isGroup).map(([address, s]) => ({ address, ...settings(s) }));
  const listen = i.ranges.map((r) => {
    const g = groups.get(r.group);
    return { range: r.range, ...(g ? settings(g) : {}) };
  });
  // FRR counts dynamic neighbours per instance: vrfgen writes the sum of the ranges' limits (each
  // without one counting FRR's 100). The first range takes what the others leave.
  if (i.limit !== undefined && listen.length) {
    const first = i.limit - 100 * (listen.length - 1);
    if (first >= 1) (listen[0] as Record<string, unknown>).limit = first;
    else
      notes.omit(`vrf ${i.vrf}: bgp listen limit ${i.limit}, less than FRR's 100 for each range but the first`, i.at);
  }
  if (neighbors.length) out.neighbors = neighbors;
  if (listen.length) out.listen = listen;
  if (i.announce.length) out.announce = [...new Set(i.announce)];
  if (i.redistribute.size) out.redistribute = [...i.redistribute].sort();
  if (i.importVrfs.length) out['import-vrfs'] = i.importVrfs;
  return out;
}

const permitsAll = (map: readonly { action: string; matches: string[] }[] | undefined) =>
  map !== undefined && map.length === 1 && map[0]!.action === 'permit' && map[0]!.matches.length === 0;

/** `permit P [ge A] [le B]` then `deny any`: prefixes inside P of a length from A (or P's) to B (or A's max, or P's). */
function acceptOf(list: readonly { action: string; prefix: string; ge?: number; le?: number }[]) {
  if (list.length !== 2 || list[0]!.action !== 'permit' || list[1]!.action !== 'deny' || list[1]!.prefix !== 'any')
    return undefined;
  const { prefix, ge, le } = list[0]!;
  const c = parseCidr(prefix);
  if (!c) return undefined;
  const min = ge ?? c.length;
  const max = le ?? (ge !== undefined ? bits(c.family) : c.length);
  return { prefix: prefixText(prefix) ?? prefix, 'min-length': min, 'max-length': max };
}
