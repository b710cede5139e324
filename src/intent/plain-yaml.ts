import { MAX_DEPTH } from './limits.ts';
import type { Located, LocatedMap } from './source.ts';

/**
 * A reader for the plain YAML that intents are written in: block mappings and sequences, one-line
 * flow collections, one-line plain and quoted scalars, comments. It gives the same value as the
 * `yaml` library (YAML 1.2, core schema) and the same node positions, or gives up (undefined) and
 * leaves the document to the library: at the first thing outside that subset (anchors, tags, block
 * scalars, multi-line scalars, escapes, tabs, several documents, numbers other than decimal
 * integers, …) and at anything the library would report (a syntax error, a duplicate key).
 *
 * Why: the library is the reference, but its lexer and parser are slow on a cold start, slower than
 * the whole run of netplan's generator that vrfgen's run is meant to beat at thousands of VRFs
 * (bench/notes.md). This reader goes through the same text many times faster. test/intent/plain-yaml.test.ts holds it to the library on
 * every intent in the repository and on generated variants.
 */
export interface PlainYaml {
  readonly value: unknown;
  readonly root: Located;
  /** Offsets at which lines start, as yaml's LineCounter records them. */
  readonly lineStarts: readonly number[];
}

/** Thrown to abandon the subset; never escapes readPlainYaml. */
class Outside extends Error {}
const outside = (): never => {
  throw new Outside();
};

