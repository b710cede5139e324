import type { DaemonCheck } from '../../src/check/daemon.ts';
import type { Fact, FactSink } from '../../src/check/facts.ts';
import type { Probe } from '../../src/check/probes.ts';
import type { Ospf, Vrf } from '../../src/model/model.ts';
import { parseOspf6Neighbors, parseOspfNeighbors, type OspfNeighbor } from './vtysh.ts';

/**
 * FRR's OSPF in the checker's vocabulary (src/check/facts.ts): per interface that forms adjacencies
 * (not passive), at least one neighbour Full, every neighbour Full or 2-Way (two routers that are
 * neither DR nor BDR stay 2-Way on a broadcast network, by design), and with BFD every neighbour's
 * BFD session up as ospfd sees it. Neighbours come and go by themselves, so a neighbour that went
 * away shows in the count of Full ones. Keys start with `ospf VRF ` (OSPFv2) or `ospf6 VRF `.
 */
const keys = {
  full: (p: Proto, vrf: string, ifname: string) => `${p} ${vrf} ${ifname} full`,
  neighbors: (p: Proto, vrf: string, ifname: string) => `${p} ${vrf} ${ifname} neighbors`,
  bfd: (vrf: string, ifname: string) => `ospf ${vrf} ${ifname} bfd`,
};

type Proto = 'ospf' | 'ospf6';

/** The adjacency's own state: ospfd prints `Full/DR`, ospf6d `Full`. */
const stateOf = (n: OspfNeighbor) => n.state.split('/')[0]!;

function expected(vrf: string, o: Ospf): Fact[] {
  const facts: Fact[] = [];
  for (const i of o.interfaces) {
    if (i.passive) continue;
    for (const p of ['ospf', ...(i.ipv6 ? ['ospf6' as const] : [])] as Proto[]) {
      facts.push(
        { key: keys.full(p, vrf, i.name), value: 'at least 1', allows: (n) => Number(n) >= 1, at: i.at },
        {
          key: keys.neighbors(p, vrf, i.name),
          value: ['every one Full or 2-Way'],
          allows: (item) => / (Full|2-Way)$/.test(item),
          at: i.at,
        },
      );
    }
    if (i.bfd)
      facts.push({
        key: keys.bfd(vrf, i.name),
        value: ['every one Up'],
        allows: (item) => / Up$/.test(item),
        at: [...i.at, 'bfd'],
      });
  }
  return facts;
}

/** Every non-passive interface gets a count, 0 when no neighbour shows on it. */
function neighborFacts(p: Proto, vrf: string, o: Ospf, list: readonly OspfNeighbor[], facts: FactSink): void {
  const active = o.interfaces.filter((i) => !i.passive && (p === 'ospf' || i.ipv6));
  for (const i of active) {
    const mine = list.filter((n) => n.ifname === i.name);
    facts.set(keys.full(p, vrf, i.name), String(mine.filter((n) => stateOf(n) === 'Full').length));
    for (const n of mine) facts.add(keys.neighbors(p, vrf, i.name), `${n.id} ${stateOf(n)}`);
    if (p === 'ospf' && i.bfd) for (const n of mine) facts.add(keys.bfd(vrf, i.name), `${n.id} ${n.bfd ?? 'none'}`);
  }
}

function probes(v: Vrf & { ospf: Ospf }): Probe[] {
  const o = v.ospf;
  if (o.interfaces.every((i) => i.passive)) return [];
  return [
    {
      file: `ospf-neighbors-${v.name}.json`,
      argv: ['vtysh', '-c', `show ip ospf vrf ${v.name} neighbor detail json`],
      observes: {
        kind: 'daemon',
        scope: `ospf ${v.name} `,
        read: (stdout, facts) => neighborFacts('ospf', v.name, o, parseOspfNeighbors(stdout), facts),
      },
    },
    ...(o.interfaces.some((i) => i.ipv6 && !i.passive)
      ? [
          {
            file: `ospf6-neighbors-${v.name}.json`,
            argv: ['vtysh', '-c', `show ipv6 ospf6 vrf ${v.name} neighbor json`],
            observes: {
              kind: 'daemon' as const,
              scope: `ospf6 ${v.name} `,
              read: (stdout: string, facts: FactSink) =>
                neighborFacts('ospf6', v.name, o, parseOspf6Neighbors(stdout), facts),
            },
          },
        ]
      : []),
  ];
}

const withOspf = (v: Vrf): v is Vrf & { ospf: Ospf } => v.ospf !== undefined;

export const ospfCheck: DaemonCheck = {
  expected: (model) => model.vrfs.filter(withOspf).flatMap((v) => expected(v.name, v.ospf)),
  probes: (model) => model.vrfs.filter(withOspf).flatMap(probes),
};
