import { wantsColour } from '../diagnostics/colour.ts';
import { diagnosticJson, formatDiagnostic, hasErrors, type Diagnostic } from '../diagnostics/diagnostics.ts';
import { MAX_SHOWN_DIAGNOSTICS } from '../intent/limits.ts';
import { platformNames, platforms, type PlatformName } from '../platforms/platforms.ts';
import type { FormatName } from '../output/formats/index.ts';
import { TargetSelectionError, type Target } from '../render/target.ts';
import type { Validated } from '../pipeline/validate.ts';
import { once } from 'node:events';
import { sizeHeapFor } from './heap.ts';

// Each command loads the modules it runs when it runs: `validate` never loads the renderer or the
// checker, and no command loads the yaml library or zod unless the intent needs them.

/** A problem with how vrfgen was called (exit 2), as opposed to a problem in the intent (exit 1). */
export class UsageError extends Error {}

function platformOf(name?: string): PlatformName | undefined {
  if (name === undefined) return undefined;
  if (!(platformNames as string[]).includes(name))
    throw new UsageError(`unknown platform '${name}'; known: ${platformNames.join(', ')}`);
  return name as PlatformName;
}

/** A `--target` list that cannot be used is a usage error (exit 2). */
async function asUsage<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof TargetSelectionError) throw new UsageError(e.message);
    throw e;
  }
}

/** What every command accepts: `--quiet` leaves out warnings and summaries, never errors or the output asked for. */
interface Quiet {
  quiet?: boolean;
}

