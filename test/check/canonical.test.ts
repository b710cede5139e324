/**
 * The checker's shortcuts for canonical text (src/check/canonical.ts) keep what ip prints when it
 * is canonical already and parse the rest: held here to what parsing and printing again through
 * src/model/ip.ts gives, on addresses spelled every way ip (or a damaged state file) could spell them.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { formatCidr, formatIp, parseCidr, parseIp } from '../../src/model/ip.ts';
import { addressCidr, canonicalIp, routePrefix } from '../../src/check/canonical.ts';

/** What the shortcuts must agree with: parse, then print (src/check/parse.ts before them). */
const reference = {
  ip: (s: string) => {
    const ip = parseIp(s);
    return ip ? formatIp(ip) : s;
  },
  address: (local: string, length: number) => {
    const cidr = parseCidr(`${local}/${length}`);
    return cidr && formatCidr(cidr);
  },
  prefix: (dst: string, family: 4 | 6) => {
    if (dst === 'default') return family === 4 ? '0.0.0.0/0' : '::/0';
    const cidr = parseCidr(dst.includes('/') ? dst : `${dst}/${parseIp(dst)?.family === 6 ? 128 : 32}`);
    return cidr ? formatCidr(cidr) : dst;
  },
};

/** IPv6 groups, mostly zeros and small numbers (where the spellings differ). */
const groups = fc.array(
  fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 0xf }), fc.integer({ min: 0, max: 0xffff })),
  {
    minLength: 8,
    maxLength: 8,
  },
);

/** One address spelled canonically, with leading zeros, in upper case, uncompressed, or compressed elsewhere. */
const v6 = fc
  .tuple(
    groups,
    fc.nat(7),
    fc.integer({ min: 1, max: 8 }),
    fc.constantFrom('canonical', 'zeros', 'upper', 'full', 'squeeze', 'v4tail'),
  )
  .map(([gs, at, len, how]) => {
    const value = gs.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
    const canonical = formatIp({ family: 6, value });
    const hex = gs.map((g) => g.toString(16));
    switch (how) {
      case 'canonical':
        return canonical;
      case 'zeros':
        return hex.map((h) => h.padStart(4, '0')).join(':');
      case 'upper':
        return canonical.toUpperCase();
      case 'full':
        return hex.join(':');
      case 'squeeze': {
        // `::` over groups at..at+len, whatever they hold (valid only when they are zeros).
        const end = Math.min(8, at + len);
        return `${hex.slice(0, at).join(':')}::${hex.slice(end).join(':')}`;
      }
      default:
        return `${hex.slice(0, 6).join(':')}:${[gs[6]! >> 8, gs[6]! & 255, gs[7]! >> 8, gs[7]! & 255].join('.')}`;
    }
  });

const v4 = fc
  .tuple(
    fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 250, max: 300 })), {
      minLength: 4,
      maxLength: 4,
    }),
    fc.boolean(),
  )
  .map(([os, zeros]) => os.map((o) => (zeros && o < 100 ? String(o).padStart(3, '0') : String(o))).join('.'));

const junk = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:./% '), maxLength: 20 });
const address = fc.oneof(v6, v6, v4, v4, junk);
const length = fc.oneof(fc.integer({ min: 0, max: 129 }), fc.integer({ min: 0, max: 2000 }));
const lengthText = fc.oneof(length.map(String), fc.constantFrom('', '024', '00', '1e1', '+8', '33', '129', '1000'));

test('canonicalIp: what parsing and printing again gives', () => {
  fc.assert(
    fc.property(address, (s) => {
      expect(canonicalIp(s)).toBe(reference.ip(s));
    }),
    { numRuns: 5000 },
  );
});

test('addressCidr: what parsing and printing again gives, host bits kept', () => {
  fc.assert(
    fc.property(address, length, (s, n) => {
      expect(addressCidr(s, n)).toBe(reference.address(s, n));
    }),
    { numRuns: 5000 },
  );
});

test('routePrefix: default, prefixes and host routes as parsing and printing again gives', () => {
  const dst = fc.oneof(
    fc.constant('default'),
    address,
    fc.tuple(address, lengthText).map(([a, l]) => `${a}/${l}`),
    fc.tuple(address, lengthText, lengthText).map(([a, l, m]) => `${a}/${l}/${m}`),
  );
  fc.assert(
    fc.property(dst, fc.constantFrom(4 as const, 6 as const), (d, f) => {
      expect(routePrefix(d, f)).toBe(reference.prefix(d, f));
    }),
    { numRuns: 5000 },
  );
});

test('the comparison can fail: a shortcut that trusted any hex text would disagree', () => {
  // An uncompressed run of zeros is valid IPv6 but not canonical: it must be printed again.
  expect(canonicalIp('2001:db8:0:0:0:0:0:1')).toBe('2001:db8::1');
  expect(canonicalIp('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1');
  expect(canonicalIp('fe80::0:1')).toBe('fe80::1');
  expect('2001:db8:0:0:0:0:0:1').not.toBe(reference.ip('2001:db8:0:0:0:0:0:1'));
});
