import {
  isMap,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  parseDocument,
  Parser,
  visit,
  type Document,
  type Node,
} from 'yaml';
import type { z } from 'zod';
import { error, quoted, type Diagnostic, type Path } from '../diagnostics/diagnostics.ts';
import { accepts, intentJsonSchemaFile } from './json-schema.ts';
import { MAX_ALIASES, MAX_BROKEN_ENTRIES, MAX_DEPTH, MAX_INTENT_BYTES, tooLarge } from './limits.ts';
import { readPlainYaml } from './plain-yaml.ts';
import { ENTRY_SCHEMAS, IntentSchema, type Intent } from './schema.ts';
import { SourceMap, type Located } from './source.ts';
import { libraryProblem } from './yaml-problems.ts';

/** What the loader hands to resolve: the intent (as far as it is well-formed) and where things are. */
export interface Loaded {
  /** The well-formed part of the intent: VRFs or sections with schema errors are left out, so
   *  semantic checks still run on the rest and every problem is reported in one go. */
  readonly intent?: Intent;
  readonly diagnostics: readonly Diagnostic[];
  readonly source?: SourceMap;
}

export { loadIntentFile } from './load-file.ts';

/** Parse YAML with positions, check it against the schema, and report every problem with file:line:col. */
export function loadIntent(text: string, file = 'intent.yaml'): Loaded {
  if (Buffer.byteLength(text, 'utf8') > MAX_INTENT_BYTES) return { diagnostics: [tooLarge(file)] };
  // Intents in plain YAML are read without the library, which takes seconds for thousands of VRFs;
  // everything else, and every YAML-level problem, is the library's (src/intent/plain-yaml.ts).
  const plain = readPlainYaml(text);
  const read: LibraryRead = plain
    ? { value: { js: plain.value }, diagnostics: [], source: new SourceMap(file, text, plain) }
    : readWithLibrary(text, file);
  if (!read.value) return { diagnostics: read.diagnostics, source: read.source };
  return checked(read.value.js, read.source, [...read.diagnostics]);
}

/** What the yaml library makes of a text: the value (absent when it cannot be trusted), positions, YAML-level problems. */
export interface LibraryRead {
  readonly value?: { readonly js: unknown };
  readonly diagnostics: readonly Diagnostic[];
  readonly source: SourceMap;
}

/**
 * Offset of the first collection nested deeper than MAX_DEPTH, if any. The CST parser keeps open
 * collections on an explicit stack (no recursion), so this pass cannot overflow, and it stops at
 * the first token past the limit.
 */
function tooDeep(text: string, lc: LineCounter): number | undefined {
  const parser = new Parser(lc.addNewLine);
  lc.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    for (const _ of parser.next(lexeme));
    if (
      parser.stack.filter((t) => t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection')
        .length > MAX_DEPTH
    ) {
      return parser.offset;
    }
  }
  return undefined;
}

