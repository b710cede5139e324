import { posix } from 'node:path';
import { addressText, ipText, prefixText } from '../canonical.ts';
import { addAddress, linkOf, type Host, type HostLink, type HostRoute, type Origin } from '../host.ts';
import type { Notes } from '../notes.ts';
import type { SourceTree } from '../tree.ts';
import { runCommandLine } from './ip-command.ts';

/**
 * interfaces(5) → a Host, for ifupdown2 and classic ifupdown: /etc/network/interfaces and what it
 * pulls in with `source` (and `source-directory`, which only classic ifupdown reads), followed in the
 * order ifup reads them. ifupdown2's options (vrf, vrf-table, address, bridge-*, bond-*, vxlan-*,
 * vlan-*, link-type) are read as its addons apply them; the `pre-up`/`up`/`post-up` commands of
 * either dialect through src/import/from/ip-command.ts. The `down` commands undo the `up` ones and
 * are not read.
 */
const INTERFACES = '/etc/network/interfaces';
/** Keywords that start a stanza; a line that starts with anything else outside an `iface` is no stanza at all. */
const STANZAS = /^(iface|mapping|auto|allow-\S+|source|source-directory|rename|no-auto-down|no-scripts)$/;
/** classic ifupdown's source-directory reads only such names (interfaces(5)). */
const SOURCE_DIRECTORY_NAME = /^[a-zA-Z0-9_-]+$/;
const UP = new Set(['pre-up', 'up', 'post-up']);

/** The default routes of `gateway` lines, placed in a table once every stanza is read. */
type Gateways = HostRoute[];
const DOWN = new Set(['pre-down', 'down', 'post-down']);

type Dialect = 'ifupdown' | 'ifupdown2';

interface Line {
  readonly words: string[];
  readonly line: number;
  readonly col: number;
  readonly text: string;
}

/** Lines with their numbers, comments dropped and `\` continuations joined. */
function logicalLines(text: string): Line[] {
  const out: Line[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const line = i + 1;
    let l = raw[i]!;
    while (l.endsWith('\\') && i + 1 < raw.length) l = `${l.slice(0, -1)} ${raw[++i]}`;
    const t = l.trim();
    if (t === '' || t.startsWith('#')) continue;
    out.push({ words: t.split(/\s+/), line, col: l.length - l.trimStart().length + 1, text: t });
  }
  return out;
}

/** fnmatch-style globs of a `source` line. */
const globRegExp = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .split('')
      .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  );

export const readIfupdown2 = (tree: SourceTree, host: Host, notes: Notes) => read(tree, host, notes, 'ifupdown2');
export const readIfupdown = (tree: SourceTree, host: Host, notes: Notes) => read(tree, host, notes, 'ifupdown');

async function read(tree: SourceTree, host: Host, notes: Notes, dialect: Dialect): Promise<number> {
  const seen = new Set<string>();
  const gateways: Gateways = [];
  let files = 0;
  const readFile = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = await tree.read(file);
    if (text === undefined) return;
    files++;
    let iface: HostLink | undefined;
    let family = 'inet';
    for (const l of logicalLines(text)) {
      const at = tree.at(file, l.line, l.col);
      const [keyword, ...args] = l.words as [string, ...string[]];
      if (STANZAS.test(keyword)) {
        iface = undefined;
        if (keyword === 'iface') {
          const [name, fam, method] = args;
          if (!name) {
            notes.error('import/unknown-stanza', at, `an iface stanza without a name`);
            continue;
          }
          iface = linkOf(host, name, at);
          family = fam ?? 'inet';
          stanzaMethod(iface, family, method, dialect, at, notes);
        } else if (keyword === 'source' || keyword === 'source-directory') {
          if (keyword === 'source-directory' && dialect === 'ifupdown2') {
            notes.warn(
              'import/not-expressible',
              at,
              `ifupdown2 does not read source-directory: ${args.join(' ')} is not imported, as ifupdown2 would not configure it`,
            );
            continue;
          }
          for (const arg of args) for (const f of await included(tree, file, keyword, arg)) await readFile(f);
        } else if (keyword === 'mapping' || keyword === 'rename')
          notes.warn(
            'import/not-expressible',
            at,
            `${keyword} ${args.join(' ')}: the intent names links as the kernel does`,
          );
        continue;
      }
      if (!iface) {
        notes.error(
          'import/unknown-stanza',
          at,
          `\`${keyword}\` is no stanza ifup knows (iface, auto, allow-*, source, source-directory, mapping, rename), and no iface stanza is open`,
        );
        continue;
      }
      option(iface, keyword, args, l, at, host, notes, dialect, family, gateways);
    }
  };
  await readFile(INTERFACES);
  for (const g of gateways) {
    const master = dialect === 'ifupdown2' && g.dev ? host.links.get(g.dev)?.master : undefined;
    host.routes.push(master ? { ...g, table: master } : g);
  }
  dottedVlans(host);
  await dhclientHooks(tree, host, notes);
  return files;
}

