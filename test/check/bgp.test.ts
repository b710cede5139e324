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

/**
 * The capture with the local lookup at 32765, as the sysctl target's unit leaves it: the boot was
 * recorded before that unit existed, and these tests are about BGP.
 */
const BASE = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-bgp-base-'));
  cpSync(CAPTURE, dir, { recursive: true });
  for (const file of ['rule.json', 'rule6.json']) {
    const rules = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { priority: number; table?: string }[];
    for (const r of rules) if (r.table === 'local' && r.priority === 0) r.priority = 32765;
    writeFileSync(join(dir, file), JSON.stringify(rules.sort((a, b) => a.priority - b.priority)));
  }
  return dir;
})();

type Finding = { item: string; expected: unknown; actual?: unknown; status: string; extra?: string[] };
const check = (state: string) => {
  const r = vrfgen('check', INTENT, '--state', state, '--json');
  const report = JSON.parse(r.stdout) as { findings: Finding[] };
  return { code: r.code, bgp: report.findings.filter((f) => f.item.startsWith('bgp ')) };
};

/** A copy of the capture with one file changed. */
function edited(file: string, change: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-bgp-'));
  cpSync(BASE, dir, { recursive: true });
  const text = readFileSync(join(dir, file), 'utf8');
  const changed = change(text);
  expect(changed, `the edit of ${file} applies`).not.toBe(text);
  writeFileSync(join(dir, file), changed);
  return dir;
}

test('the route server boot: instances, the appliance Established, its /32 and in-range /29 accepted', () => {
  const { code, bgp } = check(BASE);
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
