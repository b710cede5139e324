import { erredSince, error, quoted, type Diagnostic, type Path } from '../diagnostics/diagnostics.ts';
import {
  bits,
  compareCidr,
  formatCidr,
  formatIp,
  hasHostBits,
  isLinkLocal,
  network,
  parseCidr,
  parseIp,
  type Cidr,
  type Family,
} from './ip.ts';
import { ISOLATION_METRIC, type Route, type Rule } from './model.ts';
import { checkIfName } from './names.ts';
import { PrefixIndex } from './prefix-index.ts';
import type { IntentVrf } from '../intent/schema.ts';

/** One member address, parsed, with where it came from. */
export interface MemberAddress {
  readonly member: string;
  readonly cidr: Cidr;
  readonly text: string;
  readonly at: Path;
}

/**
 * Parse the addresses of one VRF's members and of the VRF device itself (its name as `member`).
 * Inside one VRF an address may appear once, and one member's subnets may not overlap another's
 * (the kernel would pick one link arbitrarily); one member may hold several addresses in one subnet
 * (secondaries), and across VRFs both are the point.
 */
export function resolveAddresses(
  vrf: string,
  members: readonly { name: string; cfg: { addresses?: string[] | undefined } | null; at: Path }[],
  diags: Diagnostic[],
): MemberAddress[] {
  const owner = (m: string) => (m === vrf ? `vrf device '${m}'` : `member '${m}'`);
  const out: MemberAddress[] = [];
  const byAddress = new Map<string, MemberAddress>(); // `family/value` → first member address
  // The outermost subnets of each member seen so far: a member's own subnets are nested or
  // disjoint, so comparing its outermost ones with the others' finds every overlap between members.
  const prefixes = new PrefixIndex<MemberAddress>();
  for (const { name, cfg, at } of members) {
    const own: MemberAddress[] = [];
    (cfg?.addresses ?? []).forEach((text, i) => {
      const aAt: Path = [...at, 'addresses', i];
      const cidr = parseCidr(text);
      if (!cidr) {
        diags.push(
          error(
            'address/invalid',
            aAt,
            `${owner(name)}: ${quoted(text)} is not an address with prefix length (e.g. 192.0.2.1/24)`,
          ),
        );
        return;
      }
      const same = byAddress.get(`${cidr.family}/${cidr.value}`);
      if (same) {
        diags.push(
          error(
            'address/duplicate',
            aAt,
            `vrf '${vrf}': address ${formatIp(cidr)} is already on ${owner(same.member)}`,
          ),
        );
        return;
      }
      const a = { member: name, cidr, text: formatCidr(cidr), at: aAt };
      byAddress.set(`${cidr.family}/${cidr.value}`, a);
      own.push(a);
    });
    const outer = new PrefixIndex<MemberAddress>();
    const outermost = [...own]
      .sort((a, b) => a.cidr.length - b.cidr.length)
      .filter((a) => {
        if (outer.overlapping(a.cidr)) return false;
        outer.add(a.cidr, a);
        return true;
      });
    const clashes = new Set<MemberAddress>();
    for (const a of outermost) {
      const clash = prefixes.overlapping(a.cidr);
      if (!clash) continue;
      clashes.add(a);
      diags.push(
        error(
          'address/overlap',
          a.at,
          `vrf '${vrf}': subnet ${formatCidr(network(a.cidr))} of ${owner(name)} overlaps ${formatCidr(network(clash.cidr))} of ${owner(clash.member)} in the same vrf`,
        ),
      );
    }
    for (const a of outermost) if (!clashes.has(a)) prefixes.add(a.cidr, a);
    out.push(...own.filter((a) => !clashes.has(a)));
  }
  return out.sort((a, b) => compareCidr(a.cidr, b.cidr));
}

/**
 * Parse a destination/source prefix (no host bits); an address alone is a host prefix (/32, /128),
 * as systemd, netplan and ip(8) read it. `default` needs the family from elsewhere.
 */
