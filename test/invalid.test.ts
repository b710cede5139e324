/**
 * Diagnostics cases: test/invalid/<case>/intent.yaml must produce exactly diagnostics.txt — codes,
 * positions, messages and carets, as the user sees them — from the library and from the CLI
 * (exit 1 when there is an error, 0 for warnings only). Every diagnostic code in the source has a case.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
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
 * Codes tested elsewhere: I/O and writer refusals (generate.test.ts), render-time warnings (golden
 * MANIFESTs), and the zod fallback for issue kinds this schema cannot produce. Target refusals and
 * the ifupdown include check: generate-stacks.test.ts and the classic-vlan-name MANIFEST. An intent
 * too large to commit: hostile.test.ts.
 */
const TESTED_ELSEWHERE = new Set([
  'io/read',
  'io/write',
  'write/foreign-file',
  'write/outside-root',
  'generate/service-not-bound',
  'schema/invalid',
  'generate/not-included',
  'ifupdown/vlan-name',
  'intent/too-large',
  'intent/too-many-problems', // hostile.test.ts: 85 000 VRFs with an unknown key each
  // Render-time: the containers-on-debian-12 and ipv6-onlink-rules MANIFESTs, the other targets'
  // MANIFESTs in the container cases, and the property tests' oracle (test/support/fuzz/oracle.ts).
  'netavark/vrf-unsupported',
  'networkmanager/rule-without-priority',
  'networkmanager/address-less-routes',
  'generate/containers-not-attached',
  'write/unknown-owner', // frr.test.ts: a root tree without the frr user
]);

test('every diagnostic code in the source has a case', () => {
  const sources = ['src', 'targets'].flatMap((d) =>
    readdirSync(join(ROOT, d), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(join(ROOT, d, f), 'utf8')),
  );
  const codes = new Set(
    sources.flatMap((s) => [...s.matchAll(/\b(?:error|warning)\(\s*'([a-z0-9-]+\/[a-z0-9-]+)'/g)].map((m) => m[1]!)),
  );
  expect(codes.size).toBeGreaterThan(40);
  // Codes only the services target can find (they need unit files) have their cases in test/services.
  const services = readdirSync(join(ROOT, 'test/services')).map((c) =>
    readFileSync(join(ROOT, 'test/services', c, 'diagnostics.txt'), 'utf8'),
  );
  const all = [...cases.map(expected), ...services].join('');
  const missing = [...codes].filter((code) => !TESTED_ELSEWHERE.has(code) && !all.includes(` ${code}: `));
  expect(missing).toEqual([]);
});
