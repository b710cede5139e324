/**
 * docs/diagnostics.md is what scripts/docs/diagnostics.ts writes from the registry of codes: a code,
 * a meaning or a message changed without the page fails here. VRFGEN_UPDATE_DOCS=1 (`npm run
 * docs:update`) rewrites the page; read the diff before committing it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';
import { diagnosticsMarkdown } from '../../scripts/docs/diagnostics.ts';
import { ROOT } from '../support/helpers.ts';

const PAGE = join(ROOT, 'docs/diagnostics.md');

test('docs/diagnostics.md is the registry of codes as it stands', () => {
  const want = diagnosticsMarkdown();
  if (process.env.VRFGEN_UPDATE_DOCS === '1') {
    mkdirSync(dirname(PAGE), { recursive: true });
    writeFileSync(PAGE, want);
  }
  expect(readFileSync(PAGE, 'utf8'), 'docs/diagnostics.md is stale: run npm run docs:update').toBe(want);
});
