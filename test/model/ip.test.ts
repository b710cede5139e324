import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { contains, formatCidr, formatIp, hasHostBits, overlaps, parseCidr, parseIp } from '../../src/model/ip.ts';
import { PrefixIndex } from '../../src/model/prefix-index.ts';

describe('parseIp/formatIp: canonical text', () => {
  test.each([
    ['192.0.2.1', '192.0.2.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal zero runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::', 'fe80::'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
  ])('%s → %s', (given, want) => expect(formatIp(parseIp(given)!)).toBe(want));

  test.each([
    '256.0.0.1',
    '010.0.0.1',
    '1.2.3',
    '1.2.3.4.5',
    ' 1.2.3.4',
    '2001:db8::1::1',
    '2001:db8::1%eth0',
    '12345::',
    'fe80:::1',
    '1:2:3:4:5:6:7:8:9',
    ':1:2:3:4:5:6:7',
    'x',
  ])('rejects %j', (bad) => expect(parseIp(bad)).toBeUndefined());
});

describe('prefixes', () => {
  test.each([
    ['10.0.0.1/24', true],
    ['10.0.0.0/24', false],
    ['2001:db8::/32', false],
    ['2001:db8::1/64', true],
    ['0.0.0.0/0', false],
  ])('%s has host bits: %s', (c, want) => expect(hasHostBits(parseCidr(c)!)).toBe(want));

  test.each(['10.0.0.0/33', '10.0.0.0', '::/129', '10.0.0.0/024', '10.0.0.0/'])('rejects %j', (bad) =>
    expect(parseCidr(bad)).toBeUndefined(),
  );

  test('containment and overlap stay within one family', () => {
    expect(contains(parseCidr('10.0.0.0/8')!, parseIp('10.255.0.1')!)).toBe(true);
    expect(contains(parseCidr('10.0.0.0/8')!, parseIp('11.0.0.1')!)).toBe(false);
    expect(contains(parseCidr('::/0')!, parseIp('10.0.0.1')!)).toBe(false);
    expect(overlaps(parseCidr('10.0.0.0/24')!, parseCidr('10.0.0.128/25')!)).toBe(true);
    expect(overlaps(parseCidr('10.0.0.0/25')!, parseCidr('10.0.0.128/25')!)).toBe(false);
    expect(formatCidr(parseCidr('2001:DB8::1/64')!)).toBe('2001:db8::1/64');
  });
});

describe('PrefixIndex: the earliest added prefix that overlaps, as comparing with each one finds it', () => {
  // Few distinct networks and lengths, so overlaps are common; both families; lists shorter and
  // longer than the index's linear-scan threshold, lookups interleaved with additions.
  const prefix = fc
    .tuple(fc.constantFrom<4 | 6>(4, 6), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 8 }))
    .map(([family, net, extra]) => {
      const length = Math.min(extra + (family === 4 ? 24 : 120), family === 4 ? 32 : 128);
      const shift = BigInt((family === 4 ? 32 : 128) - 8);
      return { family, value: BigInt(net) << (shift - 4n), length };
    });
  test('random sequences of additions and lookups', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), prefix), { maxLength: 60, size: 'max' }), (steps) => {
        const index = new PrefixIndex<number>();
        const added: { cidr: (typeof steps)[number][1]; id: number }[] = [];
        steps.forEach(([isAdd, cidr], id) => {
          const want = added.find((a) => overlaps(a.cidr, cidr))?.id;
          expect(index.overlapping(cidr)).toBe(want);
          if (isAdd) {
            index.add(cidr, id);
            added.push({ cidr, id });
          }
        });
      }),
      { numRuns: 2000, seed: 8 },
    );
  });
});
