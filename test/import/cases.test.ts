/**
 * `vrfgen import --from` on small roots of hand-written files: test/import/cases/<case>/ holds `root/`,
 * `args` (the stacks), the exact `diagnostics.txt` the CLI prints (positioned in the source files,
 * run from the case folder so paths are `root/…`), and `expected.yaml` when the import succeeds. The
 * exit code is 1 when an error is printed, 0 otherwise. test/invalid.test.ts counts these
 * diagnostics among every code's cases. VRFGEN_UPDATE_GOLDEN=1 rewrites them: read each against
 * the root's files.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { validateText } from '../../src/index.ts';
import { ROOT, run, CLI } from '../support/helpers.ts';

const DIR = join(ROOT, 'test/import/cases');
const update = process.env.VRFGEN_UPDATE_GOLDEN === '1';

describe.each(readdirSync(DIR).sort())('import case %s', (c) => {
  test('diagnostics, exit code and intent', () => {
    const dir = join(DIR, c);
    const stacks = readFileSync(join(dir, 'args'), 'utf8').trim();
    const r = run(process.execPath, [CLI, 'import', '--from', stacks, '--root', 'root'], { cwd: dir });
    const diagnostics = join(dir, 'diagnostics.txt');
    const intent = join(dir, 'expected.yaml');
    if (update) {
      writeFileSync(diagnostics, r.stderr);
      if (r.stdout) writeFileSync(intent, r.stdout);
      else rmSync(intent, { force: true });
    }
    expect(r.stderr).toBe(readFileSync(diagnostics, 'utf8'));
    expect(r.code).toBe(/^\S+: error |^error /m.test(r.stderr) ? 1 : 0);
    // Never a stack trace, whatever the input.
    expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
    if (existsSync(intent)) {
      expect(r.stdout).toBe(readFileSync(intent, 'utf8'));
      const v = validateText(r.stdout, 'expected.yaml');
      expect(v.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    } else expect(r.stdout).toBe('');
  });
});
