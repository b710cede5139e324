/**
 * The route servers' and the OSPF boot's verdicts (stacks.ts) read the kernel's tables from the state
 * `vrfgen collect` recorded: in the layout collect writes now (a route dump per family, a VRF's table by
 * number or, where ifupdown2 named it in rt_tables.d, by the VRF's name) and in the per-table layout of
 * earlier captures. Synthetic states, built the way the boots record them, stand in for a boot here.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { toDumpLayout } from '../support/state-layout.ts';
import { STACKS } from './stacks.ts';

/** How the state folders are written: per table, or dumps naming a VRF's table by number or by name. */
const LAYOUTS = ['per-table', 'numbers', 'names'] as const;

type Routes = Record<string, { dst: string; protocol: string }[]>;

const vrf = (ifname: string, table: number) => ({ ifname, linkinfo: { info_kind: 'vrf', info_data: { table } } });
const bgp = (...dsts: string[]) => dsts.map((dst) => ({ dst, protocol: 'bgp' }));

/** A state folder of the per-table layout: links.json and one route file per table and family. */
function perTableState(dir: string, links: object[], routes: Routes): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'links.json'), JSON.stringify(links));
  writeFileSync(join(dir, 'addr.json'), '[]');
  for (const [file, list] of Object.entries(routes)) {
    writeFileSync(join(dir, file), JSON.stringify(list));
    writeFileSync(join(dir, `${file}.rc`), '0\n');
  }
}

/** The boot's results folder: `files` as they are, each state folder in the layout asked for. */
function results(
  layout: (typeof LAYOUTS)[number],
  states: Record<string, [object[], Routes]>,
  files: Record<string, string> = {},
) {
  const out = mkdtempSync(join(tmpdir(), 'vrfgen-e2e-verdict-'));
  for (const [name, [links, routes]] of Object.entries(states)) {
    if (layout === 'per-table') perTableState(join(out, name), links, routes);
    else {
      const source = mkdtempSync(join(tmpdir(), 'vrfgen-e2e-per-table-'));
      perTableState(source, links, routes);
      toDumpLayout(source, join(out, name), { tableNames: layout === 'names' });
    }
  }
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(out, file, '..'), { recursive: true });
    writeFileSync(join(out, file), text);
  }
  return (f: string) => (existsSync(join(out, f)) ? readFileSync(join(out, f), 'utf8') : '');
}

const frr = STACKS.find((s) => s.name === 'frr route server' && s.again)!;
const FRR_LINKS = [vrf('red', 100), vrf('blue', 200)];
const RED = bgp('10.200.3.8/29', '10.200.1.1');
const BLUE = bgp('10.1.0.0/25', '10.1.0.128/25', '10.200.1.1', '10.200.3.8/29', '192.0.2.0/24');
const FRR_FINDINGS = [
  { item: 'bgp red listen 10.1.0.0/25 peers', status: 'ok', actual: ['10.1.0.2 Established, 2 accepted'] },
  { item: 'bgp red listen 10.1.0.0/25 accepted', status: 'ok', actual: ['10.200.1.1/32', '10.200.3.8/29'] },
  { item: 'bgp red listen 10.1.0.128/25 peers', status: 'ok', actual: [] },
];
const frrState = (red: Routes[string], blue: Routes[string]): [object[], Routes] => [
  FRR_LINKS,
  {
    // A bgp route in main and in another table than red's and blue's is neither's.
    'route-main.json': bgp('10.200.9.9'),
    'route-table100.json': red,
    'route-table200.json': blue,
    'route-table300.json': bgp('10.200.1.1'),
    'route6-main.json': [],
    'route6-table100.json': [],
    'route6-table200.json': [],
  },
];
const FRR_FILES = {
  'bad-summary.json': JSON.stringify({ ipv4Unicast: { peers: { '10.1.0.129': { state: 'Active' } } } }),
  'frr.conf': 'router bgp 65000 vrf red\n',
  'running-config.txt': 'router bgp 65000 vrf red\n',
  // again.sh's own files (ip -j route show table N), in no layout of vrfgen's.
  ...Object.fromEntries(
    ['frr-first', 'after-reload', 'after-restart'].flatMap((step) => [
      [`survive/${step}-table100.json`, JSON.stringify(RED)],
      [`survive/${step}-table200.json`, JSON.stringify(BLUE)],
    ]),
  ),
  'survive/frr-first-vrfs.txt': '',
  'survive/frr-first-state.txt': 'activating\n',
};