/** Print diagnostics (stderr as text, or stdout as JSON) and choose the exit code. */
function report(
  v: Validated & { diagnostics: readonly Diagnostic[] },
  o: Quiet & { json?: boolean },
  extra: object = {},
): number {
  const diags = v.diagnostics;
  const all = o.quiet ? diags.filter((d) => d.severity === 'error') : diags;
  // The first ones by position; past that a reader mends and runs again, and printing 100 000 of
  // them with excerpts took more memory than finding them.
  const shown = all.slice(0, MAX_SHOWN_DIAGNOSTICS);
  const omitted = all.length - shown.length;
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({ ok: !hasErrors(diags), diagnostics: shown.map(diagnosticJson), ...(omitted ? { omitted } : {}), ...extra }, null, 2)}\n`,
    );
  } else if (shown.length) {
    const colour = wantsColour(process.stderr);
    const more = omitted
      ? `\n… and ${omitted} more (${all.filter((d) => d.severity === 'error').length} errors and ${all.filter((d) => d.severity === 'warning').length} warnings in all); vrfgen shows the first ${MAX_SHOWN_DIAGNOSTICS}`
      : '';
    process.stderr.write(`${shown.map((d) => formatDiagnostic(d, v.source?.lines, colour)).join('\n')}${more}\n`);
  }
  if (diags.some((d) => d.code.startsWith('io/'))) return 2;
  return hasErrors(diags) ? 1 : 0;
}

export async function runValidate(file: string, o: Quiet & { json?: boolean; platform?: string }): Promise<number> {
  await sizeHeapFor(file);
  const { validate } = await import('../pipeline/validate.ts');
  const v = await validate(file, { platform: platformOf(o.platform) });
  const code = report(v, o);
  if (code === 0 && !o.json && !o.quiet && v.model) {
    const members = v.model.vrfs.reduce((n, vrf) => n + vrf.members.length, 0);
    process.stdout.write(
      `${file}: valid (${v.model.vrfs.length} vrfs, ${members} members, platform ${v.model.platformName})\n`,
    );
  }
  return code;
}

/** Which output `--format` asks for besides `tree`, the only one that writes (src/output/formats/, loaded only then). */
async function formatOf(name: string): Promise<FormatName> {
  const { formatNames } = await import('../output/formats/index.ts');
  if ((formatNames as string[]).includes(name)) return name as FormatName;
  throw new UsageError(`unknown format '${name}'; known: tree, ${formatNames.join(', ')}`);
}

/**
 * The tarball's member mtime: SOURCE_DATE_EPOCH when set (reproducible-builds.org: image builders set
 * it so every file in an image carries one time; a malformed value must stop the build), else 0.
 */
async function mtimeOf(env: NodeJS.ProcessEnv): Promise<number> {
  const { MAX_MTIME } = await import('../output/formats/tar.ts');
  const v = env.SOURCE_DATE_EPOCH;
  if (v === undefined || v === '') return 0;
  if (!/^\d+$/.test(v) || Number(v) > MAX_MTIME)
    throw new UsageError(
      `SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC (at most ${MAX_MTIME}), not '${v}'`,
    );
  return Number(v);
}

export async function runGenerate(
  file: string,
  o: Quiet & {
    target?: string[];
    root?: string;
    format: string;
    dryRun?: boolean;
    force?: boolean;
    json?: boolean;
    platform?: string;
  },
): Promise<number> {
  const format = o.format === 'tree' ? 'tree' : await formatOf(o.format);
  if (format !== 'tree') {
    const clash = [o.dryRun && '--dry-run', o.force && '--force', o.json && '--json'].filter(Boolean);
    if (clash.length)
      throw new UsageError(
        `--format ${format} prints the files instead of writing them under --root, so ${clash.join(' and ')} cannot be used with it`,
      );
    if (format === 'tar' && process.stdout.isTTY)
      throw new UsageError(
        '--format tar writes an archive to stdout, which is a terminal: redirect it to a file or a pipe',
      );
  }
  await sizeHeapFor(file);
  const { generate } = await import('../pipeline/generate.ts');
  const g = await asUsage(
    generate(file, {
      targets: o.target,
      root: o.root,
      dryRun: o.dryRun,
      force: o.force,
      platform: platformOf(o.platform),
      format,
      mtime: format === 'tar' ? await mtimeOf(process.env) : 0,
    }),
  );
  if (format !== 'tree') {
    const code = report(g, o);
    if (g.output !== undefined) process.stdout.write(g.output);
    return code;
  }
  const changes = g.changes.map((c) => ({ path: c.path, action: c.action, mode: c.mode.toString(8).padStart(4, '0') }));
  const code = report(g, o, { written: g.written, changes });
  if (code !== 0 || o.json) return code;
  if (o.dryRun) {
    const { formatChanges } = await import('../output/diff.ts');
    process.stdout.write(formatChanges(g.changes));
  } else if (!o.quiet) {
    const kept = g.changes.filter((c) => c.action === 'keep').length;
    // One write: a line each is a system call each, 16001 of them for the networkd files of 4000 VRFs.
    const lines = g.changes.filter((c) => c.action !== 'keep').map((c) => `${c.action.padEnd(6)} ${c.path}\n`);
    process.stdout.write(
      `${lines.join('')}${g.changes.length - kept} changed, ${kept} unchanged under ${o.root ?? '/'}\n`,
    );
  }
  return code;
}

export async function runCheck(
  file: string,
  o: Quiet & { state?: string; root?: string; target?: string[]; strict?: boolean; json?: boolean; platform?: string },
): Promise<number> {
  // Not sizeHeapFor: check keeps tens of thousands of facts and findings for a while, and promoting
  // them early cost a third more CPU for a few MB less (bench/notes.md).
  const { check } = await import('../check/intent-file.ts');
  const { writeReport, reportJson } = await import('../check/report.ts');
  const c = await asUsage(
    check(file, {
      state: o.state,
      root: o.root,
      targets: o.target,
      strict: o.strict,
      platform: platformOf(o.platform),
    }),
  );
  // Nothing was compared when the intent is invalid or the state or root cannot be read.
  const compared = c.model !== undefined && !c.diagnostics.some((d) => d.code.startsWith('io/'));
  // The JSON form only when asked for: 40000 objects for the findings of 4000 VRFs otherwise thrown away.
  report(c, o, compared && o.json ? reportJson(c.findings) : {});
  if (!o.json && compared) {
    // A pipe's writes queue in memory: each piece waits until the one before has drained. A reader
    // that stops early (`| head`) ends the report, not the check.
    const ignore = () => {};
    process.stdout.on('error', ignore);
    try {
      await writeReport(c.findings, (text) => process.stdout.write(text) || once(process.stdout, 'drain'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EPIPE') throw e;
    } finally {
      process.stdout.off('error', ignore);
    }
  }
  return c.exitCode;
}

export async function runCollect(
  file: string,
  dir: string | undefined,
  o: Quiet & { script?: boolean; platform?: string },
): Promise<number> {
  const { collect, collectScript } = await import('../check/intent-file.ts');
  if (o.script) {
    if (dir !== undefined)
      throw new UsageError('collect --script prints the script; it takes no DIR (the script does: sh collect.sh DIR)');
    const s = await collectScript(file, { platform: platformOf(o.platform) });
    const code = report(s, o);
    if (s.script) process.stdout.write(s.script);
    return code;
  }
  if (dir === undefined) throw new UsageError('collect needs a DIR to write to (or --script)');
  const c = await collect(file, dir, { platform: platformOf(o.platform) });
  const code = report(c, o);
  if (code === 0 && !o.quiet) {
    const failed = c.results.filter((r) => r.output?.code !== 0).map((r) => r.probe.file);
    process.stdout.write(
      `${c.results.length} probes into ${dir}${failed.length ? `; failed (check reports them as unknown): ${failed.join(', ')}` : ''}\n`,
    );
  }
  return code;
}

export async function runTargets(o: { platform?: string } = {}): Promise<number> {
  const { targets } = await import('../../targets/index.ts');
  const name = platformOf(o.platform);
  const width = Math.max(...Object.keys(targets).map((n) => n.length));
  if (name) process.stdout.write(`platform ${name}: ${platforms[name].summary}\n`);
  for (const t of Object.values(targets) as Target[]) {
    process.stdout.write(`${t.name.padEnd(width)}  ${t.kind.padEnd(7)}  ${t.summary}\n`);
    for (const note of name ? (t.platformNotes?.(platforms[name]) ?? []) : [])
      process.stdout.write(`${' '.repeat(width + 2)}- ${note}\n`);
  }
  return 0;
}
