import { readFile } from 'node:fs/promises';
import { isScalar, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { error, warning, type Diagnostic, type Path } from './diagnostics.ts';
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

/** Read and load an intent file; an unreadable file is one diagnostic (exit 2 in the CLI). */
export async function loadIntentFile(file: string): Promise<Loaded> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    return { diagnostics: [{ ...error('io/read', [], `cannot read intent: ${reason}`), pos: { file, line: 1, col: 1 } }] };
  }
  return loadIntent(text, file);
}

/** Parse YAML with positions, check it against the schema, and report every problem with file:line:col. */
export function loadIntent(text: string, file = 'intent.yaml'): Loaded {
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
  diags.push(...duplicateKeys(doc).map((offset) => ({ ...error('yaml/duplicate-key', [], 'Map keys must be unique'), pos: source.at(offset) })));

  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 100 }); // an alias bomb stops here, not in memory
  } catch (e) {
    diags.push({ ...error('yaml/alias-count', [], (e as Error).message), pos: source.at(0) });
    return { diagnostics: diags, source };
  }

  const parsed = IntentSchema.safeParse(js);
  if (parsed.success) return { intent: parsed.data, diagnostics: diags, source };

  diags.push(...parsed.error.issues.flatMap((i) => fromIssue(i, js)));
  return { intent: wellFormedPart(js, parsed.error.issues), diagnostics: source.place(diags), source };
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

/** Drop the VRFs/sections that have schema errors and keep the rest for semantic checks. */
function wellFormedPart(js: unknown, issues: readonly z.core.$ZodIssue[]): Intent | undefined {
  if (!isObject(js) || issues.some((i) => i.path[0] === 'version')) return undefined;
  const copy: Record<string, unknown> = { ...js };
  for (const i of issues) {
    const [top, entry] = i.path;
    if (i.path.length === 0 && i.code === 'unrecognized_keys') i.keys.forEach((k) => delete copy[k]);
    else if (i.path.length === 1 || !isObject(copy[top as string])) delete copy[top as string];
    else copy[top as string] = omit(copy[top as string] as Record<string, unknown>, String(entry));
  }
  copy.vrfs ??= {};
  const again = IntentSchema.safeParse(copy);
  return again.success ? again.data : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const omit = (o: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

const dotted = (path: Path): string => path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('').slice(1) || 'intent';

function valueAt(js: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v === null || typeof v !== 'object' ? undefined : (v as Record<PropertyKey, unknown>)[k]), js);
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
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
    return issue.keys.map((k) => error('schema/unknown-key', [...path, k], `${dotted([...path, k])}: unknown key '${k}'`, true));
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
