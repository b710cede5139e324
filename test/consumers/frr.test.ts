/**
 * Every golden frr.conf, read by FRR's own parser: `vtysh --dryrun` of Debian 12's FRR 8.4 and of
 * Debian 13's FRR 10.3 (unpacked, no daemon), each on every file: a file written for one release
 * may be carried to a host of the other. The dry run checks the grammar only; the semantic rules
 * are vrfgen's (resolve-bgp.ts, test/invalid/bgp). A broken file shows the check can fail.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { platforms } from '../../src/platforms/platforms.ts';
import { describeWithFacility, goldenCases, treeOf } from '../support/helpers.ts';
import { probeVtyshs, vtyshs } from '../support/tools.ts';

const withFrr = goldenCases().filter((c) => treeOf(join(c.expected, 'frr')).includes('/etc/frr/frr.conf'));

/** The FRR each Debian profile writes for, which .ci/fetch-tools unpacks. */
const VERSIONS = [platforms['debian-12'].frr, platforms['debian-13'].frr];
const vtysh = (version: string) => vtyshs().find((v) => v.version === version)!;

describeWithFacility('vtysh --dryrun accepts every golden frr.conf', probeVtyshs, () => {
  test("the vtyshs are Debian 12's and 13's, the versions of their profiles", () =>
    expect(vtyshs().map((v) => v.version)).toEqual(VERSIONS));

  test('there are cases with an frr.conf, for both releases', () => {
    const versions = withFrr.map(
      (c) => readFileSync(join(c.expected, 'frr/etc/frr/frr.conf'), 'utf8').match(/^frr version (\S+)$/m)?.[1],
    );
    expect(new Set(versions)).toEqual(new Set(VERSIONS));
  });

  test.each(withFrr.flatMap((c) => VERSIONS.map((version) => ({ ...c, version }))))(
    '$name, FRR $version',
    ({ expected, version }) => {
      const r = vtysh(version).dryRun(join(expected, 'frr/etc/frr/frr.conf'));
      expect(r.stdout + r.stderr).toBe('');
      expect(r.code).toBe(0);
    },
  );

  test.each(VERSIONS)('a broken file is reported by FRR %s (the check can fail)', (version) => {
    const routeServer = withFrr.find((c) => c.expected.includes('/frr-route-server/'))!;
    const good = readFileSync(join(routeServer.expected, 'frr/etc/frr/frr.conf'), 'utf8');
    const broken = good.replace(' remote-as internal', ' remote-as intrnal').replace(/ge 29 le 32/, 'ge 33 le 32');
    const file = join(mkdtempSync(join(tmpdir(), 'vrfgen-frr-')), 'frr.conf');
    writeFileSync(file, broken);
    const r = vtysh(version).dryRun(file);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/% Unknown command\[\d+\]:\s+neighbor vrfgen-listen-1 remote-as intrnal/);
    expect(r.stdout + r.stderr).toMatch(
      /% Unknown command\[\d+\]: ip prefix-list vrfgen-red-listen-1-in seq 10 permit 10\.200\.0\.0\/16 ge 33 le 32/,
    );
  });
});
