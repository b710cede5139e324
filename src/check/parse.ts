import { bits, formatCidr, parseIp, type Family } from '../model/ip.ts';
import { addressCidr, canonicalIp, routePrefix } from './canonical.ts';
import type { LinkSetting } from './facts.ts';

/**
 * Readers for what the probes print. `ip -j` output is external input whose fields vary between
 * iproute2 versions (a `table` that is a number or a string, keys that are only printed with -d or
 * only when non-zero), so the readers are loose: they pick the fields the checker uses, ignore every
 * other key, and turn a field of the wrong shape into "absent" rather than failing. Hand-written
 * guards rather than a schema library: a zod parse per link, address and route was a quarter of
 * `check --state` at 4000 VRFs (8001 links, 36000 routes); test/check/parse.test.ts holds the guards
 * to the zod schemas they replace, on the real captures and on damaged entries. A target's readers
 * of a daemon's JSON (src/check/daemon.ts) use the same guards.
 */
export type Json = Readonly<Record<string, unknown>>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** A non-negative integer, or its decimal text (ip prints some numbers as strings). */
export const count = (v: unknown): number | undefined =>
  typeof v === 'number'
    ? Number.isSafeInteger(v) && v >= 0
      ? v
      : undefined
    : typeof v === 'string' && /^\d+$/.test(v)
      ? Number(v)
      : undefined;
export const flag = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;

export interface Link {
  readonly name: string;
  readonly kind?: string;
  /** The VRF table, for kind vrf. */
  readonly table?: number;
  readonly master?: string;
  readonly flags: readonly string[];
  readonly vlan?: { readonly parent?: string; readonly id?: number };
  /** A bridge's, bond's or VXLAN's settings (linkinfo.info_data), by the checker's names. */
  readonly settings?: Partial<Record<LinkSetting, string | number>>;
}

export interface Address {
  readonly link: string;
  /** Canonical text, e.g. `10.10.0.1/24`. */
  readonly cidr: string;
  readonly state: 'present' | 'tentative' | 'dadfailed';
  /** Obtained by DHCP or SLAAC: not permanent, it has a lifetime. */
  readonly dynamic: boolean;
}

export interface RouteEntry {
  /** The table as a dump of every table prints it (a number, or a name from rt_tables); undefined for main. */
  readonly table?: string;
  readonly type: string;
  /** Canonical prefix, e.g. `0.0.0.0/0`. */
  readonly to: string;
  readonly via?: string;
  readonly dev?: string;
  readonly protocol?: string;
  readonly metric: number;
  readonly multipath: boolean;
}

export interface RuleEntry {
  readonly priority?: number;
  readonly l3mdev: boolean;
  readonly from?: string;
  readonly to?: string;
  readonly iif?: string;
  readonly oif?: string;
  /** As printed: a number, or a name from rt_tables (`main`, or a VRF's name under ifupdown2). */
  readonly table?: string;
  /** Selectors and actions vrfgen does not write (fwmark, ipproto, not, goto…), as `key=value`. */
  readonly other: readonly string[];
}

const [OPEN, CLOSE, BRACE, END_BRACE, QUOTE, BACKSLASH, COMMA] = [0x5b, 0x5d, 0x7b, 0x7d, 0x22, 0x5c, 0x2c];
const isBlank = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * A JSON array's entries that are objects (iproute2 6.1 prints `{}` for every link a filter
 * rejects; readers skip those without the fields they need), each parsed on its own as the array
 * is scanned: the tree of one entry dies young, where the tree of a whole dump (a route dump of
 * 4000 VRFs is 36 000 routes, links.json 5 MB) lived in the old generation until a full collection.
 * Anything but an array is unreadable: throws, on the first entry that is not JSON too (what was
 * read before it is then unknown with the rest: observed.ts).
 */
function* entries(stdout: string): Generator<Json> {
  const n = stdout.length;
  let i = 0;
  while (i < n && isBlank(stdout.charCodeAt(i))) i++;
  if (stdout.charCodeAt(i) !== OPEN) {
    JSON.parse(stdout); // its own error when it is no JSON at all
    throw new Error('not a JSON array');
  }
  i++;
  while (i < n && isBlank(stdout.charCodeAt(i))) i++;
  if (stdout.charCodeAt(i) === CLOSE) i++;
  else
    for (;;) {
      const start = i;
      let depth = 0;
      for (; i < n; i++) {
        const c = stdout.charCodeAt(i);
        if (c === QUOTE) {
          for (i++; i < n && stdout.charCodeAt(i) !== QUOTE; i++) if (stdout.charCodeAt(i) === BACKSLASH) i++;
        } else if (c === OPEN || c === BRACE) depth++;
        else if (c === CLOSE || c === END_BRACE) {
          if (depth === 0) break;
          depth--;
        } else if (c === COMMA && depth === 0) break;
      }
      if (i >= n) throw new SyntaxError('Unexpected end of JSON input');
      const entry: unknown = JSON.parse(stdout.slice(start, i));
      if (isObject(entry)) yield entry;
      if (stdout.charCodeAt(i++) === CLOSE) break;
    }
  while (i < n && isBlank(stdout.charCodeAt(i))) i++;
  if (i < n) throw new SyntaxError('Unexpected non-whitespace character after JSON');
}

