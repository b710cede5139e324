import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { error, hasErrors, sortDiagnostics, warning, type Diagnostic } from '../diagnostics/diagnostics.ts';
import { renderTargets, selectTargets } from '../render/render.ts';
import { unitsToRead } from '../systemd/unit-facts.ts';
import type { FormatName } from '../output/formats/index.ts';
import type { Command, OutputFile, Target } from '../render/target.ts';
import { redactChange, redactor } from '../output/redact.ts';
import { readUnits } from '../systemd/read-units.ts';
import { foreignDeclarations } from './foreign.ts';
import { validate, type Validated, type ValidateOptions } from './validate.ts';
import { applyPlan, planWrite, type Change } from '../output/write.ts';

export interface GenerateOptions extends ValidateOptions {
  /** Target names; default: the targets the registry marks `default` (targets/index.ts). */
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

/** What a run reports shows files, it does not install them: their secrets masked (src/output/redact.ts). */
const shown = (changes: readonly Change[], chosen: readonly Target[]): Change[] => {
  const redact = redactor(chosen);
  return changes.map((c) => redactChange(c, redact));
};

/** validate → render → plan → write (or, with another format, → output). Nothing is written unless everything before succeeded. */
export async function generate(file: string, opts: GenerateOptions = {}): Promise<Generated> {
  const chosen = selectTargets(opts.targets); // throws TargetSelectionError before any reading
  const v = await validate(file, opts);
  const none = { files: [], reload: [], changes: [], written: false };
  if (!v.model) return { ...v, ...none };
  const format = opts.format ?? 'tree';
  const root = opts.root ?? (format === 'tree' ? '/' : undefined);
  let rendered;
  let foreign: Diagnostic[];
  try {
    // The units the services target binds are read from the same tree the files are written to.
    const units = root === undefined ? undefined : await readUnits(root, unitsToRead(v.model));
    rendered = renderTargets(v.model, chosen, units);
    // And the admin's own files of the chosen stacks: a link both declare is said before anything is written.
    const place = (ds: Diagnostic[]) => (v.source ? v.source.place(ds) : ds);
    foreign = root === undefined ? [] : await foreignDeclarations(v.model, chosen, rendered.files, root, place);
  } catch (e) {
    return { ...v, ...none, diagnostics: [...v.diagnostics, ioError(e, 'read')] };
  }
  const { files, reload } = rendered;
  const placed = v.source ? v.source.place(rendered.diagnostics) : rendered.diagnostics;
  const unread = root === undefined ? [] : await notIncluded(chosen, files, root);
  if (format !== 'tree') {
    const all = sortDiagnostics([...v.diagnostics, ...placed, ...unread, ...foreign]);
    if (hasErrors(all)) return { ...v, ...none, diagnostics: all, files, reload };
    const { formats } = await import('../output/formats/index.ts');
    const output = formats[format].render({
      source: v.model.source,
      files,
      reload,
      mtime: opts.mtime ?? 0,
      redact: redactor(chosen),
    });
    return { ...v, ...none, diagnostics: all, files, reload, output };
  }
  let planned;
  try {
    planned = await planWrite(
      files,
      chosen.flatMap((t) => t.owns),
      root ?? '/',
      opts.force,
    );
  } catch (e) {
    return { ...v, ...none, diagnostics: [...v.diagnostics, ioError(e, 'read')], files, reload };
  }
  const { plan, diagnostics } = planned;
  const all = sortDiagnostics([...v.diagnostics, ...placed, ...diagnostics, ...unread, ...foreign]);
  const blocked = hasErrors(all);
  if (!blocked && !opts.dryRun) {
    try {
      await applyPlan(plan);
    } catch (e) {
      // Files written before the failure are complete (each is renamed into place whole).
      return {
        ...v,
        diagnostics: [...all, ioError(e, 'write')],
        files,
        reload,
        changes: shown(plan.changes, chosen),
        written: false,
      };
    }
  }
  return {
    ...v,
    diagnostics: all,
    files,
    reload,
    changes: blocked ? [] : shown(plan.changes, chosen),
    written: !blocked && !opts.dryRun,
  };
}

/** A file written where its consumer never looks: ifupdown reads /etc/network/interfaces.d only through a `source` line. */
async function notIncluded(
  chosen: readonly Target[],
  files: readonly OutputFile[],
  root: string,
): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const t of chosen) {
    const inc = t.includedBy;
    const rendered = inc && files.find((f) => f.path === inc.file)?.content;
    if (!inc || rendered === undefined) continue;
    let problem: string | undefined;
    try {
      if (!inc.includes(await readFile(join(root, inc.path), 'utf8'), rendered)) problem = 'does not include it';
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problem = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`;
    }
    if (problem) {
      out.push(
        warning(
          'generate/not-included',
          [],
          `${inc.file}: ${inc.path} ${problem}, so ${t.name} will not read vrfgen's file; add \`${inc.fix(rendered)}\` to ${inc.path}`,
        ),
      );
    }
  }
  return out;
}

/** An operating-system error while reading or writing the tree, as a diagnostic (exit 2), not a crash. */
function ioError(e: unknown, what: 'read' | 'write'): Diagnostic {
  const err = e as NodeJS.ErrnoException;
  if (!err?.code) throw e; // not an I/O error: a bug, let the CLI report it as one
  const message = `cannot ${what} the target tree: ${err.message}`;
  return what === 'read' ? error('io/read', [], message) : error('io/write', [], message);
}
