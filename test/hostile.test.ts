/**
 * Hostile intents at the CLI that do not fit a test/invalid case: too big to commit, not a file, or a
 * hostile file name. Each gets a positioned error (or a valid result) within bounded memory: the CLI
 * runs with its heap capped (--max-old-space-size), so a stage that is not linear in the input, or
 * that holds all of a huge one, crashes the test. Times are printed for the record, never asserted.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, writeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { validateText } from '../src/index.ts';
import { MAX_BROKEN_ENTRIES, MAX_INTENT_BYTES, MAX_SHOWN_DIAGNOSTICS } from '../src/intent/limits.ts';
import { CLI, treeOf } from './support/helpers.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'vrfgen-hostile-'));

/** The CLI with a capped heap; resolves with its exit status, output, and wall time. */
function capped(
  heapMB: number,
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [`--max-old-space-size=${heapMB}`, CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
      }),
    );
  });
}

/** An intent of `head` and then `item(i)` for i = 0, 1, … while it stays within `bytes`. */
function intentOf(file: string, bytes: number, head: string, item: (i: number) => string): string {
  const fd = openSync(file, 'w');
  let size = writeSync(fd, head);
  for (let i = 0; ; i++) {
    const s = item(i);
    if (size + Buffer.byteLength(s) > bytes) break;
    size += writeSync(fd, s);
  }
  closeSync(fd);
  return file;
}

const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const tooLarge = (file: string) =>
  `${file}:1:1: error intent/too-large: intent: larger than ${MAX_INTENT_BYTES} bytes (${MAX_INTENT_BYTES / 1024 / 1024} MiB), the most vrfgen reads\n`;

