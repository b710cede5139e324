/**
 * The loader's fallback for schema problems it has no code of its own for: the schema has no
 * refinement today, so no intent reaches it, and this is its test.
 */
import { expect, test } from 'vitest';
import { z } from 'zod';
import { fromIssue } from '../../src/intent/load.ts';

test('a schema problem of a kind without a code of its own is schema/invalid, with the schema library message', () => {
  const js = { vrfs: { red: { table: 10 } } };
  const refined = z.object({
    vrfs: z.record(z.string(), z.object({ table: z.number().refine((t) => t > 10, 'too low') })),
  });
  const issues = refined.safeParse(js).error?.issues ?? [];
  expect(issues.map((i) => i.code)).toEqual(['custom']);
  expect(issues.flatMap((i) => fromIssue(i, js))).toEqual([
    { severity: 'error', code: 'schema/invalid', path: ['vrfs', 'red', 'table'], message: 'vrfs.red.table: too low' },
  ]);
});
