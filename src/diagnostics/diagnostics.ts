import type { DiagnosticCode, ErrorCode, Severity, WarningCode } from './codes.ts';
import { red, yellow } from './colour.ts';

/** A path into the intent document, e.g. ['vrfs', 'mgmt', 'interfaces', 'eth1', 'addresses', 0]. */
export type Path = readonly (string | number)[];

/** A 1-based position in a source file. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/**
 * One problem found anywhere in the pipeline. Diagnostics are data: every stage appends them,
 * nothing throws for user input, and the CLI prints them all at once, sorted by position.
 */
export interface Diagnostic {
  readonly severity: Severity;
  /**
   * Stable identifier, `area/kebab-case`, registered in src/diagnostics/codes.ts; tests and scripts
   * match on it, never on the message.
   */
  readonly code: DiagnosticCode;
  /** Subject first: "vrf 'blue': member 'eth1' already belongs to vrf 'red'". */
  readonly message: string;
  /** Where in the intent the problem is; [] for the document itself. */
  readonly path: Path;
  /** Point at the mapping key rather than its value (unknown keys, bad names). */
  readonly atKey?: boolean;
  /** Attached by the loader from the path; absent for problems without a source (I/O). */
  readonly pos?: SourcePos;
}

const diagnostic =
  <C extends DiagnosticCode>(severity: Severity) =>
  (code: C, path: Path, message: string, atKey = false): Diagnostic => ({
    severity,
    code,
    path,
    message,
    ...(atKey ? { atKey } : {}),
  });

/** Each takes only the codes registered with its severity: a new code is registered first. */
export const error = diagnostic<ErrorCode>('error');
export const warning = diagnostic<WarningCode>('warning');

export const hasErrors = (diags: readonly Diagnostic[]): boolean => diags.some((d) => d.severity === 'error');

/**
 * Whether an error was added since `diags` had `from` entries: what keeps an entry out of the model.
 * A warning never does — it is said about an entry that is still written, and a target must see the
 * entry to write it (or to refuse it).
 */
export function erredSince(diags: readonly Diagnostic[], from: number): boolean {
  for (let i = from; i < diags.length; i++) if (diags[i]!.severity === 'error') return true;
  return false;
}

/** Sort by file, line, column, then code, so output is stable whatever order the stages found things in. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort(
    (a, b) =>
      (a.pos?.file ?? '').localeCompare(b.pos?.file ?? '') ||
      (a.pos?.line ?? 0) - (b.pos?.line ?? 0) ||
      (a.pos?.col ?? 0) - (b.pos?.col ?? 0) ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

/**
 * Characters that do not show as themselves: format characters (zero-width space, the bidi overrides
 * that make a terminal print the rest of a line backwards), line separators and spaces other than
 * ASCII's. JSON.stringify leaves them alone.
 */
const INVISIBLE = /[\p{Cf}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/gu;

/**
 * A string from the intent as a message shows it: JSON-quoted, so control characters are visible, and
 * cut after `max` characters, so a megabyte of value is not echoed whole.
 */
export const quoted = (s: string, max = 80): string =>
  JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s).replace(INVISIBLE, (c) => {
    const hex = c.codePointAt(0)!.toString(16).padStart(4, '0');
    return c.length > 1 ? `\\u{${hex}}` : `\\u${hex}`;
  });

/** Longest excerpt shown around the caret; a 50 MB one-line intent must not be echoed whole. */
const EXCERPT = 120;

/** Control characters would move the terminal cursor, invisible ones mislead; show them as '?' (one per UTF-16 unit, so the caret stays aligned). */
export const printable = (s: string): string =>
  s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').replace(INVISIBLE, (c) => '?'.repeat(c.length));

/**
 * netplan-style text: `file:line:col: error code: message`, then the source line and a caret. With
 * `colour`, the severity is painted (for a terminal; see src/diagnostics/colour.ts).
 */
export function formatDiagnostic(d: Diagnostic, lines?: readonly string[], colour = false): string {
  const where = d.pos ? `${printable(d.pos.file)}:${d.pos.line}:${d.pos.col}: ` : '';
  const severity = colour ? (d.severity === 'error' ? red : yellow)(d.severity) : d.severity;
  let out = `${where}${severity} ${d.code}: ${printable(d.message)}`;
  const src = d.pos && lines?.[d.pos.line - 1];
  if (d.pos && src !== undefined) {
    const start = Math.max(0, d.pos.col - 1 - EXCERPT / 2);
    const excerpt = src.slice(start, start + EXCERPT);
    out += `\n  ${printable(excerpt)}\n  ${' '.repeat(d.pos.col - 1 - start)}^`;
  }
  return out;
}

/** The JSON form of a diagnostic for `--json` (position flattened, no internal flags). */
export function diagnosticJson(d: Diagnostic): object {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    path: d.path,
    ...(d.pos ? { file: d.pos.file, line: d.pos.line, col: d.pos.col } : {}),
  };
}
