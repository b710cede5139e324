import { error, quoted, type Diagnostic, type Path } from '../diagnostics/diagnostics.ts';

/**
 * Names that end up inside generated files and on `ip` command lines. The kernel takes almost any
 * byte string up to 15 bytes, but a name becomes a `Name=` glob in networkd, a word in
 * /etc/network/interfaces and an argument to `ip`, so vrfgen accepts only names that mean the same
 * thing everywhere: letters, digits, '_', '.', '-', starting with a letter or digit.
 */
const IFNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const IFNAMSIZ = 15; // IFNAMSIZ - 1: the kernel stores a terminating NUL

/** `lo` cannot be enslaved; `all` and `default` collide with the conf/all and conf/default sysctl folders. */
const RESERVED = new Set(['lo', 'all', 'default']);

/** No problem: shared, never pushed to (callers spread it). */
const NONE: readonly Diagnostic[] = Object.freeze([]);

/** The first character outside `allowed`, quoted, with its code point when it is not ASCII: a Cyrillic е looks like an e. */
export function firstBad(s: string, allowed: RegExp): string {
  const c = [...s].find((ch) => !allowed.test(ch)) ?? s[0]!;
  const code = c.codePointAt(0)!;
  return code > 0x7e ? `${quoted(c)} (U+${code.toString(16).toUpperCase().padStart(4, '0')})` : quoted(c);
}

/** Problems with an interface name, for `what` (e.g. "vrf", "member", "vlan parent"). */
export function checkIfName(name: string, path: Path, what: string, atKey = true): readonly Diagnostic[] {
  // The common case first, and nothing built for it: resolve checks every name of thousands of VRFs.
  if (IFNAME.test(name) && name.length <= IFNAMSIZ && !RESERVED.has(name)) return NONE;
  const shown = quoted(name);
  if (name === '') return [error('name/empty', path, `${what} name is empty`, atKey)];
  if (!IFNAME.test(name)) {
    const detail = /^[_.-]/.test(name)
      ? 'must start with a letter or digit'
      : `character ${firstBad(name, /[A-Za-z0-9_.-]/)} is not allowed`;
    return [error('name/invalid-char', path, `${what} ${shown}: ${detail} (allowed: A-Z a-z 0-9 _ . -)`, atKey)];
  }
  if (Buffer.byteLength(name) > IFNAMSIZ) {
    return [
      error(
        'name/too-long',
        path,
        `${what} ${shown}: interface names are at most ${IFNAMSIZ} bytes (this one has ${Buffer.byteLength(name)})`,
        atKey,
      ),
    ];
  }
  if (RESERVED.has(name))
    return [error('name/reserved', path, `${what} ${shown}: the name is reserved by the kernel`, atKey)];
  return NONE;
}

/** systemd unit names vrfgen can bind: no escapes, no specifiers, .service (default) or .socket. */
const UNIT = /^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/;
const UNIT_NAME_MAX = 255;
const OTHER_UNIT_TYPES = new Set(['target', 'timer', 'mount', 'automount', 'path', 'slice', 'scope', 'swap', 'device']);

/** Normalise a unit name (`ssh` → `ssh.service`) or report why it cannot be bound. */
export function checkUnitName(name: string, path: Path): { unit?: string; diags: Diagnostic[] } {
  const shown = quoted(name);
  if (!UNIT.test(name) || name.length > UNIT_NAME_MAX) {
    const detail = UNIT.test(name)
      ? `longer than ${UNIT_NAME_MAX} characters`
      : /^[_.:@-]/.test(name) || name === ''
        ? 'must start with a letter or digit'
        : `character ${firstBad(name, /[A-Za-z0-9_.:@-]/)} is not allowed`;
    return {
      diags: [
        error(
          'service/invalid-name',
          path,
          `service ${shown}: not a unit name vrfgen can bind: ${detail} (allowed: A-Z a-z 0-9 _ . : @ -, at most ${UNIT_NAME_MAX} characters)`,
        ),
      ],
    };
  }
  const suffix = name.match(/\.([a-z]+)$/)?.[1] ?? '';
  if (OTHER_UNIT_TYPES.has(suffix)) {
    return {
      diags: [
        error(
          'service/unsupported-type',
          path,
          `service ${shown}: only .service and .socket units run processes that can be bound to a VRF`,
        ),
      ],
    };
  }
  // Like systemctl: a name without a unit type means the service.
  const unit = suffix === 'service' || suffix === 'socket' ? name : `${name}.service`;
  if (/@\.(service|socket)$/.test(unit)) {
    return {
      diags: [
        error(
          'service/template',
          path,
          `service ${shown}: a template needs an instance name (e.g. ${JSON.stringify(unit.replace('@.', '@name.'))})`,
        ),
      ],
    };
  }
  return { unit, diags: [] };
}