export function parsePrefix(text: string, at: Path, what: string, diags: Diagnostic[]): Cidr | undefined {
  const host = text.includes('/') ? undefined : parseIp(text);
  const cidr = host ? { ...host, length: bits(host.family) } : parseCidr(text);
  if (!cidr) {
    diags.push(
      error('prefix/invalid', at, `${what}: ${quoted(text)} is not a prefix (e.g. 198.51.100.0/24 or 2001:db8::/48)`),
    );
  } else if (hasHostBits(cidr)) {
    diags.push(
      error('prefix/host-bits', at, `${what}: ${text} has host bits set; the network is ${formatCidr(network(cidr))}`),
    );
    return undefined;
  }
  return cidr;
}

/** The family of the routers a DHCPv4 lease and an IPv6 router advertisement name. */
const DYNAMIC_FAMILY = { dhcp: 4, ra: 6 } as const;

const ZERO: Record<Family, Cidr> = { 4: { family: 4, value: 0n, length: 0 }, 6: { family: 6, value: 0n, length: 0 } };
/** The default prefixes as printed: every VRF's isolation routes name them. */
const ANY: Record<Family, string> = { 4: formatCidr(ZERO[4]), 6: formatCidr(ZERO[6]) };

/**
 * Routes of one VRF: each gets the VRF's table and, if unicast, the member that carries it (the one
 * whose subnet holds the gateway, or `dev`). Targets write routes where they are bound; they do not
 * decide placement themselves.
 */