/** Read any YAML with the library: the reference for the plain subset, and the reader of everything else. */
export function readWithLibrary(text: string, file: string): LibraryRead {
  const deepLines = new LineCounter();
  const deep = tooDeep(text, deepLines);
  if (deep !== undefined) {
    const source = new SourceMap(file, text, { root: undefined, lineStarts: deepLines.lineStarts });
    return {
      diagnostics: [
        {
          ...error(
            'yaml/too-deep',
            [],
            `collections nest deeper than ${MAX_DEPTH} levels here; an intent needs at most 6`,
          ),
          pos: source.at(deep),
        },
      ],
      source,
    };
  }
  const lc = new LineCounter();
  // The library's own duplicate-key check scans every earlier key of a mapping for each new key:
  // quadratic in the size of one mapping (seconds for a few thousand VRFs). duplicateKeys() does the
  // same check in one pass with a set per mapping.
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false, strict: true });
  // Positions are kept, the Document is not: holding it for the whole run only made work for the GC.
  const source = new SourceMap(file, text, { root: located(doc.contents), lineStarts: lc.lineStarts });
  const diags: Diagnostic[] = [...doc.errors, ...doc.warnings].map((e) => ({
    ...libraryProblem(e),
    pos: source.at(e.pos[0]),
  }));
  // A syntax error leaves a document whose shape we cannot trust.
  if (doc.errors.length) return { diagnostics: diags, source };
  // An interface listed twice is an error, never "last one wins"; the document stays sound for the schema.
  // (Loops, not push(...list): spreading 100 000 arguments overflows the stack.)
  for (const offset of duplicateKeys(doc))
    diags.push({ ...error('yaml/duplicate-key', [], 'Map keys must be unique'), pos: source.at(offset) });
  // `[a, b]: x` or `*anchor: x`: JavaScript objects only have text keys, so the library would print a
  // warning and stringify the key; a name in an intent is plain text.
  const complex = complexKeys(doc);
  for (const offset of complex)
    diags.push({
      ...error('yaml/complex-key', [], 'a key must be plain text, not a list, mapping or alias'),
      pos: source.at(offset),
    });
  if (complex.length) return { diagnostics: diags, source };
  const alias = aliasPast(doc, MAX_ALIASES);
  if (alias !== undefined) {
    diags.push({
      ...error('yaml/alias-count', [], `more than ${MAX_ALIASES} aliases; vrfgen resolves at most ${MAX_ALIASES}`),
      pos: source.at(alias),
    });
    return { diagnostics: diags, source };
  }
  try {
    return { value: { js: doc.toJS({ maxAliasCount: 100 }) }, diagnostics: diags, source }; // an alias bomb stops here, not in memory
  } catch (e) {
    diags.push({ ...error('yaml/alias-count', [], (e as Error).message), pos: source.at(0) });
    return { diagnostics: diags, source };
  }
}

/** Check the document's value against the schema; `diags` are the YAML-level problems found so far. */
function checked(js: unknown, source: SourceMap, diags: Diagnostic[]): Loaded {
  // A value the JSON Schema accepts needs no zod: zod would return an equal copy (src/intent/json-schema.ts).
  if (accepts(intentJsonSchemaFile(), js)) return { intent: js as Intent, diagnostics: diags, source };
  const bounded = boundBroken(js);
  for (const d of bounded.diagnostics) diags.push(d);
  const parsed = IntentSchema.safeParse(bounded.js);
  if (parsed.success) return { intent: parsed.data, diagnostics: source.place(diags), source };

  const looser = looserBounds(parsed.error.issues);
  for (const issue of parsed.error.issues)
    if (!looser.has(issue)) for (const d of fromIssue(issue, bounded.js)) diags.push(d);
  return { intent: wellFormedPart(bounded.js, parsed.error.issues), diagnostics: source.place(diags), source };
}

/**
 * The document with each section of named entries cut to its first MAX_BROKEN_ENTRIES broken ones:
 * zod describes those; the rest are counted in one diagnostic and left out, as every broken entry
 * is. The JSON Schema's quick check picks the entries to look at; zod has the last word on each
 * entry left out, so a sound entry is never dropped.
 */
function boundBroken(js: unknown): { js: unknown; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (!isObject(js)) return { js, diagnostics };
  let copy: Record<string, unknown> | undefined;
  const properties = intentJsonSchemaFile().properties as Record<string, { additionalProperties: unknown }>;
  for (const [section, schema] of Object.entries(ENTRY_SCHEMAS)) {
    const entries = js[section];
    if (!isObject(entries)) continue;
    const quick = properties[section]!.additionalProperties;
    let broken = 0;
    const left = new Set<string>();
    for (const [name, entry] of Object.entries(entries)) {
      if (!accepts(quick, entry) && ++broken > MAX_BROKEN_ENTRIES && !schema.safeParse(entry).success) left.add(name);
    }
    if (left.size === 0) continue;
    copy ??= { ...js };
    copy[section] = Object.fromEntries(Object.entries(entries).filter(([name]) => !left.has(name)));
    const [first] = left;
    diagnostics.push(
      error(
        'intent/too-many-problems',
        [section, first!],
        `${section}: ${left.size} more entries with problems, from '${cut(first!)}' on, are left out undescribed; vrfgen describes the first ${MAX_BROKEN_ENTRIES}: mend those and validate again`,
        true,
      ),
    );
  }
  return { js: copy ?? js, diagnostics };
}

