/**
 * Reading a state DIR (src/check/state.ts): files read into one reused buffer, and the ones larger
 * than it read whole, byte for byte as readFileSync reads them.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { Probe } from '../../src/check/probes.ts';
import { stateRun } from '../../src/check/state.ts';

const probe = (file: string): Probe => ({ file, argv: [], observes: { kind: 'links' } });

test('state files of every size read whole: small ones after large ones, multi-byte characters across the buffer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-state-'));
  // 'é' is two bytes in UTF-8: sizes around the 64 KiB buffer put one across its end.
  const sizes = [0, 1, 65535, 65536, 65537, 200_000, 5 << 20];
  for (const size of sizes) {
    writeFileSync(join(dir, `big${size}.json`), `${'é'.repeat(Math.floor(size / 2))}${size % 2 ? 'x' : ''}`);
    writeFileSync(join(dir, `big${size}.json.rc`), '0\n');
  }
  writeFileSync(join(dir, 'small.json'), '[]\n');
  writeFileSync(join(dir, 'small.json.rc'), '3\n');
  writeFileSync(join(dir, 'small.json.err'), 'Error: x\n');
  const run = stateRun(dir);
  for (const size of [...sizes, ...sizes.reverse()]) {
    const out = await run(probe(`big${size}.json`));
    expect(out?.stdout === readFileSync(join(dir, `big${size}.json`), 'utf8'), `big${size}.json`).toBe(true);
    expect(out?.code).toBe(0);
    expect(await run(probe('small.json'))).toEqual({ code: 3, stdout: '[]\n', stderr: 'Error: x\n' });
  }
  // The comparison can fail: the text of another size differs.
  expect((await run(probe('big65537.json')))?.stdout).not.toBe(readFileSync(join(dir, 'big65536.json'), 'utf8'));
});

test('a state file that cannot be read makes its probe unreadable, with the reason; an absent one is not collected', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-state-'));
  mkdirSync(join(dir, 'links.json'));
  writeFileSync(join(dir, 'links.json.rc'), '0\n');
  const run = stateRun(dir);
  expect(await run(probe('links.json'))).toEqual({
    code: null,
    stdout: '',
    stderr: 'cannot read links.json: EISDIR: illegal operation on a directory, read',
  });
  expect(await run(probe('addr.json'))).toBeUndefined();
});
