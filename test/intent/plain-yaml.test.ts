/**
 * The plain-YAML reader (src/intent/plain-yaml.ts) against the yaml library, its reference: whenever the
 * reader accepts a text, the library must read it without a single problem, to the same value (key
 * order and -0 included), with the same position for every node and key (what diagnostics and
 * `check` print), the same position for a missing key, and the same line table. Texts: every YAML
 * file in the repository, edge cases written by hand, and seeded random documents of the subset
 * with random damage. The reader may give up on anything; it may never disagree.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Path } from '../../src/diagnostics/diagnostics.ts';
import { readWithLibrary } from '../../src/intent/load.ts';
import { readPlainValue, readPlainYaml, type PlainYaml } from '../../src/intent/plain-yaml.ts';
import { SourceMap, type LocatedMap } from '../../src/intent/source.ts';
import { ROOT } from '../support/helpers.ts';
import { random } from '../support/random.ts';

/** Every path into `value`, and below each collection one that does not exist. */
function paths(value: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...paths(v, [...at, i])));
    out.push([...at, value.length], [...at, 'missing']);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
    out.push([...at, 'missing-key'], [...at, 0]);
  }
  return out;
}

/** Which reader read `text`; throws when the plain reader accepted it and disagrees with the library. */
function agree(text: string, reader: (text: string) => PlainYaml | undefined = readPlainYaml): 'plain' | 'library' {
  const plain = reader(text);
  // The reader without positions (what a valid intent is loaded with) reads exactly the same texts to the same value.
  const bare = readPlainValue(text);
  if (reader === readPlainYaml) {
    expect(bare === undefined, text).toBe(plain === undefined);
    expect(bare?.value, text).toStrictEqual(plain?.value);
  }
  if (!plain) return 'library';
  const lib = readWithLibrary(text, 'f.yaml');
  expect(lib.diagnostics, text).toEqual([]);
  expect(lib.value, text).toBeDefined();
  expect(plain.value, text).toEqual(lib.value!.js);
  expect(JSON.stringify(plain.value), text).toBe(JSON.stringify(lib.value!.js));
  const fast = new SourceMap('f.yaml', text, plain);
  for (const p of paths(lib.value!.js)) {
    for (const atKey of [false, true])
      expect(
        fast.locate(p, atKey),
        `${JSON.stringify(p)} ${atKey ? 'key' : 'value'} in ${JSON.stringify(text)}`,
      ).toEqual(lib.source.locate(p, atKey));
  }
  const step = text.length < 2000 ? 1 : 7; // long files: a sample of offsets, every line still hit
  for (let offset = 0; offset <= text.length; offset += step) expect(fast.at(offset)).toEqual(lib.source.at(offset));
  expect(fast.lines).toEqual(lib.source.lines);
  return 'plain';
}

