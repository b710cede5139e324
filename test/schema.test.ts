import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { intentJsonSchema } from '../src/schema.ts';
import { ROOT, vrfgen } from './helpers.ts';

test('schema/vrfgen.schema.json is what `vrfgen schema` prints (run `npm run schema:update`)', () => {
  const committed = readFileSync(join(ROOT, 'schema/vrfgen.schema.json'), 'utf8');
  expect(committed).toBe(`${JSON.stringify(intentJsonSchema(), null, 2)}\n`);
  expect(vrfgen('schema').stdout).toBe(committed);
});

test('the schema is strict and documents the contract', () => {
  const s = intentJsonSchema() as any;
  expect(s.additionalProperties).toBe(false);
  expect(s.required).toEqual(['version', 'vrfs']);
  const vrf = s.properties.vrfs.additionalProperties;
  expect(vrf.required).toEqual(['table']);
  expect(vrf.additionalProperties).toBe(false);
  expect(Object.keys(vrf.properties)).toEqual(['table', 'isolate', 'interfaces', 'routes', 'rules', 'services']);
});

test('every example points editors at the schema', () => {
  for (const f of readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml'))) {
    expect(readFileSync(join(ROOT, 'examples', f), 'utf8'), f).toMatch(/^# yaml-language-server: \$schema=\.\.\/schema\/vrfgen\.schema\.json\n/);
  }
});
