import { isMap, isScalar, isSeq, visit, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { Diagnostic, Path, SourcePos } from './diagnostics.ts';

/**
 * Maps intent paths back to file positions. Every stage reports problems by path only; the loader
 * attaches positions through this one locator, so semantic errors keep their line:col too.
 */
export class SourceMap {
  readonly lines: readonly string[];

  constructor(
    readonly file: string,
    text: string,
    private readonly doc: Document,
    private readonly lc: LineCounter,
  ) {
    this.lines = maskSecrets(text, doc).split(/\r?\n/);
  }

  /** Position of the node at `path`: its key when asked (or when the value is a block), else its value. */
  locate(path: Path, atKey = false): SourcePos {
    let node: unknown = this.doc.contents;
    let keyNode: Node | undefined;
    let offset = rangeStart(node) ?? 0;
    for (const seg of path) {
      const pair = this.findPair(node, seg);
      if (pair === undefined) break; // missing key: point at the nearest existing ancestor
      keyNode = isScalar(pair.key) ? pair.key : undefined;
      node = pair.value;
      const valueAt = rangeStart(node);
      const keyAt = rangeStart(keyNode);
      // A scalar value is the most precise place; a block collection is better named by its key.
      offset = (isScalar(node) && valueAt !== undefined ? valueAt : keyAt ?? valueAt) ?? offset;
    }
    if (atKey && keyNode?.range) offset = keyNode.range[0];
    return this.at(offset);
  }

  at(offset: number): SourcePos {
    const { line, col } = this.lc.linePos(offset);
    return { file: this.file, line, col };
  }

  /** Attach positions to diagnostics that have a path but no position yet. */
  place(diags: readonly Diagnostic[]): Diagnostic[] {
    return diags.map((d) => (d.pos ? d : { ...d, pos: this.locate(d.path, d.atKey) }));
  }

  /** Each mapping's pairs by key text (the first pair of a key), built on first use: a mapping of
   *  50 000 VRFs with an error each would otherwise be scanned 50 000 times. */
  private readonly pairsByKey = new WeakMap<object, Map<string, Pair>>();

  /** The pair (or sequence item, as a pseudo-pair) for one path segment. */
  private findPair(node: unknown, seg: string | number): { key: unknown; value: unknown } | undefined {
    if (isMap(node)) {
      let byKey = this.pairsByKey.get(node);
      if (!byKey) {
        byKey = new Map();
        for (const p of node.items as Pair[]) {
          const k = String(isScalar(p.key) ? p.key.value : p.key);
          if (!byKey.has(k)) byKey.set(k, p);
        }
        this.pairsByKey.set(node, byKey);
      }
      return byKey.get(String(seg));
    }
    if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      return item === undefined ? undefined : { key: undefined, value: item };
    }
    return undefined;
  }
}

const rangeStart = (n: unknown): number | undefined =>
  (n as Node | null | undefined)?.range?.[0] ?? undefined;

/** Keys whose values are secrets (a BGP session's inline MD5 key): never echoed in an excerpt. */
const SECRET_KEYS = new Set(['password']);

/** The text with every secret value's characters replaced by `*`, so lengths, lines and columns stay. */
function maskSecrets(text: string, doc: Document): string {
  const spans: [number, number][] = [];
  visit(doc, {
    Pair(_, pair) {
      const range = (pair.value as Node | null)?.range;
      if (isScalar(pair.key) && SECRET_KEYS.has(String(pair.key.value)) && range) spans.push([range[0], range[1]]);
    },
  });
  if (spans.length === 0) return text;
  // Ranges are UTF-16 offsets; mask code unit by code unit, keeping line breaks.
  const units = text.split('');
  for (const [from, to] of spans) for (let i = from; i < to; i++) if (units[i] !== '\n' && units[i] !== '\r') units[i] = '*';
  return units.join('');
}
