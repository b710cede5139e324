import { OWNER } from '../write.ts';
import type { Format } from './index.ts';

/**
 * A POSIX ustar archive of the root tree, for image builders (`tar -C IMAGE -xpf -`): one member per
 * file, paths relative to the root, modes as generated, owned by root:root (uid and gid 0, names
 * root). A file with its own owner carries its names with ids 0: GNU tar, extracting as root, takes
 * the names where the image knows them and falls back to the ids (root) where it does not. Only files: a folder member would reset the mode and mtime of /etc and its folders on
 * extraction; tar creates missing folders itself, as the writer does (0755 under the usual umask).
 * The bytes are deterministic: members sorted by path, and every mtime the bundle's (0, or
 * SOURCE_DATE_EPOCH) instead of the time of the run. They are what GNU tar writes for the same tree
 * with `--format=ustar --owner=root:0 --group=root:0 --mtime=@N` and the same file list. A path
 * longer than ustar holds (a unit name may have 255 characters) gets a pax extended header.
 */
const BLOCK = 512;
/** GNU tar's default record: 20 blocks; the archive is padded to a whole record. */
const RECORD = 20 * BLOCK;

const encoder = new TextEncoder();

/** The largest mtime a 12-byte ustar field holds: 11 octal digits (the year 2242). */
export const MAX_MTIME = 0o77777777777;

/** A ustar numeric field: zero-padded octal and a NUL, `width` bytes in all. */
const octal = (n: number, width: number) => `${n.toString(8).padStart(width - 1, '0')}\0`;

function header(
  name: string,
  prefix: string,
  mode: number,
  size: number,
  mtime: number,
  type: '0' | 'x',
  owner: { user: string; group: string } = OWNER,
): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const put = (offset: number, text: string) => h.set(encoder.encode(text), offset);
  put(0, name);
  put(100, octal(mode, 8));
  put(108, octal(OWNER.uid, 8));
  put(116, octal(OWNER.gid, 8));
  put(124, octal(size, 12));
  put(136, octal(mtime, 12));
  put(148, ' '.repeat(8)); // the checksum is summed with its own field as spaces
  put(156, type);
  put(257, 'ustar\0');
  put(263, '00');
  put(265, owner.user);
  put(297, owner.group);
  put(329, octal(0, 8));
  put(337, octal(0, 8));
  put(345, prefix);
  const sum = h.reduce((a, b) => a + b, 0);
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/**
 * ustar keeps a path as prefix (≤ 155 bytes) + '/' + name (≤ 100 bytes). Like GNU tar, split at the
 * last '/' that leaves a prefix short enough; undefined when the rest is still too long.
 */
function split(path: string): { name: string; prefix: string } | undefined {
  if (encoder.encode(path).length <= 100) return { name: path, prefix: '' };
  const cut = path.lastIndexOf('/', 155);
  if (cut <= 0) return undefined;
  const name = path.slice(cut + 1);
  return encoder.encode(name).length <= 100 && encoder.encode(path.slice(0, cut)).length <= 155
    ? { name, prefix: path.slice(0, cut) }
    : undefined;
}

/** A pax record, `LEN key=value\n`, whose decimal LEN counts its own digits too. */
function paxRecord(key: string, value: string): string {
  const rest = encoder.encode(` ${key}=${value}\n`).length;
  let len = rest + 1;
  while (len !== rest + String(len).length) len = rest + String(len).length;
  return `${len} ${key}=${value}\n`;
}

const padded = (data: Uint8Array) => {
  const out = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
  out.set(data);
  return out;
};

export default {
  name: 'tar',
  render({ files, mtime }) {
    if (!Number.isInteger(mtime) || mtime < 0 || mtime > MAX_MTIME)
      throw new RangeError(`vrfgen: tar mtime ${mtime} is not a whole number of seconds in 0–${MAX_MTIME}`);
    const parts: Uint8Array[] = [];
    for (const f of files) {
      const path = f.path.replace(/^\/+/, '');
      const data = encoder.encode(f.content);
      const fits = split(path);
      if (!fits) {
        const pax = encoder.encode(paxRecord('path', path));
        parts.push(header('././@PaxHeader', '', 0o644, pax.length, mtime, 'x'), padded(pax));
      }
      const { name, prefix } = fits ?? { name: path.slice(-100).replace(/^[^/]*\//, ''), prefix: '' };
      parts.push(header(name, prefix, f.mode, data.length, mtime, '0', f.owner), padded(data));
    }
    parts.push(new Uint8Array(2 * BLOCK)); // end of archive: two zero blocks
    const length = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(Math.ceil(length / RECORD) * RECORD);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  },
} satisfies Format;
