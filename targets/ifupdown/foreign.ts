import { posix } from 'node:path';
import type { Clash, ForeignReader, OwnLink, RootFiles } from '../../src/pipeline/foreign.ts';
import { globToRegExp, INTERFACES } from './stanzas.ts';

/**
 * The admin's interfaces(5) stanzas beside vrfgen's: /etc/network/interfaces and what it pulls in
 * with `source` (and, for classic ifupdown, `source-directory`). Neither dialect refuses a second
 * `iface X` stanza; run on the same files (`ifquery`, `ifup -a -n` in a namespace):
 * - ifupdown2 3.0 keeps both stanzas and merges them; of an option both set, such as `vrf`, it
 *   applies the one of the stanza it read first and drops the other without a word;
 * - classic ifupdown 0.8 configures the interface once per stanza, one after the other (an
 *   address from one, dhclient from the other).
 * So a stanza for one of vrfgen's links is a warning (its settings apply on top of vrfgen's), unless
 * it gives the link another master or a VRF another table: a link has one master and a VRF one table,
 * so one of the two is lost.
 */

/** Keywords that start a block; every other line inside an `iface` block is one of its options. */
const BLOCKS = /^(iface|mapping|auto|allow-\S+|source|source-directory|rename)$/;
/** Options that list the ports of the stanza's bridge or bond (ifupdown2's and classic ifenslave's names). */
const PORT_LISTS = new Set(['bridge-ports', 'bridge_ports', 'bond-slaves', 'bond-ports', 'slaves']);
/** classic ifupdown's source-directory reads only such names (interfaces(5)). */
const SOURCE_DIRECTORY_NAME = /^[a-zA-Z0-9_-]+$/;

interface Option {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

interface Stanza {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly options: Option[];
}

/** Lines with their numbers, comments dropped and `\` continuations joined. */
function logicalLines(text: string): { words: string[]; line: number }[] {
  const out: { words: string[]; line: number }[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const line = i + 1;
    let l = raw[i]!;
    while (l.endsWith('\\') && i + 1 < raw.length) l = `${l.slice(0, -1)} ${raw[++i]}`;
    const t = l.trim();
    if (t === '' || t.startsWith('#')) continue;
    out.push({ words: t.split(/\s+/), line });
  }
  return out;
}

/** The files a `source` or `source-directory` line names, relative paths taken from the including file's folder. */
async function included(
  root: RootFiles,
  from: string,
  keyword: string,
  arg: string,
  classic: boolean,
): Promise<string[]> {
  const path = arg.startsWith('/') ? posix.normalize(arg) : posix.join(posix.dirname(from), arg);
  if (keyword === 'source-directory') {
    if (!classic) return []; // ifupdown2 has no source-directory (targets/ifupdown/stanzas.ts)
    return (await root.list(path)).filter((n) => SOURCE_DIRECTORY_NAME.test(n)).map((n) => posix.join(path, n));
  }
  const dir = posix.dirname(path);
  const glob = globToRegExp(posix.basename(path));
  return (await root.list(dir)).filter((n) => glob.test(n)).map((n) => posix.join(dir, n));
}

/** Every stanza of the interfaces file and the files it pulls in, in the order ifup reads them. */
async function stanzas(root: RootFiles, classic: boolean): Promise<Stanza[]> {
  const out: Stanza[] = [];
  const seen = new Set<string>();
  const read = async (file: string): Promise<void> => {
    if (seen.has(file)) return; // a file that sources itself, or is sourced twice
    seen.add(file);
    const text = await root.read(file);
    if (text === undefined) return;
    let current: Stanza | undefined;
    for (const { words, line } of logicalLines(text)) {
      const [keyword, ...args] = words as [string, ...string[]];
      if (!BLOCKS.test(keyword)) {
        current?.options.push({ key: keyword, value: args.join(' '), line });
        continue;
      }
      current = undefined;
      if (keyword === 'iface' && args[0]) out.push((current = { name: args[0], file, line, options: [] }));
      if (keyword === 'source' || keyword === 'source-directory')
        for (const arg of args) for (const f of await included(root, file, keyword, arg, classic)) await read(f);
    }
  };
  await read(INTERFACES);
  return out;
}

const option = (s: Stanza, key: string) => s.options.find((o) => o.key === key);

export function ifupdownForeign(dialect: 'ifupdown' | 'ifupdown2'): ForeignReader {
  const both =
    dialect === 'ifupdown2'
      ? 'ifupdown2 merges the options of both stanzas'
      : 'ifup configures it once per stanza, one after the other';
  return {
    async find(root, { links }) {
      const out: Clash[] = [];
      for (const s of await stanzas(root, dialect === 'ifupdown')) {
        for (const o of s.options.filter((x) => PORT_LISTS.has(x.key)))
          for (const port of o.value.split(/\s+/)) {
            const master = links.get(port)?.master;
            if (master && master.name !== s.name)
              out.push(twoMasters(port, s.file, o.line, `lists ${port} in ${o.key} of ${s.name}`, master));
          }
        const link = links.get(s.name);
        if (link) out.push(sameName(s, link, both));
      }
      return out;
    },
  };
}

const twoMasters = (
  name: string,
  file: string,
  line: number,
  what: string,
  master: NonNullable<OwnLink['master']>,
): Clash => ({
  name,
  file,
  line,
  severity: 'error',
  says: `${what}, vrfgen enslaves it to ${master.kind} ${master.name}: a link has one master, so one of the two is lost; remove ${name} from one of them`,
});

function sameName(s: Stanza, link: OwnLink, both: string): Clash {
  const vrf = option(s, 'vrf');
  if (vrf && link.master && vrf.value !== link.master.name)
    return twoMasters(s.name, s.file, vrf.line, `puts ${s.name} into VRF ${vrf.value}`, link.master);
  const bondMaster = option(s, 'bond-master');
  if (bondMaster && link.master && bondMaster.value !== link.master.name)
    return twoMasters(s.name, s.file, bondMaster.line, `enslaves ${s.name} to bond ${bondMaster.value}`, link.master);
  const table = option(s, 'vrf-table');
  if (table && link.table !== undefined && table.value !== String(link.table))
    return {
      name: s.name,
      file: s.file,
      line: table.line,
      severity: 'error',
      says: `gives VRF ${s.name} table ${table.value}, vrfgen table ${link.table}: ${both}, and a VRF has one table, so one of the two is lost; give the VRF one table, in the intent`,
    };
  return {
    name: s.name,
    file: s.file,
    line: s.line,
    severity: 'warning',
    says: `has a stanza for ${s.name} too: ${both}, so its settings apply on top of vrfgen's; move them into the intent, or remove the stanza`,
  };
}
