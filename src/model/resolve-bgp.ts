import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { erredSince, error, warning, type Diagnostic, type Path } from '../diagnostics/diagnostics.ts';
import { compareCidr, contains, formatCidr, formatIp, overlaps, parseCidr, parseIp, type Cidr } from './ip.ts';
import type { Bgp, BgpDefault, BgpListen, BgpNeighbor, RemoteAs, Route, Secret, Sysctl, Vrf } from './model.ts';
import type { MemberAddress } from './resolve-routing.ts';
import { parsePrefix } from './resolve-routing.ts';
import type { IntentBgp } from '../intent/schema.ts';

/** FRR's `bgp listen limit` default (bgpd.h BGP_DYNAMIC_NEIGHBORS_LIMIT_DEFAULT). */
const LISTEN_LIMIT_DEFAULT = 100;

/** Linux's TCP_MD5SIG_MAXKEYLEN (include/uapi/linux/tcp.h): a longer key cannot be installed. */
const MD5_MAX = 80;

/**
 * ASNs a BGP speaker may not use as its own: 0 (RFC 7607), AS_TRANS 23456 (RFC 6793), 65535 and
 * 4294967295 (RFC 7300, last of their ranges).
 */
const RESERVED_ASN: Record<number, string> = {
  0: 'RFC 7607',
  23456: 'AS_TRANS, RFC 6793',
  65535: 'RFC 7300',
  4294967295: 'RFC 7300',
};

/** Where the intent sits: password-file paths are relative to it. */
export interface SecretBase {
  readonly intentFile: string;
}

/**
 * One VRF's `bgp:` section → the Model's Bgp. FRR's dry run only checks the grammar (`ge 30 le 29`
 * and a listen range outside every subnet load fine), so every semantic rule is checked here.
 */
