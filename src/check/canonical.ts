import { formatCidr, formatIp, parseCidr, parseIp, type Family } from '../model/ip.ts';

/**
 * Canonical text (src/model/ip.ts: dotted quad, RFC 5952) for the addresses and prefixes ip prints. ip
 * prints them canonically already, so text that is canonical is kept as printed and only the rest
 * is parsed and printed again: a state of 4000 VRFs holds 12000 addresses and 8000 prefixes, nearly
 * all different (one /24 and one link-local address per link), and parsing IPv6 goes through BigInt.
 * Each shortcut answers "canonical" only for text formatIp/formatCidr would give back unchanged
 * (test/check/parse.test.ts holds them to ip.ts on random addresses).
 */

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const V4 = new RegExp(`^(?:${OCTET}\\.){3}${OCTET}$`);
/** A group as RFC 5952 writes it: lower case, no leading zeros. */
const GROUP = /^(?:0|[1-9a-f][0-9a-f]{0,3})$/;

/** The longest run of `0` groups in `groups`. */
function zeroRun(groups: readonly string[]): number {
  let longest = 0;
  for (let i = 0, run = 0; i < groups.length; i++) longest = Math.max(longest, (run = groups[i] === '0' ? run + 1 : 0));
  return longest;
}

/** Is `s` an IPv6 address written as formatIp writes it? (false: maybe not; ask ip.ts) */
function isCanonicalV6(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  if (![...head, ...tail].every((g) => GROUP.test(g))) return false;
  if (halves.length === 1) return head.length === 8 && zeroRun(head) <= 1; // no run of two zeros left uncompressed
  // `::` stands for the first longest run of two or more zero groups, and all of it.
  const run = 8 - head.length - tail.length;
  return run >= 2 && head.at(-1) !== '0' && tail[0] !== '0' && zeroRun(head) < run && zeroRun(tail) <= run;
}

/** Is `s` an address (either family) written canonically? */
const isCanonical = (s: string): boolean => V4.test(s) || (s.includes(':') && isCanonicalV6(s));

/** `n` as a prefix length for `s` (an address ip printed), canonically: no leading zeros, in range. */
const lengthFits = (s: string, n: number): boolean => n <= (s.includes(':') ? 128 : 32);

/**
 * The rest, remembered: every VRF table of a host repeats the same prefixes. Bounded, as it is fed
 * by the host's output.
 */
const remembered = new Map<string, string>();
function slow(key: string, make: () => string): string {
  let text = remembered.get(key);
  if (text === undefined) {
    text = make();
    if (remembered.size > 100_000) remembered.clear();
    remembered.set(key, text);
  }
  return text;
}

/** An address as ip prints it (no length), canonically; text that is no address stays as it is. */
export const canonicalIp = (s: string): string =>
  isCanonical(s)
    ? s
    : slow(`a ${s}`, () => {
        const ip = parseIp(s);
        return ip ? formatIp(ip) : s;
      });

/** An interface address `local/length`, canonically (host bits kept), or undefined when it is none. */
export function addressCidr(local: string, length: number): string | undefined {
  if (isCanonical(local) && lengthFits(local, length)) return `${local}/${length}`;
  const cidr = parseCidr(`${local}/${length}`);
  return cidr && formatCidr(cidr);
}

/** A route's `dst`: `default`, a prefix, or a host address without a length (ip prints /32 and /128 routes so). */
export function routePrefix(dst: string, family: Family): string {
  if (dst === 'default') return family === 4 ? '0.0.0.0/0' : '::/0';
  const slash = dst.indexOf('/');
  if (slash < 0 && isCanonical(dst)) return `${dst}/${dst.includes(':') ? 128 : 32}`;
  if (slash > 0) {
    const address = dst.slice(0, slash);
    const length = dst.slice(slash + 1);
    if (/^(?:0|[1-9]\d{0,2})$/.test(length) && isCanonical(address) && lengthFits(address, Number(length))) return dst;
  }
  return slow(`p ${dst}`, () => {
    const cidr = parseCidr(slash >= 0 ? dst : `${dst}/${parseIp(dst)?.family === 6 ? 128 : 32}`);
    return cidr ? formatCidr(cidr) : dst;
  });
}
