import { closeSync, openSync, readSync } from 'node:fs';
import { error } from '../diagnostics/diagnostics.ts';
import { MAX_INTENT_BYTES, tooLarge } from './limits.ts';
import { accepts, intentJsonSchemaFile } from './json-schema.ts';
import type { Loaded } from './load.ts';
import { readPlainValue, readPlainYaml } from './plain-yaml.ts';
import type { Intent } from './schema.ts';
import { SourceMap } from './source.ts';

/**
 * The fast way in: plain YAML (src/intent/plain-yaml.ts) that the intent's JSON Schema accepts as it
 * stands (src/intent/json-schema.ts). Anything else is undefined, and src/intent/load.ts reads it with the yaml
 * library and zod, which this module never loads: `vrfgen validate` of a valid intent runs without
 * either.
 */
export function loadPlain(text: string, file: string, positions = false): Loaded | undefined {
  const withPositions = positions ? readPlainYaml(text) : undefined;
  const plain = withPositions ?? (positions ? undefined : readPlainValue(text));
  if (!plain || !accepts(intentJsonSchemaFile(), plain.value)) return undefined;
  // Without positions now, the text is read again when a diagnostic is placed: the same reader,
  // the same text, so the same nodes.
  return {
    intent: plain.value as Intent,
    diagnostics: [],
    source: new SourceMap(file, text, withPositions ?? (() => readPlainYaml(text)!)),
  };
}

/**
 * Read and load an intent file; an unreadable file is one diagnostic (exit 2 in the CLI).
 * `positions`: read where every node is up front, for a caller that places a position on every
 * result (check does, on each finding); otherwise only a diagnostic makes the loader find them.
 */
export async function loadIntentFile(file: string, { positions = false } = {}): Promise<Loaded> {
  let bytes: Buffer;
  try {
    bytes = readAtMost(file, MAX_INTENT_BYTES + 1);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    return {
      diagnostics: [{ ...error('io/read', [], `cannot read intent: ${reason}`), pos: { file, line: 1, col: 1 } }],
    };
  }
  if (bytes.length > MAX_INTENT_BYTES) return { diagnostics: [tooLarge(file)] };
  const text = bytes.toString('utf8');
  return loadPlain(text, file, positions) ?? (await import('./load.ts')).loadIntent(text, file);
}

/**
 * The first `limit` bytes of a file (all of it when shorter), so /dev/zero or a huge file cannot
 * exhaust memory. Synchronous: an asynchronous read first starts libuv's thread pool, for one small file.
 */
function readAtMost(file: string, limit: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(limit);
    let got = 0;
    for (let n = -1; n !== 0 && got < limit; got += n) n = readSync(fd, buf, got, limit - got, null);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
