/**
 * The checker's OSPF facts on an assembled state of the OSPF boot's intent (vtysh's answers only:
 * test/check/assembled/README.md): the neighbour Full on `vo` with its BFD session up; and, on copies
 * edited the way a broken adjacency looks, the finding each one must show (the check can fail).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseOspf6Neighbors, parseOspfNeighbors } from '../../targets/frr/vtysh.ts';
import { ROOT, vrfgen } from '../support/helpers.ts';

const INTENT = join(ROOT, 'test/e2e/ospf/intent.yaml');
const ASSEMBLED = join(ROOT, 'test/check/assembled/ospf');
const FILE = 'ospf-neighbors-red.json';

type Finding = { item: string; expected: unknown; actual?: unknown; status: string; extra?: string[] };
const check = (state: string) => {
  const r = vrfgen('check', INTENT, '--state', state, '--json');
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter((f) => f.item.startsWith('ospf'));
};

/** A copy of the assembled state with the OSPF answer changed. */
function edited(change: (text: string) => string, file = FILE): string {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-ospf-'));
  cpSync(ASSEMBLED, dir, { recursive: true });
  const text = readFileSync(join(dir, file), 'utf8');
  const changed = change(text);
  expect(changed, `the edit of ${file} applies`).not.toBe(text);
  writeFileSync(join(dir, file), changed);
  return dir;
}

test('the neighbour on vo is Full and its BFD session up; the passive eth1 is not asked about', () => {
  expect(check(ASSEMBLED).map((f) => [f.item, f.status, f.actual])).toEqual([
    ['ospf red vo full', 'ok', '1'],
    ['ospf red vo neighbors', 'ok', ['10.70.0.2 Full']],
    ['ospf red vo bfd', 'ok', ['10.70.0.2 Up']],
  ]);
});

test('the neighbour gone, stuck in ExStart, its BFD session down: each is a finding', () => {
  const gone = check(edited((t) => t.replace(/"neighbors":\{[\s\S]*\}\s*\}\s*$/, '"neighbors":{}}}')));
  expect(gone.find((f) => f.item === 'ospf red vo full')).toMatchObject({ status: 'drift', actual: '0' });

  const stuck = check(edited((t) => t.replace('"Full\\/-"', '"ExStart\\/-"')));
  expect(stuck.find((f) => f.item === 'ospf red vo full')).toMatchObject({ status: 'drift', actual: '0' });
  expect(stuck.find((f) => f.item === 'ospf red vo neighbors')).toMatchObject({
    status: 'extra',
    extra: ['10.70.0.2 ExStart'],
  });

  const down = check(edited((t) => t.replace('"status":"Up"', '"status":"Down"')));
  expect(down.find((f) => f.item === 'ospf red vo bfd')).toMatchObject({ status: 'extra', extra: ['10.70.0.2 Down'] });
});

test("ospfd not answering makes the VRF's OSPF unknown, never ok", () => {
  const dir = edited(() => '1\n', `${FILE}.rc`);
  expect(check(dir).map((f) => f.status)).toEqual(['unknown', 'unknown', 'unknown']);
});

test('collect --script asks ospfd for a VRF with an interface that forms adjacencies, ospf6d only with OSPFv3', () => {
  const r = vrfgen('collect', INTENT, '--script');
  expect(r.stdout).toContain("vtysh -c 'show ip ospf vrf red neighbor detail json'");
  expect(r.stdout).not.toContain('ospf6');
  const v6 = vrfgen('collect', join(ROOT, 'test/golden/ospf-debian-13/intent.yaml'), '--script');
  expect(v6.stdout).toContain("vtysh -c 'show ipv6 ospf6 vrf red neighbor json'");
});

test("ospf6d's neighbour list, as ospf6_neighbor_show prints it (8.4 and 10.3)", () => {
  const json = JSON.stringify({
    neighbors: [
      {
        neighborId: '10.1.255.2',
        priority: 1,
        deadTime: '00:00:35',
        state: 'Full',
        ifState: 'DR',
        duration: '00:01:10',
        interfaceName: 'eth1',
        interfaceState: 'BDR',
      },
      { neighborId: '10.1.255.3', state: 'Init', interfaceName: 'eth2' },
      { state: 'Full' },
    ],
  });
  expect(parseOspf6Neighbors(json)).toEqual([
    { id: '10.1.255.2', ifname: 'eth1', state: 'Full' },
    { id: '10.1.255.3', ifname: 'eth2', state: 'Init' },
  ]);
  expect(parseOspfNeighbors('{}')).toEqual([]);
  expect(
    parseOspfNeighbors(JSON.stringify({ neighbors: { '10.1.255.2': [{ ifaceName: 'eth1', nbrState: 'Full/DR' }] } })),
  ).toEqual([{ id: '10.1.255.2', ifname: 'eth1', state: 'Full/DR' }]);
  expect(() => parseOspfNeighbors('% OSPF instance not found')).toThrow();
});

test("ospfd's answer for one VRF, as a real boot's ospfd 8.4.4 printed it: wrapped in the VRF's name, Full/- on point-to-point", () => {
  const real = readFileSync(join(ASSEMBLED, FILE), 'utf8');
  expect(parseOspfNeighbors(real)).toEqual([{ id: '10.70.0.2', ifname: 'vo', state: 'Full/-', bfd: 'Up' }]);
});