/** Offset of the first alias past `limit`, if there are more. */
function aliasPast(doc: Document, limit: number): number | undefined {
  let count = 0;
  let past: number | undefined;
  visit(doc, {
    Alias(_, alias) {
      if (++count <= limit) return undefined;
      past = alias.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return past;
}

/** Offsets of mapping keys that are collections, aliases, or scalars whose value is not text, a number or a boolean. */
function complexKeys(doc: Document): number[] {
  const found: number[] = [];
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      // A scalar can hold an object too: `!!binary` gives bytes.
      if (key !== null && (!isScalar(key) || (typeof key.value === 'object' && key.value !== null)))
        found.push(key.range?.[0] ?? 0);
    },
  });
  return found;
}

/** Where each node of a yaml Document starts: map keys by their text (the first of duplicates), as SourceMap looks them up. */
function located(node: unknown): Located | undefined {
  if (!node) return undefined;
  const start = (node as Node).range?.[0];
  if (isMap(node)) {
    const keys: string[] = [];
    const keyAt: (number | undefined)[] = [];
    const values: (Located | undefined)[] = [];
    const seen = new Set<string>();
    for (const p of node.items) {
      const key = String(isScalar(p.key) ? p.key.value : p.key);
      if (seen.has(key)) continue;
      seen.add(key);
      keys.push(key);
      keyAt.push(isScalar(p.key) ? p.key.range?.[0] : undefined);
      values.push(located(p.value));
    }
    return { start, keys, keyAt, values };
  }
  if (isSeq(node)) return { start, items: node.items.map(located) };
  // A scalar is its offset; a scalar without one (never seen) is treated as missing.
  return isScalar(node) ? start : { start, items: [] };
}

/** Offsets of mapping keys that repeat an earlier key of the same mapping (compared as text, as in JS). */
function duplicateKeys(doc: Document): number[] {
  const found: number[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const { key } of map.items) {
        const text = String(isScalar(key) ? key.value : key);
        if (seen.has(text)) found.push((key as Node | null)?.range?.[0] ?? 0);
        seen.add(text);
      }
    },
  });
  return found;
}

/**
 * Past 2^53 zod reports a number twice, against its safe-integer bound and against the field's own:
 * the range problems to leave out, so only the field's (the tighter) bound is shown.
 */
function looserBounds(issues: readonly z.core.$ZodIssue[]): Set<z.core.$ZodIssue> {
  const tightest = new Map<string, z.core.$ZodIssue>();
  const bound = (i: z.core.$ZodIssue) =>
    i.code === 'too_big' ? Number(i.maximum) : i.code === 'too_small' ? -Number(i.minimum) : Infinity;
  for (const i of issues) {
    if (i.code !== 'too_big' && i.code !== 'too_small') continue;
    const at = `${i.code} ${JSON.stringify(i.path)}`;
    const seen = tightest.get(at);
    if (!seen || bound(i) < bound(seen)) tightest.set(at, i);
  }
  const tight = new Set(tightest.values());
  return new Set(issues.filter((i) => (i.code === 'too_big' || i.code === 'too_small') && !tight.has(i)));
}

