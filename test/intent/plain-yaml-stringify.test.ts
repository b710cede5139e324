/**
 * The YAML writer (src/intent/plain-yaml-stringify.ts) against the yaml library's stringify, its reference:
 * whenever the writer writes a value, the bytes must be the library's, `lineWidth: 0` as the `yaml`
 * filter calls it. Values: every golden case's netplan document (the property tests in
 * test/fuzz.test.ts add the generated intents' documents), hostile strings as values and keys at
 * every depth, and random trees of the subset. The writer may give up only outside the subset.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, test } from 'vitest';
import { stringifyPlainYaml } from '../../src/intent/plain-yaml-stringify.ts';
import { netplanDocument } from '../../targets/netplan.ts';
import { goldenCases, modelOf } from '../support/helpers.ts';

const library = (v: unknown) => stringify(v, { lineWidth: 0 });

/** The writer's text, which must exist and be the library's. */
function same(v: unknown): string {
  const ours = stringifyPlainYaml(v);
  expect(ours, JSON.stringify(v)).toBeDefined();
  expect(ours, JSON.stringify(v)).toBe(library(v));
  return ours!;
}

/** Strings the writer leaves to the library (line breaks, tabs, controls, unpaired surrogates, a plain document-marker start). */
const leftToLibrary = (s: string) =>
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]|\p{Cs}/u.test(s) || /^(?:---|\.\.\.)/.test(s);

/** Every string a netplan view could hold and then some: indicators at the start, middle and end, scalars of other types, quotes, unicode, long lines. */
const HOSTILE = [
  '',
  ' ',
  '  ',
  'a ',
  ' a',
  'a  b',
  'a\tb',
  'a\nb',
  '\n',
  'a\r',
  '\u0085',
  '\u00a0x',
  'x\u00a0',
  '\u2028',
  '\ufeffa',
  '\ud800',
  'a\udc00',
  '😀',
  'ü€',
  'é:',
  '-',
  '--',
  '---',
  '---a',
  '- ',
  '- a',
  '-a',
  'a-',
  'a - b',
  '?',
  '? a',
  '?a',
  ':',
  ':a',
  'a:',
  'a: b',
  'a:b',
  'a :b',
  '::',
  'fe80::1',
  '2001:db8::/64',
  '10.0.0.1/24',
  '#',
  '#a',
  'a#',
  'a #',
  'a #b',
  'a#b',
  '%',
  '%a',
  'a%',
  '...',
  '...a',
  '.',
  '..',
  '@a',
  '`a',
  '!a',
  '&a',
  '*a',
  '|',
  '>',
  '[',
  ']',
  '{',
  '}',
  '[a]',
  '{a: b}',
  'a,b',
  ',a',
  'a,',
  "'",
  '"',
  "a'b",
  'a"b',
  `a'"b`,
  "'a'",
  '"a"',
  '\\',
  'a\\b',
  '\\n',
  '\\"',
  'true',
  'True',
  'TRUE',
  'tRUE',
  'false',
  'False',
  'yes',
  'no',
  'Yes',
  'NO',
  'on',
  'off',
  'y',
  'n',
  'null',
  'Null',
  'NULL',
  'nULL',
  '~',
  '~a',
  '0',
  '-0',
  '+0',
  '1',
  '-1',
  '+1',
  '007',
  '0o17',
  '0o8',
  '0x1F',
  '0X1F',
  '0xg',
  '1.5',
  '.5',
  '5.',
  '-.5',
  '1e3',
  '1E-3',
  '.1e3',
  '1e',
  'e3',
  '.inf',
  '-.Inf',
  '+.INF',
  '.nan',
  '.NaN',
  'inf',
  'nan',
  '1_000',
  '0b1',
  '12:30',
  '1:2:3',
  'x'.repeat(1024),
  'x'.repeat(1025),
  `a ${'word '.repeat(60)}b`,
  `${'y'.repeat(200)} ${'z'.repeat(200)}`,
  '"'.repeat(1023),
  `'${'q'.repeat(1030)}`,
];

describe('every golden case’s netplan document', () => {
  test.each(goldenCases())('$name', async ({ intent }) => {
    const { model } = await modelOf(intent);
    same(netplanDocument(model!).yaml);
  });
});

describe('hostile strings', () => {
  test.each(HOSTILE.map((s) => [JSON.stringify(s).slice(0, 60), s]))('%s', (_, s) => {
    const shapes: unknown[] = [
      s,
      { k: s },
      { [s]: 1 },
      { [s]: s },
      [s],
      [[s]],
      [{ [s]: [s, { [s]: {} }] }],
      { a: { b: [{ c: s, [s]: [] }] } },
    ];
    for (const v of shapes) {
      const ours = stringifyPlainYaml(v);
      if (ours !== undefined) expect(ours, JSON.stringify(v)).toBe(library(v));
      else expect(leftToLibrary(s) || s.length > 1000, `gave up on ${JSON.stringify(v)}`).toBe(true);
    }
  });
});

describe('generated values', () => {
  const str = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.string({ unit: fc.constantFrom(...' -:#?,[]{}\'"!&*|>%@`.~0123456789aeEfnotxyTFNul+_/\\'), maxLength: 8 }),
    fc.constantFrom(...HOSTILE),
  );
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: 'small' }, str, fc.integer(), fc.boolean(), tie('seq'), tie('map')),
    seq: fc.array(tie('tree'), { maxLength: 4 }),
    map: fc.dictionary(str, tie('tree'), { maxKeys: 4 }),
  }));

  test('the library’s bytes whenever the writer writes', () => {
    let written = 0;
    fc.assert(
      fc.property(tree, (v) => {
        const ours = stringifyPlainYaml(v);
        if (ours === undefined) return;
        written++;
        expect(ours).toBe(library(v));
      }),
      { numRuns: 3000 },
    );
    expect(written).toBeGreaterThan(1500);
  });

  test('nothing but the subset’s edges is left to the library', () => {
    fc.assert(
      fc.property(tree, (v) => {
        const strings: string[] = [];
        JSON.stringify(v, (k, x: unknown) => (strings.push(k), typeof x === 'string' && strings.push(x), x));
        if (!strings.some((s) => leftToLibrary(s) || s.length > 1000))
          expect(stringifyPlainYaml(v), JSON.stringify(v)).toBeDefined();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('outside the subset: left to the library', () => {
  const shared = [1];
  test.each<[string, unknown]>([
    ['null', { a: null }],
    ['undefined', { a: undefined }],
    ['a fraction', { a: 1.5 }],
    ['-0', [-0]],
    ['an unsafe integer', [2 ** 53]],
    ['NaN', [Number.NaN]],
    ['a bigint', [1n]],
    ['a Date', { a: new Date(0) }],
    ['a Map', new Map([['a', 1]])],
    // eslint-disable-next-line no-sparse-arrays -- the hole is the case
    ['a hole', [1, , 2]],
    ['an object met twice (the library writes an alias)', { a: shared, b: shared }],
    ['a key over 1024 characters', { ['k'.repeat(1025)]: 1 }],
    ['a line break', ['a\nb']],
    ['a plain document marker', { a: '--- x' }],
  ])('%s', (_, v) => {
    expect(stringifyPlainYaml(v)).toBeUndefined();
  });

  test('the writer can fail the comparison: a different quoting is caught', () => {
    const v = { a: 'yes: no', b: 'true' };
    expect(same(v)).toBe('a: "yes: no"\nb: "true"\n');
    expect(library(v)).not.toBe('a: yes: no\nb: true\n');
  });
});
