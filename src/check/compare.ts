import type { Path, SourcePos } from '../diagnostics/diagnostics.ts';
import type { Fact, Value } from './facts.ts';
import type { Observed, Unknown } from './observed.ts';

/**
 * ok: as the intent says · drift: different · missing: not there at all · extra: a list holds
 * items the intent does not mention · unknown: the probe that would tell failed or was not
 * collected (never ok, never drift).
 */
export type Status = 'ok' | 'drift' | 'missing' | 'extra' | 'unknown';

export interface Finding {
  readonly key: string;
  readonly expected: Value;
  /** Absent when missing or unknown. */
  readonly actual?: Value;
  readonly status: Status;
  /** For lists: the observed items the intent does not mention. */
  readonly extra?: readonly string[];
  /** A list the model describes rather than enumerates (Fact.allows): reports show it whole. */
  readonly described?: true;
  /** What a list allows besides the items it names (Fact.besides), in words. */
  readonly besides?: string;
  /** For unknown: which probe, and what went wrong with it. */
  readonly unknown?: Unknown;
  readonly at?: Path;
  readonly pos?: SourcePos;
}

/**
 * Which failed probe covers `key`, if any (the longest, most specific scope wins). A scope is the
 * first words of the keys it covers (`route4 1001 `, `service ssh.service vrf`; observed.ts), so
 * only the key's own word boundaries are looked up: one lookup per word, not one per failed probe
 * (a state missing 9000 route tables made that 800 million comparisons).
 */
function unknownReason(observed: Observed, key: string): Unknown | undefined {
  if (observed.unknown.size === 0) return undefined;
  let best = observed.unknown.get(key);
  for (let i = key.lastIndexOf(' '); i >= 0 && !best; i = key.lastIndexOf(' ', i - 1)) {
    best = observed.unknown.get(key.slice(0, i + 1)) ?? observed.unknown.get(key.slice(0, i));
  }
  return best;
}

const found = (
  f: Fact,
  pos: SourcePos | undefined,
  status: Status,
  actual?: Value,
  extra?: readonly string[],
  unknown?: Unknown,
): Finding => ({
  key: f.key,
  expected: f.value,
  actual,
  status,
  extra,
  unknown,
  at: f.at,
  pos,
  described: f.allows && f.besides === undefined ? true : undefined,
  besides: f.besides,
});

/**
 * One finding per expected fact, in the order given: every difference, not just the first. Each
 * finding is built once, with every field (absent ones undefined), so that 40000 of them share one
 * shape: spreading a base into a new object per status was a third of the comparison's time.
 */
export function compare(
  expected: readonly Fact[],
  observed: Observed,
  locate?: (at: Path) => SourcePos | undefined,
): Finding[] {
  const findings = new Array<Finding>(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const f = expected[i]!;
    const pos = f.at && locate ? locate(f.at) : undefined;
    const unknown = unknownReason(observed, f.key);
    const actual = unknown === undefined ? observed.facts.get(f.key) : undefined;
    if (unknown !== undefined) findings[i] = found(f, pos, 'unknown', undefined, undefined, unknown);
    else if (typeof f.value === 'object') {
      // A list nobody reported is an empty one: the probe ran and found nothing.
      const got: readonly string[] = typeof actual === 'object' ? actual : actual === undefined ? [] : [String(actual)];
      const allowed = got.length ? new Set(f.value) : undefined;
      const extra = got.filter((item) => !allowed!.has(item) && !f.allows?.(item));
      findings[i] = found(f, pos, extra.length ? 'extra' : 'ok', got, extra.length ? extra : undefined);
    } else if (actual === undefined) findings[i] = found(f, pos, 'missing');
    else {
      const matches = actual === f.value || (typeof actual === 'string' && f.allows?.(actual) === true);
      findings[i] = found(f, pos, matches ? 'ok' : 'drift', actual);
    }
  }
  return findings;
}

/** 0 everything matches · 1 something differs · 2 nothing differs, but not everything could be checked. */
export function exitCodeOf(findings: readonly Finding[]): 0 | 1 | 2 {
  if (findings.some((f) => f.status === 'drift' || f.status === 'missing' || f.status === 'extra')) return 1;
  return findings.some((f) => f.status === 'unknown') ? 2 : 0;
}