export function resolveBgp(
  vrf: string,
  b: IntentBgp,
  addrs: readonly MemberAddress[],
  routes: readonly Route[],
  base: SecretBase,
  diags: Diagnostic[],
): Bgp | undefined {
  const at: Path = ['vrfs', vrf, 'bgp'];
  const before = diags.length;
  const reserved = RESERVED_ASN[b.asn];
  // The schema keeps both within 32 bits; these are the values inside that no speaker may use.
  if (reserved)
    diags.push(error('bgp/asn-range', [...at, 'asn'], `vrf '${vrf}': ASN ${b.asn} is reserved (${reserved})`));
  const rid = parseIp(b['router-id']);
  if (!rid || rid.family !== 4) {
    diags.push(
      error(
        'bgp/router-id-invalid',
        [...at, 'router-id'],
        `vrf '${vrf}': router-id ${JSON.stringify(b['router-id'])} is not an IPv4 address (BGP identifiers are 32 bits, RFC 4271)`,
      ),
    );
  }
  const isExternal = (r: RemoteAs) => r === 'external' || (typeof r === 'number' && r !== b.asn);
  const remoteAs = (r: RemoteAs, rAt: Path): RemoteAs => {
    if (typeof r === 'number' && RESERVED_ASN[r])
      diags.push(error('bgp/asn-range', rAt, `vrf '${vrf}': remote-as ${r} is reserved (${RESERVED_ASN[r]})`));
    return r;
  };
  /** The member whose subnet holds `c` whole. */
  const memberFor = (c: Cidr) =>
    addrs.find((a) => a.cidr.family === c.family && a.cidr.length <= c.length && contains(a.cidr, c));

  const neighbors: BgpNeighbor[] = [];
  const seen = new Map<string, number>();
  (b.neighbors ?? []).forEach((n, i) => {
    const nAt: Path = [...at, 'neighbors', i];
    const what = `vrf '${vrf}' neighbor ${i}`;
    const ip = parseIp(n.address);
    const password = secret(n, nAt, what, base, diags);
    const ras = remoteAs(n['remote-as'], [...nAt, 'remote-as']);
    if (!ip || ip.family !== 4) {
      diags.push(
        error(
          'bgp/peer-invalid',
          [...nAt, 'address'],
          `${what}: ${JSON.stringify(n.address)} is not an IPv4 address (the frr target writes IPv4 unicast sessions only)`,
        ),
      );
      return;
    }
    const address = formatIp(ip);
    const member = memberFor({ ...ip, length: 32 });
    if (seen.has(address)) {
      diags.push(
        error(
          'bgp/peer-duplicate',
          [...nAt, 'address'],
          `${what}: peer ${address} is already neighbor ${seen.get(address)}`,
        ),
      );
      return;
    }
    seen.set(address, i);
    if (!member) {
      diags.push(
        error(
          'bgp/peer-unreachable',
          [...nAt, 'address'],
          `${what}: no member subnet of vrf '${vrf}' contains peer ${address}`,
        ),
      );
    } else if (member.cidr.value === ip.value) {
      diags.push(
        error('bgp/peer-is-local', [...nAt, 'address'], `${what}: peer ${address} is an address of this host`),
      );
    } else {
      neighbors.push({
        address,
        remoteAs: ras,
        external: isExternal(ras),
        dev: member.member,
        ...(password ? { password } : {}),
        at: nAt,
      });
    }
  });

  const listen: (BgpListen & { cidr: Cidr })[] = [];
  (b.listen ?? []).forEach((l, i) => {
    const lAt: Path = [...at, 'listen', i];
    const what = `vrf '${vrf}' listen ${i}`;
    const password = secret(l, lAt, what, base, diags);
    const ras = remoteAs(l['remote-as'], [...lAt, 'remote-as']);
    const accept = l.accept && acceptOf(l.accept, [...lAt, 'accept'], what, diags);
    const cidr = parsePrefix(l.range, [...lAt, 'range'], what, diags);
    if (!cidr) return;
    if (cidr.family !== 4) {
      diags.push(
        error(
          'bgp/peer-invalid',
          [...lAt, 'range'],
          `${what}: ${formatCidr(cidr)} is not an IPv4 range (the frr target writes IPv4 unicast sessions only)`,
        ),
      );
      return;
    }
    const member = memberFor(cidr);
    const clash = listen.find((o) => overlaps(o.cidr, cidr));
    if (!member) {
      diags.push(
        error(
          'bgp/range-outside-members',
          [...lAt, 'range'],
          `${what}: range ${formatCidr(cidr)} is not inside a member subnet of vrf '${vrf}', so no peer could reach the listener`,
        ),
      );
    } else if (clash) {
      diags.push(
        error(
          'bgp/peer-duplicate',
          [...lAt, 'range'],
          `${what}: range ${formatCidr(cidr)} overlaps range ${clash.range}; a peer in both would have two configurations`,
        ),
      );
    } else {
      listen.push({
        range: formatCidr(cidr),
        cidr,
        remoteAs: ras,
        external: isExternal(ras),
        dev: member.member,
        ...(password ? { password } : {}),
        ...(accept ? { accept } : {}),
        ...(l.limit !== undefined ? { limit: l.limit } : {}),
        at: lAt,
      });
    }
  });

  const redistribute = [...new Set(b.redistribute ?? [])].sort();
  const own = routes.filter((r) => !r.isolation);
  if (redistribute.includes('static')) {
    const rAt: Path = [...at, 'redistribute'];
    // The frr target writes IPv4 unicast only (docs/targets/frr.md).
    for (const r of own.filter((r) => r.family === 6))
      diags.push(
        warning(
          'bgp/ipv6-not-announced',
          r.at,
          `vrf '${vrf}': route to ${r.to} is IPv6 and is not announced over BGP (the frr target writes IPv4 unicast only)`,
        ),
      );
    if (!own.some((r) => r.family === 4))
      diags.push(
        warning(
          'bgp/nothing-to-redistribute',
          rAt,
          `vrf '${vrf}': redistribute static, but the vrf has no IPv4 routes of its own`,
        ),
      );
  }
  if (erredSince(diags, before) || !rid) return undefined;
  const limited = listen.some((l) => l.limit !== undefined);
  return {
    asn: b.asn,
    routerId: formatIp(rid),
    neighbors: neighbors.sort((x, y) =>
      compareCidr({ ...parseIp(x.address)!, length: 32 }, { ...parseIp(y.address)!, length: 32 }),
    ),
    listen: listen.sort((x, y) => compareCidr(x.cidr, y.cidr)).map(({ cidr: _, ...l }) => l),
    ...(limited ? { listenLimit: listen.reduce((n, l) => n + (l.limit ?? LISTEN_LIMIT_DEFAULT), 0) } : {}),
    redistribute,
    staticRoutes: redistribute.includes('static')
      ? [...new Set(own.filter((r) => r.family === 4).map((r) => r.to))].sort(byPrefix)
      : [],
    importVrfs: [...new Set(b['import-vrfs'] ?? [])].sort(),
    at,
  };
}

const byPrefix = (a: string, b: string): number => compareCidr(parseCidr(a)!, parseCidr(b)!);

/** `accept:` as a prefix-list entry's bounds: prefix length ≤ min-length ≤ max-length. */
function acceptOf(
  a: NonNullable<IntentBgp['listen']>[number]['accept'] & object,
  at: Path,
  what: string,
  diags: Diagnostic[],
): BgpListen['accept'] {
  const prefix = parsePrefix(a.prefix, [...at, 'prefix'], what, diags);
  const min = a['min-length'];
  const max = a['max-length'];
  const before = diags.length;
  if (min > max)
    diags.push(
      error(
        'bgp/accept-lengths',
        [...at, 'min-length'],
        `${what}: accept min-length ${min} is greater than max-length ${max}, so nothing would be accepted`,
      ),
    );
  if (prefix && prefix.family !== 4)
    diags.push(
      error(
        'bgp/peer-invalid',
        [...at, 'prefix'],
        `${what}: accept prefix ${formatCidr(prefix)} is not IPv4 (the frr target writes IPv4 unicast sessions only)`,
      ),
    );
  else if (prefix && prefix.length > min) {
    diags.push(
      error(
        'bgp/accept-lengths',
        [...at, 'min-length'],
        `${what}: accept min-length ${min} is shorter than the prefix ${formatCidr(prefix)} itself`,
      ),
    );
  }
  if (!prefix || erredSince(diags, before)) return undefined;
  return { prefix: formatCidr(prefix), minLength: min, maxLength: max };
}

