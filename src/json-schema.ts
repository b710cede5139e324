import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.ts';

/**
 * Does the intent's JSON Schema accept a value, as it stands? schema/vrfgen.schema.json is generated
 * from the zod schema (src/schema.ts; test/schema.test.ts keeps them equal), and a valid intent needs
 * nothing more than a yes: zod would return an equal copy. zod is loaded and run only when the answer
 * is not a plain yes, to say what is wrong and where. Loading zod is most of `vrfgen validate`'s
 * start-up, and its parse took 76 ms of a 4000-VRF run.
 *
 * Only the keywords that schema uses are known here. Anything else makes the answer "not known to
 * be valid" (false), never "valid": the caller then asks zod, which has the last word either way.
 */
type Schema = { readonly [keyword: string]: unknown };

const IGNORED = new Set(['$schema', 'title', 'description']);

let intentSchema: Schema | undefined;

/** The committed JSON Schema of the intent, read once. */
export function intentJsonSchemaFile(): Schema {
  return (intentSchema ??= JSON.parse(readFileSync(join(packageRoot(), 'schema/vrfgen.schema.json'), 'utf8')) as Schema);
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

/** True only when `schema` certainly accepts `value`. */
export function accepts(schema: unknown, value: unknown): boolean {
  if (!isObject(schema)) return false;
  for (const [keyword, arg] of Object.entries(schema)) {
    if (IGNORED.has(keyword)) continue;
    if (!holds(keyword, arg, schema, value)) return false;
  }
  return true;
}

function holds(keyword: string, arg: unknown, schema: Schema, value: unknown): boolean {
  switch (keyword) {
    case 'type':
      return hasType(arg, value);
    case 'const':
      return typeof arg !== 'object' && value === arg;
    case 'enum':
      return Array.isArray(arg) && arg.some((a) => typeof a !== 'object' && a === value);
    case 'minimum':
      return typeof value !== 'number' || (typeof arg === 'number' && value >= arg);
    case 'maximum':
      return typeof value !== 'number' || (typeof arg === 'number' && value <= arg);
    case 'minItems':
      return !Array.isArray(value) || (typeof arg === 'number' && value.length >= arg);
    case 'items':
      return !Array.isArray(value) || value.every((v) => accepts(arg, v));
    case 'anyOf':
      return Array.isArray(arg) && arg.some((s) => accepts(s, value));
    case 'required':
      return !isObject(value) || (Array.isArray(arg) && arg.every((k) => typeof k === 'string' && Object.hasOwn(value, k)));
    case 'properties':
      return !isObject(value) || (isObject(arg) && Object.entries(arg).every(([k, s]) => !Object.hasOwn(value, k) || accepts(s, value[k])));
    case 'additionalProperties': {
      if (!isObject(value)) return true;
      const known = isObject(schema.properties) ? schema.properties : {};
      const extra = Object.keys(value).filter((k) => !Object.hasOwn(known, k));
      if (arg === false) return extra.length === 0;
      return extra.every((k) => accepts(arg, value[k]));
    }
    case 'propertyNames':
      return !isObject(value) || Object.keys(value).every((k) => accepts(arg, k));
    default:
      return false; // a keyword this reader does not know: let zod decide
  }
}
