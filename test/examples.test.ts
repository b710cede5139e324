/** Every shipped example validates clean through the CLI (their rendered trees are golden cases). */
import { relative } from 'node:path';
import { expect, test } from 'vitest';
import { exampleIntents, ROOT, vrfgen } from './support/helpers.ts';

const examples = exampleIntents().map((e) => relative(ROOT, e.intent));

test("there are examples, the tools' ones among them", () => {
  expect(examples.length).toBeGreaterThanOrEqual(2);
  expect(examples).toEqual(expect.arrayContaining(['examples/ansible/intent.yaml', 'examples/cloud-init/intent.yaml']));
});

test.each(examples)('%s validates without a single diagnostic', (f) => {
  const r = vrfgen('validate', f);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/: valid \(/);
});
