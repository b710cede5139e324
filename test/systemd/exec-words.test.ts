/**
 * How systemd splits an ExecStart= line decides what runs inside the VRF: a lone ';' starts a second
 * command that `ip vrf exec` would not cover, and an unclosed quote makes systemd drop the line. vrfgen's
 * reading of it (wordsOf, src/systemd/exec-command.ts) is checked against systemd's own: generated lines of
 * quotes, backslashes, semicolons and spaces, each as the ExecStart= of a unit (Type=simple, so a second
 * command makes systemd refuse the unit), loaded by `systemd-analyze verify`. Both must refuse exactly
 * the same lines. Seeded like the property tests (VRFGEN_FUZZ_SEED).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { wordsOf } from '../../src/systemd/exec-command.ts';
import { describeWithFacility } from '../support/helpers.ts';
import { hostAnalyzer, type Analyzer } from '../support/systemd-analyze.ts';

const SEED = Number(process.env.VRFGEN_FUZZ_SEED ?? Date.now() % 2 ** 31);
const LINES = 400;

/** Arguments of quote, escape and separator characters; never a trailing backslash (that continues the unit-file line). */
const args = fc
  .string({
    unit: fc.constantFrom('a', 'b', ' ', ' ', ';', '"', "'", '\\', 'x', 'n', '$'),
    minLength: 1,
    maxLength: 12,
  })
  .filter((s) => !/\\$/.test(s) && s.trim() !== '');

/**
 * The lines systemd does not run as exactly one command, by index: a second command (refused in a
 * Type=simple unit), a line or part of one it ignores, or any other complaint about the line itself —
 * except the warning about unknown escapes, which it then leaves as they are.
 */
function refusedBySystemd(a: Analyzer, lines: readonly string[]): Set<number> {
  const root = join(mkdtempSync(join(tmpdir(), 'vrfgen-words-')), 'root');
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  lines.forEach((l, i) =>
    writeFileSync(join(root, `etc/systemd/system/w${i}.service`), `[Service]\nExecStart=/bin/true ${l}\n`),
  );
  const r = spawnSync(a.cmd, ['verify', '--man=no', `--root=${root}`, ...lines.map((_, i) => `w${i}.service`)], {
    encoding: 'utf8',
    env: { ...process.env, ...a.env },
  });
  const out = `${r.stdout}${r.stderr}`;
  const refused = new Set<number>();
  for (const m of out.matchAll(
    /w(\d+)\.service(:2: (?!Ignoring unknown escape sequences)|: Service has more than one ExecStart=|: Unit configuration has fatal error)/g,
  ))
    refused.add(Number(m[1]));
  return refused;
}

const analyzer = hostAnalyzer();
describeWithFacility(
  'systemd-analyze verify, systemd package',
  () => (typeof analyzer === 'string' ? analyzer : undefined),
  () => {
    // Lines a seeded run once found vrfgen reading differently from systemd, then the generated ones.
    const FOUND = ['; "";', '; ";" a', '; \\;', '\\; a', '; ""'];
    const lines = [...FOUND, ...fc.sample(args, { seed: SEED, numRuns: LINES })];
    const mine = new Set(
      lines.flatMap((l, i) => (wordsOf(`/bin/true ${l}`).separator || !wordsOf(`/bin/true ${l}`).balanced ? [i] : [])),
    );

    test(`vrfgen refuses exactly the lines systemd refuses (${LINES} lines and those found before, seed ${SEED})`, () => {
      const theirs = refusedBySystemd(analyzer as Analyzer, lines);
      const differ = lines
        .map((l, i) => ({ line: l, systemd: theirs.has(i), vrfgen: mine.has(i) }))
        .filter((d) => d.systemd !== d.vrfgen);
      expect(differ).toEqual([]);
      // Both kinds occur, or the comparison would prove little.
      expect(theirs.size).toBeGreaterThan(LINES / 10);
      expect(theirs.size).toBeLessThan(LINES - LINES / 10);
    });

    test('a naive reading (every ";" between spaces) disagrees with systemd: the check can fail', () => {
      const theirs = refusedBySystemd(analyzer as Analyzer, lines);
      const naive = lines.map((l) => /(^|\s);(\s|$)/.test(l) || (l.split('"').length - 1) % 2 === 1);
      expect(naive.some((n, i) => n !== theirs.has(i))).toBe(true);
    });
  },
);
