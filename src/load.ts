import { open } from 'node:fs/promises';
import { isScalar, Lexer, LineCounter, parseDocument, Parser, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { error, quoted, warning, type Diagnostic, type Path } from './diagnostics.ts';
import { IntentSchema, type Intent } from './schema.ts';
import { SourceMap } from './source.ts';

/** What the loader hands to resolve: the intent (as far as it is well-formed) and where things are. */
export interface Loaded {
  /** The well-formed part of the intent: VRFs or sections with schema errors are left out, so
   *  semantic checks still run on the rest and every problem is reported in one go. */
  readonly intent?: Intent;
  readonly diagnostics: readonly Diagnostic[];
  readonly source?: SourceMap;
}

/**
 * The largest intent vrfgen reads, in bytes. A real one is a few KB (100 VRFs of 20 members each is
 * about 100 KB); without a cap a 50 MB intent took 12 s and 1.8 GB to parse, a larger one exhausted
 * the heap, and /dev/zero never ended. Below the cap every stage is linear: the worst intent of
 * 1 MiB takes a few seconds and a few hundred MB.
 */
export const MAX_INTENT_BYTES = 1024 * 1024;

/**
 * Deepest nesting of collections the loader accepts. An intent needs 6 (the root, vrfs, a vrf, its
 * services, one entry, its exec-start list); the YAML library builds documents recursively and runs
 * out of stack somewhere past 800 levels, at a depth that depends on the JIT's frames.
 */
export const MAX_DEPTH = 32;

/** Read and load an intent file; an unreadable file is one diagnostic (exit 2 in the CLI). */
export async function loadIntentFile(file: string): Promise<Loaded> {
  let bytes: Buffer;
  try {
    bytes = await readAtMost(file, MAX_INTENT_BYTES + 1);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    return { diagnostics: [{ ...error('io/read', [], `cannot read intent: ${reason}`), pos: { file, line: 1, col: 1 } }] };
  }
  if (bytes.length > MAX_INTENT_BYTES) return { diagnostics: [tooLarge(file)] };
  return loadIntent(bytes.toString('utf8'), file);
}

/** The first `limit` bytes of a file (all of it when shorter), so /dev/zero or a huge file cannot exhaust memory. */
async function readAtMost(file: string, limit: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(limit);
    let got = 0;
    for (let n = -1; n !== 0 && got < limit; got += n) n = (await fh.read(buf, got, limit - got, null)).bytesRead;
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

const tooLarge = (file: string): Diagnostic => ({
  ...error('intent/too-large', [], `intent: larger than ${MAX_INTENT_BYTES} bytes (1 MiB), the most vrfgen reads; a real intent is a few KB`),
  pos: { file, line: 1, col: 1 },
});

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
    if (parser.stack.filter((t) => t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection').length > MAX_DEPTH) {
      return parser.offset;
    }
  }
  return undefined;
}

/** Parse YAML with positions, check it against the schema, and report every problem with file:line:col. */
export function loadIntent(text: string, file = 'intent.yaml'): Loaded {
  if (Buffer.byteLength(text, 'utf8') > MAX_INTENT_BYTES) return { diagnostics: [tooLarge(file)] };
  const deepLines = new LineCounter();
  const deep = tooDeep(text, deepLines);
  if (deep !== undefined) {
    const source = new SourceMap(file, text, parseDocument(''), deepLines);
    return { diagnostics: [{ ...error('yaml/too-deep', [], `collections nest deeper than ${MAX_DEPTH} levels here; an intent needs at most 6`), pos: source.at(deep) }], source };
  }
  const lc = new LineCounter();
  // The library's own duplicate-key check scans every earlier key of a mapping for each new key:
  // quadratic in the size of one mapping (seconds for a few thousand VRFs). duplicateKeys() does the
  // same check in one pass with a set per mapping.
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false, strict: true });
  const source = new SourceMap(file, text, doc, lc);
  const diags: Diagnostic[] = [...doc.errors, ...doc.warnings].map((e) => ({
    ...(e.name === 'YAMLWarning' ? warning : error)(`yaml/${e.code.toLowerCase().replace(/_/g, '-')}`, [], e.message.split('\n')[0]!),
    pos: source.at(e.pos[0]),
  }));
  // A syntax error leaves a document whose shape we cannot trust.
  if (doc.errors.length) return { diagnostics: diags, source };
  // An interface listed twice is an error, never "last one wins"; the document stays sound for the schema.
  // (Loops, not push(...list): spreading 100 000 arguments overflows the stack.)
  for (const offset of duplicateKeys(doc)) diags.push({ ...error('yaml/duplicate-key', [], 'Map keys must be unique'), pos: source.at(offset) });
  // `[a, b]: x` or `*anchor: x`: JavaScript objects only have text keys, so the library would print a
  // warning and stringify the key; a name in an intent is plain text.
  const complex = complexKeys(doc);
  for (const offset of complex) diags.push({ ...error('yaml/complex-key', [], 'a key must be plain text, not a list, mapping or alias'), pos: source.at(offset) });
  if (complex.length) return { diagnostics: diags, source };
  const alias = aliasPast(doc, MAX_ALIASES);
  if (alias !== undefined) {
    diags.push({ ...error('yaml/alias-count', [], `more than ${MAX_ALIASES} aliases; vrfgen resolves at most ${MAX_ALIASES}`), pos: source.at(alias) });
    return { diagnostics: diags, source };
  }

  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 100 }); // an alias bomb stops here, not in memory
  } catch (e) {
    diags.push({ ...error('yaml/alias-count', [], (e as Error).message), pos: source.at(0) });
    return { diagnostics: diags, source };
  }

  const parsed = IntentSchema.safeParse(js);
  if (parsed.success) return { intent: parsed.data, diagnostics: diags, source };

  const looser = looserBounds(parsed.error.issues);
  for (const issue of parsed.error.issues) if (!looser.has(issue)) for (const d of fromIssue(issue, js)) diags.push(d);
  return { intent: wellFormedPart(js, parsed.error.issues), diagnostics: source.place(diags), source };
}

