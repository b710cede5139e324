import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { erredSince, error, quoted, warning, type Diagnostic, type Path } from '../diagnostics/diagnostics.ts';
import {
  bits,
  compareCidr,
  contains,
  formatCidr,
  formatIp,
  isLinkLocal,
  network,
  overlaps,
  parseCidr,
  parseIp,
  type Cidr,
  type Family,
} from './ip.ts';
import {
  daemonRouted,
  type Bgp,
  type BgpAccept,
  type BgpDefault,
  type BgpListen,
  type BgpNeighbor,
  type BgpSession,
  type RemoteAs,
  type Route,
  type Secret,
  type Sysctl,
  type Vrf,
} from './model.ts';
import type { MemberAddress } from './resolve-routing.ts';
import { bfdOf } from './resolve-ospf.ts';
import { parsePrefix } from './resolve-routing.ts';
import type { IntentBgp, IntentBgpAccept } from '../intent/schema.ts';

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

/** What a VRF's BGP section needs to know beyond itself: its OSPF, and the BFD profiles. */
export interface BgpContext {
  readonly hasOspf: boolean;
  readonly profiles: ReadonlySet<string>;
  readonly usedProfiles: Set<string>;
}

/** A member as the BGP section sees it: which families it may get an address of without the intent naming one. */
export interface BgpMember {
  readonly name: string;
  readonly dynamic: readonly Family[];
}

type IntentSession = NonNullable<IntentBgp['neighbors']>[number] | NonNullable<IntentBgp['listen']>[number];

/** How a peer or range is reached: the member subnet holding it, or the route to it, whichever is longer. */
interface Reach {
  readonly dev: string;
  readonly route?: string;
}

/**
 * One VRF's `bgp:` section → the Model's Bgp. FRR's dry run only checks the grammar (`ge 30 le 29`
 * and a listen range nothing reaches load fine), so every semantic rule is checked here.
 */
