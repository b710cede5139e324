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

/**
 * `vtysh -c 'show bgp vrf NAME summary json'`: the sessions, static and dynamic. FRR 8.4 nests the
 * summary under the address family (`ipv4Unicast`), and prints `{}` for an instance without neighbours.
 */
export function parseBgpSummary(stdout: string): BgpPeer[] {
  const v4 = object(stdout).ipv4Unicast;
  const peers = isObject(v4) && isObject(v4.peers) ? v4.peers : {};
  return Object.entries(peers).flatMap(([address, p]) =>
    isObject(p)
      ? [
          {
            address,
            state: text(p.state) ?? '?',
            dynamic: flag(p.dynamicPeer) ?? false,
            accepted: count(p.pfxRcd) ?? 0,
          },
        ]
      : [],
  );
}

export interface BgpTable {
  readonly as?: number;
  readonly routerId?: string;
  /** Each valid path: its prefix and the peer it came from (`(unspec)`: this router's own, or leaked). */
  readonly paths: readonly { readonly prefix: string; readonly peer: string }[];
}

/** `vtysh -c 'show bgp vrf NAME ipv4 unicast json'`: the instance (printed even without neighbours) and its paths. */
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