/*
 * The readers build each entry as one object literal, absent fields undefined: a spread per optional
 * field cost an object each, for 8001 links and 36000 routes at 4000 VRFs.
 */

export function parseLinks(stdout: string): Link[] {
  const links: Link[] = [];
  for (const l of entries(stdout)) {
    const name = text(l.ifname);
    if (name === undefined) continue;
    const info = isObject(l.linkinfo) ? l.linkinfo : undefined;
    const kind = text(info?.info_kind) || undefined;
    const data = isObject(info?.info_data) ? info.info_data : undefined;
    links.push({
      name,
      flags: strings(l.flags) ?? [],
      kind,
      table: kind === 'vrf' ? count(data?.table) : undefined,
      master: text(l.master) || undefined,
      vlan: kind === 'vlan' ? { parent: text(l.link), id: count(data?.id) } : undefined,
      settings: kind === 'bridge' || kind === 'bond' || kind === 'vxlan' ? settingsOf(kind, data) : undefined,
    });
  }
  return links;
}

/** An address ip printed, canonically; `none` when absent (ip leaves out an unset local or remote). */
const addressOr = (...v: unknown[]): string => {
  const a = v.map(text).find((x) => x !== undefined);
  return a === undefined ? 'none' : canonicalIp(a);
};
const onOff = (v: boolean | undefined) => (v === undefined ? undefined : v ? 'on' : 'off');

/**
 * The settings facts.ts compares, from iproute2's print functions (ip/iplink_bridge.c,
 * iplink_bond.c, iplink_vxlan.c): `stp_state` (0 off; 1 kernel, 2 user STP), the bond's `mode`,
 * `miimon`, `primary` (only when set), `ad_lacp_rate`, `xmit_hash_policy`; the VXLAN's `id`,
 * `local`/`local6`, `remote`/`remote6` (a unicast peer), `group`/`group6`, `link` (the underlay,
 * printed only when set), `port` and `learning`. A field of the wrong shape is left out (absent).
 */
function settingsOf(kind: 'bridge' | 'bond' | 'vxlan', d: Json | undefined): Link['settings'] {
  if (kind === 'bridge') {
    const stp = count(d?.stp_state);
    return { stp: stp === undefined ? undefined : onOff(stp > 0) };
  }
  if (kind === 'bond')
    return {
      mode: text(d?.mode),
      miimon: count(d?.miimon),
      primary: text(d?.primary) ?? 'none',
      'lacp-rate': text(d?.ad_lacp_rate),
      'xmit-hash-policy': text(d?.xmit_hash_policy),
    };
  return {
    vni: count(d?.id),
    local: addressOr(d?.local, d?.local6),
    remote: addressOr(d?.remote, d?.remote6),
    group: addressOr(d?.group, d?.group6),
    dev: text(d?.link) ?? 'none',
    dstport: count(d?.port),
    learning: onOff(flag(d?.learning)),
  };
}

/** ip prints an infinite lifetime (INFINITY_LIFE_TIME) as this number in JSON, `forever` in text. */
const FOREVER = 0xffffffff;

/**
 * An address a DHCP client or SLAAC added: ip prints `dynamic: true` for one without
 * IFA_F_PERMANENT (ipaddress.c print_ifa_flags). The kernel sets that flag on an address added
 * with an infinite lifetime, never on a SLAAC one; a DHCP client adds its lease's lifetime. A
 * finite lifetime counts too, for output without the flag.
 */
const isDynamic = (a: Json): boolean => {
  if (flag(a.dynamic) === true) return true;
  const valid = count(a.valid_life_time);
  return valid !== undefined && valid !== FOREVER;
};

