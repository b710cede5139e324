import type { Route, Rule } from '../../src/model/model.ts';

/**
 * What both ifupdown dialects share: where the file goes, how it gets read, and the `ip` commands
 * for routes and rules (neither dialect has a keyword that puts a route into a VRF table).
 */

/** The file ifup reads first; vrfgen never writes it (it belongs to the admin and the installer). */
export const INTERFACES = '/etc/network/interfaces';

/**
 * vrfgen's stanzas. The name has no dot so that classic ifupdown's `source-directory` would take it
 * too (it only reads names matching ^[a-zA-Z0-9_-]+$), and it matches Debian's default
 * `source /etc/network/interfaces.d/*` line, the only include ifupdown2 understands.
 */
export const INTERFACES_D_FILE = '/etc/network/interfaces.d/vrfgen';

/** A shell glob as a regular expression: `*` and `?` stay within one path segment, as in glob(3). */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Whether an interfaces file pulls in `file` directly: a `source` line whose glob matches it, or (classic
 * ifupdown only; ifupdown2 silently treats it as an option of the previous stanza) a
 * `source-directory` line naming its folder. Includes nested in other sourced files are not followed.
 */
export function sources(content: string, file: string, sourceDirectory: boolean): boolean {
  const dir = file.slice(0, file.lastIndexOf('/'));
  const name = file.slice(dir.length + 1);
  return content.split('\n').some((line) => {
    const [keyword, ...args] = line.trim().split(/\s+/);
    if (keyword === 'source') return args.some((g) => globToRegExp(g).test(file));
    if (keyword === 'source-directory' && sourceDirectory)
      return args.some((d) => d.replace(/\/+$/, '') === dir) && /^[a-zA-Z0-9_-]+$/.test(name);
    return false;
  });
}

/** Number then optional parts, joined with spaces: `ip -4 route replace … table 10`. */
export const words = (...parts: (string | number | false | undefined)[]) =>
  parts.filter((p) => p !== false && p !== undefined).join(' ');

/**
 * A route in its table. `replace` makes re-running ifup harmless; a route without `table` would go
 * to main (what ifupdown's `gateway` does), so every command names the table. `gateway` stands in
 * for a gateway learnt at run time (a shell variable in a dhclient hook).
 */
export const ipRoute = (verb: 'replace' | 'del', r: Route, gateway?: string): string =>
  words(
    'ip',
    `-${r.family}`,
    'route',
    verb,
    r.type !== 'unicast' && r.type,
    r.to,
    (r.via ?? gateway) !== undefined && `via ${r.via ?? gateway}`,
    r.dev !== undefined && `dev ${r.dev}`,
    r.onlink && 'onlink',
    r.metric !== undefined && `metric ${r.metric}`,
    `table ${r.table}`,
  );

/** One command per address family: `ip rule` needs -6 for IPv6, and interface-only rules apply to both. */
export const ipRules = (verb: 'add' | 'del', r: Rule): string[] =>
  (r.family === 'both' ? [4, 6] : [r.family]).map((family) =>
    words(
      'ip',
      `-${family}`,
      'rule',
      verb,
      r.from !== undefined && `from ${r.from}`,
      r.to !== undefined && `to ${r.to}`,
      r.iif !== undefined && `iif ${r.iif}`,
      r.oif !== undefined && `oif ${r.oif}`,
      r.priority !== undefined && `priority ${r.priority}`,
      `table ${r.table}`,
    ),
  );

/**
 * Adding a rule is not idempotent (the kernel refuses a duplicate with a priority and stacks one
 * without), so `up` deletes the same rule first; `down` removes it again.
 */
export const ruleUp = (r: Rule): string[] =>
  ipRules('add', r).map((add) => `${add.replace(' rule add ', ' rule del ')} 2>/dev/null; ${add}`);
export const ruleDown = (r: Rule): string[] => ipRules('del', r).map((del) => `${del} || true`);
