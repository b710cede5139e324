import type { ErrorCode, WarningCode } from '../diagnostics/codes.ts';
import type { Diagnostic, Path } from '../diagnostics/diagnostics.ts';
import type { Origin } from './host.ts';

/**
 * What an import says besides the intent: a comment on each choice it made (placed above the entry
 * it concerns), a comment on everything it left out (at the end of the document), and diagnostics
 * positioned in the source files. A warning is always a left-out comment as well, so the imported
 * intent records what it does not hold even when nobody read the warnings.
 */
export class Notes {
  /** Comments by intent path (JSON of the path), in the order they were made. */
  readonly comments = new Map<string, { path: Path; lines: string[] }>();
  /** What was left out, one line each, in the order found. */
  readonly leftOut: string[] = [];
  readonly diagnostics: Diagnostic[] = [];

  /** A comment above the entry at `path`. */
  at(path: Path, text: string): void {
    const key = JSON.stringify(path);
    const c = this.comments.get(key);
    if (c) {
      if (!c.lines.includes(text)) c.lines.push(text);
    } else this.comments.set(key, { path, lines: [text] });
  }

  /** Something the import did not take, said at the end of the document. */
  omit(text: string, origin?: Origin): void {
    const line = origin ? `${text} (${where(origin)})` : text;
    if (!this.leftOut.includes(line)) this.leftOut.push(line);
  }

  /** A setting the intent cannot express: a positioned warning, and a left-out comment. */
  warn(code: WarningCode, origin: Origin, message: string): void {
    this.diagnostics.push(positioned({ severity: 'warning', code, message, path: [] }, origin));
    this.omit(message, origin);
  }

  /** Input that stops the import: nothing is written. */
  error(code: ErrorCode, origin: Origin | undefined, message: string): void {
    this.diagnostics.push(positioned({ severity: 'error', code, message, path: [] }, origin));
  }
}

/** A probe file of a state has no line worth naming (line 0): the message names the file instead. */
const positioned = (d: Diagnostic, o: Origin | undefined): Diagnostic =>
  o === undefined ? d : o.line > 0 ? { ...d, pos: o } : { ...d, message: `${o.file}: ${d.message}` };

/** `file:line` of an origin, as the comments name it (a probe file has no useful line). */
export const where = (o: Origin): string => (o.line > 0 ? `${o.file}:${o.line}` : o.file);