/** Characters that make the library do something this reader does not: line breaks other than LF, tabs, BOM, C0/C1 controls. */
const UNUSUAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/** YAML 1.2 core schema, as the library resolves plain scalars. Only null, booleans and decimal integers are taken here. */
const NULL = /^(?:~|null|Null|NULL)$/;
const TRUE = /^(?:true|True|TRUE)$/;
const FALSE = /^(?:false|False|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
/** What every number of the core schema starts with (`.inf` and `.nan` included). */
const NUMBER_START = /^[-+.0-9]$/;
const OTHER_NUMBER = [
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];

/** Indicators that may not start a plain scalar (YAML 1.2 §7.3.3); `-` and `:` may when no space follows, handled apart. */
const NOT_PLAIN_START = new Set([...'?,[]{}#&*!|>\'"%@`']);
const FLOW_END = new Set([',', ']', '}']);

/**
 * An exact-size copy of a short array. An array grown by push keeps room for 17 elements, lost for
 * every mapping and list of the document: over half of what a large intent held.
 */
const exact = <T>(a: T[]): T[] => (a.length < 16 ? a.slice() : a);

function resolvePlain(text: string): unknown {
  // By its first character a scalar can only be a null or boolean word, or a number, or neither:
  // most are names and addresses, and each pattern tried costs (nine per scalar, 60 000 scalars).
  const c = text[0];
  if (c === 'n' || c === 'N' || c === 't' || c === 'T' || c === 'f' || c === 'F' || c === '~') {
    if (NULL.test(text)) return null;
    if (TRUE.test(text)) return true;
    if (FALSE.test(text)) return false;
    return text;
  }
  if (c === undefined || !NUMBER_START.test(c)) return text;
  if (INT.test(text)) return text.replace(/^[-+]/, '').length <= 15 ? Number(text) : outside();
  if (OTHER_NUMBER.some((re) => re.test(text))) outside();
  return text;
}

interface Line {
  /** Offset of the line's first character. */
  readonly start: number;
  /** Offset just past its last character (before the newline). */
  readonly end: number;
  /** Leading spaces. */
  readonly indent: number;
}

interface Node {
  readonly value: unknown;
  readonly at: Located;
}

class Reader {
  /** Lines with content: not blank and not only a comment. */
  private readonly lines: Line[] = [];
  private i = 0;
  /** Where nothing is recorded when `positions` is off. */
  private static readonly NOWHERE: LocatedMap = { start: 0, keys: [], keyAt: [], values: [] };
  /** Collections open around the current one: past MAX_DEPTH the library reports it (yaml/too-deep), and recursion stays bounded. */
  private depth = 0;

  private enter(): void {
    if (++this.depth > MAX_DEPTH) outside();
  }

  /** `positions`: record where every node is (for a SourceMap); off, only the value is built. */
  constructor(
    private readonly text: string,
    private readonly positions: boolean,
  ) {
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      let indent = 0;
      while (text.charCodeAt(start + indent) === 32) indent++;
      const first = start + indent;
      if (first < end && text[first] !== '#') this.lines.push({ start, end, indent });
      start = end + 1;
    }
  }

  document(): Node {
    const first = this.lines[0] ?? outside();
    if (this.directive(first)) {
      // A leading `---` is common in files written by Ansible; anything else about documents is not.
      if (first.indent !== 0 || !this.endsAt(first, first.start + 3)) outside();
      this.i++;
    }
    const top = this.lines[this.i] ?? outside();
    if (top.indent !== 0) outside();
    const root = this.blockMap(top.start, 0);
    if (this.i < this.lines.length) outside();
    return root;
  }

  /** `---`, `...` or `%` at the start of a line: document markers and directives. */
  private directive(line: Line): boolean {
    const t = this.text;
    const s = line.start;
    if (line.indent === 0 && t[s] === '%') return true;
    return (
      line.indent === 0 &&
      (t.startsWith('---', s) || t.startsWith('...', s)) &&
      (s + 3 === line.end || t[s + 3] === ' ')
    );
  }

  /** Only spaces, then the end of the line or a comment, from `at` on. */
  private endsAt(line: Line, at: number): boolean {
    const t = this.text;
    let p = at;
    while (p < line.end && t[p] === ' ') p++;
    return p === line.end || (t[p] === '#' && (p === at ? t[p - 1] === ' ' : true));
  }

  private skipSpaces(at: number, end: number): number {
    let p = at;
    while (p < end && this.text[p] === ' ') p++;
    return p;
  }

  /** Is there a `-` entry indicator at `at` (a dash followed by a space or the end of the line)? */
  private dashAt(line: Line, at: number): boolean {
    return this.text[at] === '-' && (at + 1 === line.end || this.text[at + 1] === ' ');
  }

  /** A block node whose first content line is the current one, indented more than `parent`. */
  private nested(parent: number): Node | undefined {
    const line = this.lines[this.i];
    if (!line || line.indent <= parent) return undefined;
    if (this.directive(line)) outside();
    const at = line.start + line.indent;
    return this.dashAt(line, at) ? this.blockSeq(line.indent) : this.blockMap(at, line.indent);
  }

  /** The value after `key:` or `-`, from `at` on the current line (which the caller has consumed). */
  private blockValue(line: Line, at: number, col: number, inMap: boolean): Node {
    const t = this.text;
    const p = this.skipSpaces(at, line.end);
    if (p === line.end || t[p] === '#') {
      // Nothing on the line: a nested block, an indentless sequence (a mapping's value only), or null.
      const next = this.lines[this.i];
      if (next && next.indent > col) return this.nested(col)!;
      if (inMap && next && next.indent === col && this.dashAt(next, next.start + next.indent))
        return this.blockSeq(col);
      return { value: null, at: p };
    }
    const node = this.inline(line, p);
    if (!this.endsAt(line, node.end)) outside();
    // A more indented line after a scalar would continue it (multi-line plain scalars are not read here).
    const next = this.lines[this.i];
    if (next && next.indent > col) outside();
    return node.node;
  }

  /** A block mapping whose first key starts at offset `at` (on the current line), at column `col`. */
  private blockMap(at: number, col: number): Node {
    this.enter();
    const value: Record<string, unknown> = {};
    const keys: string[] = [];
    const keyAt: number[] = [];
    const values: Located[] = [];
    let first = true;
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (!first) {
        if (line.indent < col) break;
        if (line.indent > col || this.directive(line)) outside();
      }
      const keyStart = first ? at : line.start + line.indent;
      if (this.dashAt(line, keyStart)) {
        if (first) outside();
        break; // an indentless sequence ends here; the caller decides
      }
      first = false;
      this.i++;
      const key = this.key(line, keyStart);
      if (Object.hasOwn(value, key.text) || key.text === '__proto__' || key.text === '<<') outside();
      const v = this.blockValue(line, key.end + 1, col, true);
      value[key.text] = v.value;
      if (this.positions) {
        keys.push(key.text);
        keyAt.push(keyStart);
        values.push(v.at);
      }
    }
    this.depth--;
    return {
      value,
      at: this.positions
        ? ({ start: at, keys: exact(keys), keyAt: exact(keyAt), values: exact(values) } satisfies LocatedMap)
        : Reader.NOWHERE,
    };
  }

  /** A block sequence whose entries are at column `col`, starting on the current line. */
  private blockSeq(col: number): Node {
    this.enter();
    const value: unknown[] = [];
    const items: Located[] = [];
    let start: number | undefined;
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent < col) break;
      if (line.indent > col || this.directive(line)) outside();
      const dash = line.start + line.indent;
      if (!this.dashAt(line, dash)) break; // the mapping that held an indentless sequence goes on
      start ??= dash;
      const p = this.skipSpaces(dash + 1, line.end);
      if (this.dashAt(line, p)) outside(); // `- - x`
      let item: Node;
      if (p < line.end && this.text[p] !== '#' && this.isPair(line, p)) {
        // `- key: value`: a mapping whose keys line up after the dash (it reads this line too).
        item = this.blockMap(p, p - line.start);
      } else {
        this.i++;
        item = this.blockValue(line, dash + 1, col, false);
      }
      value.push(item.value);
      if (this.positions) items.push(item.at);
    }
    this.depth--;
    if (start === undefined) outside();
    return { value: exact(value), at: this.positions ? { start, items: exact(items) } : Reader.NOWHERE };
  }

  /** Does a mapping key (a scalar followed by `: ` or a final `:`) start at `at`? */
  private isPair(line: Line, at: number): boolean {
    const t = this.text;
    const c = t[at]!;
    if (c === '{' || c === '[') return false;
    if (c === '"' || c === "'") {
      const close = t.indexOf(c, at + 1);
      return close > 0 && close < line.end && t[close + 1] === ':';
    }
    for (let p = at; p < line.end; p++) {
      if (t[p] === ':' && (p + 1 === line.end || t[p + 1] === ' ')) return true;
      if (t[p] === '#' && t[p - 1] === ' ') return false;
    }
    return false;
  }

  /** A mapping key at `at`: a plain or quoted scalar that resolves to a string, then `:`. */
  private key(line: Line, at: number): { text: string; end: number } {
    const t = this.text;
    let text: string;
    let end: number;
    if (t[at] === '"' || t[at] === "'") {
      const q = this.quoted(line, at);
      ({ text, end } = { text: q.text, end: q.end });
    } else {
      const c = t[at]!;
      if (NOT_PLAIN_START.has(c) || c === '-' || c === ':') outside();
      end = at;
      while (end < line.end && !(t[end] === ':' && (end + 1 === line.end || t[end + 1] === ' '))) {
        if (t[end] === '#' && t[end - 1] === ' ') outside();
        end++;
      }
      text = t.slice(at, end);
      if (text !== text.trimEnd() || typeof resolvePlain(text) !== 'string') outside();
    }
    if (t[end] !== ':' || !(end + 1 === line.end || t[end + 1] === ' ')) outside();
    return { text, end };
  }

  /** A one-line quoted scalar at `at`; `end` is just past the closing quote. */
  private quoted(line: Line, at: number): { text: string; end: number } {
    const t = this.text;
    const q = t[at]!;
    let text = '';
    let p = at + 1;
    for (;;) {
      const close = t.indexOf(q, p);
      if (close < 0 || close >= line.end) outside();
      const part = t.slice(p, close);
      if (q === '"' && part.includes('\\')) outside(); // escapes are left to the library
      text += part;
      if (q === "'" && t[close + 1] === "'") {
        text += "'";
        p = close + 2;
        continue;
      }
      return { text, end: close + 1 };
    }
  }

  /** A scalar or flow collection on one line, in block context. */
  private inline(line: Line, at: number): { node: Node; end: number } {
    const t = this.text;
    const c = t[at]!;
    if (c === '{' || c === '[') return this.flow(line, at);
    if (c === '"' || c === "'") {
      const q = this.quoted(line, at);
      return { node: { value: q.text, at }, end: q.end };
    }
    if (NOT_PLAIN_START.has(c) || this.dashAt(line, at) || (c === ':' && (at + 1 === line.end || t[at + 1] === ' ')))
      outside();
    let end = at;
    while (end < line.end && !(t[end] === '#' && t[end - 1] === ' ')) {
      if (t[end] === ':' && (end + 1 === line.end || t[end + 1] === ' ')) outside(); // a nested pair
      end++;
    }
    const text = t.slice(at, end).trimEnd();
    return { node: { value: resolvePlain(text), at }, end: at + text.length };
  }

  /** A flow mapping or sequence that opens at `at` and closes on the same line. */
  private flow(line: Line, at: number): { node: Node; end: number } {
    this.enter();
    const t = this.text;
    const isMap = t[at] === '{';
    const close = isMap ? '}' : ']';
    const value: Record<string, unknown> | unknown[] = isMap ? {} : [];
    const keys: string[] = [];
    const keyAt: number[] = [];
    const values: Located[] = [];
    const done = (end: number) => {
      this.depth--;
      return {
        node: {
          value: isMap ? value : exact(value as unknown[]),
          at: !this.positions
            ? Reader.NOWHERE
            : isMap
              ? { start: at, keys: exact(keys), keyAt: exact(keyAt), values: exact(values) }
              : { start: at, items: exact(values) },
        },
        end,
      };
    };
    let p = this.skipSpaces(at + 1, line.end);
    if (t[p] === close) return done(p + 1);
    for (;;) {
      if (isMap) {
        const key = this.flowScalar(line, p, true);
        if (
          typeof key.value !== 'string' ||
          Object.hasOwn(value, key.value) ||
          key.value === '__proto__' ||
          key.value === '<<'
        )
          outside();
        if (t[key.end] !== ':' || t[key.end + 1] !== ' ') outside();
        const v = this.flowValue(line, this.skipSpaces(key.end + 1, line.end), true);
        (value as Record<string, unknown>)[key.value as string] = v.node.value;
        if (this.positions) {
          keys.push(key.value as string);
          keyAt.push(p);
          values.push(v.node.at);
        }
        p = v.end;
      } else {
        const v = this.flowValue(line, p, false);
        if (t[v.end] === ':') outside(); // a single-pair mapping inside a sequence
        (value as unknown[]).push(v.node.value);
        if (this.positions) values.push(v.node.at);
        p = v.end;
      }
      p = this.skipSpaces(p, line.end);
      if (t[p] === close) return done(p + 1);
      if (t[p] !== ',') outside();
      p = this.skipSpaces(p + 1, line.end);
      if (FLOW_END.has(t[p]!) || p >= line.end) outside(); // trailing or doubled commas
    }
  }

  /** A value inside a flow collection: a nested one, or a scalar; a mapping's may be empty (null) before `,` or `}`. */
  private flowValue(line: Line, at: number, inMap: boolean): { node: Node; end: number } {
    const t = this.text;
    if (t[at] === '{' || t[at] === '[') return this.flow(line, at);
    if (inMap && (t[at] === ',' || t[at] === '}')) return { node: { value: null, at }, end: at };
    const s = this.flowScalar(line, at, false);
    return { node: { value: s.value, at }, end: s.end };
  }

  /** A plain or quoted scalar in flow context; a plain one ends before `,[]{}`, `: ` or a comment. */
  private flowScalar(line: Line, at: number, isKey: boolean): { value: unknown; end: number } {
    const t = this.text;
    const c = t[at];
    if (c === undefined || at >= line.end) outside();
    if (c === '"' || c === "'") {
      const q = this.quoted(line, at);
      return { value: q.text, end: q.end };
    }
    if (NOT_PLAIN_START.has(c!) || (c === '-' && t[at + 1] === ' ')) outside();
    if (
      c === ':' &&
      (isKey ||
        t[at + 1] === ' ' ||
        at + 1 === line.end ||
        FLOW_END.has(t[at + 1]!) ||
        t[at + 1] === '[' ||
        t[at + 1] === '{')
    )
      outside();
    let end = at;
    while (end < line.end) {
      const ch = t[end]!;
      if (ch === ',' || ch === '[' || ch === ']' || ch === '{' || ch === '}') break;
      if (ch === ':') {
        const after = t[end + 1];
        if (after === ' ') break;
        if (after === undefined || FLOW_END.has(after) || end + 1 === line.end) outside();
      }
      if (ch === '#' && t[end - 1] === ' ') outside(); // a comment inside an open flow collection
      end++;
    }
    const text = t.slice(at, end).trimEnd();
    if (text === '') outside();
    const value = resolvePlain(text);
    if (isKey && typeof value !== 'string') outside();
    return { value, end: at + text.length };
  }
}

/** The intent's value and positions, or undefined when the text is not in the plain subset. */
export function readPlainYaml(text: string): PlainYaml | undefined {
  const read = readWith(text, true);
  if (!read) return undefined;
  const lineStarts = [0];
  for (let p = text.indexOf('\n'); p >= 0; p = text.indexOf('\n', p + 1)) lineStarts.push(p + 1);
  return { value: read.value, root: read.at, lineStarts };
}

/**
 * The intent's value alone, or undefined outside the plain subset (exactly when readPlainYaml is).
 * A valid intent never needs a position, and recording them was a third of what the reader
 * allocates; src/intent/load-file.ts reads the text again with positions when a diagnostic is placed.
 */
export function readPlainValue(text: string): { readonly value: unknown } | undefined {
  return readWith(text, false);
}

function readWith(text: string, positions: boolean): Node | undefined {
  if (UNUSUAL.test(text)) return undefined;
  try {
    return new Reader(text, positions).document();
  } catch (e) {
    if (e instanceof Outside) return undefined;
    throw e;
  }
}
