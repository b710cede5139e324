/**
 * The real-boot verdicts (vrfgen check --state, and boot-findings.ts) on states captured by the
 * real-boot suite itself (test/e2e/captures/), so `npm test` shows in seconds, on any machine,
 * that they pass on a good boot and fail on each kind of bad one.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT, vrfgen } from '../support/helpers.ts';
import { toDumpLayout } from '../support/state-layout.ts';
import { bootFindings, formatFindings } from './boot-findings.ts';
import { STACKS } from './stacks.ts';

const CAPTURES = join(ROOT, 'test/e2e/captures');
const INTENT = join(ROOT, 'test/e2e/intent.yaml');

/** `vrfgen check --state` on a capture: its exit code and the items that are not ok. */
function check(state: string, intent = INTENT) {
  const r = vrfgen('check', intent, '--state', join(CAPTURES, state), '--json');
  const report = JSON.parse(r.stdout) as { findings: { item: string; status: string }[] };
  return { code: r.code, wrong: report.findings.filter((f) => f.status !== 'ok').map((f) => f.item) };
}

test('a clean networkd boot: vrfgen check finds nothing, the journal no complaint', () => {
  const r = check('networkd/state');
  expect(r.wrong).toEqual([]);
  expect(r.code).toBe(0);
  expect(formatFindings(bootFindings(join(CAPTURES, 'networkd/boot')))).toBe('');
});

test('the same boot after the drift commands: vrfgen check names each one', () => {
  const r = check('networkd/drifted');
  expect(r.code).toBe(1);
  const networkd = STACKS.find((s) => s.name === 'networkd')!;
  expect(networkd.drift.length).toBeGreaterThan(0);
  for (const d of networkd.drift) expect(r.wrong, d.command).toContain(d.finding);
});

/** The networkd members boot (members/intent.yaml): bridge, bond, dummy, VXLAN, DHCP, localhost on the VRF device. */
const members = STACKS.find((s) => s.name === 'members, networkd')!;
const readCapture = (f: string) => {
  const p = join(CAPTURES, 'members-networkd', f);
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
};

test('a clean members boot: vrfgen check finds nothing, the journal no complaint', () => {
  const r = check('members-networkd/state', members.intentFile);
  expect(r.wrong).toEqual([]);
  expect(r.code).toBe(0);
  expect(formatFindings(bootFindings(join(CAPTURES, 'members-networkd/boot')))).toBe('');
});

test('the members boot: traffic passed through each member, 127.0.0.1 answered inside the VRF', () => {
  expect(() => members.verify!(readCapture, [], 'state')).not.toThrow();
  expect(readCapture('ping/vrf-localhost.txt')).toMatch(/ 0% packet loss/);
});

test('the members verdict reads a state in the layout collect writes now (a route dump per family)', () => {
  const dumps = mkdtempSync(join(tmpdir(), 'vrfgen-e2e-dumps-'));
  toDumpLayout(join(CAPTURES, 'members-networkd/state'), dumps);
  const read = (f: string) =>
    f.startsWith('state/')
      ? existsSync(join(dumps, f.slice(6)))
        ? readFileSync(join(dumps, f.slice(6)), 'utf8')
        : ''
      : readCapture(f);
  expect(read('state/route-all.json')).toMatch(/"table":"1100"/);
  expect(() => members.verify!(read, [], 'state')).not.toThrow();
  const drifted = mkdtempSync(join(tmpdir(), 'vrfgen-e2e-dumps-'));
  toDumpLayout(join(CAPTURES, 'members-networkd/drifted'), drifted);
  const r = vrfgen('check', members.intentFile!, '--state', drifted, '--json');
  expect(r.code).toBe(1);
  const findings = (JSON.parse(r.stdout) as { findings: { item: string; status: string }[] }).findings;
  for (const d of members.drift) expect(findings.find((f) => f.item === d.finding)?.status, d.command).not.toBe('ok');
});

test('the members boot after its drift: a bond port out of its bond, the lease route gone', () => {
  const r = check('members-networkd/drifted', members.intentFile);
  expect(r.code).toBe(1);
  expect(members.drift.length).toBeGreaterThan(0);
  for (const d of members.drift) expect(r.wrong, d.command).toContain(d.finding);
});

