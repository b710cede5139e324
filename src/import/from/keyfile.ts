import { createRequire } from 'node:module';
import type * as Ini from 'ini';

const require = createRequire(import.meta.url);

/**
 * A GLib key file (NetworkManager's keyfile format) read with the `ini` package, each key with the
 * line and column it was written at. `ini` reads INI as npm writes it: a value's `;` or `#` starts a
 * comment, `true` becomes a boolean, a dotted group name nests. GLib does none of that (NM's lists are
 * `;`-separated), so each value is handed to `ini` quoted and each group name with its dots escaped:
 * `ini` then gives back exactly the text GLib reads.
 */
export interface KeyfileValue {
  readonly value: string;
  readonly line: number;
  readonly col: number;
}

export type Keyfile = Map<string, Map<string, KeyfileValue>>;

const GROUP = /^\s*\[([^\]]+)\]\s*$/;
const KEY = /^([^=[\s#;][^=]*?)\s*=\s*(.*?)\s*$/;

/** The key file's groups and keys, or the first line GLib refuses (NM then ignores the whole profile). */
export function parseKeyfile(text: string): Keyfile | { readonly badLine: number } {
  const ini = require('ini') as typeof Ini;
  const lines = text.split('\n');
  const positions: { group: string; key: string; line: number; col: number }[] = [];
  let group = '';
  const escaped = lines.map((l, i) => {
    if (/^\s*(#.*)?$/.test(l)) return l.trimStart().startsWith('#') ? `;${l}` : '';
    const g = l.match(GROUP);
    if (g) {
      group = g[1]!;
      return `[${group.replace(/\./g, '\\.')}]`;
    }
    const k = l.trimStart().match(KEY);
    if (!k || group === '') return undefined;
    positions.push({ group, key: k[1]!, line: i + 1, col: l.length - l.trimStart().length + 1 });
    return `${k[1]}=${JSON.stringify(k[2])}`;
  });
  const bad = escaped.indexOf(undefined);
  if (bad >= 0) return { badLine: bad + 1 };
  const parsed = ini.parse(escaped.join('\n')) as Record<string, Record<string, unknown>>;
  const out: Keyfile = new Map();
  for (const p of positions) {
    const v = parsed[p.group]?.[p.key];
    const value = typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : '';
    const keys = out.get(p.group) ?? new Map<string, KeyfileValue>();
    keys.set(p.key, { value, line: p.line, col: p.col });
    out.set(p.group, keys);
  }
  return out;
}
