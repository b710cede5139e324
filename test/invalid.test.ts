/**
 * Diagnostics cases: test/invalid/<case>/intent.yaml must produce exactly diagnostics.txt — codes,
 * positions, messages and carets, as the user sees them — from the library and from the CLI
 * (exit 1 when there is an error, 0 for warnings only). Every code in the registry
 * (src/diagnostics/codes.ts) has a case, and every code a case holds is in the registry.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CODES, type DiagnosticCode } from '../src/diagnostics/codes.ts';
import { formatDiagnostic } from '../src/diagnostics/diagnostics.ts';
import { validateText } from '../src/index.ts';
import { ROOT, run, CLI } from './support/helpers.ts';

const DIR = join(ROOT, 'test/invalid');
const cases = readdirSync(DIR).sort();
const expected = (c: string) => readFileSync(join(DIR, c, 'diagnostics.txt'), 'utf8');

describe.each(cases)('%s', (c) => {
  test('library reports every expected diagnostic', () => {
    const v = validateText(readFileSync(join(DIR, c, 'intent.yaml'), 'utf8'), 'intent.yaml');
    expect(v.diagnostics.map((d) => `${formatDiagnostic(d, v.source?.lines)}\n`).join('')).toBe(expected(c));
  });

  test('vrfgen validate prints them and sets the exit code', () => {
    const r = run(process.execPath, [CLI, 'validate', 'intent.yaml'], { cwd: join(DIR, c) });
    expect(r.stderr).toBe(expected(c));
    expect(r.code).toBe(/^\S+: error /m.test(expected(c)) ? 1 : 0);
  });
});

/**
 * Registered codes whose cases cannot be an intent alone: each with the test that holds it to its
 * text. They need a tree to write to or read from, an intent too large to commit, or a schema
 * refinement the intent format does not have yet.
 */
const TESTED_ELSEWHERE: ReadonlyMap<DiagnosticCode, string> = new Map<DiagnosticCode, string>([
  ['io/read', 'test/cli/generate.test.ts'],
  ['io/write', 'test/cli/generate.test.ts'],
  ['write/foreign-file', 'test/output/write-safety.test.ts'],
  ['write/outside-root', 'test/output/write-safety.test.ts'],
  ['write/unknown-owner', 'test/targets/frr.test.ts'], // a root tree without the frr user
  ['generate/not-included', 'test/cli/generate-stacks.test.ts'],
  ['generate/foreign-conflict', 'test/cli/generate-foreign.test.ts'], // admin files under a --root tree
  ['generate/foreign-overlap', 'test/cli/generate-foreign.test.ts'],
  ['generate/foreign-unreadable', 'test/cli/generate-foreign.test.ts'],
  ['intent/too-large', 'test/hostile.test.ts'],
  ['intent/too-many-problems', 'test/hostile.test.ts'], // 85 000 VRFs with an unknown key each
  ['schema/invalid', 'test/intent/load.test.ts'],
]);

/**
 * `severity code` of every diagnostic a case file holds: the diagnostics.txt of test/invalid,
 * test/services and test/import/cases (`file:line:col: severity code: message`), and the golden MANIFESTs, which hold
 * the target diagnostics of a render (`severity code: message`).
 */
function caseDiagnostics(): Map<string, string[]> {
  const files = [
    ...cases.map((c) => join('test/invalid', c, 'diagnostics.txt')),
    ...readdirSync(join(ROOT, 'test/services')).map((c) => join('test/services', c, 'diagnostics.txt')),
    // vrfgen import's cases: a root of another stack's files each (test/import/cases.test.ts).
    ...readdirSync(join(ROOT, 'test/import/cases')).map((c) => join('test/import/cases', c, 'diagnostics.txt')),
    ...readdirSync(join(ROOT, 'test/golden')).flatMap((c) =>
      readdirSync(join(ROOT, 'test/golden', c, 'expected')).map((t) =>
        join('test/golden', c, 'expected', t, 'MANIFEST'),
      ),
    ),
  ];
  const found = new Map<string, string[]>();
  for (const f of files) {
    for (const m of readFileSync(join(ROOT, f), 'utf8').matchAll(/^(?:\S*:\d+:\d+: )?(error|warning) (\S+): /gm))
      found.set(`${m[1]} ${m[2]}`, [...(found.get(`${m[1]} ${m[2]}`) ?? []), f]);
  }
  return found;
}

/** Each code as `severity code`, once for each severity it is registered with. */
const registered = (Object.keys(CODES) as DiagnosticCode[]).flatMap((code) => {
  const { severity } = CODES[code];
  return (severity === 'either' ? ['error', 'warning'] : [severity]).map((s) => ({ code, key: `${s} ${code}` }));
});

test('every registered code has a case, at every severity it is registered with', () => {
  const found = caseDiagnostics();
  const missing = registered.filter(({ code, key }) => !found.has(key) && !TESTED_ELSEWHERE.has(code));
  expect(missing.map(({ key }) => key)).toEqual([]);
});

test('every code a case holds is registered, with that severity', () => {
  const known = new Set(registered.map(({ key }) => key));
  expect([...caseDiagnostics()].filter(([key]) => !known.has(key))).toEqual([]);
});

test('every code tested elsewhere has no case here, and its test names it', () => {
  const withCase = new Set([...caseDiagnostics().keys()].map((key) => key.split(' ')[1]));
  for (const [code, file] of TESTED_ELSEWHERE) {
    expect(withCase.has(code), `${code} has a case now: take it out of TESTED_ELSEWHERE`).toBe(false);
    // As text, or in a regular expression.
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(
      [code, code.replace('/', '\\/')].some((c) => text.includes(c)),
      `${file} names ${code}`,
    ).toBe(true);
  }
});