test("the members verdict fails when a member's peer did not answer, or the lease's route is in main", () => {
  const replacing = (file: string, text: string) => (f: string) => (f === file ? text : readCapture(f));
  expect(() => members.verify!(replacing('ping/vxlan.rc', '1\n'), [], 'state')).toThrow(/no answer to the VXLAN peer/);
  // The lease's routes in main as well: in a state of either layout.
  const leaseInMain = (f: string) => {
    const dump = readCapture('state/route-all.json');
    if (dump && f === 'state/route-all.json') {
      const routes = JSON.parse(dump) as { table?: string }[];
      const blue = routes.filter((r) => r.table === '1100' || r.table === 'blue').map(({ table: _, ...r }) => r);
      return JSON.stringify([...routes, ...blue]);
    }
    return !dump && f === 'state/route-main.json' ? readCapture('state/route-table1100.json') : readCapture(f);
  };
  expect(() => members.verify!(leaseInMain, [], 'state')).toThrow(/the lease's default route is in main/);
});

test('a boot of deliberately broken files: the wrong table and the rejected key', () => {
  const broken = STACKS.find((s) => s.tamper)!;
  const r = check('networkd-broken/state');
  const boot = bootFindings(join(CAPTURES, 'networkd-broken/boot'));
  expect([...(boot.length ? ['journal'] : []), ...r.wrong].sort()).toEqual([...broken.tamper!.findings].sort());
  expect(formatFindings(boot)).toMatch(
    /10-vrfgen-eth2\.network:6: Unknown key 'VrfgenBroken' in section \[Network\], ignoring\.$/m,
  );
});

test('a failed unit and a degraded boot are findings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-e2e-boot-'));
  cpSync(join(CAPTURES, 'networkd/boot'), dir, { recursive: true });
  writeFileSync(join(dir, 'system-state.txt'), 'degraded\n');
  writeFileSync(join(dir, 'failed-units.txt'), '● ssh.service loaded failed failed OpenBSD Secure Shell server\n');
  expect(formatFindings(bootFindings(dir))).toBe(
    ['boot:system-state: expected running, got degraded', 'unit:ssh.service: expected not failed, got failed'].join(
      '\n',
    ),
  );
});

test('journal complaints count from the programs that read the files, or when they name a vrfgen file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-e2e-boot-'));
  cpSync(join(CAPTURES, 'networkd/boot'), dir, { recursive: true });
  const lines = [
    '[   55.1] vrfgen-e2e systemd-networkd[210]: eth1: Could not set route: Invalid argument',
    "[   21.2] vrfgen-e2e systemd[1]: /etc/systemd/system/ssh.service.d/vrfgen-vrf.conf:12: Unknown key name 'BindToVRF' in section 'Service', ignoring.",
    '[   34.6] vrfgen-e2e networking[176]: error: mgmt: vrf table id 10 out of reserved range [1001,5000]: Failed',
    "[  124.6] vrfgen-e2e networking[324]: error: [Errno 2] No such file or directory: '/etc/iproute2/rt_tables.d/ifupdown2_vrf_map.conf'",
    // ifupdown2's warnings: this one left a dummy outside its VRF (a real Debian 12 boot).
    '[  118.3] vrfgen-e2e networking[276]: warning: anycast0: device not found - please check your configuration',
    '[  312.0] vrfgen-e2e NetworkManager[228]: <warn>  [1796673231.6766] platform: (mgmt) route-sync: failure to add IPv6 route: type unicast table 10 2001:db8:98::/64 dev 6 metric 1024 mss 0 rt-src user: Permission denied',
    // A sandboxed unit on a busy host, and the kernel's note on the virtual hardware: not the files.
    '[   31.0] vrfgen-e2e (crub_all)[215]: Failed to configure loopback network device, ignoring: Connection timed out',
    '[    0.0] vrfgen-e2e kernel: tsc: Fast TSC calibration failed',
  ];
  writeFileSync(join(dir, 'journal.txt'), `${lines.join('\n')}\n`, { flag: 'a' });
  expect(formatFindings(bootFindings(dir))).toBe(
    [
      'journal: expected no complaint, got systemd-networkd: eth1: Could not set route: Invalid argument',
      "journal: expected no complaint, got systemd: /etc/systemd/system/ssh.service.d/vrfgen-vrf.conf:12: Unknown key name 'BindToVRF' in section 'Service', ignoring.",
      'journal: expected no complaint, got networking: error: mgmt: vrf table id 10 out of reserved range [1001,5000]: Failed',
      "journal: expected no complaint, got networking: error: [Errno 2] No such file or directory: '/etc/iproute2/rt_tables.d/ifupdown2_vrf_map.conf'",
      'journal: expected no complaint, got networking: warning: anycast0: device not found - please check your configuration',
      'journal: expected no complaint, got NetworkManager: <warn>  [1796673231.6766] platform: (mgmt) route-sync: failure to add IPv6 route: type unicast table 10 2001:db8:98::/64 dev 6 metric 1024 mss 0 rt-src user: Permission denied',
    ].join('\n'),
  );
});

test("the ifupdown2 members boot's one expected complaint is ifupdown2's brctl warning, and no other", () => {
  const boot = STACKS.find((s) => s.name === 'members, ifupdown2')!;
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-e2e-boot-'));
  cpSync(join(CAPTURES, 'networkd/boot'), dir, { recursive: true });
  const lines = [
    // As a real Debian 12 and 13 boot of the members intent logged it.
    "[  645.4] vrfgen-e2e networking[288]: warning: /sbin/brctl: missing - bridge operation may not work as expected. Please check if 'bridge-utils' package is installed",
    '[  118.3] vrfgen-e2e networking[276]: warning: anycast0: device not found - please check your configuration',
  ];
  writeFileSync(join(dir, 'journal.txt'), `${lines.join('\n')}\n`, { flag: 'a' });
  const known = (a: string) => boot.complaints!.some((k) => k.test(a));
  expect(bootFindings(dir).map((f) => known(f.actual))).toEqual([true, false]);
});
