import { erredSince, error, quoted, warning, type Diagnostic, type Path } from '../diagnostics/diagnostics.ts';
import { compareCidr, formatIp, parseCidr, parseIp } from './ip.ts';
import type { BfdProfile, Ospf, OspfInterface, Route } from './model.ts';
import type { IntentBfdProfile, IntentOspf } from '../intent/schema.ts';

/** ospfd's defaults (OSPF_HELLO_INTERVAL_DEFAULT, OSPF_ROUTER_DEAD_INTERVAL_DEFAULT), ospf6d's too. */
const HELLO_DEFAULT = 10;
const DEAD_DEFAULT = 40;

/** bfdd's defaults (frr-bfdd.yang): a profile writes only what differs, as FRR prints it. */
export const BFD_DEFAULTS = { detectMultiplier: 3, receiveInterval: 300, transmitInterval: 300 } as const;

/** A profile name as one word of a config line: bfdd takes 1-64 bytes, vrfgen a safe subset. */
const PROFILE_NAME = /^[A-Za-z0-9_.-]{1,63}$/;

/** A member as OSPF sees it: whether it has an address of each family, or gets one. */
export interface OspfMember {
  readonly name: string;
  readonly ipv4: boolean;
  readonly ipv6: boolean;
}

/** `bfd-profiles:` → the model's profiles, each name checked. */
export function resolveBfdProfiles(
  profiles: Readonly<Record<string, IntentBfdProfile>> | undefined,
  diags: Diagnostic[],
): BfdProfile[] {
  const out: BfdProfile[] = [];
  for (const [name, p] of Object.entries(profiles ?? {})) {
    const at: Path = ['bfd-profiles', name];
    if (!PROFILE_NAME.test(name)) {
      diags.push(
        error(
          'bfd/profile-name',
          at,
          `bfd profile ${quoted(name)}: a profile name is 1-63 bytes of letters, digits, '_', '.' and '-'`,
        ),
      );
      continue;
    }
    out.push({
      name,
      detectMultiplier: p['detect-multiplier'] ?? BFD_DEFAULTS.detectMultiplier,
      receiveInterval: p['receive-interval'] ?? BFD_DEFAULTS.receiveInterval,
      transmitInterval: p['transmit-interval'] ?? BFD_DEFAULTS.transmitInterval,
      at,
    });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * A `bfd:` value: off, on, or on with a profile that `bfd-profiles` defines. `names` holds every
 * profile the intent defines, well named or not, so a bad name is reported once, at its definition.
 */
export function bfdOf(
  value: boolean | string | undefined,
  at: Path,
  what: string,
  names: ReadonlySet<string>,
  used: Set<string>,
  diags: Diagnostic[],
): { bfd: boolean; bfdProfile?: string } {
  if (value === undefined || value === false) return { bfd: false };
  if (value === true) return { bfd: true };
  if (!names.has(value)) {
    diags.push(
      error(
        'bfd/profile-unknown',
        at,
        `${what}: bfd profile ${quoted(value)} is not in bfd-profiles${names.size ? ` (${[...names].sort().join(', ')})` : ''}`,
      ),
    );
    return { bfd: true };
  }
  used.add(value);
  return { bfd: true, bfdProfile: value };
}

/** Every profile the intent defines and nothing names is written anyway; say so. */
export function unusedProfiles(profiles: readonly BfdProfile[], used: ReadonlySet<string>, diags: Diagnostic[]): void {
  for (const p of profiles)
    if (!used.has(p.name))
      diags.push(
        warning(
          'bfd/profile-unused',
          p.at,
          `bfd profile '${p.name}' is named by no BGP neighbour or OSPF interface; FRR gets it all the same`,
        ),
      );
}

/** An area as FRR reads it: a number, or dotted like an IPv4 address. */
function areaOf(
  a: number | string,
  at: Path,
  what: string,
  diags: Diagnostic[],
): { area: string; areaId: string } | undefined {
  if (typeof a === 'number') {
    const id = formatIp({ family: 4, value: BigInt(a) });
    return { area: String(a), areaId: id };
  }
  const ip = /^\d{1,3}(\.\d{1,3}){3}$/.test(a) ? parseIp(a) : undefined;
  if (!ip || ip.family !== 4) {
    diags.push(
      error(
        'ospf/area-invalid',
        at,
        `${what}: area ${quoted(a)} is neither a number (0-4294967295) nor dotted like an IPv4 address (0.0.0.1)`,
      ),
    );
    return undefined;
  }
  const dotted = formatIp(ip);
  return { area: dotted, areaId: dotted };
}

/**
 * FRR's order of interface names (lib/if.c if_cmp_name_func): runs of digits compare by value, so
 * eth2 comes before eth10. `show running-config` lists interfaces in it.
 */
export function compareIfName(a: string, b: string): number {
  const parts = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!;
    const q = y[i]!;
    const numeric = /^\d/.test(p) && /^\d/.test(q);
    const c = numeric ? Number(p) - Number(q) : p < q ? -1 : p > q ? 1 : 0;
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

/**
 * One VRF's `ospf:` section → the Model's Ospf. FRR's dry run takes an interface that is in another
 * VRF, a dead interval shorter than the hello interval and a profile bfdd never heard of, so each is
 * checked here.
 */
export function resolveOspf(
  vrf: string,
  o: IntentOspf,
  members: readonly OspfMember[],
  memberOf: ReadonlyMap<string, string>,
  routes: readonly Route[],
  hasBgp: boolean,
  profiles: ReadonlySet<string>,
  usedProfiles: Set<string>,
  diags: Diagnostic[],
): Ospf | undefined {
  const at: Path = ['vrfs', vrf, 'ospf'];
  const before = diags.length;
  const rid = parseIp(o['router-id']);
  if (!rid || rid.family !== 4)
    diags.push(
      error(
        'ospf/router-id-invalid',
        [...at, 'router-id'],
        `vrf '${vrf}': ospf router-id ${JSON.stringify(o['router-id'])} is not an IPv4 address (OSPF router ids are 32 bits)`,
      ),
    );
  const passiveDefault = o['passive-default'] ?? true;
  const ipv6 = o.ipv6 ?? false;
  const interfaces: OspfInterface[] = [];
  for (const [name, i] of Object.entries(o.interfaces)) {
    const iAt: Path = [...at, 'interfaces', name];
    const what = `vrf '${vrf}' ospf interface ${quoted(name)}`;
    const mark = diags.length;
    const member = members.find((m) => m.name === name);
    if (!member) {
      const other = memberOf.get(name);
      diags.push(
        error(
          'ospf/interface-unknown',
          iAt,
          `${what} is not a member of vrf '${vrf}'${other && other !== vrf ? ` (it is in vrf '${other}')` : ''}; OSPF in a VRF runs on that VRF's members only`,
        ),
      );
    } else if (!member.ipv4)
      diags.push(
        error(
          'ospf/interface-no-ipv4',
          iAt,
          `${what} has no IPv4 address (static or by DHCP), so OSPFv2 cannot run on it`,
        ),
      );
    const area = areaOf(i.area, [...iAt, 'area'], what, diags);
    const hello = i['hello-interval'] ?? HELLO_DEFAULT;
    // ospfd makes it four hellos when only the hello interval is set (RFC 2328's advice).
    const dead = i['dead-interval'] ?? (i['hello-interval'] !== undefined ? 4 * hello : DEAD_DEFAULT);
    if (dead <= hello)
      diags.push(
        error(
          'ospf/dead-interval',
          [...iAt, i['dead-interval'] !== undefined ? 'dead-interval' : 'hello-interval'],
          `${what}: dead-interval ${dead} is not longer than hello-interval ${hello}, so the neighbour is declared down between two hellos`,
        ),
      );
    const bfd = bfdOf(i.bfd, [...iAt, 'bfd'], what, profiles, usedProfiles, diags);
    if (ipv6 && member && !member.ipv6)
      diags.push(
        warning(
          'ospf/interface-no-ipv6',
          iAt,
          `${what} has no IPv6 address (static, DHCPv6 or router advertisements), so OSPFv3 is not written for it`,
        ),
      );
    if (erredSince(diags, mark) || !area || !member) continue;
    interfaces.push({
      name,
      ...area,
      ...(i.cost !== undefined ? { cost: i.cost } : {}),
      passive: i.passive ?? passiveDefault,
      network: i.network ?? 'broadcast',
      helloInterval: hello,
      deadInterval: dead,
      deadGiven: i['dead-interval'] !== undefined,
      ...bfd,
      ipv6: ipv6 && member.ipv6,
      at: iAt,
    });
  }
  const redistribute = [...new Set(o.redistribute ?? [])].sort();
  if (redistribute.includes('bgp') && !hasBgp)
    diags.push(
      error(
        'ospf/redistribute-without-bgp',
        [...at, 'redistribute'],
        `vrf '${vrf}': ospf redistributes bgp, but the vrf has no bgp section`,
      ),
    );
  const own = [...new Set(routes.filter((r) => !r.isolation).map((r) => r.to))].sort((a, b) =>
    compareCidr(parseCidr(a)!, parseCidr(b)!),
  );
  // The same prefixes as BGP's, so both redistribute through one route-map.
  const staticRoutes = redistribute.includes('static') ? own : [];
  if (redistribute.includes('static') && !own.some((p) => ipv6 || !p.includes(':')))
    diags.push(
      warning(
        'ospf/nothing-to-redistribute',
        [...at, 'redistribute'],
        `vrf '${vrf}': ospf redistributes static, but the vrf has no routes of its own${ipv6 ? '' : ' of IPv4'}`,
      ),
    );
  if (erredSince(diags, before) || !rid) return undefined;
  const d = o['default-originate'] ?? false;
  return {
    routerId: formatIp(rid),
    passiveDefault,
    interfaces: interfaces.sort((a, b) => compareIfName(a.name, b.name)),
    redistribute,
    staticRoutes,
    defaultOriginate: d === 'always' ? 'always' : d ? 'yes' : 'no',
    ipv6,
    at,
  };
}
