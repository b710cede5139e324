import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.ts';

/**
 * Does the intent's JSON Schema accept a value, as it stands? schema/vrfgen.schema.json is generated
 * from the zod schema (src/intent/schema.ts; test/intent/schema.test.ts keeps them equal), and a valid intent needs
 * nothing more than a yes: zod would return an equal copy. zod is loaded and run only when the answer
 * is not a plain yes, to say what is wrong and where. Loading zod is most of `vrfgen validate`'s
 * start-up, and its parse was a large share of a run with thousands of VRFs.
 *
 * Only the keywords that schema uses are known here. Anything else makes the answer "not known to
 * be valid" (false), never "valid": the caller then asks zod, which has the last word either way.
 */
type Schema = { readonly [keyword: string]: unknown };

const IGNORED = new Set(['$schema', 'title', 'description']);

let intentSchema: Schema | undefined;

/** The committed JSON Schema of the intent, read once. */
export function intentJsonSchemaFile(): Schema {
  return (intentSchema ??= JSON.parse(
    readFileSync(join(packageRoot(), 'schema/vrfgen.schema.json'), 'utf8'),
  ) as Schema);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function hasType(type: unknown, value: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      return false;
  }
}

type Check = (value: unknown) => boolean;

const never: Check = () => false;
const compiled = new WeakMap<object, Check>();

/** True only when `schema` certainly accepts `value`. */
export function accepts(schema: unknown, value: unknown): boolean {
  return compile(schema)(value);
}

/**
 * The schema as a tree of closures, built once per schema: checking a value then allocates nothing,
 * where walking the schema object for every value made garbage in proportion to the intent.
 */
function compile(schema: unknown): Check {
  if (!isObject(schema)) return never;
  let check = compiled.get(schema);
  if (!check) {
    const checks = Object.entries(schema)
      .filter(([keyword]) => !IGNORED.has(keyword))
      .map(([keyword, arg]) => keywordCheck(keyword, arg, schema));
    check = (value) => {
      for (const c of checks) if (!c(value)) return false;
      return true;
    };
    compiled.set(schema, check);
  }
  return check;
}

function keywordCheck(keyword: string, arg: unknown, schema: Schema): Check {
  switch (keyword) {
    case 'type':
      // zod writes a union of primitives (`bfd: true` or a profile's name) as a list of types.
      return Array.isArray(arg) ? (v) => arg.some((t) => hasType(t, v)) : (v) => hasType(arg, v);
    case 'const':
      return typeof arg === 'object' ? never : (v) => v === arg;
    case 'enum': {
      if (!Array.isArray(arg)) return never;
      const values = arg.filter((a) => typeof a !== 'object');
      return (v) => values.some((a) => a === v);
    }
    case 'minimum':
      return typeof arg === 'number' ? (v) => typeof v !== 'number' || v >= arg : never;
    case 'maximum':
      return typeof arg === 'number' ? (v) => typeof v !== 'number' || v <= arg : never;
    case 'minItems':
      return typeof arg === 'number' ? (v) => !Array.isArray(v) || v.length >= arg : never;
    case 'items': {
      const item = compile(arg);
      return (v) => !Array.isArray(v) || v.every(item);
    }
    case 'anyOf': {
      if (!Array.isArray(arg)) return never;
      const alternatives = arg.map(compile);
      return (v) => alternatives.some((c) => c(v));
    }
    case 'required': {
      if (!Array.isArray(arg) || !arg.every((k) => typeof k === 'string')) return never;
      return (v) => !isObject(v) || arg.every((k: string) => Object.hasOwn(v, k));
    }
    case 'properties': {
      if (!isObject(arg)) return never;
      const props = Object.entries(arg).map(([k, s]) => [k, compile(s)] as const);
      return (v) => !isObject(v) || props.every(([k, c]) => !Object.hasOwn(v, k) || c(v[k]));
    }
    case 'additionalProperties': {
      const known = new Set(isObject(schema.properties) ? Object.keys(schema.properties) : []);
      if (arg === false) return (v) => !isObject(v) || Object.keys(v).every((k) => known.has(k));
      const extra = compile(arg);
      return (v) => !isObject(v) || Object.keys(v).every((k) => known.has(k) || extra(v[k]));
    }
    case 'propertyNames': {
      const name = compile(arg);
      return (v) => !isObject(v) || Object.keys(v).every(name);
    }
    default:
      return never; // a keyword this reader does not know: let zod decide
  }
}
