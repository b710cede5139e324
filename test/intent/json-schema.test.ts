/**
 * The fast schema check (src/intent/json-schema.ts on schema/vrfgen.schema.json) against zod, the schema
 * it is generated from: on every intent in the repository and on seeded random edits of them (a
 * value replaced, a key dropped or added), it may say "valid" only where zod says valid. Where it
 * does, it must also say so for the valid intents, or it saves nothing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { accepts, intentJsonSchemaFile } from '../../src/intent/json-schema.ts';
import { readWithLibrary } from '../../src/intent/load.ts';
import { IntentSchema } from '../../src/intent/schema.ts';
import { ROOT } from '../support/helpers.ts';
import { random } from '../support/random.ts';

const intents = () =>
  execFileSync('git', ['ls-files', '*.yaml'], { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter((f) => /(^examples\/|\/intent\.yaml$)/.test(f))
    .flatMap((f) => {
      const v = readWithLibrary(readFileSync(join(ROOT, f), 'utf8'), f).value;
      return v ? [{ file: f, js: v.js }] : [];
    });

/** Both answers for one value; the fast one may be "no" where zod says yes (it then defers), never the other way. */
function compare(js: unknown, schema: unknown = intentJsonSchemaFile()): { fast: boolean; zod: boolean } {
  const fast = accepts(schema, js);
  const zod = IntentSchema.safeParse(js).success;
  if (fast && !zod) throw new Error(`the fast check accepts what zod refuses: ${JSON.stringify(js).slice(0, 300)}`);
  return { fast, zod };
}

const VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  1,
  -1,
  10,
  253,
  4094,
  4095,
  4294967295,
  4294967296,
  1.5,
  2 ** 60,
  '',
  'x',
  'eth1',
  'debian-12',
  'blackhole',
  [],
  ['x'],
  [1],
  {},
  { x: 1 },
  { unit: 'a' },
];

/** Every path to a node of `js`. */
function nodes(js: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(js)) js.forEach((v, i) => out.push(...nodes(v, [...at, i])));
  else if (js && typeof js === 'object') for (const [k, v] of Object.entries(js)) out.push(...nodes(v, [...at, k]));
  return out;
}

/** A deep copy of `js` with one random edit. */
function edit(js: unknown, next: () => number): unknown {
  const copy = structuredClone(js);
  const all = nodes(copy);
  const path = all[Math.floor(next() * all.length)]!;
  if (path.length === 0) return VALUES[Math.floor(next() * VALUES.length)];
  const parent = path.slice(0, -1).reduce<any>((o, k) => o[k], copy);
  const key = path.at(-1)!;
  const r = next();
  if (r < 0.6) parent[key] = structuredClone(VALUES[Math.floor(next() * VALUES.length)]);
  else if (r < 0.8) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (!Array.isArray(parent))
    parent[['bogus', 'table', 'routes', 'vlan', 'id', 'to', 'unit', 'exec-start'][Math.floor(next() * 8)]!] =
      structuredClone(VALUES[Math.floor(next() * VALUES.length)]);
  return copy;
}

describe('the fast schema check', () => {
  const all = intents();

  test('agrees with zod on every intent in the repository, and accepts the valid ones', () => {
    expect(all.length).toBeGreaterThan(40);
    for (const { file, js } of all) {
      const { fast, zod } = compare(js);
      expect(fast, file).toBe(zod);
    }
  });

  test('never accepts what zod refuses, on random edits of them', () => {
    const next = random(8);
    const seen = { accepted: 0, refused: 0 };
    for (let i = 0; i < 3000; i++) {
      const base = all[Math.floor(next() * all.length)]!.js;
      let js = edit(base, next);
      if (next() < 0.3) js = edit(js, next);
      const { fast, zod } = compare(js);
      expect(fast, JSON.stringify(js).slice(0, 300)).toBe(zod); // the schema is simple enough to agree exactly
      seen[fast ? 'accepted' : 'refused']++;
    }
    expect(seen.accepted).toBeGreaterThan(300);
    expect(seen.refused).toBeGreaterThan(300);
  });

  test('an unknown keyword means "ask zod", never "valid"', () => {
    expect(accepts({ type: 'string', pattern: '^a' }, 'b')).toBe(false);
    expect(accepts({ type: 'string' }, 'b')).toBe(true);
  });

  test('the comparison can fail: a schema without additionalProperties is caught', () => {
    const { additionalProperties: _, ...loose } = intentJsonSchemaFile();
    expect(() => compare({ version: 1, vrfs: {}, extra: true }, loose)).toThrow(/accepts what zod refuses/);
  });
});
