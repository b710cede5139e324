import { z } from 'zod';
import { bits, formatCidr, formatIp, parseCidr, parseIp, type Family } from '../ip.ts';

/**
 * Readers for what the probes print. `ip -j` output is external input whose fields vary between
 * iproute2 versions (a `table` that is a number or a string, keys that are only printed with -d or
 * only when non-zero), so the schemas are loose: they pick the fields the checker uses, tolerate
 * every other key, and turn a field of the wrong shape into "absent" rather than failing. Links,
 * addresses and routes drop the other keys (z.object) instead of copying them (z.looseObject): a
 * link has 25 of them and a 4000-VRF host 8000 links; only rules keep theirs (see RuleEntry.other).
 */
const text = z.string().optional().catch(undefined);
const count = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)])
  .optional()
  .catch(undefined);
const flag = z.boolean().optional().catch(undefined);

const LinkJson = z.object({
  ifname: z.string(),
  flags: z.array(z.string()).catch([]),
  master: text,
  /** The lower device of a VLAN (for a veth, its peer). */
  link: text,
  linkinfo: z
    .object({ info_kind: text, info_data: z.object({ table: count, id: count }).optional().catch(undefined) })
    .optional()
    .catch(undefined),
});

const AddrJson = z.object({
  ifname: z.string(),
  addr_info: z.array(z.object({ local: text, prefixlen: count, tentative: flag, dadfailed: flag })).catch([]),
});

const RouteJson = z.object({
  type: text,
  dst: text,
  gateway: text,
  dev: text,
  protocol: text,
  metric: count,
  nexthops: z.array(z.unknown()).optional().catch(undefined),
});

const RuleJson = z.looseObject({
  priority: count,
  src: text,
  srclen: count,
  dst: text,
  dstlen: count,
  iif: text,
  oif: text,
  table: z.union([z.string(), z.number()]).optional().catch(undefined),
});

export interface Link {
  readonly name: string;
  readonly kind?: string;
  /** The VRF table, for kind vrf. */
  readonly table?: number;
  readonly master?: string;
  readonly flags: readonly string[];
  readonly vlan?: { readonly parent?: string; readonly id?: number };
}

export interface Address {
  readonly link: string;
  /** Canonical text, e.g. `10.10.0.1/24`. */
  readonly cidr: string;
  readonly state: 'present' | 'tentative' | 'dadfailed';
}

