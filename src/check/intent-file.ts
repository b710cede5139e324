import { renderCollectScript } from './script.ts';
import { checkModel, collectModel, type CheckResult, type CheckSettings } from './check.ts';
import type { ProbeResult } from './probes.ts';
import { selectTargets } from '../render/render.ts';
import { loadIntentFile } from '../intent/load-file.ts';
import { validate, validated, type Validated, type ValidateOptions } from '../pipeline/validate.ts';

export interface CheckOptions extends ValidateOptions, CheckSettings {
  /** Targets whose files are compared when a root is checked; default as for generate. */
  readonly targets?: readonly string[];
}

export interface Checked extends Validated, CheckResult {}

/** Check this host (or a state DIR collected from one) against an intent, item by item. */
export async function check(file: string, opts: CheckOptions = {}): Promise<Checked> {
  const chosen = selectTargets(opts.targets); // throws TargetSelectionError before any reading
  // Every finding is placed, so positions are read with the intent, not by a second reading.
  const v = validated(await loadIntentFile(file, { positions: true }), file, opts);
  if (!v.model) return { ...v, findings: [], exitCode: 2 };
  const r = await checkModel(v.model, v.source, chosen, opts);
  return { ...v, ...r, diagnostics: [...v.diagnostics, ...r.diagnostics] };
}

/** Run the probes `check` needs on this host and store their raw outputs in `dir`. */
export async function collect(
  file: string,
  dir: string,
  opts: ValidateOptions & { all?: boolean } = {},
): Promise<Validated & { results: readonly ProbeResult[]; written: readonly string[] }> {
  const v = await validate(file, opts);
  if (!v.model) return { ...v, results: [], written: [] };
  const r = await collectModel(v.model, dir, { all: opts.all });
  return { ...v, ...r, diagnostics: [...v.diagnostics, ...r.diagnostics] };
}

/** Without an intent: every VRF the host has, its tables and the units bound to it (what `import` reads). */
export async function collectAll(
  dir: string,
): Promise<Validated & { results: readonly ProbeResult[]; written: readonly string[] }> {
  return collectModel(undefined, dir, { all: true });
}

/** The same probes as a POSIX sh script (iproute2, procps and systemctl only), for hosts without Node. */
export async function collectScript(
  file: string,
  opts: ValidateOptions & { all?: boolean } = {},
): Promise<Validated & { script?: string }> {
  const v = await validate(file, opts);
  return v.model ? { ...v, script: renderCollectScript(v.model, { all: opts.all }) } : v;
}

/** The script of `collect --all` without an intent. */
export function collectAllScript(): Validated & { script: string } {
  return { diagnostics: [], script: renderCollectScript(undefined, { all: true }) };
}