test.each(LAYOUTS)('the FRR route server verdict reads red and blue in a state of the %s layout', (layout) => {
  const good = results(layout, { state: frrState(RED, BLUE), again: frrState(RED, BLUE) }, FRR_FILES);
  expect(() => frr.verify!(good, FRR_FINDINGS, 'state')).not.toThrow();
  expect(() => frr.verify!(good, FRR_FINDINGS, 'again')).not.toThrow();
  const noLeak = results(layout, { state: frrState(RED, RED) }, FRR_FILES);
  expect(() => frr.verify!(noLeak, FRR_FINDINGS, 'state')).toThrow(/state: leaked into blue/);
  const lost = results(layout, { again: frrState(RED.slice(1), BLUE) }, FRR_FILES);
  expect(() => frr.verify!(lost, FRR_FINDINGS, 'again')).toThrow(/again: FRR's routes in red/);
});

test('the FRR route server verdict reads again.sh’s own files after each step', () => {
  const files = { ...FRR_FILES, 'survive/after-reload-table100.json': '[]' };
  const read = results('numbers', { again: frrState(RED, BLUE) }, files);
  expect(() => frr.verify!(read, FRR_FINDINGS, 'again')).toThrow(/survive\/after-reload: FRR's routes in red/);
});

const anycast = STACKS.find((s) => s.name === 'anycast route server')!;
const RS_V4 = bgp('10.200.5.16/29', '10.200.1.1', '10.200.3.8/29', '10.200.4.4');
const RS_V6 = bgp('2001:db8:200:1::/64');
const rsState = (v4: Routes[string], v6: Routes[string]): [object[], Routes] => [
  [vrf('rs', 3000)],
  {
    'route-main.json': bgp('10.200.9.9'),
    'route-table3000.json': v4,
    'route6-main.json': bgp('2001:db8:200:9::/64'),
    'route6-table3000.json': v6,
  },
];
const peers = (routes: Record<string, [string, string][]>) =>
  JSON.stringify({
    routes: Object.fromEntries(
      Object.entries(routes).map(([prefix, paths]) => [
        prefix,
        paths.map(([peerId, ip]) => ({ peerId, valid: true, nexthops: [{ ip }] })),
      ]),
    ),
  });
const RS_FILES = {
  'peers/a1-ipv4.json': peers({ '0.0.0.0/0': [['10.255.0.1', '10.255.0.1']] }),
  'peers/a2-ipv4.json': peers({ '0.0.0.0/0': [['10.255.0.1', '10.255.0.1']] }),
  'peers/a6-ipv6.json': peers({ '::/0': [['2001:db8:ff::1', '2001:db8:ff::1']] }),
  'peers/fabric-ipv4.json': peers({
    '10.200.1.1/32': [['10.50.0.1', '10.60.1.2']],
    '10.200.3.8/29': [['10.50.0.1', '10.60.1.2']],
    '10.200.4.4/32': [['10.50.0.1', '10.60.2.2']],
    '10.200.5.16/29': [['10.50.0.1', '10.60.2.2']],
    '10.255.0.1/32': [['10.50.0.1', '10.50.0.1']],
  }),
};

test.each(LAYOUTS)('the anycast route server verdict reads rs in both families, %s layout', (layout) => {
  const good = results(layout, { state: rsState(RS_V4, RS_V6), again: rsState(RS_V4, RS_V6) }, RS_FILES);
  expect(() => anycast.verify!(good, [], 'state')).not.toThrow();
  expect(() => anycast.verify!(good, [], 'again')).not.toThrow();
  const no6 = results(layout, { again: rsState(RS_V4, []) }, RS_FILES);
  expect(() => anycast.verify!(no6, [], 'again')).toThrow(/rs: IPv6 routes from FRR: got \[\]/);
  const less4 = results(layout, { state: rsState(RS_V4.slice(1), RS_V6) }, RS_FILES);
  expect(() => anycast.verify!(less4, [], 'state')).toThrow(/rs: IPv4 routes from FRR/);
});

const ospf = STACKS.find((s) => s.name === 'ospf')!;
const OSPF_RED = ['10.71.1.0/24', '10.71.2.0/24'].map((dst) => ({ dst, protocol: 'ospf' }));
const ospfState = (main: Routes[string], red: Routes[string], blue: Routes[string]): [object[], Routes] => [
  [vrf('red', 100), vrf('blue', 200)],
  {
    'route-main.json': main,
    'route-table100.json': red,
    'route-table200.json': blue,
    'route6-main.json': [],
  },
];
const OSPF_FINDINGS = [
  { item: 'ospf red vo full', status: 'ok', actual: '1' },
  { item: 'ospf red vo bfd', status: 'ok', actual: ['10.70.0.2 Up'] },
];
const OSPF_FILES = {
  'red-bgp.json': JSON.stringify({ routes: { '10.71.1.0/24': [{}], '10.71.2.0/24': [{}] } }),
  'frr.conf': 'router ospf vrf red\n',
  'running-config.txt': 'router ospf vrf red\n',
};

test.each(LAYOUTS)("the OSPF verdict reads red's, blue's and main's routes, %s layout", (layout) => {
  const good = results(layout, { state: ospfState([], OSPF_RED, bgp('10.71.1.0/24')) }, OSPF_FILES);
  expect(() => ospf.verify!(good, OSPF_FINDINGS, 'state')).not.toThrow();
  const inMain = results(layout, { state: ospfState(OSPF_RED, OSPF_RED, bgp('10.71.1.0/24')) }, OSPF_FILES);
  expect(() => ospf.verify!(inMain, OSPF_FINDINGS, 'state')).toThrow(/main: none of them/);
  const both = results(layout, { state: ospfState([], OSPF_RED, bgp('10.71.1.0/24', '10.71.2.0/24')) }, OSPF_FILES);
  expect(() => ospf.verify!(both, OSPF_FINDINGS, 'state')).toThrow(/blue: leaked through the route-map/);
  const none = results(layout, { state: ospfState([], [], bgp('10.71.1.0/24')) }, OSPF_FILES);
  expect(() => ospf.verify!(none, OSPF_FINDINGS, 'state')).toThrow(/red: routes from OSPF: got \[\]/);
});
