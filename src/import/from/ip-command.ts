import { addressText, familyOf, ipText, prefixText } from '../canonical.ts';
import { addAddress, linkOf, type Host, type LinkKind, type Origin } from '../host.ts';
import type { Notes } from '../notes.ts';

/**
 * The commands of an interfaces(5) stanza's `pre-up`, `up`, `post-up` lines (and of hand-written ones
 * like them) read as what they make: `ip link add … type vrf table N`, `ip link set … master`,
 * `ip addr add`, `ip route add|replace`, `ip rule add`, a DHCP client run inside a VRF, accept_ra
 * written to /proc. A line is split at `;`, `&&` and `||`; `ip … del`, `ip link set … up|down|nomaster`,
 * `ip link show` and `true` undo or test what another part does and are skipped. Anything else is a
 * command the intent cannot express: a warning at the line.
 */
export interface CommandContext {
  readonly host: Host;
  readonly notes: Notes;
  /** The stanza the line belongs to: where a bare `dhclient` or a route without `dev` applies. */
  readonly iface: string;
  readonly origin: Origin;
}

const SKIPPED = /^(true|:|sleep|\/lib\/ifupdown\/wait-for-ll6\.sh|\/bin\/true)$/;

export function runCommandLine(line: string, ctx: CommandContext): void {
  for (const part of line.split(/;|&&|\|\|/)) {
    const words = part
      .replace(/\d?>>?\s*\/dev\/null/g, '')
      .replace(/\d?>&\d/g, '')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    if (words.length === 0 || SKIPPED.test(words[0]!)) continue;
    if (!command(words, ctx)) ctx.notes.warn('import/not-expressible', ctx.origin, `${ctx.iface}: \`${part.trim()}\``);
  }
}

