import { bits, formatCidr, formatIp, network, parseCidr, parseIp, type Family } from '../model/ip.ts';

/**
 * Addresses and prefixes as the readers find them (`default`, a bare address, upper case, leading
 * zeros left to the parser to refuse) turned into vrfgen's canonical text, or undefined when they
 * are none.
 */

/** An address without prefix, canonically. */
export function ipText(s: string): string | undefined {
  const ip = parseIp(s.trim());
  return ip && formatIp(ip);
}

/** An interface address `ADDR/LEN` (a bare address is a host prefix), canonically. */
export function addressText(s: string): string | undefined {
  const t = s.trim();
  const c = t.includes('/') ? parseCidr(t) : parseIp(t) && parseCidr(`${t}/${bits(parseIp(t)!.family)}`);
  return c && formatCidr(c);
}

/** A destination prefix: `default`/`all` of a family, a bare address as a host prefix; host bits cleared. */
export function prefixText(s: string, family?: Family): string | undefined {
  const t = s.trim();
  if (t === 'default' || t === 'all' || t === 'any') {
    if (family === undefined) return undefined;
    return family === 4 ? '0.0.0.0/0' : '::/0';
  }
  const a = addressText(t);
  const c = a && parseCidr(a);
  return c && formatCidr(network(c));
}

/** The family of an address or prefix text. */
export const familyOf = (s: string): Family | undefined => parseIp(s.split('/')[0]!.trim())?.family;

/** The default route of a family. */
export const isDefault = (prefix: string): boolean => prefix === '0.0.0.0/0' || prefix === '::/0';
