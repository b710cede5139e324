/**
 * What the OSPF boot (intent.yaml, peers.sh) must show beyond a clean check: OSPF's routes from the
 * neighbour in red's table and nowhere else, BGP in red holding them (redistribute ospf), exactly
 * one of them leaked into blue (the import route-map), the adjacency Full with BFD Up, and FRR's
 * running config the file vrfgen wrote.
 */
import { stateTableRoutes, type StateRoute } from '../../support/state-layout.ts';

const by = (routes: readonly StateRoute[], protocol: string) =>
  routes
    .filter((r) => r.protocol === protocol)
    .map((r) => r.dst ?? '?')
    .sort();

/** The neighbour's two subnets. */
const FROM_N1 = ['10.71.1.0/24', '10.71.2.0/24'];

export function verifyOspf(
  read: (file: string) => string,
  findings: readonly { item: string; status: string; actual?: unknown }[],
  state: string,
): void {
  const wrong: string[] = [];
  const same = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want))
      wrong.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  const actual = (item: string) => findings.find((f) => f.item === item)?.actual;
  // `vrfgen collect` writes one dump per family; the reader also takes a state of one file per table.
  const routesIn = (table: number | 'main') => stateTableRoutes((f) => read(`${state}/${f}`), 4, table);
  same('red: routes from OSPF', by(routesIn(100), 'ospf'), FROM_N1);
  same(
    'main: none of them',
    routesIn('main').filter((r) => r.dst?.startsWith('10.71.')),
    [],
  );
  same('blue: leaked through the route-map', by(routesIn(200), 'bgp'), ['10.71.1.0/24']);
  same('the adjacency on vo', actual('ospf red vo full'), '1');
  same('its BFD session, as ospfd has it', actual('ospf red vo bfd'), ['10.70.0.2 Up']);
  if (state === 'state') {
    const bgp = JSON.parse(read('red-bgp.json') || '{}') as { routes?: Record<string, unknown> };
    same(
      "red's BGP holds OSPF's routes",
      FROM_N1.filter((p) => bgp.routes?.[p] !== undefined),
      FROM_N1,
    );
    // FRR's running config is vrfgen's file, line for line, but for what vtysh adds around it and the hostname.
    const lines = (text: string) =>
      text
        .split('\n')
        .filter((l) => l && !/^(#|Building configuration|Current configuration:|hostname |end$)/.test(l))
        .join('\n')
        .replace(/^!\n/, '')
        // FRR 10 lists every VRF zebra knows, as an empty block.
        .replace(/^vrf \S+\nexit-vrf\n!\n/gm, '');
    if (lines(read('running-config.txt')) !== lines(read('frr.conf')))
      wrong.push(`running config differs from frr.conf:\n${read('running-config.txt')}`);
  }
  if (wrong.length) throw new Error(`OSPF boot (${state}):\n${wrong.join('\n')}`);
}
