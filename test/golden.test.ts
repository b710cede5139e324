/**
 * Golden tests: every case × every target, compared with literal files under
 * test/golden/<case>/expected/<target>/ (a MANIFEST of modes and paths, plus the file tree).
 * Example intents are cases too (their expectations live in test/golden/<example>/expected). A case
 * may hold a `root/` tree: the unit files the services target reads, as `generate --root` would.
 * A target added to the registry makes every case fail until its expectations are committed.
 * VRFGEN_UPDATE_GOLDEN=1 rewrites expectations — review every byte against the real consumers
 * (test/consumers/networkd-sysctl.test.ts runs them on these trees) before committing.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { OutputFile } from '../src/render/target.ts';
import { targetNames } from '../targets/index.ts';
import { goldenCases, modelOf, read, render, treeOf, unitsOf } from './support/helpers.ts';

const update = process.env.VRFGEN_UPDATE_GOLDEN === '1';

const manifest = (files: OutputFile[], diags: { severity: string; code: string; message: string }[]) =>
  [
    // The owner only where a file names its own (root:root otherwise).
    ...files.map(
      (f) => `${f.mode.toString(8).padStart(4, '0')} ${f.path}${f.owner ? ` ${f.owner.user}:${f.owner.group}` : ''}\n`,
    ),
    ...diags.map((d) => `${d.severity} ${d.code}: ${d.message}\n`),
  ].join('');

describe.each(goldenCases())('golden $name', ({ intent, expected }) => {
  test.each(targetNames)('%s', async (target) => {
    const { model, diagnostics } = await modelOf(intent);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const { files, diagnostics: targetDiags } = render(model!, target, await unitsOf(intent, model!));
    const dir = join(expected, target);
    const want = manifest(files, targetDiags);
    if (update) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'MANIFEST'), want);
      for (const f of files) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), f.content);
      }
    }
    expect(existsSync(join(dir, 'MANIFEST')), `missing ${dir}/MANIFEST`).toBe(true);
    expect(want).toBe(read(join(dir, 'MANIFEST')));
    for (const f of files) expect(f.content, f.path).toBe(read(join(dir, f.path)));
    // No orphans: the expected tree holds exactly the MANIFEST's files.
    expect(treeOf(dir).filter((p) => p !== '/MANIFEST')).toEqual(files.map((f) => f.path));
  });
});

test('rendering is deterministic', async () => {
  for (const { intent } of goldenCases()) {
    const { model } = await modelOf(intent);
    const units = await unitsOf(intent, model!);
    for (const t of targetNames) {
      const once = render(model!, t, units).files;
      const again = render((await modelOf(intent)).model!, t, await unitsOf(intent, model!)).files;
      expect(again).toEqual(once);
    }
  }
});
