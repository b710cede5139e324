/**
 * The sysctl target's local-rule unit, checked by the programs that run it: systemd's unit loader
 * reads the unit and the drop-in that starts it without a word, and the commands it starts, run as
 * systemd runs them in a fresh network namespace, leave the local lookup at 32765 only, in both
 * families — also when they run again, as on every restart of the unit.
 */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { LOCAL_LOOKUP_PRIORITY } from '../../src/check/facts.ts';
import { probeNamespaces, readText } from '../support/consumers.ts';
import { describeWithFacility, goldenCases, run, treeOf } from '../support/helpers.ts';
import { hostAnalyzer, probeDebianRoot, verifyRoot, verifyUnits, type Analyzer } from '../support/systemd-analyze.ts';

const UNIT = '/etc/systemd/system/vrfgen-local-rule.service';
const WANTS = '/etc/systemd/system/sysinit.target.d/vrfgen-local-rule.conf';

const cases = goldenCases()
  .map((c) => ({ ...c, dir: join(c.expected, 'sysctl') }))
  .filter((c) => treeOf(c.dir).includes(UNIT));

/** The scripts of the unit's `ExecStart=/bin/sh -c '…'` lines, as sh receives them. */
const scripts = (unit: string) => [...unit.matchAll(/^ExecStart=\/bin\/sh -c '([^']*)'$/gm)].map((m) => m[1]!);

/** Run `scripts` in order, `times` over, in a new network namespace; its rules as `ip -j` prints them. */
function rulesAfter(list: readonly string[], times: number) {
  const body = Array.from({ length: times }, () => list.map((s) => `sh -c '${s}'`)).flat();
  const r = run('unshare', ['-n', 'sh', '-c', [...body, 'ip -4 -j rule', 'ip -6 -j rule'].join('\n')]);
  expect(r.stderr).toBe('');
  const [v4, v6] = r.stdout.split('\n').filter(Boolean);
  type Rule = { priority: number; table: string };
  const local = (json: string) =>
    (JSON.parse(json) as Rule[]).filter((x) => x.table === 'local').map((x) => x.priority);
  return { 4: local(v4!), 6: local(v6!) };
}

test('every golden case with a VRF has the unit', () => expect(cases.length).toBeGreaterThan(20));

describeWithFacility('the local-rule unit in a network namespace', probeNamespaces, () => {
  test.each(cases)('$name', ({ dir }) => {
    const list = scripts(readText(join(dir, UNIT)));
    expect(list).toHaveLength(2);
    const moved = { 4: [LOCAL_LOOKUP_PRIORITY], 6: [LOCAL_LOOKUP_PRIORITY] };
    expect(rulesAfter(list, 1)).toEqual(moved);
    expect(rulesAfter(list, 3)).toEqual(moved);
  });

  test('the check can fail: deleting before adding leaves no local lookup', () => {
    expect(rulesAfter(['ip -4 rule del pref 0 table local', 'ip -6 rule del pref 0 table local'], 1)).toEqual({
      4: [],
      6: [],
    });
  });
});

describeWithFacility('systemd-analyze verify (systemd package) on a Debian 12 tree', probeDebianRoot, () => {
  const a = hostAnalyzer();
  test.each(cases)('$name: the unit and sysinit.target with its drop-in load without a word', ({ dir }) => {
    expect(typeof a).not.toBe('string');
    const files = [UNIT, WANTS].map((path) => ({ path, content: readText(join(dir, path)) }));
    const r = verifyUnits(a as Analyzer, verifyRoot([], files), ['vrfgen-local-rule.service', 'sysinit.target']);
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  test('the check can fail: a unit whose command is not there', () => {
    const content = '[Service]\nType=oneshot\nExecStart=/usr/sbin/no-such-ip rule\n';
    const r = verifyUnits(a as Analyzer, verifyRoot([], [{ path: UNIT, content }]), ['vrfgen-local-rule.service']);
    expect(r.output).toContain('is not executable');
  });
});