export function resolveRoutes(
  vrf: string,
  v: IntentVrf,
  addrs: readonly MemberAddress[],
  diags: Diagnostic[],
): { memberRoutes: Map<string, Route[]>; vrfRoutes: Route[] } {
  const members = new Set(Object.keys(v.interfaces ?? {}));
  const learners = {
    dhcp: [...members].filter((m) => v.interfaces?.[m]?.dhcp4),
    ra: [...members].filter((m) => v.interfaces?.[m]?.['accept-ra']),
  };
  const memberRoutes = new Map<string, Route[]>();
  const vrfRoutes: Route[] = [];
  const seen = new Map<string, Path>();
  /** Each route's parsed destination, for sorting without parsing it again. */
  const dest = new Map<Route, Cidr>();
  const subnets = new PrefixIndex<MemberAddress>();
  const local = new Set<string>();
  for (const a of addrs) {
    subnets.add(a.cidr, a);
    local.add(`${a.cidr.family}/${a.cidr.value}`);
  }
  const subject = (i: number) => `vrf '${vrf}' route ${i}`;

  const add = (r: Route, to: Cidr, what: string) => {
    const key = `${r.to} metric ${r.metric ?? '-'}`;
    if (seen.has(key)) {
      diags.push(
        error(
          'route/duplicate',
          r.at,
          `${what}: another route to ${r.to} with the same metric is already in table ${r.table}`,
        ),
      );
      return;
    }
    seen.set(key, r.at);
    dest.set(r, to);
    if (r.dev !== undefined && r.dev !== vrf)
      memberRoutes
        .set(r.dev, memberRoutes.get(r.dev) ?? [])
        .get(r.dev)!
        .push(r);
    else vrfRoutes.push(r);
  };

  if (v.isolate ?? true) {
    // Documentation/networking/vrf.rst: without an unreachable default in the VRF table, a lookup
    // that misses falls through to the next rules (and the main table), breaking isolation.
    for (const family of [4, 6] as const) {
      const at: Path = v.isolate === undefined ? ['vrfs', vrf] : ['vrfs', vrf, 'isolate'];
      add(
        {
          to: ANY[family],
          family,
          type: 'unreachable',
          metric: ISOLATION_METRIC,
          onlink: false,
          table: v.table,
          isolation: true,
          at,
        },
        ZERO[family],
        `vrf '${vrf}' isolation`,
      );
    }
  }

  (v.routes ?? []).forEach((r, i) => {
    const at: Path = ['vrfs', vrf, 'routes', i];
    const what = subject(i);
    const type = r.type ?? 'unicast';
    const before = diags.length;
    const dynamic = r.via === 'dhcp' || r.via === 'ra' ? r.via : undefined;
    const via = r.via === undefined || dynamic ? undefined : parseIp(r.via);
    if (r.via !== undefined && !dynamic && !via)
      diags.push(
        error('route/invalid-gateway', [...at, 'via'], `${what}: gateway ${quoted(r.via)} is not an IP address`),
      );
    if (r.dev !== undefined) {
      diags.push(...checkIfName(r.dev, [...at, 'dev'], 'route dev', false));
      if (!members.has(r.dev) && r.dev !== vrf)
        diags.push(
          error('route/dev-not-member', [...at, 'dev'], `${what}: dev '${r.dev}' is not a member of vrf '${vrf}'`),
        );
    }
    const gatewayFamily = dynamic ? DYNAMIC_FAMILY[dynamic] : via?.family;
    let to: Cidr | undefined;
    if (r.to === 'default') {
      if (gatewayFamily) to = ZERO[gatewayFamily];
      else if (r.via === undefined)
        diags.push(
          error(
            'route/default-needs-family',
            [...at, 'to'],
            `${what}: 'default' without a gateway is ambiguous; write 0.0.0.0/0 or ::/0`,
          ),
        );
    } else {
      to = parsePrefix(r.to, [...at, 'to'], what, diags);
    }
    if (type !== 'unicast') {
      if (r.via !== undefined || r.dev !== undefined || r.onlink) {
        diags.push(error('route/unexpected-nexthop', at, `${what}: a ${type} route has no gateway, dev or onlink`));
      }
    } else if (r.via === undefined && r.dev === undefined) {
      diags.push(error('route/no-nexthop', at, `${what}: a unicast route needs a gateway (via) or a device (dev)`));
    } else if (r.onlink && (r.dev === undefined || r.via === undefined)) {
      diags.push(
        error('route/onlink-needs-dev', at, `${what}: onlink needs both via and dev (the link the gateway is on)`),
      );
    }
    if (to && gatewayFamily && to.family !== gatewayFamily) {
      diags.push(
        error(
          'route/family-mismatch',
          [...at, 'via'],
          `${what}: gateway ${via ? formatIp(via) : `'${dynamic}'`} is IPv${gatewayFamily} but ${formatCidr(to)} is IPv${to.family}`,
        ),
      );
    }
    let dev = r.dev;
    if (dynamic && type === 'unicast') {
      // The gateway comes with the lease or the advertisement of one member: the route goes there.
      const flag = dynamic === 'dhcp' ? 'dhcp4' : 'accept-ra';
      const candidates = r.dev === undefined ? learners[dynamic] : learners[dynamic].filter((m) => m === r.dev);
      if (r.onlink)
        diags.push(
          error('route/onlink-needs-dev', [...at, 'onlink'], `${what}: a gateway from '${dynamic}' is never onlink`),
        );
      if (candidates.length === 1) dev = candidates[0];
      else
        diags.push(
          error(
            'route/no-dynamic-gateway',
            [...at, 'via'],
            r.dev !== undefined
              ? `${what}: member '${r.dev}' has no ${flag}: true, so it learns no gateway`
              : candidates.length
                ? `${what}: members ${candidates.map((m) => `'${m}'`).join(', ')} all have ${flag}: true; say which with dev`
                : `${what}: no member of vrf '${vrf}' has ${flag}: true, so none learns a gateway`,
          ),
        );
    }
    if (via && type === 'unicast' && !erredSince(diags, before)) {
      // Subnets of different members never overlap (resolveAddresses), so one member holds the gateway.
      const holder = subnets.overlapping({ ...via, length: bits(via.family) });
      const candidates = holder && (r.dev === undefined || holder.member === r.dev) ? [holder] : [];
      if (local.has(`${via.family}/${via.value}`)) {
        diags.push(
          error(
            'route/gateway-is-local',
            [...at, 'via'],
            `${what}: gateway ${formatIp(via)} is an address of this host`,
          ),
        );
      } else if (candidates[0]) {
        dev = candidates[0].member;
      } else if (!r.onlink && !(isLinkLocal(via) && r.dev !== undefined)) {
        const scope = r.dev === undefined ? `member subnet of vrf '${vrf}'` : `subnet of '${r.dev}'`;
        diags.push(
          error(
            'route/unreachable-gateway',
            [...at, 'via'],
            `${what}: no ${scope} contains gateway ${formatIp(via)} (set onlink: true and dev if it is reachable anyway)`,
          ),
        );
      }
    }
    if (erredSince(diags, before) || !to) return;
    add(
      {
        to: formatCidr(to),
        family: to.family,
        type,
        ...(via ? { via: formatIp(via) } : {}),
        ...(dynamic ? { dynamicGateway: dynamic } : {}),
        ...(dev ? { dev } : {}),
        ...(r.metric !== undefined ? { metric: r.metric } : {}),
        onlink: r.onlink ?? false,
        table: v.table,
        isolation: false,
        at,
      },
      to,
      what,
    );
  });

  // Route types are lowercase ASCII words: code-unit order is localeCompare's, without ICU's collator.
  const compare = (a: Route, b: Route): number =>
    compareCidr(dest.get(a)!, dest.get(b)!) ||
    (a.metric ?? -1) - (b.metric ?? -1) ||
    (a.type < b.type ? -1 : a.type > b.type ? 1 : 0);
  for (const rs of memberRoutes.values()) rs.sort(compare);
  return { memberRoutes, vrfRoutes: vrfRoutes.sort(compare) };
}

