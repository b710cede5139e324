/**
 * IP addresses and prefixes, parsed strictly and printed canonically. Every address that reaches an
 * output file is re-printed from its parsed value, so no byte of the intent's spelling survives.
 */
export type Family = 4 | 6;

export interface Ip {
  readonly family: Family;
  readonly value: bigint;
}

/** An address with a prefix length; `value` may have host bits set (interface addresses do). */
export interface Cidr extends Ip {
  readonly length: number;
}

export const bits = (f: Family): number => (f === 4 ? 32 : 128);

const V4_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/; // no leading zeros: '010' is octal to some parsers

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => V4_OCTET.test(p))) return undefined;
  // Summed as a Number (exact below 2^53), converted once: BigInt steps cost more than parsing.
  return BigInt(parts.reduce((acc, p) => acc * 256 + Number(p), 0));
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined; // rejects zone ids ('%eth0') and everything exotic
  let tail: bigint[] = [];
  const v4 = s.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    const n = parseV4(v4[2]!);
    if (n === undefined) return undefined;
    tail = [n >> 16n, n & 0xffffn];
    s = v4[1]!.endsWith('::') ? v4[1]! : v4[1]!.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string): bigint[] | undefined => {
    if (h === '') return [];
    const gs = h.split(':');
    return gs.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g)) ? gs.map((g) => BigInt(`0x${g}`)) : undefined;
  };
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const given = head.length + rest.length + tail.length;
  if (halves.length === 2 ? given > 7 : given !== 8) return undefined;
  const groups = [...head, ...Array<bigint>(8 - given).fill(0n), ...rest, ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parse an IPv4 or IPv6 address (no prefix). */
export function parseIp(s: string): Ip | undefined {
  const v4 = parseV4(s);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = s.includes(':') ? parseV6(s) : undefined;
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

/** Parse `ADDRESS/LENGTH`; the length is required. */
export function parseCidr(s: string): Cidr | undefined {
  const m = s.match(/^([^/]+)\/(\d{1,3})$/);
  if (!m) return undefined;
  const ip = parseIp(m[1]!);
  const length = Number(m[2]);
  if (!ip || length > bits(ip.family) || String(length) !== m[2]) return undefined;
  return { ...ip, length };
}

/** Every netmask, computed once: resolve and the checker ask for thousands. */
const MASKS: Record<Family, readonly bigint[]> = {
  4: Array.from({ length: 33 }, (_, l) => ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - l)) - 1n)),
  6: Array.from({ length: 129 }, (_, l) => ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - l)) - 1n)),
};

const mask = (f: Family, length: number): bigint => MASKS[f][length]!;

/** The network part of a prefix (host bits cleared). */
export const network = (c: Cidr): Cidr => ({ ...c, value: c.value & mask(c.family, c.length) });

export const hasHostBits = (c: Cidr): boolean => network(c).value !== c.value;

/** Does prefix `c` contain address `ip`? */
export const contains = (c: Cidr, ip: Ip): boolean =>
  c.family === ip.family && (ip.value & mask(c.family, c.length)) === network(c).value;

/** Do two prefixes share any address? (one contains the other's network) */
export const overlaps = (a: Cidr, b: Cidr): boolean =>
  a.family === b.family && (a.length <= b.length ? contains(a, b) : contains(b, a));

export const isLinkLocal = (ip: Ip): boolean =>
  ip.family === 6 ? ip.value >> 118n === 0x3fan : ip.value >> 16n === 0xa9fen;

/** Canonical text: dotted quad, or RFC 5952 (lower case, longest zero run compressed). */
export function formatIp(ip: Ip): string {
  if (ip.family === 4) {
    const v = Number(ip.value);
    return `${Math.floor(v / 16777216)}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { at: -1, len: 1 }; // RFC 5952: a single zero group is not compressed
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

export const formatCidr = (c: Cidr): string => `${formatIp(c)}/${c.length}`;

/** Total order: family, then address, then prefix length. */
export const compareCidr = (a: Cidr, b: Cidr): number =>
  a.family - b.family || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) || a.length - b.length;
