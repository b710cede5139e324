import type { Target } from '../render/target.ts';
import { globRegExp, type Change } from './write.ts';

/** Masks file content for showing: the secrets of whichever chosen target owns the path. */
export type Redact = (path: string, content: string) => string;

/**
 * One redactor for the chosen targets. It goes by the owned globs, not by what was rendered, so an
 * owned file the intent no longer produces (a removal in the diff) is masked too.
 */
export function redactor(targets: readonly Target[]): Redact {
  const rules = targets.flatMap((t) => {
    const redact = t.redact?.bind(t);
    return redact ? t.owns.map((g) => ({ re: globRegExp(g), redact })) : [];
  });
  return (path, content) => rules.find((r) => r.re.test(path))?.redact(content) ?? content;
}

/** A change as shown (dry-run diff, the library's result): its old and new content masked. */
export const redactChange = (c: Change, redact: Redact): Change => ({
  ...c,
  ...(c.before !== undefined ? { before: redact(c.path, c.before) } : {}),
  ...(c.after !== undefined ? { after: redact(c.path, c.after) } : {}),
});
