import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { describe, test } from 'vitest';
import { validate } from '../../src/index.ts';
import { renderTargets, selectTargets } from '../../src/render/render.ts';
import type { Model } from '../../src/model/model.ts';
import { unitsToRead } from '../../src/systemd/unit-facts.ts';
import { readUnits, type UnitFiles } from '../../src/systemd/read-units.ts';

export const ROOT = join(import.meta.dirname, '../..');
/** The built CLI: the package's bin (the bundle scripts/bundle.mjs writes). */
export const CLI = join(
  ROOT,
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { vrfgen: string } }).bin.vrfgen,
);

/** Load and resolve an intent file the way the CLI does; diagnostics carry positions. */
export const modelOf = (file: string) => validate(file);

/** Render one target; `units` are the unit files a case's `root/` holds (see unitsOf). */
export function render(model: Model, target: string, units?: UnitFiles) {
  return renderTargets(model, selectTargets([target]), units);
}

/**
 * The unit files of a case's `root/` tree (beside its intent), read as `generate --root` reads them;
 * a case without one renders as `generate --format` without --root does, for another machine.
 */
export async function unitsOf(intent: string, model: Model): Promise<UnitFiles | undefined> {
  const root = join(dirname(intent), 'root');
  return existsSync(root) ? readUnits(root, unitsToRead(model)) : undefined;
}

/** Every file under `dir`, as root-relative absolute paths (`/etc/...`), sorted. */
export function treeOf(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`/${relative(dir, p)}`);
    }
  };
  walk(dir);
  return out.sort();
}

export const read = (p: string) => readFileSync(p, 'utf8');
export const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

/** Run a command to completion; `env` adds to (or overrides) this process's environment. */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { input?: string; cwd?: string; env?: Record<string, string> } = {},
) {
  const env = opts.env ? { ...process.env, ...opts.env } : undefined;
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd ?? ROOT, input: opts.input, env, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Run the built CLI. */
export const vrfgen = (...args: string[]) => run(process.execPath, [CLI, ...args]);

/**
 * Tests that need something from the machine (root, a Debian package, namespaces) ask here.
 * Missing facility: a loud skip on a developer machine, a failing test in CI
 * (VRFGEN_REQUIRE_FACILITIES=1, set by .ci/run), so CI can never pass by skipping.
 */
export function describeWithFacility(facility: string, probe: () => string | undefined, body: () => void): void {
  const missing = probe();
  if (missing === undefined) {
    describe(facility, body);
  } else if (process.env.VRFGEN_REQUIRE_FACILITIES === '1') {
    describe(facility, () =>
      test('facility is available', () => {
        throw new Error(`${facility} is required in CI but missing: ${missing}`);
      }),
    );
  } else {
    console.warn(`\n*** SKIPPED: ${facility}: ${missing} (CI installs it; see .ci/run) ***\n`);
    describe.skip(facility, body);
  }
}

/** Undefined when `cmd args` runs and exits 0, else why not. */
export function probeCommand(cmd: string, args: readonly string[] = ['--version']): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
  if (r.error) return `${cmd}: ${r.error.message}`;
  return r.status === 0
    ? undefined
    : `${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr ?? '').trim().split('\n')[0]}`;
}

const GOLDEN = join(ROOT, 'test/golden');

/** Every shipped intent: `examples/<name>.yaml`, and `examples/<name>/intent.yaml` beside the files of a tool's example. */
export const exampleIntents = (): { name: string; intent: string }[] => {
  const dir = join(ROOT, 'examples');
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isFile() && e.name.endsWith('.yaml')) return [{ name: basename(e.name, '.yaml'), intent: join(dir, e.name) }];
    if (e.isDirectory() && existsSync(join(dir, e.name, 'intent.yaml')))
      return [{ name: e.name, intent: join(dir, e.name, 'intent.yaml') }];
    return [];
  });
};

/** Golden cases: every example, plus every test/golden/<case>/intent.yaml. */
export const goldenCases = (): { name: string; intent: string; expected: string }[] =>
  [
    ...exampleIntents(),
    ...readdirSync(GOLDEN)
      .filter((d) => existsSync(join(GOLDEN, d, 'intent.yaml')))
      .map((d) => ({ name: d, intent: join(GOLDEN, d, 'intent.yaml') })),
  ].map((c) => ({ ...c, expected: join(GOLDEN, c.name, 'expected') }));
