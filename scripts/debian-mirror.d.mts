/** Debian's archive (every suite: bookworm, trixie, sid...) or its security archive (bookworm-security...). */
export type DebianArchive = 'archive' | 'security';

export interface DebianMirrorOptions {
  /** Where VRFGEN_DEBIAN_MIRROR is read; process.env by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** apt's configuration folder, holding sources.list and sources.list.d/; /etc/apt by default. */
  readonly aptDir?: string;
}

/**
 * The URI of the archive as this machine's apt reaches it (or as VRFGEN_DEBIAN_MIRROR names it), without a
 * trailing slash. Throws, naming VRFGEN_DEBIAN_MIRROR, when no apt source serves it.
 */
export function debianMirror(kind: DebianArchive, options?: DebianMirrorOptions): string;
