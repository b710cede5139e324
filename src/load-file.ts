import { readFileSync } from 'node:fs';
import { error } from './diagnostics.ts';
import { accepts, intentJsonSchemaFile } from './json-schema.ts';
import type { Loaded } from './load.ts';
import { readPlainYaml } from './plain-yaml.ts';
import type { Intent } from './schema.ts';
import { SourceMap } from './source.ts';

/**
 * The fast way in: plain YAML (src/plain-yaml.ts) that the intent's JSON Schema accepts as it
 * stands (src/json-schema.ts). Anything else is undefined, and src/load.ts reads it with the yaml
 * library and zod, which this module never loads: `vrfgen validate` of a valid intent runs without
 * either.
 */
export function loadPlain(text: string, file: string): Loaded | undefined {
  const plain = readPlainYaml(text);
  if (!plain || !accepts(intentJsonSchemaFile(), plain.value)) return undefined;
  return { intent: plain.value as Intent, diagnostics: [], source: new SourceMap(file, text, plain.root, plain.lineStarts) };
}

/** Read and load an intent file; an unreadable file is one diagnostic (exit 2 in the CLI). */
export async function loadIntentFile(file: string): Promise<Loaded> {
  let text: string;
  try {
    // Synchronous: an asynchronous read first starts libuv's thread pool, for one small file.
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    return { diagnostics: [{ ...error('io/read', [], `cannot read intent: ${reason}`), pos: { file, line: 1, col: 1 } }] };
  }
  return loadPlain(text, file) ?? (await import('./load.ts')).loadIntent(text, file);
}
