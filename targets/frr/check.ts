import type { DaemonCheck } from '../../src/check/daemon.ts';
import type { Fact, FactSink } from '../../src/check/facts.ts';
import type { Probe } from '../../src/check/probes.ts';
import { contains, parseCidr, parseIp, type Family } from '../../src/model/ip.ts';
import type { Path } from '../../src/diagnostics/diagnostics.ts';
import type { Bgp, BgpAccept, Vrf } from '../../src/model/model.ts';
import { parseBfdPeers, parseBgpRoutes, parseBgpSummary } from './vtysh.ts';

/** FRR's BGP in the checker's vocabulary (src/check/facts.ts). Every key of a VRF starts with `bgp VRF `. */
const keys = {
  /** A VRF's BGP instance as FRR runs it: `as N router-id A`. */
  instance: (vrf: string) => `bgp ${vrf} instance`,
  peer: (vrf: string, address: string) => `bgp ${vrf} peer ${address}`,
  /** The prefixes a static peer got accepted. */
  peerAccepted: (vrf: string, address: string) => `bgp ${vrf} peer ${address} accepted`,
  /** The sessions of the dynamic neighbours from one listen range. */
  listenPeers: (vrf: string, range: string) => `bgp ${vrf} listen ${range} peers`,
  /** How many dynamic neighbours of one listen range are Established (its `min-peers`). */
  listenEstablished: (vrf: string, range: string) => `bgp ${vrf} listen ${range} established`,
  /** The prefixes the dynamic neighbours from one listen range got accepted. */
  listenAccepted: (vrf: string, range: string) => `bgp ${vrf} listen ${range} accepted`,
  /** bfdd's session to a static peer (`up`), or those to the peers of a listen range. */
  bfd: (vrf: string, peerOrRange: string) => `bgp ${vrf} bfd ${peerOrRange}`,
};

/** What a failed probe of a VRF's BGP leaves unknown: all of it. */
const scope = (vrf: string) => `bgp ${vrf} `;
/** What a failed probe of bfdd leaves unknown: the BFD sessions only (bgpd runs without bfdd). */
const bfdScope = (vrf: string) => `bgp ${vrf} bfd `;

/** A dynamic neighbour's session as a list item: `ADDR STATE, N accepted`. */
const session = (address: string, state: string, accepted: number): string =>
  `${address} ${state}, ${accepted} accepted`;

/** What FRR shows for a prefix filter: `PREFIX ge MIN le MAX`. */
const acceptText = (a: BgpAccept) => `${a.prefix} ge ${a.minLength} le ${a.maxLength}`;

/** The prefixes an `accept:` filter lets in, as a fact whose items are those prefixes. */
function acceptedFact(key: string, a: BgpAccept, at: Path): Fact {
  const range = parseCidr(a.prefix)!;
  return {
    key,
    value: [acceptText(a)],
    allows: (item) => {
      const p = parseCidr(item);
      return (
        p !== undefined &&
        p.family === range.family &&
        p.length >= a.minLength &&
        p.length <= a.maxLength &&
        contains(range, p)
      );
    },
    at,
  };
}

/**
 * One VRF's BGP: the instance; each static peer Established, with only prefixes inside its `accept`
 * filter accepted and its BFD session up; every dynamic neighbour of a listen range Established
 * (which ones connect is up to them), and only prefixes inside the range's filter accepted from
 * them, their BFD sessions up. A peer whose key is wrong never gets as far as a session.
 */
function expected(vrf: string, b: Bgp): Fact[] {
  const facts: Fact[] = [{ key: keys.instance(vrf), value: `as ${b.asn} router-id ${b.routerId}`, at: b.at }];
  for (const n of b.neighbors) {
    facts.push({ key: keys.peer(vrf, n.address), value: 'Established', at: n.at });
    if (n.accept) facts.push(acceptedFact(keys.peerAccepted(vrf, n.address), n.accept, [...n.at, 'accept']));
    if (n.bfd) facts.push({ key: keys.bfd(vrf, n.address), value: 'up', at: [...n.at, 'bfd'] });
  }
  for (const l of b.listen) {
    facts.push({
      key: keys.listenPeers(vrf, l.range),
      value: ['every one Established'],
      allows: (item) => / Established, \d+ accepted$/.test(item),
      at: l.at,
    });
    const min = l.minPeers;
    if (min !== undefined)
      facts.push({
        key: keys.listenEstablished(vrf, l.range),
        value: `at least ${min}`,
        allows: (n) => Number(n) >= min,
        at: [...l.at, 'min-peers'],
      });
    if (l.accept) facts.push(acceptedFact(keys.listenAccepted(vrf, l.range), l.accept, [...l.at, 'accept']));
    if (l.bfd)
      facts.push({
        key: keys.bfd(vrf, l.range),
        value: ['every one up'],
        allows: (item) => / up$/.test(item),
        at: [...l.at, 'bfd'],
      });
  }
  return facts;
}

