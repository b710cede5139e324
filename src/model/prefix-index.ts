import { bits, overlaps, type Cidr, type Family } from './ip.ts';

const cut = (family: Family, value: bigint, length: number): bigint =>
  length === 0 ? 0n : (value >> BigInt(bits(family) - length)) << BigInt(bits(family) - length);
const key = (family: Family, length: number, value: bigint): string =>
  `${family}/${length}/${cut(family, value, length).toString(16)}`;

/**
 * Up to this many prefixes a lookup compares with each one: cheaper than keeping the maps below,
 * and resolve keeps two indexes per VRF, most of them holding a prefix or two.
 */
const SCAN = 8;

interface Entry<T> {
  readonly cidr: Cidr;
  readonly value: T;
  readonly order: number;
}

/**
 * Prefixes added one by one, and for a new one the earliest added that shares an address with it
 * (one contains the other). Past a few prefixes a lookup costs one step per distinct prefix length,
 * not one per prefix: comparing every pair took minutes for one VRF with 77 000 addresses.
 */
export class PrefixIndex<T> {
  private readonly added: Entry<T>[] = [];
  /** Built once more than SCAN prefixes were added. */
  private index?: {
    /** `family/length/network` of each added prefix → the first one added. */
    readonly exact: Map<string, Entry<T>>;
    /** `family/d/network cut to d` of each added prefix at least d long → the first one added, for every known d. */
    readonly within: Map<string, Entry<T>>;
    /** Every [family, d] seen so far, and as `family/d`. */
    readonly lengths: [Family, number][];
    readonly seen: Set<string>;
  };

  /** The earliest added prefix that overlaps `c`, if any. */
  overlapping(c: Cidr): T | undefined {
    const index = this.index;
    if (!index) return this.added.find((e) => overlaps(e.cidr, c))?.value;
    this.know(c.family, c.length);
    // Added prefixes inside c: cut to c's length they equal c's network.
    let found = index.within.get(key(c.family, c.length, c.value));
    // Added prefixes that contain c: c cut to their length equals their network.
    for (const [family, d] of index.lengths) {
      if (family !== c.family || d > c.length) continue;
      const outer = index.exact.get(key(family, d, c.value));
      if (outer && (!found || outer.order < found.order)) found = outer;
    }
    return found?.value;
  }

  add(c: Cidr, value: T): void {
    const entry = { cidr: c, value, order: this.added.length };
    this.added.push(entry);
    if (this.index) this.indexEntry(entry);
    else if (this.added.length > SCAN) {
      this.index = { exact: new Map(), within: new Map(), lengths: [], seen: new Set() };
      for (const e of this.added) this.indexEntry(e);
    }
  }

  private indexEntry(e: Entry<T>): void {
    const { exact, within, lengths } = this.index!;
    this.know(e.cidr.family, e.cidr.length);
    setFirst(exact, key(e.cidr.family, e.cidr.length, e.cidr.value), e);
    for (const [family, d] of lengths)
      if (family === e.cidr.family && d <= e.cidr.length) setFirst(within, key(family, d, e.cidr.value), e);
  }

  /** A length seen for the first time: index every earlier prefix at it, in the order they were added. */
  private know(family: Family, d: number): void {
    const { within, lengths, seen } = this.index!;
    if (seen.has(`${family}/${d}`)) return;
    seen.add(`${family}/${d}`);
    lengths.push([family, d]);
    for (const e of this.added)
      if (e.cidr.family === family && e.cidr.length >= d) setFirst(within, key(family, d, e.cidr.value), e);
  }
}

function setFirst<K, V>(map: Map<K, V>, k: K, v: V): void {
  if (!map.has(k)) map.set(k, v);
}
