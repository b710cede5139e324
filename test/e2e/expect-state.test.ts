/**
 * The real-boot assertions (expect-state.ts) against states captured by the real-boot suite
 * itself (test/e2e/captures/), so `npm test` shows in seconds, on any machine, that they pass on
 * a good boot and fail on each kind of bad one.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { modelOf, ROOT } from '../helpers.ts';
import { bootFindings, formatFindings, stateFindings } from './expect-state.ts';
import { STACKS } from './stacks.ts';

const CAPTURES = join(ROOT, 'test/e2e/captures');
const { model } = await modelOf(join(ROOT, 'test/e2e/intent.yaml'));
const keys = (fs: { key: string }[]) => [...new Set(fs.map((f) => f.key))].sort();

test('a clean networkd boot: no findings', () => {
  expect(formatFindings(stateFindings(model!, join(CAPTURES, 'networkd/state')))).toBe('');
  expect(formatFindings(bootFindings(join(CAPTURES, 'networkd/boot')))).toBe('');
});

test('the same boot after the drift commands: each one is named', () => {
  const drifted = stateFindings(model!, join(CAPTURES, 'networkd/drifted'));
  const networkd = STACKS.find((s) => s.name === 'networkd')!;
  expect(networkd.drift.length).toBeGreaterThan(0);
  for (const d of networkd.drift) expect(keys(drifted), d.command).toContain(d.finding);
  // Moving eth2 out of its VRF also takes the route bound to it; nothing else differs.
  expect(formatFindings(drifted)).toBe(
    [
      'route:table10 0.0.0.0/0 via 10.10.0.254: expected present, got absent',
      'link:eth2.master: expected production, got none',
      'route:table20 0.0.0.0/0 via 10.20.0.254: expected present, got absent',
      'sysctl:net.ipv4.raw_l3mdev_accept: expected 1, got 0',
    ].join('\n'),
  );
});

test('a boot of deliberately broken files: the wrong table and the rejected key', () => {
  const broken = STACKS.find((s) => s.tamper)!;
  const found = [...bootFindings(join(CAPTURES, 'networkd-broken/boot')), ...stateFindings(model!, join(CAPTURES, 'networkd-broken/state'))];
  expect(keys(found)).toEqual([...broken.tamper!.findings].sort());
  expect(formatFindings(found)).toMatch(/^journal: .*10-vrfgen-eth2\.network:6: Unknown key 'VrfgenBroken' in section \[Network\], ignoring\.$/m);
  expect(formatFindings(found)).toMatch(/^vrf:mgmt\.table: expected 10, got 11$/m);
});

test('a probe that failed, or was never run, is a finding, not a pass', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-e2e-state-'));
  cpSync(join(CAPTURES, 'networkd/state'), dir, { recursive: true });
  // What iproute2 6.1 does for a table that does not exist: exit 2, a lone "[".
  writeFileSync(join(dir, 'route6-table20.json'), '[');
  writeFileSync(join(dir, 'route6-table20.json.rc'), '2\n');
  writeFileSync(join(dir, 'route6-table20.json.err'), 'Error: ipv6: FIB table does not exist.\n');
  rmSync(join(dir, 'sysctl-l3mdev.txt.rc'));
  expect(formatFindings(stateFindings(model!, dir))).toBe(
    [
      'probe:route6-table20.json: expected exit 0, got exit 2: Error: ipv6: FIB table does not exist.',
      'probe:sysctl-l3mdev.txt: expected exit 0, got not run',
    ].join('\n'),
  );
});

test('a failed unit and a degraded boot are findings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-e2e-boot-'));
  cpSync(join(CAPTURES, 'networkd/boot'), dir, { recursive: true });
  writeFileSync(join(dir, 'system-state.txt'), 'degraded\n');
  writeFileSync(join(dir, 'failed-units.txt'), '● ssh.service loaded failed failed OpenBSD Secure Shell server\n');
  expect(formatFindings(bootFindings(dir))).toBe(
    ['boot:system-state: expected running, got degraded', 'unit:ssh.service: expected not failed, got failed'].join('\n'),
  );
});

test('journal complaints count from the programs that read the files, or when they name a vrfgen file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-e2e-boot-'));
  cpSync(join(CAPTURES, 'networkd/boot'), dir, { recursive: true });
  const lines = [
    '[   55.1] vrfgen-e2e systemd-networkd[210]: eth1: Could not set route: Invalid argument',
    "[   21.2] vrfgen-e2e systemd[1]: /etc/systemd/system/ssh.service.d/vrfgen-vrf.conf:12: Unknown key name 'BindToVRF' in section 'Service', ignoring.",
    '[   34.6] vrfgen-e2e networking[176]: error: mgmt: vrf table id 10 out of reserved range [1001,5000]: Failed',
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
    ].join('\n'),
  );
});
