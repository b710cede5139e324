/**
 * vrfgen's library API. The CLI is a thin layer over these functions.
 *
 * ```ts
 * import { loadIntent, validate, generate, check } from 'vrfgen';
 * const result = await generate('mgmt.yaml', { targets: ['networkd', 'sysctl'], root: '/mnt/image' });
 * const userData = (await generate('mgmt.yaml', { format: 'cloud-init' })).output; // nothing written
 * const report = await check('mgmt.yaml', { state: './host1-state' }); // report.exitCode: 0 | 1 | 2
 * ```
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkModel, collectModel, type CheckResult, type CheckSettings } from './check/check.ts';
import type { ProbeResult } from './check/probes.ts';
import { renderCollectScript } from './check/script.ts';
import { error, hasErrors, sortDiagnostics, warning, type Diagnostic } from './diagnostics.ts';
import { loadIntent, loadIntentFile, type Loaded } from './load.ts';
import type { Model } from './model.ts';
import type { PlatformName } from './platforms.ts';
import { renderTargets, selectTargets } from './render.ts';
import { resolve } from './resolve.ts';
import { unitsToRead } from './service-facts.ts';
import type { SourceMap } from './source.ts';
import type { Command, OutputFile, Target } from './target.ts';
import { formats, type FormatName } from './formats/index.ts';
import { redactChange, redactor } from './redact.ts';
import { readUnits } from './units.ts';
import { applyPlan, planWrite, type Change } from './write.ts';

export type { Diagnostic, SourcePos, Path } from './diagnostics.ts';
export { formatDiagnostic, hasErrors } from './diagnostics.ts';
export { formatChanges } from './diff.ts';
export { loadIntent, loadIntentFile } from './load.ts';
export type { Model, Vrf, Member, Route, Rule, Service, Sysctl, VlanParent } from './model.ts';
export { platforms, type PlatformName } from './platforms.ts';
export { renderTargets, selectTargets, TargetSelectionError } from './render.ts';
export { resolve } from './resolve.ts';
export { IntentSchema, intentJsonSchema, type Intent } from './schema.ts';
export type { Command, OutputFile, Target } from './target.ts';
export { formats, formatNames, type Bundle, type Format, type FormatName } from './formats/index.ts';
export type { Change } from './write.ts';
export type { Finding, Status } from './check/compare.ts';
export { formatReport, reportJson } from './check/report.ts';
export { readUnits, type UnitFile, type UnitFiles } from './units.ts';
export { targets, targetNames, type TargetName } from '../targets/index.ts';

export interface ValidateOptions {
  /** Overrides the intent's `platform:`. */
  readonly platform?: PlatformName;
}