/**
 * The YAML library finds each alias's anchor by scanning every anchor and alias before it, so n
 * aliases cost n² steps (a 4 MiB file of them would run for hours); its own limit only counts how
 * often one anchor is used. Sharing a list of routes between VRFs needs a handful.
 */
const MAX_ALIASES = 1000;

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
      if (key !== null && (!isScalar(key) || (typeof key.value === 'object' && key.value !== null))) found.push(key.range?.[0] ?? 0);
    },
  });
  return found;
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
  const bound = (i: z.core.$ZodIssue) => (i.code === 'too_big' ? Number(i.maximum) : i.code === 'too_small' ? -Number(i.minimum) : Infinity);
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

const dotted = (path: Path): string => path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${cut(s)}`)).join('').slice(1) || 'intent';

function valueAt(js: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v === null || typeof v !== 'object' ? undefined : (v as Record<PropertyKey, unknown>)[k]), js);
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `string ${quoted(v, 40)}`;
  if (typeof v === 'number' && !Number.isInteger(v)) return `fraction ${v}`;
  return `${typeof v} ${String(v)}`;
}

const TYPE_NAMES: Record<string, string> = { int: 'an integer', object: 'a mapping', array: 'a list', record: 'a mapping' };

/** Turn one zod issue into diagnostics with stable codes and subject-first messages. */
function fromIssue(issue: z.core.$ZodIssue, js: unknown): Diagnostic[] {
  const path = issue.path as (string | number)[];
  const subject = dotted(path);
  const input = valueAt(js, path);
  // A secret of the wrong type is still a secret: its value is never repeated (see maskSecrets, source.ts).
  const describe = path.at(-1) === 'password' ? () => 'a value not shown here (a password)' : describeValue;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => error('schema/unknown-key', [...path, k], `${dotted([...path, k])}: unknown key '${cut(k)}'`, true));
  }
  if (input === undefined) {
    return [error('schema/missing-key', path, `${subject}: required key '${String(path.at(-1))}' is missing`)];
  }
  switch (issue.code) {
    case 'invalid_type': {
      const want = TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`;
      // YAML 1.1 habits: in YAML 1.2 `yes`/`no`/`on`/`off` are strings, not booleans.
      const hint = issue.expected === 'boolean' && typeof input === 'string' && /^(yes|no|on|off|y|n)$/i.test(input) ? ' (write true or false)' : '';
      return [error('schema/wrong-type', path, `${subject}: expected ${want}, got ${describe(input)}${hint}`)];
    }
    case 'invalid_value':
      if (path.length === 1 && path[0] === 'version') {
        return [error('intent/unsupported-version', path, `version: ${describe(input)} is not supported; this vrfgen reads version 1`)];
      }
      return [error('schema/invalid-value', path, `${subject}: ${describe(input)} is not one of ${issue.values.join(', ')}`)];
    case 'too_big':
    case 'too_small': {
      const bound = issue.code === 'too_big' ? `at most ${issue.maximum}` : `at least ${issue.minimum}`;
      return [error('schema/out-of-range', path, `${subject}: ${describe(input)} is out of range (must be ${bound})`)];
    }
    case 'invalid_union': {
      // A value that may take several forms (a unit name or a mapping): report the problems of the
      // form the value has, or, when it has none of them, which forms are allowed.
      const deeper = issue.errors.find((branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (deeper) return deeper.flatMap((i) => fromIssue({ ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue, js));
      const wants = issue.errors.flat().map((i) => (i.code === 'invalid_type' ? (TYPE_NAMES[i.expected] ?? `a ${i.expected}`) : i.message));
      return [error('schema/wrong-type', path, `${subject}: expected ${wants.join(' or ')}, got ${describe(input)}`)];
    }
    default:
      return [error('schema/invalid', path, `${subject}: ${issue.message}`)];
  }
}
