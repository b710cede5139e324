/**
 * Idempotency for every golden case × every target, through the writer: the first run writes the
 * golden tree; a second run changes no byte, no mode and no mtime; a dry run after it reports no
 * change. A case whose target refuses it (an error in its MANIFEST) writes nothing, twice.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { generate } from '../../src/index.ts';
import { targetNames } from '../../targets/index.ts';
import { goldenCases, modelOf, modeOf, treeOf } from '../support/helpers.ts';

/** The tree under `root`, files only, with content, mode and mtime. */
const snapshot = (root: string, paths: readonly string[]) =>
  paths.map((p) => ({
    p,
    content: readFileSync(join(root, p), 'utf8'),
    mode: modeOf(join(root, p)),
    mtime: statSync(join(root, p)).mtimeMs,
  }));

describe.each(goldenCases())('$name', ({ intent, expected }) => {
  test.each(targetNames)('%s: twice gives the same bytes; --dry-run then reports no change', async (target) => {
    const root = mkdtempSync(join(tmpdir(), 'vrfgen-idem-'));
    const units = join(dirname(intent), 'root');
    if (existsSync(units)) cpSync(units, root, { recursive: true });
    else {
      // A case without root/ is for a machine whose packages ship its units: the ones vrfgen's table
      // does not know are installed as stubs, else a tree without them refuses them (service/unit-not-found).
      const { model } = await modelOf(intent);
      for (const s of model!.vrfs.flatMap((v) => v.services)) {
        if (model!.platform.units[s.unit]) continue;
        mkdirSync(join(root, 'usr/lib/systemd/system'), { recursive: true });
        writeFileSync(join(root, 'usr/lib/systemd/system', s.unit), '[Service]\nExecStart=/usr/bin/true\n');
      }
    }
    const before = treeOf(root);
    const refused = /^error /m.test(readFileSync(join(expected, target, 'MANIFEST'), 'utf8'));

    const first = await generate(intent, { targets: [target], root });
    expect(first.written).toBe(!refused);
    const mine = treeOf(root).filter((p) => !before.includes(p));
    const golden = treeOf(join(expected, target)).filter((p) => p !== '/MANIFEST');
    expect(mine).toEqual(refused ? [] : golden);
    for (const p of mine)
      expect(readFileSync(join(root, p), 'utf8'), p).toBe(readFileSync(join(expected, target, p), 'utf8'));

    const once = snapshot(root, mine);
    const second = await generate(intent, { targets: [target], root });
    expect(second.changes.filter((c) => c.action !== 'keep')).toEqual([]);
    expect(treeOf(root)).toEqual([...before, ...mine].sort());
    expect(snapshot(root, mine)).toEqual(once);

    const dry = await generate(intent, { targets: [target], root, dryRun: true });
    expect(dry.changes.filter((c) => c.action !== 'keep')).toEqual([]);
    expect(dry.changes.length).toBe(refused ? 0 : golden.length);
  });
});
