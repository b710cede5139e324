import { printable } from '../diagnostics.ts';
import { exitCodeOf, type Finding, type Status } from './compare.ts';

const STATUSES: readonly Status[] = ['ok', 'drift', 'missing', 'extra', 'unknown'];
const VERDICT = { 0: 'match', 1: 'drift', 2: 'incomplete' } as const;

/** A list reads as what it allows ("none" when empty); its actual side as the extras only. A
 *  described list (what a filter lets in, which sessions) reads as its description, and in full. */
const shown = (f: Finding): string => {
  const v = f.expected;
  if (typeof v !== 'object') return String(v);
  return f.described ? v.join(', ') : v.length ? 'no others' : 'none';
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

/**
 * The report for people: one aligned row per finding (like `ifquery --check`), with the intent
 * line that asks for it, then a verdict line. Every finding is listed, the matching ones too.
 */
export function formatReport(findings: readonly Finding[]): string {
  const rows = [
    ['ITEM', 'EXPECTED', 'ACTUAL', 'STATUS', 'INTENT'],
    ...findings.map((f) => [f.key, shown(f), actualOf(f), f.status, f.pos ? `${f.pos.file}:${f.pos.line}` : '-'].map(printable)),
  ];
  const widths = rows[0]!.map((_, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), 0)); // no spread: findings may be 100 000
  const lines = rows.map((r) => r.map((cell, i) => (i < r.length - 1 ? cell.padEnd(widths[i]!) : cell)).join('  ').trimEnd());
  // Why each unknown probe is unknown, once per probe, under the table.
  const why = [...new Map(findings.flatMap((f) => (f.unknown ? [[f.unknown.probe, f.unknown.why] as const] : []))).entries()];
  const notes = why.map(([probe, reason]) => printable(`? ${probe}: ${reason}`));
  const n = counts(findings);
  const summary = STATUSES.filter((s) => n[s] > 0).map((s) => `${n[s]} ${s}`).join(', ') || 'nothing to check';
  return [...lines, '', ...(notes.length ? [...notes, ''] : []), `${VERDICT[exitCodeOf(findings)]}: ${summary}`, ''].join('\n');
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
      ...(f.unknown ? { unknown: f.unknown } : {}),
      ...(f.at ? { path: f.at } : {}),
      ...(f.pos ? { file: f.pos.file, line: f.pos.line, col: f.pos.col } : {}),
    })),
  };
}