/** The listen range that holds `address`, if any (ranges never overlap: resolve-bgp.ts). */
function rangeOf(ranges: readonly string[], address: string): string | undefined {
  const ip = parseIp(address);
  return ip && ranges.find((r) => contains(parseCidr(r)!, ip));
}

/** What the readers need of a VRF's BGP: its ranges, and the static peers whose prefixes are checked. */
interface Sessions {
  readonly vrf: string;
  readonly ranges: readonly string[];
  readonly filtered: ReadonlySet<string>;
  readonly bfd: ReadonlySet<string>;
}

/** Each static peer's session state, and the sessions of the dynamic ones by listen range. */
function summaryFacts({ vrf, ranges }: Sessions, stdout: string, facts: FactSink): void {
  const established = new Map(ranges.map((r) => [r, 0]));
  for (const p of parseBgpSummary(stdout)) {
    const range = p.dynamic ? rangeOf(ranges, p.address) : undefined;
    if (range) {
      facts.add(keys.listenPeers(vrf, range), session(p.address, p.state, p.accepted));
      if (p.state === 'Established') established.set(range, established.get(range)! + 1);
    } else facts.set(keys.peer(vrf, p.address), p.state);
  }
  for (const [range, n] of established) facts.set(keys.listenEstablished(vrf, range), String(n));
}

/** The prefixes each filtered static peer and each listen range's neighbours got accepted, of one family. */
function acceptedFacts({ vrf, ranges, filtered }: Sessions, stdout: string, facts: FactSink): void {
  for (const r of parseBgpRoutes(stdout).paths) {
    const range = rangeOf(ranges, r.peer);
    if (range) facts.add(keys.listenAccepted(vrf, range), r.prefix);
    else if (filtered.has(r.peer)) facts.add(keys.peerAccepted(vrf, r.peer), r.prefix);
  }
}

/** The instance, and the IPv4 prefixes accepted. */
function routeFacts(s: Sessions, stdout: string, facts: FactSink): void {
  const t = parseBgpRoutes(stdout);
  facts.set(keys.instance(s.vrf), `as ${t.as ?? '?'} router-id ${t.routerId ?? '?'}`);
  acceptedFacts(s, stdout, facts);
}

/** bfdd's sessions: a static peer's state, and those from a listen range as `ADDR STATE` items. */
function bfdFacts({ vrf, ranges, bfd }: Sessions, stdout: string, facts: FactSink): void {
  for (const p of parseBfdPeers(stdout)) {
    const range = rangeOf(ranges, p.peer);
    if (range && bfd.has(range)) facts.add(keys.bfd(vrf, range), `${p.peer} ${p.status}`);
    else if (bfd.has(p.peer)) facts.set(keys.bfd(vrf, p.peer), p.status);
  }
}

/**
 * FRR's view of each VRF's BGP: sessions per neighbour (summary, every family), the routes it
 * accepted (IPv4 always, for the instance; IPv6 when an IPv6 session has a filter), and bfdd's
 * sessions when one uses BFD. Dynamic neighbours and their prefixes are filed under the listen range
 * that holds them.
 */
function probes(v: Vrf & { bgp: Bgp }): Probe[] {
  const b = v.bgp;
  const all = [...b.neighbors.map((n) => ({ ...n, key: n.address })), ...b.listen.map((l) => ({ ...l, key: l.range }))];
  const s: Sessions = {
    vrf: v.name,
    ranges: b.listen.map((l) => l.range),
    filtered: new Set(b.neighbors.filter((n) => n.accept).map((n) => n.address)),
    bfd: new Set(all.filter((x) => x.bfd).map((x) => x.key)),
  };
  const vtysh = (file: string, command: string, read: typeof summaryFacts, within = scope(v.name)): Probe => ({
    file,
    argv: ['vtysh', '-c', command],
    observes: { kind: 'daemon', scope: within, read: (stdout, facts) => read(s, stdout, facts) },
  });
  const filtered = (f: Family) => all.some((x) => x.family === f && x.accept);
  return [
    vtysh(`bgp-summary-${v.name}.json`, `show bgp vrf ${v.name} summary json`, summaryFacts),
    vtysh(`bgp-routes-${v.name}.json`, `show bgp vrf ${v.name} ipv4 unicast json`, routeFacts),
    ...(filtered(6)
      ? [vtysh(`bgp-routes6-${v.name}.json`, `show bgp vrf ${v.name} ipv6 unicast json`, acceptedFacts)]
      : []),
    ...(s.bfd.size
      ? [vtysh(`bfd-peers-${v.name}.json`, `show bfd vrf ${v.name} peers json`, bfdFacts, bfdScope(v.name))]
      : []),
  ];
}

const routed = (v: Vrf): v is Vrf & { bgp: Bgp } => v.bgp !== undefined;

export const bgpCheck: DaemonCheck = {
  expected: (model) => model.vrfs.filter(routed).flatMap((v) => expected(v.name, v.bgp)),
  probes: (model) => model.vrfs.filter(routed).flatMap(probes),
};
