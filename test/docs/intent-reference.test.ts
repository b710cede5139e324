/**
 * docs/intent.md's key reference is made from the schema's descriptions (scripts/docs/intent-reference.ts).
 * A schema change without the docs fails here; VRFGEN_UPDATE_DOCS=1 rewrites the section.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { formatMarkdown, withGeneratedSection } from '../../scripts/docs/generated-section.ts';
import { intentKeyRows, intentKeyTable } from '../../scripts/docs/intent-reference.ts';
import { ROOT } from '../support/helpers.ts';

const FILE = join(ROOT, 'docs/intent.md');

test('docs/intent.md holds the key reference the schema makes now (VRFGEN_UPDATE_DOCS=1 rewrites it)', async () => {
  const doc = readFileSync(FILE, 'utf8');
  const want = withGeneratedSection(doc, 'intent keys', await formatMarkdown(intentKeyTable(), FILE));
  if (process.env.VRFGEN_UPDATE_DOCS === '1') writeFileSync(FILE, want);
  else expect(doc).toBe(want);
});

test('every key of the intent is described, and each key is listed once', () => {
  const rows = intentKeyRows();
  expect(rows.filter((r) => !r.description).map((r) => r.key)).toEqual([]);
  expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  // Spot checks of the walk: record entries, list items, alternatives, defaults.
  expect(rows.find((r) => r.key === 'vrfs.<vrf>.isolate')).toMatchObject({
    type: 'boolean',
    presence: 'default `true`',
  });
  expect(rows.find((r) => r.key === 'vrfs.<vrf>.routes[].via')).toMatchObject({ presence: 'optional' });
  expect(rows.find((r) => r.key === 'vrfs.<vrf>.services[].unit')).toMatchObject({ presence: 'required' });
  expect(rows.find((r) => r.key === 'vrfs.<vrf>.interfaces.<member>')?.type).toBe('mapping, or null');
  expect(rows.find((r) => r.key === 'vrfs.<vrf>.table')?.type).toBe('integer 0–4294967295');
});

test('a section is replaced between its markers, and only there', () => {
  const doc = 'a\n<!-- generated: x -->\nold\n<!-- end generated -->\nb\n';
  expect(withGeneratedSection(doc, 'x', 'new')).toBe('a\n<!-- generated: x -->\n\nnew\n\n<!-- end generated -->\nb\n');
  expect(() => withGeneratedSection('a\n', 'x', 'new')).toThrow(/exactly one/);
  expect(() => withGeneratedSection('<!-- generated: x -->\n', 'x', 'new')).toThrow(/no '<!-- end generated -->'/);
});
