/** Every shipped example validates clean through the CLI (their rendered trees are golden cases). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT, vrfgen } from './helpers.ts';

const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml'));

test('there are examples', () => expect(examples.length).toBeGreaterThanOrEqual(2));

test.each(examples)('%s validates without a single diagnostic', (f) => {
  const r = vrfgen('validate', join('examples', f));
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/: valid \(/);
});
