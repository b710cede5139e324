/**
 * The key reference of docs/intent.md, made from the intent's JSON Schema (src/intent/schema.ts):
 * every key path with its type, whether it is required or what it defaults to, and the schema's
 * description of it. Editors show the same descriptions on hover, so the two cannot drift apart.
 * test/docs/intent-reference.test.ts keeps the committed section current.
 */
import { intentJsonSchema } from '../../src/intent/schema.ts';

/** The part of JSON Schema that `z.toJSONSchema` writes for the intent. */
interface Schema {
  readonly type?: string | readonly string[];
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly items?: Schema;
  readonly anyOf?: readonly Schema[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: Schema | boolean;
  readonly description?: string;
}

export interface KeyRow {
  /** `vrfs.<vrf>.routes[].via`: `<…>` stands for a name the user chooses, `[]` for every list item. */
  readonly key: string;
  readonly type: string;
  /** `required`, `optional`, the default (`default \`true\``), or empty for entries of a mapping or list. */
  readonly presence: string;
  readonly description: string;
}

/** What the names of a section's entries stand for. */
const ENTRY_NAMES: Readonly<Record<string, string>> = {
  vrfs: 'vrf',
  interfaces: 'member',
  'vlan-parents': 'link',
};

/** A default is a description's last clause (`…; default X`), a convention schema.ts keeps. */
const DEFAULT = /; default (.+)$/;

const code = (v: unknown) => `\`${JSON.stringify(v).replace(/^"(.*)"$/, '$1')}\``;

const range = (s: Schema) => (s.minimum !== undefined && s.maximum !== undefined ? ` ${s.minimum}–${s.maximum}` : '');

/** What a value is, in words; `many` for the items of a list ("strings", not "string"). */
function typeOf(s: Schema, many = false): string {
  const noun = (word: string) => (many ? `${word}s` : word);
  if (s.const !== undefined) return code(s.const);
  if (s.enum) return `${many ? '' : 'one of '}${s.enum.map(code).join(', ')}`;
  if (s.anyOf) return s.anyOf.map((a) => typeOf(a, many)).join(', or ');
  // A union of primitives (`bfd`: true or a profile's name) is a list of types.
  if (Array.isArray(s.type)) return s.type.map((t: string) => typeOf({ ...s, type: t }, many)).join(', or ');
  switch (s.type) {
    case 'object':
      return s.properties ? noun('mapping') : `${noun('mapping')} by name`;
    case 'array': {
      const item = s.items ? typeOf(s.items, true) : 'anything';
      return `${noun('list')}${s.minItems ? ` (at least ${s.minItems})` : ''} of ${item}`;
    }
    case 'integer':
      return `${noun('integer')}${range(s)}`;
    case 'null':
      return 'null';
    case undefined:
      return 'anything';
    default:
      return noun(String(s.type));
  }
}

/** The object among a schema's alternatives, whose keys get rows of their own. */
const objectOf = (s: Schema): Schema | undefined =>
  s.type === 'object' ? s : s.anyOf?.find((a) => a.type === 'object' && a.properties);

/** A list's description and its items' read as one: "static addresses …; each: an address with …". */
function describe(s: Schema): string {
  const own = s.description ?? '';
  const item = s.type === 'array' ? s.items?.description : undefined;
  return item ? `${own}; each: ${item}` : own;
}

function rows(key: string, s: Schema, presence: string, out: KeyRow[]): void {
  const text = describe(s);
  const dflt = DEFAULT.exec(text);
  out.push({
    key,
    type: typeOf(s),
    presence: dflt ? `default ${dflt[1]}` : presence,
    description: dflt ? text.slice(0, dflt.index) : text,
  });
  const obj = objectOf(s.type === 'array' && s.items ? s.items : s);
  const path = s.type === 'array' ? `${key}[]` : key;
  for (const [k, sub] of Object.entries(obj?.properties ?? {}))
    rows(`${path}.${k}`, sub, obj?.required?.includes(k) ? 'required' : 'optional', out);
  if (obj && !obj.properties && typeof obj.additionalProperties === 'object') {
    const entry = `${path}.<${ENTRY_NAMES[key.split('.').pop()!] ?? 'name'}>`;
    rows(entry, obj.additionalProperties, '', out);
  }
}

/** One row per key of the intent, in the schema's order, parents before their keys. */
export function intentKeyRows(schema: Schema = intentJsonSchema()): KeyRow[] {
  const out: KeyRow[] = [];
  for (const [k, sub] of Object.entries(schema.properties ?? {}))
    rows(k, sub, schema.required?.includes(k) ? 'required' : 'optional', out);
  return out;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The reference as a Markdown table (before prettier aligns it). */
export function intentKeyTable(keys: readonly KeyRow[] = intentKeyRows()): string {
  return [
    '| key | type | required / default | description |',
    '| --- | --- | --- | --- |',
    ...keys.map((r) => `| \`${r.key}\` | ${cell(r.type)} | ${cell(r.presence)} | ${cell(r.description)} |`),
  ].join('\n');
}
