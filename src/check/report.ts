import { printable } from '../diagnostics/diagnostics.ts';
import { exitCodeOf, type Finding, type Status } from './compare.ts';

const STATUSES: readonly Status[] = ['ok', 'drift', 'missing', 'extra', 'unknown'];
const VERDICT = { 0: 'match', 1: 'drift', 2: 'incomplete' } as const;

/** A list reads as what it allows ("none" when empty, "… but" what else it lets in); its actual side
 *  as the extras only. A described list (what a filter lets in, which sessions) reads as its
 *  description, and in full. */
const shown = (f: Finding): string => {
  const v = f.expected;
  if (typeof v !== 'object') return String(v);
  if (f.described) return v.join(', ');
  const others = v.length ? 'no others' : 'none';
  return f.besides ? `${others} but ${f.besides}` : others;
};

function actualOf(f: Finding): string {
  if (f.status === 'unknown') return `? ${f.unknown?.probe}`;
  if (f.status === 'missing' || f.actual === undefined) return 'absent';
  if (f.described && typeof f.actual === 'object') return f.actual.join(', ') || 'none';
  if (typeof f.actual === 'object') return f.extra?.length ? f.extra.join(', ') : 'none';
  return String(f.actual);
}

/** `12 ok, 1 drift, 2 unknown`, statuses that occur only. */
export function counts(findings: readonly Finding[]): Record<Status, number> {
  const n = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const f of findings) n[f.status]++;
  return n;
}

/** A cell as the terminal should show it: printable ASCII (nearly every cell) is already so. */
const cell = (s: string): string => (/^[ -~]*$/.test(s) ? s : printable(s));

const HEADER = ['ITEM', 'EXPECTED', 'ACTUAL', 'STATUS', 'INTENT'] as const;
const SPACES = ' '.repeat(256);
const pad = (n: number): string => (n <= SPACES.length ? SPACES.slice(0, n) : ' '.repeat(n));

/** The cells of a finding's row, column by column; `file` shows a position's file (all are in the intent). */
function columns(file: (name: string) => string): readonly ((f: Finding) => string)[] {
  return [
    (f) => cell(f.key),
    (f) => cell(shown(f)),
    (f) => cell(actualOf(f)),
    (f) => f.status,
    (f) => (f.pos ? `${file(f.pos.file)}:${f.pos.line}` : '-'),
  ];
}

/**
 * The report for people: one aligned row per finding (like `ifquery --check`), with the intent
 * line that asks for it, then a verdict line. Every finding is listed, the matching ones too.
 * In pieces of about 64 KiB: at thousands of VRFs the whole report, as one string
 * with its lines and cells, was the largest thing a check held. The widths
 * are measured in a first pass, the cells made again in the second. The last cell never ends in a
 * space (a line number, `-`), so no line has trailing blanks to trim.
 */
export function* reportPieces(findings: readonly Finding[]): Generator<string> {
  let name: string | undefined;
  let shownName = '';
  const column = columns((file) => (file === name ? shownName : (shownName = cell((name = file)))));
  const widths = HEADER.map((h) => h.length);
  for (const f of findings)
    for (let c = 0; c < column.length; c++) widths[c] = Math.max(widths[c]!, column[c]!(f).length);
  const last = column.length - 1;
  const line = (text: (c: number) => string) => {
    let out = '';
    for (let c = 0; c < last; c++) {
      const t = text(c);
      out += t + pad(widths[c]! - t.length) + '  ';
    }
    return `${out}${text(last)}\n`;
  };
  let chunk = line((c) => HEADER[c]!);
  for (const f of findings) {
    chunk += line((c) => column[c]!(f));
    if (chunk.length >= 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  // Why each unknown probe is unknown, once per probe, under the table.
  const why = new Map<string, string>();
  for (const f of findings) if (f.unknown) why.set(f.unknown.probe, f.unknown.why);
  const notes = [...why].map(([probe, reason]) => `${printable(`? ${probe}: ${reason}`)}\n`).join('');
  const n = counts(findings);
  const summary =
    STATUSES.filter((s) => n[s] > 0)
      .map((s) => `${n[s]} ${s}`)
      .join(', ') || 'nothing to check';
  yield `${chunk}\n${notes && `${notes}\n`}${VERDICT[exitCodeOf(findings)]}: ${summary}\n`;
}

/**
 * The report written piece by piece, each piece made when the one before was taken: to a pipe,
 * whose writes queue, the caller waits for it to drain (the whole report queued was 40 MB more).
 */
export async function writeReport(
  findings: readonly Finding[],
  write: (text: string) => boolean | void | Promise<unknown>,
): Promise<void> {
  for (const piece of reportPieces(findings)) await write(piece);
}

/** The same report as one string. */
export function formatReport(findings: readonly Finding[]): string {
  return [...reportPieces(findings)].join('');
}

/** The report for machines (`--json`). Lists stay lists; positions are flattened like diagnostics. */
export function reportJson(findings: readonly Finding[]): object {
  const code = exitCodeOf(findings);
  return {
    result: VERDICT[code],
    exitCode: code,
    counts: counts(findings),
    findings: findings.map((f) => ({
      item: f.key,
      expected: f.expected,
      ...(f.actual !== undefined ? { actual: f.actual } : {}),
      status: f.status,
      ...(f.extra ? { extra: f.extra } : {}),
      ...(f.besides ? { besides: f.besides } : {}),
      ...(f.unknown ? { unknown: f.unknown } : {}),
      ...(f.at ? { path: f.at } : {}),
      ...(f.pos ? { file: f.pos.file, line: f.pos.line, col: f.pos.col } : {}),
    })),
  };
}