/** The files a `source` or `source-directory` line names, relative paths taken from the including file's folder. */
async function included(tree: SourceTree, from: string, keyword: string, arg: string): Promise<string[]> {
  const path = arg.startsWith('/') ? posix.normalize(arg) : posix.join(posix.dirname(from), arg);
  if (keyword === 'source-directory')
    return (await tree.list(path)).filter((n) => SOURCE_DIRECTORY_NAME.test(n)).map((n) => posix.join(path, n));
  const dir = posix.dirname(path);
  const glob = globRegExp(posix.basename(path));
  return (await tree.list(dir)).filter((n) => glob.test(n)).map((n) => posix.join(dir, n));
}

/** `iface NAME inet|inet6 METHOD`: a DHCP method is the member's dhcp4/dhcp6; manual and static configure nothing by themselves. */
function stanzaMethod(
  l: HostLink,
  family: string,
  method: string | undefined,
  dialect: Dialect,
  at: Origin,
  notes: Notes,
): void {
  if (method === 'dhcp') {
    if (family === 'inet6') l.dhcp6 = true;
    else l.dhcp4 = true;
    // Classic ifupdown runs dhclient in the default VRF: its lease would not reach the VRF's table.
    if (dialect === 'ifupdown')
      notes.at([], `${l.name}: classic ifupdown's inet ${method} runs dhclient outside any VRF; vrfgen runs it inside`);
  } else if (method === 'auto' && family === 'inet6') l.acceptRa = true;
  else if (method !== undefined && !['manual', 'static', 'loopback'].includes(method))
    notes.warn('import/not-expressible', at, `${l.name}: the ${family} method ${method}`);
}

/** Options that say only what ifupdown2 does anyway for what the intent writes. */
const IMPLIED2: Readonly<Record<string, (v: string) => boolean>> = {
  'bridge-vlan-aware': (v) => v === 'no',
};

function option(
  l: HostLink,
  key: string,
  args: string[],
  line: Line,
  at: Origin,
  host: Host,
  notes: Notes,
  dialect: Dialect,
  family: string,
  gateways: Gateways,
): void {
  const value = args.join(' ');
  const warn = (what = `${l.name}: ${key} ${value}`) => notes.warn('import/not-expressible', at, what);
  if (UP.has(key)) return runCommandLine(value, { host, notes, iface: l.name, origin: at });
  if (DOWN.has(key)) return;
  switch (key) {
    case 'address': {
      const a = addressText(args[0] ?? '');
      // A classic `address` without a length takes its `netmask` line, read when it comes.
      if (a) addAddress(l, { cidr: a, origin: at });
      else warn();
      return;
    }
    case 'netmask': {
      const last = l.addresses.at(-1);
      const len = maskLength(value);
      if (!last || len === undefined) return warn();
      const ip = last.cidr.split('/')[0]!;
      l.addresses[l.addresses.length - 1] = { ...last, cidr: addressText(`${ip}/${len}`) ?? last.cidr };
      return;
    }
    case 'gateway': {
      const via = ipText(value);
      if (!via) return warn();
      // ifupdown2 puts a VRF member's gateway into the VRF's table, classic ifupdown into main. The
      // `vrf` line may come later in the stanza: the table is settled once the files are read.
      gateways.push({
        table: 'main',
        family: family === 'inet6' ? 6 : 4,
        to: family === 'inet6' ? '::/0' : '0.0.0.0/0',
        type: 'unicast',
        via,
        dev: l.name,
        origin: at,
      });
      return;
    }
  }
  if (dialect === 'ifupdown') return warn();
  switch (key) {
    case 'vrf':
      l.master = value;
      return;
    case 'vrf-table':
      l.kind = 'vrf';
      if (/^\d+$/.test(value)) l.table = Number(value);
      else notes.error('import/vrf-without-table', at, `vrf '${l.name}': vrf-table ${value} is not a table number`);
      return;
    case 'link-type':
      if (value === 'dummy') l.kind = 'dummy';
      else warn();
      return;
    case 'vlan-raw-device':
      l.kind = 'vlan';
      l.vlan = { ...l.vlan, parent: value };
      return;
    case 'vlan-id':
      l.kind = 'vlan';
      l.vlan = { ...l.vlan, id: Number(value) };
      return;
    case 'bridge-ports':
    case 'bridge_ports':
      l.kind = 'bridge';
      l.bridge ??= {};
      for (const p of args) if (p !== 'none') linkOf(host, p, at).master = l.name;
      return;
    case 'bridge-stp':
      l.kind = 'bridge';
      l.bridge = { stp: value === 'on' || value === 'yes' };
      return;
    case 'bond-slaves':
    case 'bond-ports':
      l.kind = 'bond';
      l.bond ??= {};
      for (const p of args) if (p !== 'none') linkOf(host, p, at).master = l.name;
      return;
    case 'bond-mode':
      l.bond = { ...l.bond, mode: value };
      return;
    case 'bond-miimon':
      l.bond = { ...l.bond, miimon: Number(value) };
      return;
    case 'bond-primary':
      l.bond = { ...l.bond, primary: value };
      return;
    case 'bond-lacp-rate':
      l.bond = { ...l.bond, lacpRate: value === '1' ? 'fast' : value === '0' ? 'slow' : value };
      return;
    case 'bond-xmit-hash-policy':
      l.bond = { ...l.bond, transmitHashPolicy: value };
      return;
    case 'vxlan-id':
      l.kind = 'vxlan';
      l.vxlan = { ...l.vxlan, vni: Number(value) };
      return;
    case 'vxlan-local-tunnelip':
      l.vxlan = { ...l.vxlan, local: ipText(value) };
      return;
    case 'vxlan-svcnodeip':
    case 'vxlan-remoteip':
      l.vxlan = { ...l.vxlan, remote: ipText(value) };
      return;
    case 'vxlan-mcastgrp':
      l.vxlan = { ...l.vxlan, group: ipText(value) };
      return;
    case 'vxlan-physdev':
      l.vxlan = { ...l.vxlan, dev: value };
      return;
    case 'vxlan-port':
      l.vxlan = { ...l.vxlan, port: Number(value) };
      return;
    case 'vxlan-learning':
      l.vxlan = { ...l.vxlan, learning: value === 'yes' || value === 'on' };
      return;
  }
  if (!IMPLIED2[key]?.(value)) warn();
  void line;
}

