import type { Diagnostic, Path, SourcePos } from '../diagnostics/diagnostics.ts';

/**
 * Where each node of the intent starts: all a SourceMap needs from the parsed document. The loader
 * builds it from yaml's Document, or the plain-YAML reader builds it directly (src/intent/plain-yaml.ts), so
 * the Document itself is not kept alive for positions. A scalar (a null value included) is just its
 * offset: it is the most precise place to point at, and most nodes are scalars.
 */
export type Located = number | LocatedMap | LocatedSeq;

/** Where the nodes and lines of a text start. */
export interface Positions {
  readonly root: Located | undefined;
  readonly lineStarts: readonly number[];
}

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
  private known?: Positions;

  constructor(
    readonly file: string,
    private readonly text: string,
    /** Where nodes and lines start, or how to find out when first asked (a valid intent never is). */
    private readonly where: Positions | (() => Positions),
  ) {}

  private get positions(): Positions {
    return (this.known ??= typeof this.where === 'function' ? this.where() : this.where);
  }

  /** The source lines, for excerpts under diagnostics (secrets masked); split only when asked for. */
  get lines(): readonly string[] {
    return (this.split ??= maskSecrets(this.text, this.positions.root).split(/\r?\n/));
  }

  /** Position of the node at `path`: its key when asked (or when the value is a block), else its value. */
  locate(path: Path, atKey = false): SourcePos {
    let node = this.positions.root;
    let keyAt: number | undefined;
    let offset = startOf(node) ?? 0;
    for (const seg of path) {
      const pair = findPair(node, seg);
      if (pair === undefined) break; // missing key: point at the nearest existing ancestor
      keyAt = pair.key;
      node = pair.value;
      const valueAt = startOf(node);
      // A scalar value is the most precise place; a block collection is better named by its key.
      offset = (typeof node === 'number' ? valueAt : (keyAt ?? valueAt)) ?? offset;
    }
    if (atKey && keyAt !== undefined) offset = keyAt;
    return this.at(offset);
  }

  /** 1-based line and column of an offset, as yaml's LineCounter.linePos gives them. */
  at(offset: number): SourcePos {
    const starts = this.positions.lineStarts;
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
function findPair(
  node: Located | undefined,
  seg: string | number,
): { key?: number | undefined; value?: Located | undefined } | undefined {
  if (node === undefined || typeof node === 'number') return undefined;
  if ('keys' in node) {
    const i = entryOf(node, String(seg));
    return i < 0 ? undefined : { key: node.keyAt[i], value: node.values[i] };
  }
  if (typeof seg === 'number') return seg in node.items ? { value: node.items[seg] } : undefined;
  return undefined;
}

/** Keys whose values are secrets (a BGP session's inline MD5 key): never echoed in an excerpt. */
const SECRET_KEYS = new Set(['password']);

/**
 * The text with the value of every secret key replaced by `*`, lengths and line breaks kept so
 * columns stay. Only where a value starts is known, so its end is found as YAML's grammar has it: a
 * quoted value ends at its closing quote; a plain one inside a flow collection at `,`, `]` or `}`
 * (which it cannot contain); anything else at the end of its line, and a value that goes on (a
 * block scalar or collection) on every more-indented line after it. Never fewer characters than
 * the value has.
 */
function maskSecrets(text: string, root: Located | undefined): string {
  const starts: number[] = [];
  const walk = (node: Located | undefined): void => {
    if (node === undefined || typeof node === 'number') return;
    if ('keys' in node) {
      node.keys.forEach((k, i) => {
        const at = startOf(node.values[i]);
        if (SECRET_KEYS.has(k) && at !== undefined) starts.push(at);
        else walk(node.values[i]);
      });
    } else node.items.forEach(walk);
  };
  walk(root);
  if (starts.length === 0) return text;
  const units = text.split('');
  const isBreak = (i: number) => units[i] === '\n' || units[i] === '\r';
  const maskTo = (from: number, end: (i: number) => boolean) => {
    let i = from;
    for (; i < units.length && !end(i); i++) if (!isBreak(i)) units[i] = '*';
    return i;
  };
  for (const at of starts) {
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    const quote = text[at];
    if (quote === '"' || quote === "'") {
      // To the closing quote, over lines if need be: `\"` escapes in double quotes, `''` in single.
      let i = at + 1;
      while (
        i < text.length &&
        !(text[i] === quote && !(quote === '"' && text[i - 1] === '\\') && !(quote === "'" && text[i + 1] === "'"))
      )
        i += quote === "'" && text[i] === "'" ? 2 : 1;
      maskTo(at, (j) => j > i);
      continue;
    }
    if (quote === '[' || quote === '{') {
      // A flow collection (a secret of the wrong type): to its matching bracket, over lines if need be.
      let depth = 0;
      let i = at;
      for (; i < text.length; i++) {
        if (text[i] === '[' || text[i] === '{') depth++;
        else if ((text[i] === ']' || text[i] === '}') && --depth === 0) break;
      }
      maskTo(at, (j) => j > i);
      continue;
    }
    if (/[[{]/.test(text.slice(lineStart, at))) {
      maskTo(at, (j) => isBreak(j) || /[,\]}]/.test(text[j]!));
      continue;
    }
    const indent = /^[ -]*/.exec(text.slice(lineStart))![0].length;
    let i = maskTo(at, isBreak);
    // Continuation lines: more indented than the line the value starts on (or blank).
    for (;;) {
      const next = text.indexOf('\n', i) + 1;
      if (next === 0 || next >= text.length) break;
      const lead = /^ */.exec(text.slice(next))![0].length;
      const blank = text[next + lead] === '\n' || text[next + lead] === '\r';
      if (!blank && lead < indent) break;
      if (!blank && lead === indent) break;
      i = maskTo(next, isBreak);
    }
  }
  return units.join('');
}