/** One command: true when it was understood (and taken, or deliberately skipped). */
function command(words: string[], ctx: CommandContext): boolean {
  const cmd = words[0]!.replace(/^.*\//, '');
  if (cmd === 'echo') return acceptRa(words, ctx);
  if (cmd === 'sysctl') return sysctl(words.slice(1), ctx);
  if (cmd === 'dhclient') return dhclient(words.slice(1), ctx, undefined);
  if (cmd !== 'ip') return false;
  let args = words.slice(1);
  let family: 4 | 6 | undefined;
  while (args[0]?.startsWith('-')) {
    if (args[0] === '-4') family = 4;
    else if (args[0] === '-6') family = 6;
    else if (!['-d', '-j', '-brief', '-o'].includes(args[0])) return false;
    args = args.slice(1);
  }
  const [object, verb, ...rest] = args;
  if (object === undefined) return false;
  if ('vrf'.startsWith(object) && verb === 'exec') {
    const [vrf, prog, ...more] = rest;
    return prog !== undefined && prog.replace(/^.*\//, '') === 'dhclient' && dhclient(more, ctx, vrf);
  }
  if (verb === 'show' || verb === 'list' || verb === 'del' || verb === 'delete' || verb === 'flush') return true;
  if ('link'.startsWith(object)) return link(verb, rest, ctx);
  if ('address'.startsWith(object) && object.length >= 2) return address(verb, rest, ctx);
  if ('route'.startsWith(object) && object.length >= 2) return route(verb, rest, ctx, family);
  if ('rule'.startsWith(object) && object.length >= 2) return rule(verb, rest, ctx, family);
  return false;
}

/** `key value` pairs after the first words, as ip takes them; flags (a word without a value) map to ''. */
function pairs(words: readonly string[], flags: readonly string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (flags.includes(w)) out.set(w, '');
    else out.set(w, words[++i] ?? '');
  }
  return out;
}

const LINK_KINDS = new Set(['vrf', 'dummy', 'bridge', 'bond', 'vxlan', 'vlan']);

function link(verb: string | undefined, rest: string[], ctx: CommandContext): boolean {
  if (verb === 'add') {
    // ip link add [link PARENT] [name|dev] NAME type KIND [options]
    let parent: string | undefined;
    let name: string | undefined;
    let i = 0;
    for (; i < rest.length && rest[i] !== 'type'; i++) {
      const w = rest[i]!;
      if (w === 'link') parent = rest[++i];
      else if (w === 'name' || w === 'dev') name = rest[++i];
      else name ??= w;
    }
    const kind = rest[i + 1];
    if (!name || !kind || !LINK_KINDS.has(kind)) return false;
    const l = linkOf(ctx.host, name, ctx.origin);
    l.kind = kind as LinkKind;
    l.origin = ctx.origin;
    const o = pairs(rest.slice(i + 2), ['learning', 'nolearning']);
    switch (kind) {
      case 'vrf':
        if (o.has('table') && /^\d+$/.test(o.get('table')!)) l.table = Number(o.get('table'));
        break;
      case 'vlan':
        l.vlan = { ...(parent ? { parent } : {}), ...(o.has('id') ? { id: Number(o.get('id')) } : {}) };
        break;
      case 'bridge':
        l.bridge = { stp: o.has('stp_state') && o.get('stp_state') !== '0' };
        break;
      case 'bond':
        l.bond = {
          mode: o.get('mode'),
          ...(o.has('miimon') ? { miimon: Number(o.get('miimon')) } : {}),
          primary: o.get('primary'),
          lacpRate: o.get('lacp_rate'),
          transmitHashPolicy: o.get('xmit_hash_policy'),
        };
        break;
      case 'vxlan':
        l.vxlan = {
          vni: o.has('id') ? Number(o.get('id')) : undefined,
          local: o.has('local') ? ipText(o.get('local')!) : undefined,
          remote: o.has('remote') ? ipText(o.get('remote')!) : undefined,
          group: o.has('group') ? ipText(o.get('group')!) : undefined,
          dev: o.get('dev'),
          port: o.has('dstport') ? Number(o.get('dstport')) : undefined,
          learning: o.has('learning'),
        };
        break;
    }
    const known: Record<string, readonly string[]> = {
      vrf: ['table'],
      vlan: ['id'],
      bridge: ['stp_state'],
      bond: ['mode', 'miimon', 'primary', 'lacp_rate', 'xmit_hash_policy'],
      vxlan: ['id', 'local', 'remote', 'group', 'dev', 'dstport', 'learning', 'nolearning'],
      dummy: [],
    };
    const extra = [...o.keys()].filter((k) => !known[kind]!.includes(k));
    if (extra.length)
      ctx.notes.warn(
        'import/not-expressible',
        ctx.origin,
        `${name}: ${kind} options the intent has no words for: ${extra.join(', ')}`,
      );
    return true;
  }
  if (verb === 'set') {
    // ip link set [dev] NAME [master M | vrf V | nomaster | up | down]…
    const words = rest[0] === 'dev' ? rest.slice(1) : rest;
    const [name, ...opts] = words;
    if (!name) return false;
    for (let i = 0; i < opts.length; i++) {
      const w = opts[i]!;
      if (w === 'master' || w === 'vrf') linkOf(ctx.host, name, ctx.origin).master = opts[++i];
      else if (!['up', 'down', 'nomaster'].includes(w)) return false;
    }
    return true;
  }
  return false;
}

function address(verb: string | undefined, rest: string[], ctx: CommandContext): boolean {
  if (verb !== 'add' && verb !== 'replace') return false;
  const [a, ...more] = rest;
  const o = pairs(more);
  const dev = o.get('dev');
  const cidr = a === undefined ? undefined : addressText(a);
  if (!cidr || !dev || [...o.keys()].some((k) => k !== 'dev')) return false;
  addAddress(linkOf(ctx.host, dev, ctx.origin), { cidr, origin: ctx.origin });
  return true;
}

const ROUTE_TYPES = new Set(['unicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'local', 'broadcast']);

function route(verb: string | undefined, rest: string[], ctx: CommandContext, fam: 4 | 6 | undefined): boolean {
  if (verb !== 'add' && verb !== 'replace' && verb !== 'append') return false;
  let words = rest;
  let type = 'unicast';
  if (ROUTE_TYPES.has(words[0] ?? '')) [type, ...words] = words as [string, ...string[]];
  const [dest, ...more] = words;
  if (dest === undefined) return false;
  const o = pairs(more, ['onlink']);
  const via = o.has('via') ? ipText(o.get('via')!) : undefined;
  const family = fam ?? familyOf(dest) ?? (via ? familyOf(via) : undefined) ?? 4;
  const to = prefixText(dest, family);
  const table = o.get('table') ?? o.get('vrf') ?? 'main';
  const other = [...o.keys()].filter(
    (k) => !['via', 'dev', 'metric', 'table', 'vrf', 'onlink', 'proto', 'protocol'].includes(k),
  );
  if (!to || (o.has('via') && !via) || other.length) return false;
  ctx.host.routes.push({
    table: /^\d+$/.test(table) ? Number(table) : table,
    family,
    to,
    type,
    ...(via ? { via } : {}),
    ...(o.has('dev') ? { dev: o.get('dev') } : {}),
    ...(o.has('metric') ? { metric: Number(o.get('metric')) } : {}),
    onlink: o.has('onlink'),
    origin: ctx.origin,
  });
  return true;
}

function rule(verb: string | undefined, rest: string[], ctx: CommandContext, fam: 4 | 6 | undefined): boolean {
  if (verb !== 'add') return false;
  const o = pairs(rest, ['not']);
  const other = [...o.keys()].filter(
    (k) => !['from', 'to', 'iif', 'oif', 'priority', 'pref', 'preference', 'table', 'lookup'].includes(k),
  );
  const from = o.has('from') && o.get('from') !== 'all' ? prefixText(o.get('from')!) : undefined;
  const to = o.has('to') && o.get('to') !== 'all' ? prefixText(o.get('to')!) : undefined;
  const table = o.get('table') ?? o.get('lookup');
  const priority = o.get('priority') ?? o.get('pref') ?? o.get('preference');
  ctx.host.rules.push({
    family: fam ?? familyOf(from ?? to ?? '') ?? 'both',
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(o.has('iif') ? { iif: o.get('iif') } : {}),
    ...(o.has('oif') ? { oif: o.get('oif') } : {}),
    ...(priority !== undefined ? { priority: Number(priority) } : {}),
    ...(table !== undefined ? { table: /^\d+$/.test(table) ? Number(table) : table } : {}),
    other: other.map((k) => `${k}=${o.get(k)}`),
    origin: ctx.origin,
  });
  return true;
}

/** `dhclient [-4|-6] [options] IFACE`, run inside a VRF (`ip vrf exec V`) or not. */
function dhclient(words: readonly string[], ctx: CommandContext, vrf: string | undefined): boolean {
  if (words.includes('-r') || words.includes('-x')) return true; // the release at down
  const iface = words
    .filter((w, i) => !w.startsWith('-') && !['-pf', '-lf', '-cf'].includes(words[i - 1] ?? ''))
    .at(-1);
  if (!iface) return false;
  const l = linkOf(ctx.host, iface, ctx.origin);
  if (vrf !== undefined && l.master === undefined) l.master = vrf;
  if (words.includes('-6')) l.dhcp6 = true;
  else l.dhcp4 = true;
  return true;
}

/** `echo N > /proc/sys/net/ipv6/conf/IFACE/accept_ra`. */
function acceptRa(words: readonly string[], ctx: CommandContext): boolean {
  const m = words.join(' ').match(/^echo\s+(\d)\s*>\s*\/proc\/sys\/net\/ipv6\/conf\/([^/\s]+)\/accept_ra$/);
  if (!m) return false;
  linkOf(ctx.host, m[2]!, ctx.origin).acceptRa = m[1] !== '0';
  return true;
}

function sysctl(words: readonly string[], ctx: CommandContext): boolean {
  const args = words.filter((w) => w !== '-w' && w !== '-q');
  let all = args.length > 0;
  for (const a of args) {
    const m = a.match(/^net\.ipv4\.(tcp|udp|raw)_l3mdev_accept=(\d)$/);
    if (m) ctx.host.sysctls.push({ key: `${m[1] as 'tcp'}_l3mdev_accept`, value: m[2] !== '0', origin: ctx.origin });
    else all = false;
  }
  return all;
}