export function resolveBgp(
  vrf: string,
  b: IntentBgp,
  addrs: readonly MemberAddress[],
  routes: readonly Route[],
  members: readonly BgpMember[],
  base: SecretBase,
  ctx: BgpContext,
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
  const own = routes.filter((r) => !r.isolation);
  /** Routes that carry packets somewhere: a blackhole reaches no peer. */
  const unicast = own.filter((r) => r.type === 'unicast' && r.dev !== undefined);

  /**
   * The member subnet or route that holds `c` whole, the longest one as the kernel would pick it (a
   * member subnet when they are as long).
   */
  const reachOf = (c: Cidr): Reach | undefined => {
    const subnet = addrs
      .filter((a) => a.cidr.family === c.family && a.cidr.length <= c.length && contains(a.cidr, c))
      .sort((x, y) => y.cidr.length - x.cidr.length)[0];
    const route = unicast
      .map((r) => ({ r, cidr: parseCidr(r.to)! }))
      .filter((x) => x.cidr.family === c.family && x.cidr.length <= c.length && contains(x.cidr, c))
      .sort((x, y) => y.cidr.length - x.cidr.length)[0];
    if (subnet && (!route || subnet.cidr.length >= route.cidr.length)) return { dev: subnet.member };
    return route ? { dev: route.r.dev!, route: route.r.to } : undefined;
  };

  /** The settings both kinds of session share, checked; undefined after an error. */
  const session = (s: IntentSession, sAt: Path, what: string, family: Family | undefined, reach: Reach | undefined) => {
    const mark = diags.length;
    const password = secret(s, sAt, what, base, diags);
    const ras = remoteAs(s['remote-as'], [...sAt, 'remote-as']);
    const external = isExternal(ras);
    const accept = s.accept && acceptOf(s.accept, family, [...sAt, 'accept'], what, diags);
    const multihop = s.multihop;
    if (multihop !== undefined && !external)
      diags.push(
        warning(
          'bgp/multihop-ibgp',
          [...sAt, 'multihop'],
          `${what}: multihop is for eBGP; iBGP sessions are multihop already, so it is not written`,
        ),
      );
    if (external && multihop === undefined && reach?.route !== undefined)
      diags.push(
        error(
          'bgp/multihop-missing',
          sAt,
          `${what}: an eBGP peer reached through the route to ${reach.route}, not on a member subnet, needs multihop (the TTL), or FRR keeps the session down`,
        ),
      );
    if (s['route-reflector-client'] && external)
      diags.push(
        error(
          'bgp/reflector-client-external',
          [...sAt, 'route-reflector-client'],
          `${what}: route-reflector-client is for iBGP peers; FRR refuses it for an eBGP one`,
        ),
      );
    const src = s['update-source'];
    if (src !== undefined) {
      const m = members.find((x) => x.name === src);
      if (!m)
        diags.push(
          error(
            'bgp/update-source-unknown',
            [...sAt, 'update-source'],
            `${what}: update-source ${quoted(src)} is not a member of vrf '${vrf}'`,
          ),
        );
      else if (
        family &&
        !m.dynamic.includes(family) &&
        !addrs.some((a) => a.member === src && a.cidr.family === family)
      )
        diags.push(
          error(
            'bgp/update-source-family',
            [...sAt, 'update-source'],
            `${what}: update-source '${src}' has no IPv${family} address, so the IPv${family} session cannot start from it`,
          ),
        );
    }
    const bfd = bfdOf(s.bfd, [...sAt, 'bfd'], what, ctx.profiles, ctx.usedProfiles, diags);
    if (erredSince(diags, mark) || !reach || !family) return undefined;
    return {
      remoteAs: ras,
      external,
      family,
      dev: reach.dev,
      ...(reach.route !== undefined ? { route: reach.route } : {}),
      ...(password ? { password } : {}),
      ...(accept ? { accept } : {}),
      ...(multihop !== undefined && external ? { multihop } : {}),
      ...(src !== undefined ? { updateSource: src } : {}),
      reflectorClient: s['route-reflector-client'] ?? false,
      defaultOriginate: s['default-originate'] ?? false,
      export: s.export ?? 'all',
      ...bfd,
      at: sAt,
    } satisfies BgpSession;
  };
  const remoteAs = (r: RemoteAs, rAt: Path): RemoteAs => {
    if (typeof r === 'number' && RESERVED_ASN[r])
      diags.push(error('bgp/asn-range', rAt, `vrf '${vrf}': remote-as ${r} is reserved (${RESERVED_ASN[r]})`));
    return r;
  };

  const neighbors: (BgpNeighbor & { cidr: Cidr })[] = [];
  const seen = new Map<string, number>();
  (b.neighbors ?? []).forEach((n, i) => {
    const nAt: Path = [...at, 'neighbors', i];
    const what = `vrf '${vrf}' neighbor ${i}`;
    const ip = parseIp(n.address);
    if (!ip || (ip.family === 6 && isLinkLocal(ip))) {
      // The rest is still checked, so every problem of the entry shows in one run.
      session(n, nAt, what, ip?.family, undefined);
      diags.push(
        error(
          'bgp/peer-invalid',
          [...nAt, 'address'],
          ip
            ? `${what}: ${formatIp(ip)} is link-local; a session to it needs an interface, which vrfgen does not write (peer with a global address)`
            : `${what}: ${JSON.stringify(n.address)} is not an IPv4 or IPv6 address`,
        ),
      );
      return;
    }
    const address = formatIp(ip);
    const cidr: Cidr = { ...ip, length: bits(ip.family) };
    if (seen.has(address)) {
      session(n, nAt, what, ip.family, undefined);
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
    const reach = reachOf(cidr);
    const s = session(n, nAt, what, ip.family, reach);
    if (addrs.some((a) => a.cidr.family === ip.family && a.cidr.value === ip.value)) {
      diags.push(
        error('bgp/peer-is-local', [...nAt, 'address'], `${what}: peer ${address} is an address of this host`),
      );
    } else if (!reach) {
      diags.push(
        error(
          'bgp/peer-unreachable',
          [...nAt, 'address'],
          `${what}: no member subnet, address or route of vrf '${vrf}' reaches peer ${address}`,
        ),
      );
    } else if (s) neighbors.push({ address, cidr, ...s });
  });

  const listen: (BgpListen & { cidr: Cidr })[] = [];
  /** Every range read, valid or not: an overlap is reported whatever else is wrong with either. */
  const claimed: { range: string; cidr: Cidr }[] = [];
  (b.listen ?? []).forEach((l, i) => {
    const lAt: Path = [...at, 'listen', i];
    const what = `vrf '${vrf}' listen ${i}`;
    const cidr = parsePrefix(l.range, [...lAt, 'range'], what, diags);
    if (!cidr) {
      session(l, lAt, what, undefined, undefined);
      return;
    }
    const reach = reachOf(cidr);
    const s = session(l, lAt, what, cidr.family, reach);
    const clash = claimed.find((o) => overlaps(o.cidr, cidr));
    if (reach && !clash) claimed.push({ range: formatCidr(cidr), cidr });
    if (!reach) {
      diags.push(
        error(
          'bgp/range-unreachable',
          [...lAt, 'range'],
          `${what}: no member subnet, address or route of vrf '${vrf}' holds range ${formatCidr(cidr)} whole, so no peer in it could reach the listener`,
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
    } else if (l['min-peers'] !== undefined && l['min-peers'] > (l.limit ?? LISTEN_LIMIT_DEFAULT)) {
      diags.push(
        error(
          'bgp/min-peers-over-limit',
          [...lAt, 'min-peers'],
          `${what}: min-peers ${l['min-peers']} is more than the ${l.limit ?? LISTEN_LIMIT_DEFAULT} neighbours the range's limit lets in at once, so the check could never pass`,
        ),
      );
    } else if (s) {
      listen.push({
        range: formatCidr(cidr),
        cidr,
        ...s,
        ...(l.limit !== undefined ? { limit: l.limit } : {}),
        ...(l['min-peers'] !== undefined ? { minPeers: l['min-peers'] } : {}),
      });
    }
  });

  const redistribute = [...new Set(b.redistribute ?? [])].sort();
  const staticRoutes = [...new Set(own.map((r) => r.to))].sort(byPrefix);
  // What the table holds exactly, as zebra sees it: the subnets of the static addresses and the routes.
  const subnets = [...new Set(addrs.map((a) => formatCidr(network(a.cidr))))].sort(byPrefix);
  if (redistribute.includes('ospf') && !ctx.hasOspf)
    diags.push(
      error(
        'bgp/redistribute-without-ospf',
        [...at, 'redistribute'],
        `vrf '${vrf}': bgp redistributes ospf, but the vrf has no ospf section`,
      ),
    );
  if (redistribute.includes('static') && staticRoutes.length === 0)
    diags.push(
      warning(
        'bgp/nothing-to-redistribute',
        [...at, 'redistribute'],
        `vrf '${vrf}': redistribute static, but the vrf has no routes of its own`,
      ),
    );

  const announce: string[] = [];
  (b.announce ?? []).forEach((text, i) => {
    const aAt: Path = [...at, 'announce', i];
    const cidr = parsePrefix(text, aAt, `vrf '${vrf}' announce ${i}`, diags);
    if (!cidr) return;
    const prefix = formatCidr(cidr);
    if (subnets.includes(prefix) || staticRoutes.includes(prefix)) announce.push(prefix);
    else
      diags.push(
        error(
          'bgp/announce-unknown',
          aAt,
          `vrf '${vrf}': announce ${prefix} is not a prefix of the vrf's table (a member subnet or address prefix, or a \`routes:\` destination); FRR announces a network only while the table holds exactly that prefix`,
        ),
      );
  });

  const connected = redistribute.includes('connected') ? subnets : [];
  const redistributed = redistribute.includes('static') ? staticRoutes : [];
  const originated = new Set([...announce, ...redistributed, ...connected]);
  for (const s of [...neighbors, ...listen]) {
    if (s.export !== 'own' || [...originated].some((p) => parseCidr(p)!.family === s.family)) continue;
    const what = 'address' in s ? `neighbor ${s.at[4]}` : `listen ${s.at[4]}`;
    diags.push(
      warning(
        'bgp/nothing-to-export',
        [...s.at, 'export'],
        `vrf '${vrf}' ${what}: export own, but the vrf originates no IPv${s.family} prefix (announce, redistribute), so nothing is announced to this peer`,
      ),
    );
  }

  const imports = importsOf(vrf, b['import-vrfs'] ?? [], [...at, 'import-vrfs'], diags);

  if (erredSince(diags, before) || !rid) return undefined;
  const limited = listen.some((l) => l.limit !== undefined);
  return {
    asn: b.asn,
    routerId: formatIp(rid),
    neighbors: neighbors.sort((x, y) => compareCidr(x.cidr, y.cidr)).map(({ cidr: _, ...n }) => n),
    listen: listen.sort((x, y) => compareCidr(x.cidr, y.cidr)).map(({ cidr: _, ...l }) => l),
    ...(limited ? { listenLimit: listen.reduce((n, l) => n + (l.limit ?? LISTEN_LIMIT_DEFAULT), 0) } : {}),
    announce: [...new Set(announce)].sort(byPrefix),
    redistribute,
    staticRoutes: redistributed,
    connected,
    importVrfs: imports.map((i) => i.vrf).sort(),
    importOnly: imports
      .flatMap((i) =>
        i.prefixes
          ? [
              {
                vrf: i.vrf,
                prefixes: i.prefixes.map((p) => p.text),
                prefixAt: Object.fromEntries(i.prefixes.map((p) => [p.text, p.at])),
                at: i.at,
              },
            ]
          : [],
      )
      .sort((x, y) => (x.vrf < y.vrf ? -1 : x.vrf > y.vrf ? 1 : 0)),
    at,
  };
}

type IntentImport = NonNullable<IntentBgp['import-vrfs']>[number];

/** `import-vrfs:` entries: each VRF once, its `only:` prefixes parsed. */
function importsOf(
  vrf: string,
  entries: readonly IntentImport[],
  at: Path,
  diags: Diagnostic[],
): { vrf: string; prefixes?: { text: string; at: Path }[]; at: Path }[] {
  const out: { vrf: string; prefixes?: { text: string; at: Path }[]; at: Path }[] = [];
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const eAt: Path = [...at, i];
    const name = typeof e === 'string' ? e : e.vrf;
    const first = seen.get(name);
    if (first !== undefined) {
      // The plain list of names always allowed a repeat; a repeat that changes the policy is ambiguous.
      if (typeof e !== 'string' || typeof entries[first] !== 'string')
        diags.push(
          error(
            'bgp/import-duplicate',
            eAt,
            `vrf '${vrf}': vrf ${quoted(name)} is imported already (import-vrfs ${first}); give it once, with its only: if any`,
          ),
        );
      return;
    }
    seen.set(name, i);
    if (typeof e === 'string') {
      out.push({ vrf: name, at: eAt });
      return;
    }
    const prefixes: { cidr: Cidr; at: Path }[] = [];
    e.only.forEach((p, j) => {
      const pAt: Path = [...eAt, 'only', j];
      const c = parsePrefix(p, pAt, `vrf '${vrf}' import-vrfs ${i} only ${j}`, diags);
      if (c && !prefixes.some((x) => compareCidr(x.cidr, c) === 0)) prefixes.push({ cidr: c, at: pAt });
    });
    out.push({
      vrf: name,
      prefixes: prefixes
        .sort((x, y) => compareCidr(x.cidr, y.cidr))
        .map((p) => ({ text: formatCidr(p.cidr), at: p.at })),
      at: eAt,
    });
  });
  return out;
}

const byPrefix = (a: string, b: string): number => compareCidr(parseCidr(a)!, parseCidr(b)!);

/**
 * `accept:` as a prefix-list entry's bounds: a prefix of the session's family, and its length ≤
 * min-length ≤ max-length ≤ the family's bits.
 */
function acceptOf(
  a: IntentBgpAccept,
  family: Family | undefined,
  at: Path,
  what: string,
  diags: Diagnostic[],
): BgpAccept | undefined {
  const prefix = parsePrefix(a.prefix, [...at, 'prefix'], what, diags);
  const min = a['min-length'];
  const max = a['max-length'];
  const before = diags.length;
  const most = bits(family ?? 6);
  for (const [key, n] of [
    ['min-length', min],
    ['max-length', max],
  ] as const)
    if (family && n > most)
      diags.push(
        error(
          'bgp/accept-lengths',
          [...at, key],
          `${what}: accept ${key} ${n} is longer than an IPv${family} prefix can be (0-${most})`,
        ),
      );
  if (min > max)
    diags.push(
      error(
        'bgp/accept-lengths',
        [...at, 'min-length'],
        `${what}: accept min-length ${min} is greater than max-length ${max}, so nothing would be accepted`,
      ),
    );
  if (prefix && family && prefix.family !== family)
    diags.push(
      error(
        'bgp/accept-family',
        [...at, 'prefix'],
        `${what}: accept prefix ${formatCidr(prefix)} is IPv${prefix.family}, but the session is IPv${family} and carries IPv${family} routes only`,
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
 * default instance FRR creates for `import vrf` is spelled out. A router forwards, so BGP or OSPF also
 * switches on forwarding: zebra only mirrors the kernel's setting (its running config shows
 * `no ip forwarding` while net.ipv4.ip_forward is 0), and the kernel drops what it would route.
 */
export function resolveBgpLinks(
  vrfs: readonly Vrf[],
  frr: string,
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
    for (const only of v.bgp.importOnly) {
      const other = byName.get(only.vrf);
      if (!other?.bgp) continue;
      for (const prefix of only.prefixes)
        if (!mayHold(other, parseCidr(prefix)!))
          diags.push(
            error(
              'bgp/import-matches-nothing',
              only.prefixAt[prefix]!,
              `vrf '${v.name}': only ${prefix} matches no route vrf '${only.vrf}' can have (what it originates, what its peers' accept filters let in, OSPF's), so nothing would cross`,
            ),
          );
    }
    if (v.bgp.importVrfs.length === 0) continue;
    if (!bgpDefault) bgpDefault = { asn: v.bgp.asn, routerId: v.bgp.routerId, from: v.name };
    else if (bgpDefault.asn !== v.bgp.asn && !sourceAsnOnLeaks(frr)) {
      diags.push(
        error(
          'bgp/import-asn-mismatch',
          [...v.bgp.at, 'asn'],
          `vrf '${v.name}': ASN ${v.bgp.asn} differs from ASN ${bgpDefault.asn} of vrf '${bgpDefault.from}'; FRR ${frr} leaks a route between VRFs without adding the source VRF's ASN to its AS path, so a route can loop back (FRR adds it from 10.2 on); give the VRFs that leak one ASN`,
        ),
      );
    }
  }
  const routed = vrfs.find(daemonRouted);
  const forwarding: Sysctl[] = routed
    ? ['net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding'].map((key) => ({
        key,
        value: 1,
        at: (routed.bgp ?? routed.ospf)!.at,
      }))
    : [];
  return { ...(bgpDefault ? { bgpDefault } : {}), forwarding };
}

/**
 * Whether FRR puts the source VRF's ASN on a route it leaks into a VRF of another ASN, and drops one
 * whose AS path holds the target's (bgpd commit d4426b62d2, first released in 10.2): only then may
 * VRFs with different ASNs leak into each other without a route looping back.
 */
function sourceAsnOnLeaks(frr: string): boolean {
  const [major = 0, minor = 0] = frr.split('.').map(Number);
  return major > 10 || (major === 10 && minor >= 2);
}

/**
 * Whether some BGP route of `v` may lie inside `p` (be `p` or longer): a prefix it originates, one
 * its peers may send past their accept filter (any, without one), a subnet a lease or an
 * advertisement brings (redistribute connected), or what OSPF learns (redistribute ospf). Routes
 * `v` imports itself never leak on (FRR's is_route_injectable_into_vpn).
 */
function mayHold(v: Vrf, p: Cidr): boolean {
  const b = v.bgp!;
  const inside = (text: string) => {
    const c = parseCidr(text)!;
    return c.family === p.family && c.length >= p.length && contains(p, c);
  };
  if ([...b.announce, ...b.staticRoutes, ...b.connected].some(inside)) return true;
  const open = (f: Family) =>
    (b.redistribute.includes('ospf') && (f === 4 || v.ospf?.ipv6 === true)) ||
    (b.redistribute.includes('connected') && v.members.some((m) => (f === 4 ? m.dhcp4 : m.dhcp6 || m.acceptRa)));
  if (open(p.family)) return true;
  return [...b.neighbors, ...b.listen].some((s) => {
    if (s.family !== p.family) return false;
    if (!s.accept) return true;
    const a = parseCidr(s.accept.prefix)!;
    return overlaps(a, p) && Math.max(s.accept.minLength, p.length) <= s.accept.maxLength;
  });
}
