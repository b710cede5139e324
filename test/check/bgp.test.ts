/**
 * The checker's BGP facts on the state captured in the FRR boot (test/check/captures/frr-route-server,
 * FRR 8.4.4 in Debian 12): the route server's instance, the appliance's session and the prefixes its
 * filter let in; and, on copies of that capture edited the way a broken route server would look,
 * the drift each one must show (the check can fail).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseBgpSummary } from '../../targets/frr/vtysh.ts';
import { ROOT, vrfgen } from '../support/helpers.ts';

const INTENT = join(ROOT, 'test/e2e/frr/intent.yaml');
const CAPTURE = join(ROOT, 'test/check/captures/frr-route-server');

type Finding = { item: string; expected: unknown; actual?: unknown; status: string; extra?: string[] };
const check = (state: string) => {
  const r = vrfgen('check', INTENT, '--state', state, '--json');
  const report = JSON.parse(r.stdout) as { findings: Finding[] };
  return { code: r.code, bgp: report.findings.filter((f) => f.item.startsWith('bgp ')) };
};

/** A copy of a state (the capture unless named) with one file changed. */
function edited(file: string, change: (text: string) => string, state = CAPTURE): string {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-bgp-'));
  cpSync(state, dir, { recursive: true });
  const text = readFileSync(join(dir, file), 'utf8');
  const changed = change(text);
  expect(changed, `the edit of ${file} applies`).not.toBe(text);
  writeFileSync(join(dir, file), changed);
  return dir;
}

test('the route server boot: instances, the appliance Established, its /32 and in-range /29 accepted', () => {
  const { code, bgp } = check(CAPTURE);
  expect(bgp.map((f) => [f.item, f.status, f.actual])).toEqual([
    ['bgp blue instance', 'ok', 'as 65000 router-id 10.2.0.1'],
    ['bgp red instance', 'ok', 'as 65000 router-id 10.1.0.1'],
    ['bgp red listen 10.1.0.0/25 peers', 'ok', ['10.1.0.2 Established, 2 accepted']],
    ['bgp red listen 10.1.0.0/25 accepted', 'ok', ['10.200.1.1/32', '10.200.3.8/29']],
    // The appliance with the wrong key never got a session, so nothing is listed for its range.
    ['bgp red listen 10.1.0.128/25 peers', 'ok', []],
    ['bgp red listen 10.1.0.128/25 accepted', 'ok', []],
  ]);
  expect(code).toBe(0);
});

test('a prefix outside the filter accepted, a session stuck, another instance: each is drift', () => {
  // The /24 the appliance announces, as if the filter had let it in.
  const leaky = edited('bgp-routes-red.json', (t) =>
    t.replace('"routes": { ', '"routes": { "10.200.2.0/24": [{"valid":true,"peerId":"10.1.0.2"}],'),
  );
  const l = check(leaky);
  expect(l.code).toBe(1);
  expect(l.bgp.find((f) => f.item === 'bgp red listen 10.1.0.0/25 accepted')).toMatchObject({
    status: 'extra',
    extra: ['10.200.2.0/24'],
  });

  const stuck = edited('bgp-summary-red.json', (t) => t.replace('"state":"Established"', '"state":"OpenConfirm"'));
  expect(check(stuck).bgp.find((f) => f.item === 'bgp red listen 10.1.0.0/25 peers')).toMatchObject({
    status: 'extra',
    extra: ['10.1.0.2 OpenConfirm, 2 accepted'],
  });

  const other = edited('bgp-routes-blue.json', (t) => t.replace('"localAS": 65000', '"localAS": 65001'));
  expect(check(other).bgp.find((f) => f.item === 'bgp blue instance')).toMatchObject({
    status: 'drift',
    actual: 'as 65001 router-id 10.2.0.1',
  });
});

test("FRR not answering makes the VRF's BGP unknown, never ok", () => {
  const dir = edited('bgp-summary-red.json.rc', () => '1\n');
  const r = check(dir);
  expect(r.code).toBe(2);
  expect(r.bgp.filter((f) => f.item.startsWith('bgp red ')).map((f) => f.status)).toEqual([
    'unknown',
    'unknown',
    'unknown',
    'unknown',
    'unknown',
  ]);
});

test('an instance without neighbours prints {} as its summary: no sessions, not a failure', () => {
  expect(parseBgpSummary(readFileSync(join(CAPTURE, 'bgp-summary-blue.json'), 'utf8'))).toEqual([]);
});

test('collect --script asks vtysh for each VRF with BGP', () => {
  const r = vrfgen('collect', INTENT, '--script');
  expect(r.stdout).toContain("vtysh -c 'show bgp vrf red summary json'");
  expect(r.stdout).toContain("vtysh -c 'show bgp vrf blue ipv4 unicast json'");
});

/**
 * The route server of test/golden/route-server-anycast on an assembled state (vtysh's answers only:
 * test/check/assembled/README.md): the fabric peer with BFD up, two IPv4 appliances and an IPv6 one,
 * each family's prefixes filed under its range.
 */
const ANYCAST = join(ROOT, 'test/golden/route-server-anycast/intent.yaml');
const ASSEMBLED = join(ROOT, 'test/check/assembled/route-server-anycast');

const checkAnycast = (state: string) => {
  const r = vrfgen('check', ANYCAST, '--state', state, '--json');
  const report = JSON.parse(r.stdout) as { findings: Finding[] };
  return report.findings.filter((f) => f.item.startsWith('bgp '));
};

/** A copy of the assembled state with one file changed. */
const editedAnycast = (file: string, change: (text: string) => string) => edited(file, change, ASSEMBLED);