/** A dotted netmask or a length, as a prefix length. */
function maskLength(v: string): number | undefined {
  if (/^\d+$/.test(v)) return Number(v);
  const parts = v.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) return undefined;
  const bits = parts.map((p) => p.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') < 0 ? 32 : bits.indexOf('0')) : undefined;
}

/** VLANs ifupdown2 makes from a dotted name (`eth0.100`) without vlan-raw-device. */
export function dottedVlans(host: Host): void {
  for (const l of host.links.values()) {
    const m = l.name.match(/^(.+)\.(\d+)$/);
    if (m && l.kind === 'ethernet' && !l.otherKind) {
      l.kind = 'vlan';
      l.vlan = { parent: m[1], id: Number(m[2]), ...l.vlan };
    }
  }
}

const HOOKS = ['/etc/dhcp/dhclient-enter-hooks.d', '/etc/dhcp/dhclient-exit-hooks.d'];
/** A route through a lease's router, as vrfgen's exit hook adds it. */
const LEASE_ROUTE = /^\s*ip -4 route replace (\S+) via "\$vrfgen_router" dev (\S+) table (\d+)\s*$/;

/**
 * dhclient's hooks: a route through the router a lease names (`via: dhcp`) lives there, since
 * neither ifupdown has a key for it. vrfgen's own hooks are read (its routes, and the table its entry
 * hook gives a member's lease routes, which dhcp4 implies); any other hook is a shell script the
 * intent cannot hold.
 */
async function dhclientHooks(tree: SourceTree, host: Host, notes: Notes): Promise<void> {
  for (const dir of HOOKS)
    for (const name of await tree.list(dir)) {
      const path = posix.join(dir, name);
      const text = await tree.read(path);
      if (text === undefined) continue;
      if (!text.includes('vrfgen_')) {
        notes.warn(
          'import/not-expressible',
          tree.at(path, 1),
          `${name}: a dhclient hook, a shell script the intent cannot hold`,
        );
        continue;
      }
      text.split('\n').forEach((l, i) => {
        const m = l.match(LEASE_ROUTE);
        if (!m) return;
        const to = prefixText(m[1]!, 4);
        if (to)
          host.routes.push({
            table: Number(m[3]),
            family: 4,
            to,
            type: 'unicast',
            via: 'dhcp',
            dev: m[2],
            origin: tree.at(path, i + 1, l.indexOf('ip') + 1),
          });
      });
    }
}