export interface RouteEntry {
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

/** A JSON array whose entries match `schema`; entries that do not are left out (iproute2 6.1
 *  prints `{}` for every link a filter rejects). Anything but an array is unreadable: throws. */
function entries<T extends z.ZodType>(stdout: string, schema: T): z.infer<T>[] {
  const json: unknown = JSON.parse(stdout);
  if (!Array.isArray(json)) throw new Error('not a JSON array');
  return json.flatMap((e) => {
    const r = schema.safeParse(e);
    return r.success ? [r.data] : [];
  });
}

export function parseLinks(stdout: string): Link[] {
  return entries(stdout, LinkJson).map((l) => {
    const kind = l.linkinfo?.info_kind;
    const data = l.linkinfo?.info_data;
    return {
      name: l.ifname,
      flags: l.flags,
      ...(kind ? { kind } : {}),
      ...(kind === 'vrf' && data?.table !== undefined ? { table: data.table } : {}),
      ...(l.master ? { master: l.master } : {}),
      ...(kind === 'vlan' ? { vlan: { parent: l.link, id: data?.id } } : {}),
    };
  });
}

export function parseAddresses(stdout: string): Address[] {
  return entries(stdout, AddrJson).flatMap((l) =>
    l.addr_info.flatMap((a) => {
      const cidr = a.local !== undefined && a.prefixlen !== undefined ? parseCidr(`${a.local}/${a.prefixlen}`) : undefined;
      if (!cidr) return [];
      return [{ link: l.ifname, cidr: formatCidr(cidr), state: a.dadfailed ? 'dadfailed' : a.tentative ? 'tentative' : 'present' } as const];
    }),
  );
}

/**
 * Canonical text for what ip prints, remembered: every VRF table of a host repeats the same IPv6
 * link-local and multicast prefixes, and parsing IPv6 goes through BigInt. Bounded, as it is fed by
 * the host's output.
 */
const canonical = new Map<string, string>();
function remembered(key: string, make: () => string): string {
  let text = canonical.get(key);
  if (text === undefined) {
    text = make();
    if (canonical.size > 100_000) canonical.clear();
    canonical.set(key, text);
  }
  return text;
}

/** `default`, a prefix, or a host address without a length (ip prints /32 and /128 routes so). */
function prefix(dst: string, family: Family): string {
  if (dst === 'default') return family === 4 ? '0.0.0.0/0' : '::/0';
  return remembered(`p ${dst}`, () => {
    const cidr = parseCidr(dst.includes('/') ? dst : `${dst}/${parseIp(dst)?.family === 6 ? 128 : 32}`);
    return cidr ? formatCidr(cidr) : dst;
  });
}

const canonicalIp = (s: string): string =>
  remembered(`a ${s}`, () => {
    const ip = parseIp(s);
    return ip ? formatIp(ip) : s;
  });

/** Routes of one table and family; ip omits `type` for unicast and `metric` when it is 0. */
export function parseRoutes(stdout: string, family: Family): RouteEntry[] {
  return entries(stdout, RouteJson).flatMap((r) => {
    if (r.dst === undefined) return [];
    return [
      {
        type: r.type ?? 'unicast',
        to: prefix(r.dst, family),
        ...(r.gateway ? { via: canonicalIp(r.gateway) } : {}),
        ...(r.dev ? { dev: r.dev } : {}),
        ...(r.protocol ? { protocol: r.protocol } : {}),
        metric: r.metric ?? 0,
        multipath: r.nexthops !== undefined,
      },
    ];
  });
}

/** The keys a rule's selectors and lookup are read from; the rest is kept as `other`. */
const RULE_KEYS = new Set(['priority', 'src', 'srclen', 'dst', 'dstlen', 'iif', 'oif', 'table', 'l3mdev', 'protocol', 'flags']);

/** ip prints `srclen` only when the prefix is not a single host. */
const ruleSide = (addr: string | undefined, len: number | undefined): string | undefined => {
  if (addr === undefined || addr === 'all') return undefined;
  const ip = parseIp(addr);
  if (!ip) return addr;
  return formatCidr({ ...ip, length: len ?? bits(ip.family) });
};

export function parseRules(stdout: string): RuleEntry[] {
  return entries(stdout, RuleJson).map((r) => {
    const from = ruleSide(r.src, r.srclen);
    const to = ruleSide(r.dst, r.dstlen);
    return {
      ...(r.priority !== undefined ? { priority: r.priority } : {}),
      l3mdev: Object.hasOwn(r, 'l3mdev'),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(r.iif ? { iif: r.iif } : {}),
      ...(r.oif ? { oif: r.oif } : {}),
      ...(r.table !== undefined ? { table: String(r.table) } : {}),
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

const BgpPeerJson = z.looseObject({ state: text, dynamicPeer: flag, pfxRcd: count });
/** FRR 8.4 nests the summary under the address family (`ipv4Unicast`), and prints `{}` for an instance without neighbours. */
const BgpSummaryJson = z.looseObject({
  ipv4Unicast: z.looseObject({ peers: z.record(z.string(), BgpPeerJson).catch({}) }).optional().catch(undefined),
});

export interface BgpPeer {
  readonly address: string;
  readonly state: string;
  readonly dynamic: boolean;
  /** Prefixes the peer sent that passed the inbound policy (FRR's PfxRcd). */
  readonly accepted: number;
}

/** `vtysh -c 'show bgp vrf NAME summary json'`: the sessions, static and dynamic. */
export function parseBgpSummary(stdout: string): BgpPeer[] {
  const peers = BgpSummaryJson.parse(JSON.parse(stdout)).ipv4Unicast?.peers ?? {};
  return Object.entries(peers).map(([address, p]) => ({ address, state: p.state ?? '?', dynamic: p.dynamicPeer ?? false, accepted: p.pfxRcd ?? 0 }));
}

const BgpPathJson = z.looseObject({ valid: flag, peerId: text });
const BgpRoutesJson = z.looseObject({ localAS: count, routerId: text, routes: z.record(z.string(), z.array(BgpPathJson).catch([])).catch({}) });

export interface BgpTable {
  readonly as?: number;
  readonly routerId?: string;
  /** Each valid path: its prefix and the peer it came from (`(unspec)`: this router's own, or leaked). */
  readonly paths: readonly { readonly prefix: string; readonly peer: string }[];
}

/** `vtysh -c 'show bgp vrf NAME ipv4 unicast json'`: the instance (printed even without neighbours) and its paths. */
export function parseBgpRoutes(stdout: string): BgpTable {
  const t = BgpRoutesJson.parse(JSON.parse(stdout));
  const paths = Object.entries(t.routes).flatMap(([prefix, ps]) => {
    const cidr = parseCidr(prefix);
    return cidr ? ps.filter((p) => p.valid !== false).map((p) => ({ prefix: formatCidr(cidr), peer: p.peerId ?? '?' })) : [];
  });
  return { ...(t.localAS !== undefined ? { as: t.localAS } : {}), ...(t.routerId !== undefined ? { routerId: t.routerId } : {}), paths };
}
