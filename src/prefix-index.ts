import { bits, type Cidr, type Family } from './ip.ts';

const cut = (family: Family, value: bigint, length: number): bigint => (length === 0 ? 0n : (value >> BigInt(bits(family) - length)) << BigInt(bits(family) - length));
const key = (family: Family, length: number, value: bigint): string => `${family}/${length}/${cut(family, value, length).toString(16)}`;

/**
 * Prefixes added one by one, and for a new one the earliest added that shares an address with it
 * (one contains the other). A lookup costs one step per distinct prefix length, not one per prefix:
 * comparing every pair took minutes for one VRF with 77 000 addresses.
 */
export class PrefixIndex<T> {
  private readonly added: { readonly cidr: Cidr; readonly value: T; readonly order: number }[] = [];
  /** `family/length/network` of each added prefix → the first one added. */
  private readonly exact = new Map<string, (typeof this.added)[number]>();
  /** `family/d/network cut to d` of each added prefix at least d long → the first one added, for every known d. */
  private readonly within = new Map<string, (typeof this.added)[number]>();
  private readonly lengths = new Set<string>(); // `family/d` for every d seen so far

  /** The earliest added prefix that overlaps `c`, if any. */
  overlapping(c: Cidr): T | undefined {
    this.know(c.family, c.length);
    // Added prefixes inside c: cut to c's length they equal c's network.
    let found = this.within.get(key(c.family, c.length, c.value));
    // Added prefixes that contain c: c cut to their length equals their network.
    for (const fd of this.lengths) {
      const [family, d] = fd.split('/').map(Number) as [Family, number];
      if (family !== c.family || d > c.length) continue;
      const outer = this.exact.get(key(family, d, c.value));
      if (outer && (!found || outer.order < found.order)) found = outer;
    }
    return found?.value;
  }

  add(c: Cidr, value: T): void {
    const entry = { cidr: c, value, order: this.added.length };
    this.added.push(entry);
    this.know(c.family, c.length);
    setFirst(this.exact, key(c.family, c.length, c.value), entry);
    for (const fd of this.lengths) {
      const [family, d] = fd.split('/').map(Number) as [Family, number];
      if (family === c.family && d <= c.length) setFirst(this.within, key(family, d, c.value), entry);
    }
  }

  /** A length seen for the first time: index every earlier prefix at it, in the order they were added. */
  private know(family: Family, d: number): void {
    if (this.lengths.has(`${family}/${d}`)) return;
    this.lengths.add(`${family}/${d}`);
    for (const e of this.added) if (e.cidr.family === family && e.cidr.length >= d) setFirst(this.within, key(family, d, e.cidr.value), e);
  }
}

function setFirst<K, V>(map: Map<K, V>, k: K, v: V): void {
  if (!map.has(k)) map.set(k, v);
}
