import { formatCidr, parseCidr } from '../../src/model/ip.ts';
import { count, flag, isObject, text, type Json } from '../../src/check/parse.ts';

/**
 * Readers for what vtysh prints as JSON, loose in the way of the checker's readers of ip's JSON
 * (src/check/parse.ts): the fields the checker uses, of the right shape, or absent.
 */

export interface BgpPeer {
  readonly address: string;
  readonly state: string;
  readonly dynamic: boolean;
  /** Prefixes the peer sent that passed the inbound policy (FRR's PfxRcd). */
  readonly accepted: number;
}

/** A JSON object, or unreadable: throws (vtysh printed an error, or nothing). */
function object(stdout: string): Json {
  const json: unknown = JSON.parse(stdout);
  if (!isObject(json)) throw new Error('not a JSON object');
  return json;
}

/** The address families the checker reads, as FRR names them in its JSON. */
const FAMILIES = { ipv4Unicast: 4, ipv6Unicast: 6 } as const;

/**
 * `vtysh -c 'show bgp vrf NAME summary json'`: the sessions, static and dynamic. Without a family,
 * FRR nests the summary under each family that has neighbours (`ipv4Unicast`, `ipv6Unicast`), and
 * prints `{}` for an instance without neighbours. A session that carries both families is listed
 * once, its accepted prefixes added up.
 */
export function parseBgpSummary(stdout: string): BgpPeer[] {
  const json = object(stdout);
  const byAddress = new Map<string, BgpPeer>();
  for (const name of Object.keys(FAMILIES) as (keyof typeof FAMILIES)[]) {
    const af = json[name];
    const peers = isObject(af) && isObject(af.peers) ? af.peers : {};
    for (const [address, p] of Object.entries(peers)) {
      if (!isObject(p)) continue;
      const seen = byAddress.get(address);
      const accepted = count(p.pfxRcd) ?? 0;
      byAddress.set(
        address,
        seen
          ? { ...seen, accepted: seen.accepted + accepted }
          : { address, state: text(p.state) ?? '?', dynamic: flag(p.dynamicPeer) ?? false, accepted },
      );
    }
  }
  return [...byAddress.values()];
}

export interface BfdPeer {
  readonly peer: string;
  /** bfdd's word: `up`, `down`, `init`, `shutdown` or `unknown`. */
  readonly status: string;
}

/**
 * `vtysh -c 'show bfd vrf NAME peers json'`: bfdd's sessions of the VRF, a JSON array (bfdd_vty.c
 * `_display_peer_json`: `peer`, `status`, and the local address and interface it was set up with).
 */
export function parseBfdPeers(stdout: string): BfdPeer[] {
  const json: unknown = JSON.parse(stdout);
  if (!Array.isArray(json)) throw new Error('not a JSON array');
  return json.flatMap((p: unknown) => {
    const peer = isObject(p) ? text(p.peer) : undefined;
    return isObject(p) && peer !== undefined ? [{ peer, status: text(p.status) ?? '?' }] : [];
  });
}

export interface BgpTable {
  readonly as?: number;
  readonly routerId?: string;
  /** Each valid path: its prefix and the peer it came from (`(unspec)`: this router's own, or leaked). */
  readonly paths: readonly { readonly prefix: string; readonly peer: string }[];
}

/**
 * `vtysh -c 'show bgp vrf NAME ipv4 unicast json'` (or `ipv6 unicast`): the instance (printed even
 * without neighbours) and its paths.
 */
export function parseBgpRoutes(stdout: string): BgpTable {
  const t = object(stdout);
  const routes = isObject(t.routes) ? t.routes : {};
  const paths = Object.entries(routes).flatMap(([prefix, ps]) => {
    const cidr = parseCidr(prefix);
    if (!cidr || !Array.isArray(ps)) return [];
    return ps
      .filter((p) => isObject(p) && flag(p.valid) !== false)
      .map((p: Json) => ({ prefix: formatCidr(cidr), peer: text(p.peerId) ?? '?' }));
  });
  const as = count(t.localAS);
  const routerId = text(t.routerId);
  return { ...(as !== undefined ? { as } : {}), ...(routerId !== undefined ? { routerId } : {}), paths };
}

export interface OspfNeighbor {
  /** The neighbour's router id. */
  readonly id: string;
  /** The member it is a neighbour on. */
  readonly ifname: string;
  /** ospfd's `Full/DR`, `2-Way/DROther`…, ospf6d's `Full`: the adjacency's state first. */
  readonly state: string;
  /** bfdd's word as ospfd has it (`Up`, `Down`, `Unknown`), when the interface uses BFD. */
  readonly bfd?: string;
}

/**
 * Asked about one VRF (`vrf NAME`), ospfd answers inside an object keyed by the VRF's name
 * (`{"red": {"vrfName": "red", "neighbors": …}}`, seen on the real boots of 8.4.4 and 10.3); an
 * answer without that wrapper is read as it is.
 */
function vrfAnswer(json: Json): Json {
  if ('neighbors' in json) return json;
  const inner = Object.values(json).find((v) => isObject(v) && 'neighbors' in v);
  return isObject(inner) ? inner : json;
}

/**
 * `vtysh -c 'show ip ospf vrf NAME neighbor detail json'` (ospf_vty.c
 * show_ip_ospf_neighbor_detail_sub, the same in 8.4 and 10.3): `neighbors` by router id, each an
 * array of the adjacencies with that router (`ifaceName`, `nbrState`, and `peerBfdInfo.status` from
 * lib/bfd.c when BFD watches it). A VRF without an OSPF instance prints `{}`.
 */
export function parseOspfNeighbors(stdout: string): OspfNeighbor[] {
  const json = vrfAnswer(object(stdout));
  const byId = isObject(json.neighbors) ? json.neighbors : {};
  return Object.entries(byId).flatMap(([id, list]) =>
    (Array.isArray(list) ? list : []).flatMap((n: unknown) => {
      if (!isObject(n)) return [];
      const ifname = text(n.ifaceName);
      const bfd = isObject(n.peerBfdInfo) ? text(n.peerBfdInfo.status) : undefined;
      return ifname === undefined
        ? []
        : [{ id, ifname, state: text(n.nbrState) ?? '?', ...(bfd !== undefined ? { bfd } : {}) }];
    }),
  );
}

/**
 * `vtysh -c 'show ipv6 ospf6 vrf NAME neighbor json'` (ospf6_neighbor.c ospf6_neighbor_show, the
 * same in 8.4 and 10.3): `neighbors`, an array of `neighborId`, `state`, `interfaceName`.
 */
export function parseOspf6Neighbors(stdout: string): OspfNeighbor[] {
  const json = vrfAnswer(object(stdout));
  const list = Array.isArray(json.neighbors) ? json.neighbors : [];
  return list.flatMap((n: unknown) => {
    if (!isObject(n)) return [];
    const id = text(n.neighborId);
    const ifname = text(n.interfaceName);
    return id === undefined || ifname === undefined ? [] : [{ id, ifname, state: text(n.state) ?? '?' }];
  });
}