export function parseAddresses(stdout: string): Address[] {
  const addresses: Address[] = [];
  for (const l of entries(stdout)) {
    const link = text(l.ifname);
    // One entry of the wrong shape voids the link's list, as it always has.
    if (link === undefined || !Array.isArray(l.addr_info) || !l.addr_info.every(isObject)) continue;
    for (const a of l.addr_info) {
      const local = text(a.local);
      const length = count(a.prefixlen);
      const cidr = local !== undefined && length !== undefined ? addressCidr(local, length) : undefined;
      if (cidr)
        addresses.push({
          link,
          cidr,
          state: flag(a.dadfailed) ? 'dadfailed' : flag(a.tentative) ? 'tentative' : 'present',
          dynamic: isDynamic(a),
        });
    }
  }
  return addresses;
}

/** Which routes a reader wants: by type (`skip`: dropped before their addresses are read) and by table. */
export interface RouteFilter {
  readonly skip?: ReadonlySet<string>;
  /** The table as printed (undefined: main); false drops the route before anything else is read. */
  readonly table?: (table: string | undefined) => boolean;
}

/**
 * Routes of one family, of one table or of every table (each then with its `table`, which ip leaves
 * out for main); ip omits `type` for unicast and `metric` when it is 0. Each route is handed to
 * `visit` as it is read, so a dump of every table is never held as entries.
 */
export function eachRoute(stdout: string, family: Family, visit: (r: RouteEntry) => void, only?: RouteFilter): void {
  for (const r of entries(stdout)) {
    const table = typeof r.table === 'string' ? r.table : typeof r.table === 'number' ? String(r.table) : undefined;
    if (only?.table && !only.table(table)) continue;
    const dst = text(r.dst);
    if (dst === undefined) continue;
    const type = text(r.type) ?? 'unicast';
    if (only?.skip?.has(type)) continue;
    const via = text(r.gateway);
    visit({
      table,
      type,
      to: routePrefix(dst, family),
      via: via ? canonicalIp(via) : undefined,
      dev: text(r.dev) || undefined,
      protocol: text(r.protocol) || undefined,
      metric: count(r.metric) ?? 0,
      multipath: Array.isArray(r.nexthops),
    });
  }
}

/** The same, as a list. */
export function parseRoutes(stdout: string, family: Family, only?: RouteFilter): RouteEntry[] {
  const routes: RouteEntry[] = [];
  eachRoute(stdout, family, (r) => routes.push(r), only);
  return routes;
}

/** The keys a rule's selectors and lookup are read from; the rest is kept as `other`. */
const RULE_KEYS = new Set([
  'priority',
  'src',
  'srclen',
  'dst',
  'dstlen',
  'iif',
  'oif',
  'table',
  'l3mdev',
  'protocol',
  'flags',
]);

/** ip prints `srclen` only when the prefix is not a single host. */
const ruleSide = (addr: string | undefined, len: number | undefined): string | undefined => {
  if (addr === undefined || addr === 'all') return undefined;
  const ip = parseIp(addr);
  if (!ip) return addr;
  return formatCidr({ ...ip, length: len ?? bits(ip.family) });
};

export function parseRules(stdout: string): RuleEntry[] {
  return [...entries(stdout)].map((r) => {
    const from = ruleSide(text(r.src), count(r.srclen));
    const to = ruleSide(text(r.dst), count(r.dstlen));
    const priority = count(r.priority);
    const iif = text(r.iif);
    const oif = text(r.oif);
    const table = typeof r.table === 'string' || typeof r.table === 'number' ? String(r.table) : undefined;
    return {
      ...(priority !== undefined ? { priority } : {}),
      l3mdev: Object.hasOwn(r, 'l3mdev'),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(iif ? { iif } : {}),
      ...(oif ? { oif } : {}),
      ...(table !== undefined ? { table } : {}),
      other: Object.entries(r)
        .filter(([k]) => !RULE_KEYS.has(k))
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .sort(),
    };
  });
}

/** `sysctl KEY…` output: `key = value` lines. */
export function parseSysctl(stdout: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const m of stdout.matchAll(/^\s*([\w.\-/]+)\s*=\s*(.*?)\s*$/gm)) values.set(m[1]!, m[2]!);
  return values;
}

/** `systemctl show` output: one `Key=Value` per line. */
export function unitProperties(stdout: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  return props;
}

/** A stored `ip vrf identify` answer: `PID VRF`, the VRF empty when the process is in none. */
export function parseIdentify(stdout: string): { pid: number; vrf: string } | undefined {
  const m = stdout.match(/^(\d+)[ \t]*(\S*)\s*$/);
  return m ? { pid: Number(m[1]), vrf: m[2]! } : undefined;
}
