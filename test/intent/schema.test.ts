import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { intentJsonSchema } from '../../src/intent/schema.ts';
import { exampleIntents, ROOT, vrfgen } from '../support/helpers.ts';

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
  expect(Object.keys(vrf.properties)).toEqual([
    'table',
    'isolate',
    'addresses',
    'interfaces',
    'routes',
    'rules',
    'services',
    'containers',
    'bgp',
    'ospf',
  ]);
});

test('every example points editors at the schema, by a path that leads there', () => {
  for (const { intent } of exampleIntents()) {
    const ref = readFileSync(intent, 'utf8').match(/^# yaml-language-server: \$schema=(\S+)\n/)?.[1];
    expect(ref, intent).toBeDefined();
    expect(resolve(dirname(intent), ref!), intent).toBe(join(ROOT, 'schema/vrfgen.schema.json'));
  }
});