/** Drop the VRFs/sections that have schema errors and keep the rest for semantic checks. */
function wellFormedPart(js: unknown, issues: readonly z.core.$ZodIssue[]): Intent | undefined {
  if (!isObject(js) || issues.some((i) => i.path[0] === 'version')) return undefined;
  const copy: Record<string, unknown> = { ...js };
  const broken = new Map<string, Set<string>>(); // section → its entries with errors, dropped in one pass
  for (const i of issues) {
    const [top, entry] = i.path as [string, string | number];
    if (i.path.length === 0 && i.code === 'unrecognized_keys') i.keys.forEach((k) => delete copy[k]);
    else if (i.path.length === 1 || !isObject(copy[top])) delete copy[top];
    else broken.set(top, (broken.get(top) ?? new Set()).add(String(entry)));
  }
  for (const [top, entries] of broken) {
    const section = copy[top];
    if (isObject(section)) copy[top] = Object.fromEntries(Object.entries(section).filter(([k]) => !entries.has(k)));
  }
  copy.vrfs ??= {};
  const again = IntentSchema.safeParse(copy);
  return again.success ? again.data : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A key as a message shows it: a megabyte-long one is cut (control characters become '?' when printed). */
const cut = (key: string): string => (key.length > 80 ? `${key.slice(0, 80)}…` : key);

const dotted = (path: Path): string =>
  path
    .map((s) => (typeof s === 'number' ? `[${s}]` : `.${cut(s)}`))
    .join('')
    .slice(1) || 'intent';

function valueAt(js: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (v === null || typeof v !== 'object' ? undefined : (v as Record<PropertyKey, unknown>)[k]),
    js,
  );
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `string ${quoted(v, 40)}`;
  if (typeof v === 'number' && !Number.isInteger(v)) return `fraction ${v}`;
  // What is left is a scalar (objects and strings returned above), which String() prints as itself.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return `${typeof v} ${String(v)}`;
}

const TYPE_NAMES: Record<string, string> = {
  int: 'an integer',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

/**
 * Turn one zod issue into diagnostics with stable codes and subject-first messages (exported for
 * test/intent/load.test.ts: the fallback is for issue kinds the schema cannot produce yet).
 */
export function fromIssue(issue: z.core.$ZodIssue, js: unknown): Diagnostic[] {
  const path = issue.path as (string | number)[];
  const subject = dotted(path);
  const input = valueAt(js, path);
  // A secret of the wrong type is still a secret: its value is never repeated (see maskSecrets, source.ts).
  const describe = path.at(-1) === 'password' ? () => 'a value not shown here (a password)' : describeValue;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) =>
      error('schema/unknown-key', [...path, k], `${dotted([...path, k])}: unknown key '${cut(k)}'`, true),
    );
  }
  if (input === undefined) {
    return [error('schema/missing-key', path, `${subject}: required key '${String(path.at(-1))}' is missing`)];
  }
  switch (issue.code) {
    case 'invalid_type': {
      const want = TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`;
      // YAML 1.1 habits: in YAML 1.2 `yes`/`no`/`on`/`off` are strings, not booleans.
      const hint =
        issue.expected === 'boolean' && typeof input === 'string' && /^(yes|no|on|off|y|n)$/i.test(input)
          ? ' (write true or false)'
          : '';
      return [error('schema/wrong-type', path, `${subject}: expected ${want}, got ${describe(input)}${hint}`)];
    }
    case 'invalid_value':
      if (path.length === 1 && path[0] === 'version') {
        return [
          error(
            'intent/unsupported-version',
            path,
            `version: ${describe(input)} is not supported; this vrfgen reads version 1`,
          ),
        ];
      }
      return [
        error('schema/invalid-value', path, `${subject}: ${describe(input)} is not one of ${issue.values.join(', ')}`),
      ];
    case 'too_big':
    case 'too_small': {
      const bound = issue.code === 'too_big' ? `at most ${issue.maximum}` : `at least ${issue.minimum}`;
      return [error('schema/out-of-range', path, `${subject}: ${describe(input)} is out of range (must be ${bound})`)];
    }
    case 'invalid_union': {
      // A value that may take several forms (a unit name or a mapping): report the problems of the
      // form the value has, or, when it has none of them, which forms are allowed.
      const deeper = issue.errors.find(
        (branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0),
      );
      if (deeper) return deeper.flatMap((i) => fromIssue({ ...i, path: [...issue.path, ...i.path] }, js));
      const wants = issue.errors
        .flat()
        .map((i) => (i.code === 'invalid_type' ? (TYPE_NAMES[i.expected] ?? `a ${i.expected}`) : i.message));
      return [error('schema/wrong-type', path, `${subject}: expected ${wants.join(' or ')}, got ${describe(input)}`)];
    }
    default:
      return [error('schema/invalid', path, `${subject}: ${issue.message}`)];
  }
}