/**
 * A session's MD5 key: read from password-file (relative to the intent) or taken inline. Messages
 * name the file, never its content.
 */
function secret(
  s: { 'password-file'?: string | undefined; password?: string | undefined },
  at: Path,
  what: string,
  base: SecretBase,
  diags: Diagnostic[],
): Secret | undefined {
  const file = s['password-file'];
  if (file !== undefined && s.password !== undefined) {
    diags.push(error('bgp/password-twice', [...at, 'password'], `${what}: give password-file or password, not both`));
    return undefined;
  }
  let value: string;
  let from: string;
  let pAt: Path;
  if (file !== undefined) {
    pAt = [...at, 'password-file'];
    from = file;
    try {
      // One trailing newline is the file's, not the key's (`echo KEY > file`).
      value = readFileSync(resolvePath(dirname(base.intentFile), file), 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
      diags.push(
        error(
          'bgp/password-unreadable',
          pAt,
          `${what}: password-file ${JSON.stringify(file)} cannot be read (${code})`,
        ),
      );
      return undefined;
    }
  } else if (s.password !== undefined) {
    pAt = [...at, 'password'];
    from = 'inline';
    value = s.password;
    diags.push(
      warning(
        'bgp/password-inline',
        pAt,
        `${what}: the password is written in the intent; keep it in a password-file readable by root only`,
      ),
    );
  } else {
    return undefined;
  }
  // FRR reads the key as one WORD of its config line; Linux takes at most 80 bytes.
  const problem =
    value === ''
      ? 'is empty'
      : /[\s\u0000-\u001f\u007f]/.test(value)
        ? 'contains white space or control characters'
        : Buffer.byteLength(value) > MD5_MAX
          ? `is longer than ${MD5_MAX} bytes (Linux TCP_MD5SIG_MAXKEYLEN)`
          : undefined;
  if (problem) {
    diags.push(
      error(
        'bgp/password-invalid',
        pAt,
        `${what}: the password ${from === 'inline' ? '' : `in ${JSON.stringify(from)} `}${problem}`,
      ),
    );
    return undefined;
  }
  return { value, from };
}

/**
 * Checks across VRFs, once every VRF's BGP is resolved: imported VRFs exist and run BGP, and the
 * default instance FRR creates for `import vrf` is spelled out. A router forwards, so BGP also
 * switches on forwarding: zebra only mirrors the kernel's setting (its running config shows
 * `no ip forwarding` while net.ipv4.ip_forward is 0), and the kernel drops what it would route.
 */
export function resolveBgpLinks(
  vrfs: readonly Vrf[],
  diags: Diagnostic[],
): { bgpDefault?: BgpDefault; forwarding: Sysctl[] } {
  const byName = new Map(vrfs.map((v) => [v.name, v]));
  let bgpDefault: BgpDefault | undefined;
  for (const v of vrfs) {
    if (!v.bgp) continue;
    v.bgp.importVrfs.forEach((name) => {
      const at: Path = [...v.bgp!.at, 'import-vrfs'];
      const other = byName.get(name);
      if (name === v.name) diags.push(error('bgp/import-self', at, `vrf '${v.name}': cannot import its own routes`));
      else if (!other)
        diags.push(error('bgp/import-unknown-vrf', at, `vrf '${v.name}': imported vrf '${name}' is not in the intent`));
      else if (!other.bgp)
        diags.push(
          error(
            'bgp/import-without-bgp',
            at,
            `vrf '${v.name}': imported vrf '${name}' has no bgp section, so it has no BGP routes to leak`,
          ),
        );
    });
    if (v.bgp.importVrfs.length === 0) continue;
    if (!bgpDefault) bgpDefault = { asn: v.bgp.asn, routerId: v.bgp.routerId, from: v.name };
    else if (bgpDefault.asn !== v.bgp.asn) {
      diags.push(
        error(
          'bgp/import-asn-mismatch',
          [...v.bgp.at, 'asn'],
          `vrf '${v.name}': ASN ${v.bgp.asn} differs from ASN ${bgpDefault.asn} of vrf '${bgpDefault.from}'; vrfgen writes the default instance that route leaking creates with one ASN, so every importing vrf needs the same`,
        ),
      );
    }
  }
  const routed = vrfs.find((v) => v.bgp);
  const forwarding: Sysctl[] = routed
    ? ['net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding'].map((key) => ({ key, value: 1, at: routed.bgp!.at }))
    : [];
  return { ...(bgpDefault ? { bgpDefault } : {}), forwarding };
}
