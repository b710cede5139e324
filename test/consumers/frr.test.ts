/**
 * Every golden frr.conf, read by FRR's own parser: `vtysh --dryrun` of Debian 12's FRR 8.4 (unpacked,
 * no daemon). The dry run checks the grammar only; the semantic rules are vrfgen's (resolve-bgp.ts,
 * test/invalid/bgp). A broken file shows the check can fail.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { describeWithFacility, goldenCases, treeOf } from '../support/helpers.ts';
import { probeVtysh, vtysh } from '../support/tools.ts';

const withFrr = goldenCases().filter((c) => treeOf(join(c.expected, 'frr')).includes('/etc/frr/frr.conf'));

describeWithFacility('vtysh --dryrun accepts every golden frr.conf', probeVtysh, () => {
  test('FRR 8.4 is the one Debian 12 ships', () => expect(vtysh()!.version).toBe('8.4.4'));

  test('there are cases with an frr.conf', () => expect(withFrr.length).toBeGreaterThan(0));

  test.each(withFrr)('$name', ({ expected }) => {
    const r = vtysh()!.dryRun(join(expected, 'frr/etc/frr/frr.conf'));
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  test('a broken file is reported (the check can fail)', () => {
    const good = readFileSync(join(withFrr[0]!.expected, 'frr/etc/frr/frr.conf'), 'utf8');
    const broken = good.replace(' remote-as internal', ' remote-as intrnal').replace(/ge 29 le 32/, 'ge 33 le 32');
    const file = join(mkdtempSync(join(tmpdir(), 'vrfgen-frr-')), 'frr.conf');
    writeFileSync(file, broken);
    const r = vtysh()!.dryRun(file);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/% Unknown command\[\d+\]:\s+neighbor vrfgen-listen-1 remote-as intrnal/);
    expect(r.stdout + r.stderr).toMatch(
      /% Unknown command\[\d+\]: ip prefix-list vrfgen-red-listen-1-in seq 10 permit 10\.200\.0\.0\/16 ge 33 le 32/,
    );
  });
});
