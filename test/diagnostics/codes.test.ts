/**
 * The registry of diagnostic codes (src/diagnostics/codes.ts): its shape, and the types it gives
 * error() and warning(). The `@ts-expect-error` lines are the test that matters: `npm run typecheck`
 * fails when an unregistered code, or a code of the other severity, compiles.
 */
import { expect, test } from 'vitest';
import { CODES, type DiagnosticCode } from '../../src/diagnostics/codes.ts';
import { error, warning, type Diagnostic } from '../../src/diagnostics/diagnostics.ts';

test('error() and warning() take only the codes registered with their severity', () => {
  // @ts-expect-error: not registered
  error('vrf/no-such-code', [], '');
  // @ts-expect-error: registered as a warning only
  error('sysctl/accept-all-vrfs', [], '');
  // @ts-expect-error: registered as an error only
  warning('table/reserved', [], '');
  // @ts-expect-error: a Diagnostic built as a literal is held to the registry too
  const literal: Diagnostic = { severity: 'error', code: 'vrf/no-such-code', message: '', path: [] };
  expect(literal.path).toEqual([]);
  // Codes the YAML library grades case by case go both ways.
  expect([error('yaml/bad-alias', [], '').severity, warning('yaml/bad-alias', [], '').severity]).toEqual([
    'error',
    'warning',
  ]);
});

test('every code is area/kebab-case with a one-line meaning', () => {
  const codes = Object.keys(CODES) as DiagnosticCode[];
  expect(codes.filter((c) => !/^[a-z0-9]+(-[a-z0-9]+)*\/[a-z0-9]+(-[a-z0-9]+)*$/.test(c))).toEqual([]);
  expect(codes.filter((c) => !/^[^\n]{10,200}$/.test(CODES[c].meaning) || CODES[c].meaning.endsWith('.'))).toEqual([]);
});

test('the codes of one area stand together', () => {
  const areas = Object.keys(CODES).map((c) => c.split('/')[0]!);
  const runs = areas.filter((a, i) => a !== areas[i - 1]);
  expect(runs).toEqual([...new Set(runs)]);
});
