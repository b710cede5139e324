import type { DaemonCheck } from '../../src/check/daemon.ts';
import type { Fact, FactSink } from '../../src/check/facts.ts';
import type { Probe } from '../../src/check/probes.ts';
import { contains, parseCidr, parseIp } from '../../src/model/ip.ts';
import type { Bgp, Vrf } from '../../src/model/model.ts';
import { parseBgpRoutes, parseBgpSummary } from './vtysh.ts';

/** FRR's BGP in the checker's vocabulary (src/check/facts.ts). Every key of a VRF starts with `bgp VRF `. */
const keys = {
  /** A VRF's BGP instance as FRR runs it: `as N router-id A`. */
  instance: (vrf: string) => `bgp ${vrf} instance`,
  peer: (vrf: string, address: string) => `bgp ${vrf} peer ${address}`,
  /** The sessions of the dynamic neighbours from one listen range. */
  listenPeers: (vrf: string, range: string) => `bgp ${vrf} listen ${range} peers`,
  /** The prefixes the dynamic neighbours from one listen range got accepted. */
  listenAccepted: (vrf: string, range: string) => `bgp ${vrf} listen ${range} accepted`,
};

/** What a failed probe of a VRF's BGP leaves unknown: all of it. */
const scope = (vrf: string) => `bgp ${vrf} `;

/** A dynamic neighbour's session as a list item: `ADDR STATE, N accepted`. */
const session = (address: string, state: string, accepted: number): string =>
  `${address} ${state}, ${accepted} accepted`;

/** What FRR shows for a prefix filter: `PREFIX ge MIN le MAX`. */
const acceptText = (a: NonNullable<Bgp['listen'][number]['accept']>) =>
  `${a.prefix} ge ${a.minLength} le ${a.maxLength}`;

/**
 * One VRF's BGP: the instance; each static peer Established; every dynamic neighbour of a listen
 * range Established (which ones connect is up to them); and only prefixes inside the range's
 * `accept` filter accepted from them. A peer whose key is wrong never gets as far as a session.
 */
function expected(vrf: string, b: Bgp): Fact[] {
  const facts: Fact[] = [{ key: keys.instance(vrf), value: `as ${b.asn} router-id ${b.routerId}`, at: b.at }];
  for (const n of b.neighbors) facts.push({ key: keys.peer(vrf, n.address), value: 'Established', at: n.at });
  for (const l of b.listen) {
    facts.push({
      key: keys.listenPeers(vrf, l.range),
      value: ['every one Established'],
      allows: (item) => / Established, \d+ accepted$/.test(item),
      at: l.at,
    });
    const a = l.accept;
    if (!a) continue;
    const range = parseCidr(a.prefix)!;
    facts.push({
      key: keys.listenAccepted(vrf, l.range),
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
      at: [...l.at, 'accept'],
    });
  }
  return facts;
}

/** The listen range that holds `address`, if any (ranges never overlap: resolve-bgp.ts). */
function rangeOf(ranges: readonly string[], address: string): string | undefined {
  const ip = parseIp(address);
  return ip && ranges.find((r) => contains(parseCidr(r)!, ip));
}

/** Each static peer's session state, and the sessions of the dynamic ones by listen range. */
function summaryFacts(vrf: string, ranges: readonly string[], stdout: string, facts: FactSink): void {
  for (const p of parseBgpSummary(stdout)) {
    const range = p.dynamic ? rangeOf(ranges, p.address) : undefined;
    if (range) facts.add(keys.listenPeers(vrf, range), session(p.address, p.state, p.accepted));
    else facts.set(keys.peer(vrf, p.address), p.state);
  }
}

/** The instance, and the prefixes each listen range's neighbours got accepted. */
function routeFacts(vrf: string, ranges: readonly string[], stdout: string, facts: FactSink): void {
  const t = parseBgpRoutes(stdout);
  facts.set(keys.instance(vrf), `as ${t.as ?? '?'} router-id ${t.routerId ?? '?'}`);
  for (const r of t.paths) {
    const range = rangeOf(ranges, r.peer);
    if (range) facts.add(keys.listenAccepted(vrf, range), r.prefix);
  }
}

/**
 * FRR's view of each VRF's BGP: sessions per neighbour (summary) and the routes it accepted. Dynamic
 * neighbours and their prefixes are filed under the listen range that holds them.
 */
function probes(v: Vrf & { bgp: Bgp }): Probe[] {
  const ranges = v.bgp.listen.map((l) => l.range);
  const vtysh = (file: string, command: string, read: typeof summaryFacts): Probe => ({
    file,
    argv: ['vtysh', '-c', command],
    observes: { kind: 'daemon', scope: scope(v.name), read: (stdout, facts) => read(v.name, ranges, stdout, facts) },
  });
  return [
    vtysh(`bgp-summary-${v.name}.json`, `show bgp vrf ${v.name} summary json`, summaryFacts),
    vtysh(`bgp-routes-${v.name}.json`, `show bgp vrf ${v.name} ipv4 unicast json`, routeFacts),
  ];
}

const routed = (v: Vrf): v is Vrf & { bgp: Bgp } => v.bgp !== undefined;

export const bgpCheck: DaemonCheck = {
  expected: (model) => model.vrfs.filter(routed).flatMap((v) => expected(v.name, v.bgp)),
  probes: (model) => model.vrfs.filter(routed).flatMap(probes),
};
