import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostics.ts';
import { loadIntentFile } from '../intent/load-file.ts';
import type { Loaded } from '../intent/load.ts';
import type { Model } from '../model/model.ts';
import type { PlatformName } from '../platforms/platforms.ts';
import { resolve } from '../model/resolve.ts';
import type { SourceMap } from '../intent/source.ts';

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

/** Resolve what the loader made of an intent; all diagnostics, positioned and sorted. */
export function validated(loaded: Loaded, file: string, opts: ValidateOptions): Validated {
  const resolved = loaded.intent ? resolve(loaded.intent, { file, ...opts }) : { diagnostics: [] };
  const all = [
    ...loaded.diagnostics,
    ...(loaded.source ? loaded.source.place(resolved.diagnostics) : resolved.diagnostics),
  ];
  const diagnostics = sortDiagnostics(all);
  return {
    ...(resolved.model && !hasErrors(diagnostics) ? { model: resolved.model } : {}),
    diagnostics,
    ...(loaded.source ? { source: loaded.source } : {}),
  };
}
