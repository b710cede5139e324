import type { Diagnostic, Path, SourcePos } from './diagnostics.ts';

/**
 * Where each node of the intent starts: all a SourceMap needs from the parsed document. The loader
 * builds it from yaml's Document, or the plain-YAML reader builds it directly (src/plain-yaml.ts), so
 * the Document itself is not kept alive for positions. A scalar (a null value included) is just its
 * offset: it is the most precise place to point at, and most nodes are scalars.
 */
export type Located = number | LocatedMap | LocatedSeq;

export interface LocatedMap {
  /** Offset of the mapping's first character (for a block mapping, of its first key). */
  readonly start: number | undefined;
  /** Key texts in document order, the first of duplicate keys only; where each key starts; its value. */
  readonly keys: readonly string[];
  readonly keyAt: readonly (number | undefined)[];
  readonly values: readonly (Located | undefined)[];
}

export interface LocatedSeq {
  readonly start: number | undefined;
  readonly items: readonly (Located | undefined)[];
}

/** Mappings with more entries than this get an index on their first lookup (the VRFs of a big intent). */
const SCAN = 16;
const indexes = new WeakMap<LocatedMap, Map<string, number>>();

function entryOf(map: LocatedMap, key: string): number {
  if (map.keys.length <= SCAN) return map.keys.indexOf(key);
  let index = indexes.get(map);
  if (!index) {
    index = new Map();
    map.keys.forEach((k, i) => index!.set(k, i));
    indexes.set(map, index);
  }
  return index.get(key) ?? -1;
}

/**
 * Maps intent paths back to file positions. Every stage reports problems by path only; the loader
 * attaches positions through this one locator, so semantic errors keep their line:col too.
 */
export class SourceMap {
  private split?: readonly string[];

  constructor(
    readonly file: string,
    private readonly text: string,
    private readonly root: Located | undefined,
    /** Offsets at which lines start (yaml's LineCounter.lineStarts). */
    private readonly lineStarts: readonly number[],
  ) {}

  /** The source lines, for excerpts under diagnostics; split only when asked for. */
  get lines(): readonly string[] {
    return (this.split ??= this.text.split(/\r?\n/));
  }

  /** Position of the node at `path`: its key when asked (or when the value is a block), else its value. */
  locate(path: Path, atKey = false): SourcePos {
    let node = this.root;
    let keyAt: number | undefined;
    let offset = startOf(node) ?? 0;
    for (const seg of path) {
      const pair = findPair(node, seg);
      if (pair === undefined) break; // missing key: point at the nearest existing ancestor
      keyAt = pair.key;
      node = pair.value;
      const valueAt = startOf(node);
      // A scalar value is the most precise place; a block collection is better named by its key.
      offset = (typeof node === 'number' ? valueAt : keyAt ?? valueAt) ?? offset;
    }
    if (atKey && keyAt !== undefined) offset = keyAt;
    return this.at(offset);
  }

  /** 1-based line and column of an offset, as yaml's LineCounter.linePos gives them. */
  at(offset: number): SourcePos {
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (starts[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    if (starts[low] === offset) return { file: this.file, line: low + 1, col: 1 };
    if (low === 0) return { file: this.file, line: 0, col: offset };
    return { file: this.file, line: low, col: offset - starts[low - 1]! + 1 };
  }

  /** Attach positions to diagnostics that have a path but no position yet. */
  place(diags: readonly Diagnostic[]): Diagnostic[] {
    return diags.map((d) => (d.pos ? d : { ...d, pos: this.locate(d.path, d.atKey) }));
  }
}

const startOf = (node: Located | undefined): number | undefined => (typeof node === 'number' ? node : node?.start);

/** The pair (or sequence item, as a pseudo-pair) for one path segment. */
function findPair(node: Located | undefined, seg: string | number): { key?: number | undefined; value?: Located | undefined } | undefined {
  if (node === undefined || typeof node === 'number') return undefined;
  if ('keys' in node) {
    const i = entryOf(node, String(seg));
    return i < 0 ? undefined : { key: node.keyAt[i], value: node.values[i] };
  }
  if (typeof seg === 'number') return seg in node.items ? { value: node.items[seg] } : undefined;
  return undefined;
}