test('route server: BFD to the fabric up, IPv4 and IPv6 sessions Established, each family within its filter', () => {
  expect(checkAnycast(ASSEMBLED).map((f) => [f.item, f.status, f.actual])).toEqual([
    ['bgp rs instance', 'ok', 'as 65000 router-id 10.255.0.1'],
    ['bgp rs peer 10.50.0.254', 'ok', 'Established'],
    ['bgp rs bfd 10.50.0.254', 'ok', 'up'],
    [
      'bgp rs listen 10.60.0.0/16 peers',
      'ok',
      ['10.60.1.10 Established, 2 accepted', '10.60.2.10 Established, 1 accepted'],
    ],
    ['bgp rs listen 10.60.0.0/16 established', 'ok', '2'],
    ['bgp rs listen 10.60.0.0/16 accepted', 'ok', ['10.200.1.1/32', '10.200.2.1/32', '10.200.3.8/29']],
    ['bgp rs listen 2001:db8:60::/48 peers', 'ok', ['2001:db8:60:1::10 Established, 1 accepted']],
    ['bgp rs listen 2001:db8:60::/48 accepted', 'ok', ['2001:db8:200:1::/64']],
  ]);
});

test('route server drift: BFD down, an IPv6 /48 accepted, the IPv6 session stuck', () => {
  const down = editedAnycast('bfd-peers-rs.json', (t) => t.replace('"status": "up"', '"status": "down"'));
  expect(checkAnycast(down).find((f) => f.item === 'bgp rs bfd 10.50.0.254')).toMatchObject({
    status: 'drift',
    actual: 'down',
  });

  const wide = editedAnycast('bgp-routes6-rs.json', (t) =>
    t.replace('"routes": {', '"routes": { "2001:db8:200::/48": [{"valid":true,"peerId":"2001:db8:60:1::10"}],'),
  );
  expect(checkAnycast(wide).find((f) => f.item === 'bgp rs listen 2001:db8:60::/48 accepted')).toMatchObject({
    status: 'extra',
    extra: ['2001:db8:200::/48'],
  });

  const stuck = editedAnycast('bgp-summary-rs.json', (t) =>
    t.replace(/("2001:db8:60:1::10": \{[^}]*"state": )"Established"/, '$1"Active"'),
  );
  expect(checkAnycast(stuck).find((f) => f.item === 'bgp rs listen 2001:db8:60::/48 peers')).toMatchObject({
    status: 'extra',
    extra: ['2001:db8:60:1::10 Active, 1 accepted'],
  });
});

test('bfdd not answering leaves only the BFD sessions unknown', () => {
  const dir = editedAnycast('bfd-peers-rs.json.rc', () => '1\n');
  const bgp = checkAnycast(dir);
  expect(bgp.filter((f) => f.status === 'unknown').map((f) => f.item)).toEqual(['bgp rs bfd 10.50.0.254']);
});

test('collect --script asks for the IPv6 routes and bfdd only where a session needs them', () => {
  const r = vrfgen('collect', ANYCAST, '--script');
  expect(r.stdout).toContain("vtysh -c 'show bgp vrf rs ipv6 unicast json'");
  expect(r.stdout).toContain("vtysh -c 'show bfd vrf rs peers json'");
  const plain = vrfgen('collect', INTENT, '--script');
  expect(plain.stdout).not.toMatch(/ipv6 unicast json|show bfd/);
});

test("a static peer's filter: what it got accepted is held to its accept, per family", () => {
  const intent = join(ROOT, 'test/golden/session-policy/intent.yaml');
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-bgp-peer-'));
  const routes = (paths: Record<string, string>) =>
    JSON.stringify({
      routerId: '10.255.1.1',
      localAS: 65000,
      routes: Object.fromEntries(Object.entries(paths).map(([p, peer]) => [p, [{ valid: true, peerId: peer }]])),
    });
  writeFileSync(
    join(dir, 'bgp-routes-red.json'),
    routes({ '198.51.100.0/25': '10.9.0.1', '198.51.100.64/30': '10.9.0.1', '10.255.1.1/32': '(unspec)' }),
  );
  writeFileSync(join(dir, 'bgp-routes6-red.json'), routes({ '2001:db8:4000:1::/64': '2001:db8:1::2' }));
  writeFileSync(join(dir, 'bgp-summary-red.json'), '{}');
  for (const f of ['bgp-summary-red.json', 'bgp-routes-red.json', 'bgp-routes6-red.json'])
    writeFileSync(join(dir, `${f}.rc`), '0\n');
  const r = vrfgen('check', intent, '--state', dir, '--json');
  const findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
  expect(findings.find((f) => f.item === 'bgp red peer 10.9.0.1 accepted')).toMatchObject({
    status: 'extra',
    actual: ['198.51.100.0/25', '198.51.100.64/30'],
    extra: ['198.51.100.64/30'],
  });
  expect(findings.find((f) => f.item === 'bgp red peer 2001:db8:1::2 accepted')).toMatchObject({
    status: 'ok',
    actual: ['2001:db8:4000:1::/64'],
  });
});

test('min-peers: a range with fewer Established neighbours than it asks for is drift, naming the count', () => {
  const item = 'bgp rs listen 10.60.0.0/16 established';
  // FRR forgets a dynamic neighbour whose session ended: the second appliance is simply not listed.
  const gone = editedAnycast('bgp-summary-rs.json', (t) => {
    const json = JSON.parse(t) as { ipv4Unicast: { peers: Record<string, unknown> } };
    delete json.ipv4Unicast.peers['10.60.2.10'];
    return JSON.stringify(json);
  });
  const found = checkAnycast(gone);
  expect(found.find((f) => f.item === item)).toMatchObject({ status: 'drift', expected: 'at least 2', actual: '1' });
  expect(found.find((f) => f.item === 'bgp rs listen 10.60.0.0/16 peers')?.status).toBe('ok');
});