const repositoryYaml = () =>
  execFileSync('git', ['ls-files', '*.yaml', '*.yml'], { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter(Boolean);

describe('every YAML file in the repository', () => {
  const files = repositoryYaml();

  test('is read alike, and the plain reader takes the intents written in plain YAML', () => {
    const byReader = { plain: [] as string[], library: [] as string[] };
    for (const f of files) byReader[agree(readFileSync(join(ROOT, f), 'utf8'))].push(f);
    // What only the library reads: escapes, aliases, tags, directives, syntax errors, duplicate keys, names that
    // are not plain.
    expect(byReader.library.sort()).toEqual([
      'examples/ansible/roles/vrfgen/handlers/main.yml', // playbooks: a sequence at the top
      'examples/ansible/roles/vrfgen/tasks/main.yml',
      'examples/ansible/site.yml',
      'test/check/cases/file-edited/case.yaml',
      'test/check/cases/member-kinds-drift/case.yaml', // a folded scalar
      'test/cli/foreign/netplan-unparsable/root/etc/netplan/01-admin.yaml', // broken on purpose
      'test/golden/hostile-exec-start/intent.yaml',
      'test/import/cases/netplan-unparsable/root/etc/netplan/50-admin.yaml', // broken on purpose
      'test/invalid/alias-bomb/intent.yaml',
      'test/invalid/complex-key/intent.yaml',
      'test/invalid/duplicate-keys/intent.yaml',
      'test/invalid/exec-start/intent.yaml',
      'test/invalid/hostile-addresses/intent.yaml',
      'test/invalid/hostile-containers/intent.yaml',
      'test/invalid/hostile-enums/intent.yaml',
      'test/invalid/hostile-exec-start/intent.yaml',
      'test/invalid/hostile-files/intent.yaml',
      'test/invalid/hostile-integers/intent.yaml',
      'test/invalid/hostile-member-names/intent.yaml',
      'test/invalid/hostile-references/intent.yaml',
      'test/invalid/hostile-services/intent.yaml',
      'test/invalid/hostile-vrf-names/intent.yaml',
      'test/invalid/many-aliases/intent.yaml',
      'test/invalid/names/intent.yaml',
      'test/invalid/services/intent.yaml',
      'test/invalid/too-deep/intent.yaml',
      'test/invalid/yaml-errors/intent.yaml',
      'test/invalid/yaml-syntax/intent.yaml',
      'test/invalid/yaml-warnings/intent.yaml',
      'test/services/hostile-exec-start/intent.yaml',
    ]);
    expect(byReader.plain.length).toBeGreaterThan(60);
  });

  test('changed in ways that keep it plain, it is still read alike', () => {
    const variants = (t: string) => [
      t.replace(/^( +)/gm, '$1$1'), // twice the indentation
      t.replace(/^([^#\n].*)$/gm, '$1 # note'), // a comment after every line
      t.replace(/\n/g, '\n\n  # between\n'), // blank and comment lines everywhere
      `---\n${t}`,
      t.replace(/ +$/gm, '').replace(/\n/g, '   \n'), // trailing spaces
      t.replace(/^( *)- /gm, '$1-   '), // wider sequence entries
      t.replace(/: \[\]/g, ':').replace(/: \{\}/g, ':'), // empty collections as nulls
    ];
    let plain = 0;
    for (const f of files) {
      for (const v of variants(readFileSync(join(ROOT, f), 'utf8'))) if (agree(v) === 'plain') plain++;
    }
    expect(plain).toBeGreaterThan(200);
  });
});

/** Small texts, each with what the plain reader must do with it: read it, or leave it to the library. */
const EDGES: [string, 'plain' | 'library'][] = [
  ['a: 1\n', 'plain'],
  ['a:\nb: 1\n', 'plain'],
  ['a: # c\n  # d\nb: 1\n', 'plain'],
  ['a:\n  # c\n  x: 1\n', 'plain'],
  ['a:\n- 1\n-\n- {}\n', 'plain'],
  ['a:\n  - 1\n  - [2, 3]\nb: x\n', 'plain'],
  ['- a: 1\n  b:\n- x\n', 'library'], // a top-level sequence
  ['r:\n  - a: 1\n    b:\n  - x\n', 'plain'],
  ['r:\n  - a:\n    - 1\n    b: 2\n', 'plain'],
  ['r:\n  -\n    a: 1\n', 'plain'],
  ['r:\n  - - 1\n', 'library'],
  ['a: {x: , y: [ ]}\n', 'plain'],
  ['a: {x: 1, y: {z: [1, "2", \'3\']}}\n', 'plain'],
  ['a: {}\nb: []\nc: { }\n', 'plain'],
  ['a: [1, {b: 2}]\n', 'plain'],
  ['"q": \'s\'\n', 'plain'],
  ["a: 'it''s'\n", 'plain'],
  ['a: "x # y"\n', 'plain'],
  ['a: b#c\n', 'plain'],
  ['a: b #c\n', 'plain'],
  ['a:   \n', 'plain'],
  ['---\na: 1\n', 'plain'],
  ['--- # start\na: 1\n', 'plain'],
  ['a: 1\n...\n', 'library'],
  ['a: 1\n---\nb: 2\n', 'library'],
  ['%YAML 1.2\n---\na: 1\n', 'library'],
  ['a: ~\nb: null\nc: Null\nd: NULL\ne: true\nf: False\ng: TRUE\n', 'plain'],
  ['a: yes\nb: no\nc: on\nd: off\ne: y\n', 'plain'],
  ['a: 007\nb: -0\nc: +5\nd: -12\ne: 4294967295\n', 'plain'],
  ['a: 1234567890123456789\n', 'library'],
  ['a: 0x10\n', 'library'],
  ['a: 0o17\n', 'library'],
  ['a: 1.5\n', 'library'],
  ['a: 1e3\n', 'library'],
  ['a: .inf\n', 'library'],
  ['a: .nan\n', 'library'],
  ['a: 0b11\n', 'plain'], // not a number in YAML 1.2: a string
  ['a: 1_000\n', 'plain'],
  ['a: 10.0.0.1/24\nb: 2001:db8::1/64\nc: fe80::1\n', 'plain'],
  ['a: [10.0.0.1/24, "2001:db8::1/64", fe80::1]\n', 'plain'],
  ['a: {to: "::/0", via: fd00::fe}\n', 'plain'],
  ['a: {to: ::/0}\n', 'plain'],
  ['a: ::/0\n', 'plain'],
  ['a: [::1, :x]\n', 'plain'],
  // Nesting past MAX_DEPTH is the library's to report (yaml/too-deep), and the reader never recurses that far.
  [`a: ${'['.repeat(31)}${']'.repeat(31)}\n`, 'plain'],
  [`a: ${'['.repeat(32)}${']'.repeat(32)}\n`, 'library'],
  [`a: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`, 'library'],
  [`${Array.from({ length: 40 }, (_, i) => `${' '.repeat(i)}k${i}:\n`).join('')}${' '.repeat(40)}v: 1\n`, 'library'],
  ['a: {:x: 1}\n', 'library'],
  ['a: [:, x]\n', 'library'],
  ['a: {to: fd00::}\n', 'library'],
  ['a: b: c\n', 'library'],
  ['a: b:\n', 'library'],
  ['a:b\n', 'library'],
  ['a : 1\n', 'library'],
  ['a: 1\na: 2\n', 'library'],
  ['a: {x: 1, x: 2}\n', 'library'],
  ['a: &x 1\nb: *x\n', 'library'],
  ['a: !!str 1\n', 'library'],
  ['a: |\n  text\n', 'library'],
  ['a: >\n  text\n', 'library'],
  ['a: first\n  second\n', 'library'],
  ['? a\n: 1\n', 'library'],
  ['<<: {a: 1}\n', 'library'],
  ['__proto__: 1\n', 'library'],
  ['a: "x\\ty"\n', 'library'],
  ['a:\tb\n', 'library'],
  ['a: 1\r\nb: 2\r\n', 'library'],
  ['\ufeffa: 1\n', 'library'],
  ['a: [1, , 2]\n', 'library'],
  ['a: [1, 2, ]\n', 'library'],
  ['a: [, 1]\n', 'library'],
  ['a: {b}\n', 'library'],
  ['a: {b:c}\n', 'library'],
  ['a: [b: c]\n', 'library'],
  ['a: [1, 2\n  , 3]\n', 'library'],
  ['a: [1] x\n', 'library'],
  ['a: "x"y\n', 'library'],
  ['a: "unclosed\n', 'library'],
  ['a:\n  b: 1\n c: 2\n', 'library'],
  ['a:\n  b: 1\n    c: 2\n', 'library'],
  ['a: 1\n  b: 2\n', 'library'],
  ['a: - 1\n', 'library'],
  ['- 1\n', 'library'],
  ['just a scalar\n', 'library'],
  ['', 'library'],
  ['# only a comment\n', 'library'],
  ['a: 1', 'plain'],
  ['a:\n  b:\n    c:\n      d: [e]\n', 'plain'],
  ['naïve: "ünïcödé"\n€: 1\n', 'plain'],
  ['1: x\n', 'library'],
  ['true: x\n', 'library'],
  ['"1": x\n', 'plain'],
  ['a: -x\nb: x-\nc: -\n', 'library'],
  ['a: -x\nb: x-\n', 'plain'],
  ['a: @x\n', 'library'],
  ['a: `x\n', 'library'],
  ['a: %x\n', 'library'],
  ['a: x%\n', 'plain'],
  ['a: ?x\n', 'library'],
  ['a: :x\n', 'plain'],
  ['a: : x\n', 'library'],
  ['a: x:y\n', 'plain'],
  ['a: [x:y]\n', 'plain'],
  ['a: [x: y]\n', 'library'],
  ['"a" : 1\n', 'library'],
  ["'a': [ 'b' , \"c\" ]\n", 'plain'],
  ['a: {"b":c}\n', 'library'],
];

describe('edge cases', () => {
  test.each(EDGES)('%j → %s', (text, want) => expect(agree(text)).toBe(want));
});

const SCALARS = [
  'x',
  'eth0.100',
  '10.0.0.1/24',
  '"2001:db8::1/64"',
  "'it''s'",
  '42',
  '-3',
  'true',
  'null',
  '~',
  'yes',
  '0x1f',
  '1.5',
  'a b',
  '"q: x"',
  'x#y',
  'ssh.service',
  '""',
  "''",
];
const KEYS = ['a', 'table', 'eth1', 'tenant-a', '"quoted key"', "'single'", 'x.y', 'vrfs'];

/** A random document of the plain subset, in a random mix of block and flow styles. */
function document(next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const comment = () => (next() < 0.15 ? ' # c' : '');
  const flow = (depth: number): string => {
    const r = next();
    if (depth > 2 || r < 0.5) return pick(SCALARS);
    const n = Math.floor(next() * 3);
    if (r < 0.75) return `[${Array.from({ length: n }, () => flow(depth + 1)).join(', ')}]`;
    return `{${[...new Set(Array.from({ length: n }, () => pick(KEYS)))].map((k) => `${k}: ${next() < 0.1 ? '' : flow(depth + 1)}`).join(', ')}}`;
  };
  const block = (indent: string, depth: number, asSeq: boolean): string[] => {
    const n = 1 + Math.floor(next() * 3);
    const lines: string[] = [];
    const keys = [...new Set(Array.from({ length: n }, () => pick(KEYS)))];
    const entries = asSeq ? Array.from({ length: n }, () => undefined) : keys;
    for (const key of entries) {
      const head = key === undefined ? `${indent}-` : `${indent}${key}:`;
      const r = next();
      if (depth < 3 && r < 0.35) {
        const inner = indent + ' '.repeat(1 + Math.floor(next() * 3));
        lines.push(
          `${head}${comment()}`,
          ...(next() < 0.1 ? [`${inner}# between`] : []),
          ...block(inner, depth + 1, next() < 0.4),
        );
      } else if (depth < 3 && r < 0.45 && key !== undefined) {
        lines.push(`${head}`, ...block(indent, depth + 1, true)); // indentless sequence
      } else if (r < 0.5) {
        lines.push(`${head}${comment()}`); // null
      } else {
        lines.push(`${head} ${flow(depth)}${comment()}`);
      }
    }
    return lines;
  };
  return `${(next() < 0.1 ? '---\n' : '') + block('', 0, false).join('\n')}\n`;
}

/** Damage: one character inserted, deleted or replaced, from the ones that matter to YAML. */
function damage(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const c = ':-#{}[],\'" \n\tx&*!|>?'[Math.floor(next() * 21)]!;
  const r = next();
  if (r < 0.33) return text.slice(0, at) + c + text.slice(at);
  if (r < 0.66) return text.slice(0, at) + text.slice(at + 1);
  return text.slice(0, at) + c + text.slice(at + 1);
}

describe('random documents', () => {
  test('are read alike, whole and damaged', () => {
    const next = random(8);
    const count = { plain: 0, library: 0 };
    for (let i = 0; i < 400; i++) {
      const doc = document(next);
      count[agree(doc)]++;
      let damaged = doc;
      for (let j = 0; j < 4; j++) {
        damaged = damage(damaged, next);
        count[agree(damaged)]++;
      }
    }
    // The subset is most of what the generator writes; damage sends much of it to the library.
    expect(count.plain).toBeGreaterThan(600);
    expect(count.library).toBeGreaterThan(200);
  });
});

describe('the comparison can fail', () => {
  const shifted = (text: string): PlainYaml | undefined => {
    const p = readPlainYaml(text)!;
    const root = p.root as LocatedMap;
    return { ...p, root: { ...root, values: root.values.map((v) => (typeof v === 'number' ? v + 1 : v)) } };
  };
  test('a position one character off is caught', () => {
    expect(() => agree('a: 1\n', shifted)).toThrow();
  });
  test('a value read the YAML 1.1 way is caught', () => {
    expect(() => agree('a: yes\n', (t) => ({ ...readPlainYaml(t)!, value: { a: true } }))).toThrow();
  });
});
