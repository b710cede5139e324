/**
 * The frr target's drop-in that starts frr.service after the VRF devices, read by systemd's unit
 * loader together with Debian 12's frr.service (from the frr package .ci/fetch-tools unpacks): it
 * loads without a word.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { readText } from '../support/consumers.ts';
import { describeWithFacility, goldenCases, treeOf } from '../support/helpers.ts';
import { hostAnalyzer, probeDebianRoot, verifyRoot, verifyUnits, type Analyzer } from '../support/systemd-analyze.ts';
import { TOOLS } from '../support/tools.ts';

const DROP_IN = '/etc/systemd/system/frr.service.d/vrfgen-vrfs.conf';
const FRR = join(TOOLS, 'frr/root');

const cases = goldenCases()
  .map((c) => ({ ...c, dir: join(c.expected, 'frr') }))
  .filter((c) => treeOf(c.dir).includes(DROP_IN));

const probe = () =>
  probeDebianRoot() ??
  (existsSync(join(FRR, 'lib/systemd/system/frr.service')) ? undefined : `${FRR} missing: .ci/fetch-tools`);

test('every golden case with BGP or OSPF has the drop-in', () => expect(cases.length).toBeGreaterThan(4));

describeWithFacility("systemd-analyze verify on a Debian 12 tree with FRR's unit", probe, () => {
  const a = hostAnalyzer();
  test.each(cases)('$name: frr.service with the drop-in loads without a word', ({ dir }) => {
    expect(typeof a).not.toBe('string');
    const content = readText(join(dir, DROP_IN));
    const root = verifyRoot([FRR], [{ path: DROP_IN, content }]);
    const r = verifyUnits(a as Analyzer, root, ['frr.service']);
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  test('the check can fail: a key systemd does not know', () => {
    const root = verifyRoot(
      [FRR],
      [{ path: DROP_IN, content: '[Unit]\nAfterr=sys-subsystem-net-devices-red.device\n' }],
    );
    const r = verifyUnits(a as Analyzer, root, ['frr.service']);
    expect(r.output).toMatch(/Unknown key.*Afterr/);
  });
});
