import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { error, hasErrors, sortDiagnostics, warning, type Diagnostic } from './diagnostics.ts';
import { renderTargets, selectTargets } from './render.ts';
import { unitsToRead } from './service-facts.ts';
import type { OutputFile, Target } from './target.ts';
import { readUnits } from './units.ts';
import { validate, type Validated, type ValidateOptions } from './validate.ts';
import { applyPlan, planWrite, type Change } from './write.ts';

export interface GenerateOptions extends ValidateOptions {
  /** Target names; default networkd plus every system target. */
  readonly targets?: readonly string[];
  /** Root of the tree to write; default '/'. */
  readonly root?: string;
  /** Plan only: write nothing. */
  readonly dryRun?: boolean;
  /** Overwrite files at vrfgen's paths that vrfgen did not write. */
  readonly force?: boolean;
}

export interface Generated extends Validated {
  readonly files: readonly OutputFile[];
  /** What changed (or, with dryRun, would change); empty when the intent or the write was refused. */
  readonly changes: readonly Change[];
  /** False when nothing was written: invalid intent, refused files, or dryRun. */
  readonly written: boolean;
}

/** validate → render → plan → write. Nothing is written unless everything before succeeded. */
export async function generate(file: string, opts: GenerateOptions = {}): Promise<Generated> {
  const chosen = selectTargets(opts.targets); // throws TargetSelectionError before any reading
  const v = await validate(file, opts);
  if (!v.model) return { ...v, files: [], changes: [], written: false };
  const root = opts.root ?? '/';
  let rendered, planned;
  try {
    // The units the services target binds are read from the same tree the files are written to.
    const units = await readUnits(root, unitsToRead(v.model));
    rendered = renderTargets(v.model, chosen, units);
    planned = await planWrite(rendered.files, chosen.flatMap((t) => t.owns), root, opts.force);
  } catch (e) {
    return { ...v, diagnostics: [...v.diagnostics, ioError(e, 'read')], files: rendered?.files ?? [], changes: [], written: false };
  }
  const { plan, diagnostics } = planned;
  const placed = v.source ? v.source.place(rendered.diagnostics) : rendered.diagnostics;
  const unread = await notIncluded(chosen, rendered.files, root);
  const all = sortDiagnostics([...v.diagnostics, ...placed, ...diagnostics, ...unread]);
  const blocked = hasErrors(all);
  if (!blocked && !opts.dryRun) {
    try {
      await applyPlan(plan);
    } catch (e) {
      // Files written before the failure are complete (each is renamed into place whole).
      return { ...v, diagnostics: [...all, ioError(e, 'write')], files: rendered.files, changes: plan.changes, written: false };
    }
  }
  return { ...v, diagnostics: all, files: rendered.files, changes: blocked ? [] : plan.changes, written: !blocked && !opts.dryRun };
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