describe(`intents larger than ${MAX_INTENT_BYTES / 1024 / 1024} MiB are refused before parsing`, () => {
  test('a 50 MB intent: one line, in 64 MB of heap', async () => {
    const file = intentOf(
      join(tmp(), 'big.yaml'),
      50 * 1024 * 1024,
      'version: 1\nvrfs:\n',
      (i) => `  v${i}: {table: ${i + 1}, interfaces: {e${i}: {addresses: [${ip(i)}/32]}}}\n`,
    );
    const r = await capped(64, ['validate', file]);
    console.log(`50 MB intent refused in ${r.ms} ms`);
    expect(r.stderr).toBe(tooLarge(file));
    expect(r.code).toBe(1);
  });

  test('/dev/zero, which never ends, is read only up to the limit', async () => {
    const r = await capped(64, ['validate', '/dev/zero']);
    expect(r.stderr).toBe(tooLarge('/dev/zero'));
    expect(r.code).toBe(1);
  });

  test('exactly the cap is read; one byte more is refused (file and library)', async () => {
    const dir = tmp();
    const head = 'version: 1\nvrfs: {a: {table: 1}}\n#';
    const exact = join(dir, 'exact.yaml');
    writeFileSync(exact, `${head}${'x'.repeat(MAX_INTENT_BYTES - head.length - 1)}\n`);
    const over = join(dir, 'over.yaml');
    writeFileSync(over, `${head}${'x'.repeat(MAX_INTENT_BYTES - head.length)}\n`);
    expect(readFileSync(exact).length).toBe(MAX_INTENT_BYTES);
    const ok = await capped(128, ['validate', exact]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const refused = await capped(128, ['validate', over]);
    expect(refused.stderr).toBe(tooLarge(over));
    // Counted in bytes, not characters: 'é' is two.
    expect(
      validateText(`${head}${'é'.repeat(MAX_INTENT_BYTES / 2)}\n`, 'x.yaml').diagnostics.map((d) => d.code),
    ).toEqual(['intent/too-large']);
  });
});

/**
 * The costliest shapes of a 2 MiB intent, each aimed at one stage: tens of thousands of diagnostics to
 * position, members of one VRF (addresses, route gateways), VLANs on one parent, unit files to look up,
 * and tens of thousands of files to render and plan. Before these stages were made linear, the first
 * four ran for minutes or overflowed the stack (`push(...list)`).
 */
const worst: [string, string[], number, (file: string) => string][] = [
  [
    '85 000 VRFs with an unknown key each',
    ['validate'],
    1,
    (f) => intentOf(f, MAX_INTENT_BYTES, 'version: 1\nvrfs:\n', (i) => `  v${i}: {tabel: ${i + 1000}}\n`),
  ],
  [
    '60 000 members of one VRF, gateway in the last',
    ['validate'],
    0,
    (f) =>
      intentOf(
        f,
        MAX_INTENT_BYTES,
        `version: 1\nvrfs:\n  a:\n    table: 10\n    routes: [{to: default, via: 10.255.255.254}]\n    interfaces:\n      last: {addresses: [10.255.255.1/24]}\n`,
        (i) => `      m${i}: {addresses: [${ip(i + 1)}/32]}\n`,
      ),
  ],
  [
    '40 000 VLANs on one parent',
    ['validate'],
    1,
    (f) =>
      intentOf(
        f,
        MAX_INTENT_BYTES,
        'version: 1\nvrfs:\n  a:\n    table: 10\n    interfaces:\n',
        (i) => `      v${i}: {vlan: {parent: eth0, id: ${(i % 4094) + 1}}}\n`,
      ),
  ],
  [
    '80 000 services looked up in the unit search path',
    ['generate', '--target', 'services', '--dry-run'],
    1,
    (f) =>
      intentOf(
        f,
        MAX_INTENT_BYTES,
        'version: 1\nvrfs:\n  a:\n    table: 10\n    services:\n',
        (i) => `      - u${i}-a-b-c.service\n`,
      ),
  ],
  [
    '34 000 VRFs rendered as 68 000 networkd files',
    ['generate', '--target', 'networkd', '--dry-run', '--json'],
    0,
    (f) =>
      intentOf(
        f,
        MAX_INTENT_BYTES,
        'version: 1\nvrfs:\n',
        (i) => `  v${i}:\n    table: ${i + 1000}\n    interfaces:\n      e${i}: {addresses: [${ip(i)}/32]}\n`,
      ),
  ],
];

describe(`the costliest ${MAX_INTENT_BYTES / 1024 / 1024} MiB intents finish in 256 MB of heap`, () => {
  test.concurrent.each(worst)('%s', async (what, args, code, make) => {
    const dir = tmp();
    const file = make(join(dir, 'intent.yaml'));
    const r = await capped(256, [...args, file, ...(args[0] === 'generate' ? ['--root', join(dir, 'root')] : [])]);
    console.log(`${what}: exit ${r.code} in ${r.ms} ms, ${r.stderr.split('\n').length - 1} lines of diagnostics`);
    expect(r.stderr).not.toMatch(/internal error|heap out of memory|Maximum call stack/);
    expect(r.code).toBe(code);
    expect(treeOf(join(dir, 'root'))).toEqual([]);
    // Described one by one up to a bound (src/intent/limits.ts), then counted.
    if (what.includes('unknown key'))
      expect(r.stderr).toMatch(
        new RegExp(
          `error intent/too-many-problems: vrfs: \\d{5} more entries with problems, from 'v${MAX_BROKEN_ENTRIES}' on`,
        ),
      );
    const shown = r.stderr.split('\n').filter((l) => / (error|warning) [a-z0-9-]+\/[a-z0-9-]+: /.test(l)).length;
    expect(shown).toBeLessThanOrEqual(MAX_SHOWN_DIAGNOSTICS);
    if (what.includes('VLANs')) {
      expect(shown).toBe(MAX_SHOWN_DIAGNOSTICS);
      expect(r.stderr).toMatch(
        new RegExp(
          `\n… and \\d+ more \\(\\d+ errors and 0 warnings in all\\); vrfgen shows the first ${MAX_SHOWN_DIAGNOSTICS}\n$`,
        ),
      );
    }
  });
});

describe('the intent file name', () => {
  test('control characters in it reach no file: headers show them as ?', async () => {
    const dir = tmp();
    const file = join(dir, 'a\n[Route]\rb.yaml');
    writeFileSync(file, 'version: 1\nvrfs: {mgmt: {table: 10}}\n');
    const root = join(dir, 'root');
    const r = await capped(128, ['generate', file, '--root', root, '--target', 'networkd']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const net = join(root, 'etc/systemd/network');
    for (const f of readdirSync(net)) {
      expect(readFileSync(join(net, f), 'utf8').split('\n')[0], f).toBe(
        '# Generated by vrfgen from a?[Route]?b.yaml. Do not edit: vrfgen overwrites this file.',
      );
    }
  });

  test('and in diagnostics too', async () => {
    const file = join(tmp(), 'x\u001b[2Jy.yaml');
    writeFileSync(file, 'version: 2\nvrfs: {}\n');
    const r = await capped(128, ['validate', file]);
    expect(r.stderr.split('\n')[0]).toBe(
      `${file.replace('\u001b', '?')}:1:10: error intent/unsupported-version: version: number 2 is not supported; this vrfgen reads version 1`,
    );
  });
});
