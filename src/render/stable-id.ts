import { createRequire } from 'node:module';

/**
 * Identifiers that other tools require to be unique and that vrfgen derives from names, so the same
 * intent always gives the same bytes (golden files, idempotent writes) and no state is kept.
 */

/** node:crypto, loaded when a target first needs an id rather than by every `generate`. */
let crypto: typeof import('node:crypto') | undefined;
const createHash = (algorithm: string) =>
  (crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).createHash(algorithm);

/** vrfgen's namespace for name-based UUIDs (a random v4 UUID, fixed once). */
const NAMESPACE = Buffer.from('6f1d1c0a9b2e4e5fa0c37d2b8e64f1a5', 'hex');

/** RFC 9562 §5.5 UUID version 5 (SHA-1, name-based) of `name` in vrfgen's namespace. */
export function uuidFromName(name: string): string {
  const b = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** 64 hex digits (SHA-256) for `name`, e.g. a Podman network id. */
export const hexIdFromName = (name: string): string =>
  createHash('sha256').update(`vrfgen:${name}`, 'utf8').digest('hex');
