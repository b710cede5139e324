/**
 * docs/dev/architecture.md maps stages to folders. A folder added to src/, targets/, templates/ or
 * test/ without a word there fails here, so the map stays whole.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../support/helpers.ts';

/** Folders of test/ whose sub-folders are cases (data), not parts of the suite. */
const CASE_FOLDERS = new Set(['test/golden', 'test/invalid', 'test/services', 'test/units']);

/** Every folder under `dir` (itself included), down to `depth` levels below it. */
function folders(dir: string, depth: number): string[] {
  if (depth < 0 || CASE_FOLDERS.has(dir.replace(/\/$/, '').split('/').slice(0, -1).join('/'))) return [];
  const below = readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => folders(`${dir}/${e.name}`, depth - 1));
  return [dir, ...below];
}

test('docs/dev/architecture.md names every folder of src/, targets/, templates/ and the suite', () => {
  const doc = readFileSync(join(ROOT, 'docs/dev/architecture.md'), 'utf8');
  const wanted = [
    ...folders('src', Infinity),
    ...folders('targets', Infinity),
    ...folders('templates', Infinity),
    ...folders('test', 2),
  ];
  expect(wanted).toContain('src/output/formats');
  expect(wanted).toContain('test/check/captures');
  expect(wanted).not.toContain('test/golden/minimal');
  expect(wanted.filter((f) => !doc.includes(`${f}/`))).toEqual([]);
});