const RULE_FAMILY = { ipv4: 4, ipv6: 6, both: 'both' } as const;

/**
 * Policy rules that look up the VRF's table. Rules without a priority keep the intent's order (the
 * kernel numbers them by insertion), so sorting is by priority only and stable.
 */
export function resolveRules(vrf: string, v: IntentVrf, diags: Diagnostic[]): Rule[] {
  const rules: Rule[] = [];
  const seen = new Set<string>();
  (v.rules ?? []).forEach((r, i) => {
    const at: Path = ['vrfs', vrf, 'rules', i];
    const what = `vrf '${vrf}' rule ${i}`;
    const before = diags.length;
    const from = r.from === undefined ? undefined : parsePrefix(r.from, [...at, 'from'], what, diags);
    const to = r.to === undefined ? undefined : parsePrefix(r.to, [...at, 'to'], what, diags);
    for (const k of ['iif', 'oif'] as const) {
      const dev = r[k];
      if (dev !== undefined) diags.push(...checkIfName(dev, [...at, k], `rule ${k}`, false));
    }
    if (r.from === undefined && r.to === undefined && r.iif === undefined && r.oif === undefined) {
      diags.push(
        error(
          'rule/no-selector',
          at,
          `${what}: a rule needs at least one of from, to, iif, oif (a rule matching everything would send all traffic to table ${v.table})`,
        ),
      );
    }
    if (from && to && from.family !== to.family) {
      diags.push(
        error('rule/family-mismatch', [...at, 'to'], `${what}: from is IPv${from.family} but to is IPv${to.family}`),
      );
    }
    const prefixFamily = from?.family ?? to?.family;
    const family = r.family === undefined ? undefined : RULE_FAMILY[r.family];
    if (prefixFamily && family !== undefined && family !== prefixFamily) {
      diags.push(
        error(
          'rule/family-mismatch',
          [...at, 'family'],
          `${what}: family ${r.family} does not match ${from ? 'from' : 'to'}, which is IPv${prefixFamily}`,
        ),
      );
    }
    if (erredSince(diags, before)) return;
    const rule: Rule = {
      ...(from ? { from: formatCidr(from) } : {}),
      ...(to ? { to: formatCidr(to) } : {}),
      ...(r.iif !== undefined ? { iif: r.iif } : {}),
      ...(r.oif !== undefined ? { oif: r.oif } : {}),
      ...(r.priority !== undefined ? { priority: r.priority } : {}),
      family: prefixFamily ?? family ?? 'both',
      table: v.table,
      at,
    };
    const key = JSON.stringify([rule.from, rule.to, rule.iif, rule.oif, rule.priority, rule.family]);
    if (seen.has(key)) diags.push(error('rule/duplicate', at, `${what}: the same rule is listed twice`));
    else {
      seen.add(key);
      rules.push(rule);
    }
  });
  const prio = (r: Rule) => r.priority ?? Number.MAX_SAFE_INTEGER;
  return rules.sort((a, b) => prio(a) - prio(b));
}