export interface Validated {
  /** Present when the intent has no errors. */
  readonly model?: Model;
  /** Sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  readonly source?: SourceMap;
}

/** Load, check and resolve an intent file: every problem at once, each with its position. */
export async function validate(file: string, opts: ValidateOptions = {}): Promise<Validated> {
  return validated(await loadIntentFile(file), file, opts);
}

/** The same for intent text already in memory (templated by Ansible, say); `file` names it in messages. */
export function validateText(text: string, file = 'intent.yaml', opts: ValidateOptions = {}): Validated {
  return validated(loadIntent(text, file), file, opts);
}

function validated(loaded: Loaded, file: string, opts: ValidateOptions): Validated {
  const resolved = loaded.intent ? resolve(loaded.intent, { file, ...opts }) : { diagnostics: [] };
  const all = [...loaded.diagnostics, ...(loaded.source ? loaded.source.place(resolved.diagnostics) : resolved.diagnostics)];
  const diagnostics = sortDiagnostics(all);
  return {
    ...(resolved.model && !hasErrors(diagnostics) ? { model: resolved.model } : {}),
    diagnostics,
    ...(loaded.source ? { source: loaded.source } : {}),
  };
}

export interface GenerateOptions extends ValidateOptions {
  /** Target names; default networkd plus every system target. */
  readonly targets?: readonly string[];
  /**
   * Root of the tree to write; default '/'. With another format, the tree whose unit files (and
   * includes) are read; default none, since the files are for another machine: the services target
   * then takes command lines from the intent's exec-start or vrfgen's table for the platform.
   */
  readonly root?: string;
  /** Plan only: write nothing. */
  readonly dryRun?: boolean;
  /** Overwrite files at vrfgen's paths that vrfgen did not write. */
  readonly force?: boolean;
  /**
   * 'tree' (default): write the files under `root`. Any other format hands them over as `output`
   * instead (`root` is then only read: unit files, includes) and nothing is planned or written.
   */
  readonly format?: 'tree' | FormatName;
  /** mtime of the tar format's members, in seconds since the epoch; default 0. */
  readonly mtime?: number;
}

export interface Generated extends Validated {
  readonly files: readonly OutputFile[];
  /** The commands that make a running system take the files up, in order (each target's `reload`). */
  readonly reload: readonly Command[];
  /** With a format other than 'tree': what it made of the files; absent when there are errors. */
  readonly output?: string | Uint8Array;
  /** What changed (or, with dryRun, would change), secrets masked; empty when the intent or the write was refused. */
  readonly changes: readonly Change[];
  /** False when nothing was written: invalid intent, refused files, or dryRun. */
  readonly written: boolean;
}

/** validate → render → plan → write (or, with another format, → output). Nothing is written unless everything before succeeded. */
export async function generate(file: string, opts: GenerateOptions = {}): Promise<Generated> {
  const chosen = selectTargets(opts.targets); // throws TargetSelectionError before any reading
  const v = await validate(file, opts);
  const none = { files: [], reload: [], changes: [], written: false };
  if (!v.model) return { ...v, ...none };
  const format = opts.format ?? 'tree';
  const root = opts.root ?? (format === 'tree' ? '/' : undefined);
  let rendered;
  try {
    // The units the services target binds are read from the same tree the files are written to.
    const units = root === undefined ? new Map() : await readUnits(root, unitsToRead(v.model));
    rendered = renderTargets(v.model, chosen, units);
  } catch (e) {
    return { ...v, ...none, diagnostics: [...v.diagnostics, ioError(e, 'read')] };
  }
  const { files, reload } = rendered;
  const placed = v.source ? v.source.place(rendered.diagnostics) : rendered.diagnostics;
  const unread = root === undefined ? [] : await notIncluded(chosen, files, root);
  if (format !== 'tree') {
    const all = sortDiagnostics([...v.diagnostics, ...placed, ...unread]);
    if (hasErrors(all)) return { ...v, ...none, diagnostics: all, files, reload };
    const output = formats[format].render({ source: v.model.source, files, reload, mtime: opts.mtime ?? 0, redact: redactor(chosen) });
    return { ...v, ...none, diagnostics: all, files, reload, output };
  }
  let planned;
  try {
    planned = await planWrite(files, chosen.flatMap((t) => t.owns), root ?? '/', opts.force);
  } catch (e) {
    return { ...v, ...none, diagnostics: [...v.diagnostics, ioError(e, 'read')], files, reload };
  }
  const { plan, diagnostics } = planned;
  const all = sortDiagnostics([...v.diagnostics, ...placed, ...diagnostics, ...unread]);
  const blocked = hasErrors(all);
  if (!blocked && !opts.dryRun) {
    try {
      await applyPlan(plan);
    } catch (e) {
      // Files written before the failure are complete (each is renamed into place whole).
      return { ...v, diagnostics: [...all, ioError(e, 'write')], files, reload, changes: plan.changes.map((c) => redactChange(c, redactor(chosen))), written: false };
    }
  }
  // What a run reports shows files, it does not install them: secrets are masked (src/redact.ts).
  const redact = redactor(chosen);
  const shown = plan.changes.map((c) => redactChange(c, redact));
  return { ...v, diagnostics: all, files, reload, changes: blocked ? [] : shown, written: !blocked && !opts.dryRun };
}

/** A file written where its consumer never looks: ifupdown reads /etc/network/interfaces.d only through a `source` line. */
async function notIncluded(chosen: readonly Target[], files: readonly OutputFile[], root: string): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const t of chosen) {
    const inc = t.includedBy;
    if (!inc || !files.some((f) => f.path === inc.file)) continue;
    let problem: string | undefined;
    try {
      if (!inc.includes(await readFile(join(root, inc.path), 'utf8'))) problem = 'does not include it';
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problem = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`;
    }
    if (problem) {
      out.push(warning('generate/not-included', [], `${inc.file}: ${inc.path} ${problem}, so ${t.name} will not read vrfgen's file; add \`${inc.fix}\` to ${inc.path}`));
    }
  }
  return out;
}

/** An operating-system error while reading or writing the tree, as a diagnostic (exit 2), not a crash. */
function ioError(e: unknown, what: 'read' | 'write'): Diagnostic {
  const err = e as NodeJS.ErrnoException;
  if (!err?.code) throw e; // not an I/O error: a bug, let the CLI report it as one
  return error(`io/${what}`, [], `cannot ${what} the target tree: ${err.message}`);
}

export interface CheckOptions extends ValidateOptions, CheckSettings {
  /** Targets whose files are compared when a root is checked; default as for generate. */
  readonly targets?: readonly string[];
}

export interface Checked extends Validated, CheckResult {}

/** Check this host (or a state DIR collected from one) against an intent, item by item. */
export async function check(file: string, opts: CheckOptions = {}): Promise<Checked> {
  const chosen = selectTargets(opts.targets); // throws TargetSelectionError before any reading
  const v = await validate(file, opts);
  if (!v.model) return { ...v, findings: [], exitCode: 2 };
  const r = await checkModel(v.model, v.source, chosen, opts);
  return { ...v, ...r, diagnostics: [...v.diagnostics, ...r.diagnostics] };
}

/** Run the probes `check` needs on this host and store their raw outputs in `dir`. */
export async function collect(file: string, dir: string, opts: ValidateOptions = {}): Promise<Validated & { results: readonly ProbeResult[]; written: readonly string[] }> {
  const v = await validate(file, opts);
  if (!v.model) return { ...v, results: [], written: [] };
  const r = await collectModel(v.model, dir);
  return { ...v, ...r, diagnostics: [...v.diagnostics, ...r.diagnostics] };
}

/** The same probes as a POSIX sh script (iproute2, procps and systemctl only), for hosts without Node. */
export async function collectScript(file: string, opts: ValidateOptions = {}): Promise<Validated & { script?: string }> {
  const v = await validate(file, opts);
  return v.model ? { ...v, script: renderCollectScript(v.model) } : v;
}
