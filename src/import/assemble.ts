import type { Path } from '../diagnostics/diagnostics.ts';
import type { Intent, IntentMember, IntentRoute, IntentRule, IntentVrf } from '../intent/schema.ts';
import { contains, isLinkLocal, parseCidr, parseIp, type Family } from '../model/ip.ts';
import { ISOLATION_METRIC } from '../model/model.ts';
import { isDefault } from './canonical.ts';
import type { Host, HostLink, HostRoute, HostRule } from './host.ts';
import { where, type Notes } from './notes.ts';

/**
 * A Host (what a reader found) → an intent, with a comment on each choice and on everything left
 * out. The same rules for every source:
 * - a VRF is a link of kind vrf with a table; its members are the links enslaved to it, a bridge's or
 *   bond's ports the links enslaved to those;
 * - routes of a VRF's table go to that VRF; `unreachable default metric 4278198272` in both families
 *   is `isolate` (the default), in neither `isolate: false`;
 * - what the kernel derives by itself is left out: a prefix route of an address (proto kernel), local,
 *   broadcast, multicast and anycast routes, IPv6 link-local addresses and routes, the l3mdev rule and
 *   the default rules; so are routes a DHCP client or an advertisement installed (the member then takes
 *   its lease or advertisements);
 * - links, routes and rules outside every VRF are the default VRF's, not vrfgen's.
 */

/** Kernel route types that are bookkeeping for addresses, not anyone's configuration. */
const ADDRESS_TYPES = new Set(['local', 'broadcast', 'multicast', 'anycast']);
/** Route protocols of what a DHCP client or the kernel's RA handling installs. */
const LEARNED = new Set(['dhcp', 'ra', 'kernel_ra']);
/** Route protocols of routing daemons: what they learned, not configuration (iproute2's rt_protos). */
const DAEMONS = new Set([
  'bgp',
  'ospf',
  'isis',
  'rip',
  'ripng',
  'babel',
  'eigrp',
  'openfabric',
  'nhrp',
  'zebra',
  'bird',
  'gated',
  'mrouted',
  'xorp',
  'ntk',
]);
/** rt_tables' names. */
const NAMED_TABLES: Readonly<Record<string, number>> = { default: 253, main: 254, local: 255 };
const DEFAULT_METRIC: Readonly<Record<Family, number>> = { 4: 0, 6: 1024 };

const isV6LinkLocal = (prefix: string) => {
  const c = parseCidr(prefix);
  return c !== undefined && c.family === 6 && c.length >= 10 && isLinkLocal(c);
};
const isMulticastPrefix = (prefix: string) => /^ff[0-9a-f]{2}:/i.test(prefix) || /^2(2[4-9]|3\d)\./.test(prefix);

export interface Assembled {
  readonly intent: Intent;
  readonly notes: Notes;
}

export function assemble(host: Host, notes: Notes): Assembled {
  const tables = new Map<string, number>();
  const vrfLinks = [...host.links.values()].filter((l) => l.kind === 'vrf').sort(byName);
  for (const v of vrfLinks) {
    if (v.table === undefined)
      notes.error('import/vrf-without-table', v.origin, `vrf '${v.name}' has no routing table`);
    else tables.set(v.name, v.table);
  }
  const tableOf = (t: number | string | undefined): number | undefined =>
    typeof t === 'number'
      ? t
      : t === undefined
        ? undefined
        : /^\d+$/.test(t)
          ? Number(t)
          : (NAMED_TABLES[t] ?? tables.get(t));
  const vrfOfTable = new Map([...tables].map(([name, t]) => [t, name]));

  const vrfs: Record<string, IntentVrf> = {};
  const inVrf = new Set<string>();
  for (const v of vrfLinks) {
    if (v.table === undefined) continue;
    const path = ['vrfs', v.name];
    const vrf: IntentVrf = { table: v.table };
    vrfs[v.name] = vrf;
    inVrf.add(v.name);
    notes.at(path, `from ${where(v.origin)}`);
    const addresses = staticAddresses(v, path, notes);
    if (addresses.length) vrf.addresses = addresses;
    const members = [...host.links.values()].filter((l) => l.master === v.name).sort(byName);
    if (members.length) vrf.interfaces = {};
    for (const m of members) {
      inVrf.add(m.name);
      vrf.interfaces![m.name] = member(host, m, [...path, 'interfaces', m.name], notes, inVrf);
    }
  }

  routesInto(host, vrfs, vrfOfTable, tableOf, notes);
  rulesInto(host, vrfs, vrfOfTable, tableOf, notes);

  for (const s of host.services) {
    const vrf = vrfs[s.vrf];
    if (!vrf) {
      notes.omit(`service ${s.unit}: runs in ${s.vrf}, which is no VRF imported here`, s.origin);
      continue;
    }
    if (Object.values(vrfs).some((x) => x.services?.includes(s.unit))) continue;
    (vrf.services ??= []).push(s.unit);
    notes.at(['vrfs', s.vrf, 'services'], `${s.unit}: ${s.how} (${where(s.origin)})`);
  }
  for (const u of host.unseenServices) notes.omit(`service ${u.unit}: ${u.why}`);

  for (const b of host.bgp) {
    const vrf = vrfs[b.vrf];
    if (!vrf) notes.omit(`BGP instance of ${b.vrf}: no VRF of that name is imported`, b.origin);
    else {
      vrf.bgp = b.bgp as unknown as IntentVrf['bgp'];
      notes.at(['vrfs', b.vrf, 'bgp'], `from ${where(b.origin)}`);
    }
  }

  // vrfgen's own settings for a routing daemon: generate writes each again for a VRF with BGP, so only
  // one whose VRF has no BGP here is left out (and said).
  const vrfOf = (name: string | undefined): string | undefined => {
    for (let l = name === undefined ? undefined : host.links.get(name), hops = 0; l && hops < 3; hops++) {
      if (l.kind === 'vrf') return l.name;
      l = l.master === undefined ? undefined : host.links.get(l.master);
    }
    return undefined;
  };
  for (const d of host.daemonSettings) {
    const vrf = vrfOf(d.link);
    const withBgp =
      d.link === undefined ? Object.values(vrfs).some((v) => v.bgp) : vrf !== undefined && vrfs[vrf]?.bgp !== undefined;
    if (!withBgp)
      notes.omit(
        `${d.text}${d.link === undefined ? '' : ` (${d.link})`}: what vrfgen writes for FRR in a VRF with BGP, and ${d.link === undefined ? 'no VRF has' : `${vrf ?? d.link} has no`} BGP here (frr.conf is read with --from STACK,frr), so generate does not write it`,
        d.origin,
      );
  }

  // The keys in the order the intent reference lists them.
  const ORDER = ['table', 'isolate', 'addresses', 'interfaces', 'routes', 'rules', 'services', 'containers', 'bgp'];
  for (const [name, v] of Object.entries(vrfs))
    vrfs[name] = Object.fromEntries(
      Object.entries(v).sort(([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b)),
    ) as unknown as IntentVrf;
  const intent: Intent = { version: 1, vrfs };
  if (host.platform) (intent as { platform?: string }).platform = host.platform;
  else
    notes.at(
      ['version'],
      'no platform: nothing imported says which one this host runs, so the default (debian-12) applies; set it',
    );

  const sysctl: Record<string, boolean> = {};
  for (const s of host.sysctls) sysctl[s.key] = s.value;
  if (Object.keys(sysctl).length) {
    intent.sysctl = Object.fromEntries(Object.entries(sysctl).sort());
    for (const s of host.sysctls) notes.at(['sysctl'], `from ${where(s.origin)}`);
  }

  vlanParents(host, intent, inVrf, notes);

  const outside = [...host.links.values()].filter((l) => !inVrf.has(l.name) && !isPort(host, l)).map((l) => l.name);
  if (outside.length) notes.omit(`links in the default VRF, not vrfgen's to configure: ${outside.sort().join(', ')}`);
  return { intent, notes };
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const isPort = (host: Host, l: HostLink) => {
  const m = l.master === undefined ? undefined : host.links.get(l.master);
  return m !== undefined && (m.kind === 'bridge' || m.kind === 'bond');
};

/** A link's static addresses; link-local ones and leased ones are said, not imported. */
function staticAddresses(l: HostLink, path: Path, notes: Notes): string[] {
  const out: string[] = [];
  for (const a of l.addresses) {
    const c = parseCidr(a.cidr)!;
    if (c.family === 6 && isLinkLocal(c)) {
      notes.omit(`${l.name}: ${a.cidr}, the IPv6 link-local address the kernel gives every link`, a.origin);
      continue;
    }
    if (a.dynamic) {
      notes.at(path, `${a.cidr} is leased (it has a lifetime), so it is not imported as an address`);
      continue;
    }
    out.push(a.cidr);
  }
  return out;
}

function member(host: Host, m: HostLink, path: Path, notes: Notes, inVrf: Set<string>): IntentMember {
  const out: IntentMember = {};
  const ports = [...host.links.values()].filter((p) => p.master === m.name).sort(byName);
  for (const p of ports) {
    inVrf.add(p.name);
    if (m.kind !== 'bridge' && m.kind !== 'bond')
      notes.warn('import/not-expressible', p.origin, `${p.name} is enslaved to ${m.name}, which is no bridge or bond`);
    if (p.addresses.some((a) => !isLinkLocal(parseCidr(a.cidr)!)))
      notes.warn('import/not-expressible', p.origin, `${p.name}: addresses on a port of ${m.name}`);
  }
  switch (m.kind) {
    case 'vlan':
      if (m.vlan?.parent === undefined || m.vlan.id === undefined)
        notes.warn('import/not-expressible', m.origin, `${m.name}: a VLAN without its parent or id`);
      else out.vlan = { parent: m.vlan.parent, id: m.vlan.id };
      break;
    case 'bridge':
      out.bridge = { ports: ports.map((p) => p.name), ...(m.bridge?.stp ? { stp: true } : {}) };
      break;
    case 'bond':
      out.bond = bond(m, ports, path, notes);
      break;
    case 'dummy':
      out.dummy = {};
      break;
    case 'vxlan':
      out.vxlan = vxlan(m, notes);
      break;
    case 'ethernet':
      if (m.otherKind)
        notes.at(
          path,
          `a ${m.otherKind} link: vrfgen enslaves it, something else creates it (vrfgen creates no ${m.otherKind})`,
        );
      break;
    case 'vrf':
      notes.warn('import/not-expressible', m.origin, `${m.name}: a VRF enslaved to another VRF`);
      break;
  }
  const addresses = staticAddresses(m, path, notes);
  if (addresses.length) out.addresses = addresses;
  const leased = m.addresses.filter((a) => a.dynamic);
  if (m.dhcp4 || leased.some((a) => !a.cidr.includes(':'))) out.dhcp4 = true;
  if (m.dhcp6) out.dhcp6 = true;
  if (m.acceptRa || (!m.dhcp6 && leased.some((a) => a.cidr.includes(':')))) out['accept-ra'] = true;
  if (leased.length && m.dhcp4 === undefined)
    notes.at(path, 'leased addresses: dhcp4 for IPv4, accept-ra for IPv6 (a state cannot tell SLAAC from DHCPv6)');
  return out;
}

function bond(m: HostLink, ports: readonly HostLink[], path: Path, notes: Notes): NonNullable<IntentMember['bond']> {
  const b = m.bond ?? {};
  const modes = ['balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb'];
  const mode = b.mode && modes.includes(b.mode) ? b.mode : 'balance-rr';
  if (b.mode === undefined) notes.at(path, "no bond mode given: the kernel's default, balance-rr");
  else if (!modes.includes(b.mode)) notes.warn('import/not-expressible', m.origin, `${m.name}: bond mode ${b.mode}`);
  const out: NonNullable<IntentMember['bond']> = {
    mode: mode as NonNullable<IntentMember['bond']>['mode'],
    ports: ports.map((p) => p.name),
  };
  if (b.miimon !== undefined && b.miimon !== 100) out.miimon = b.miimon;
  if (b.primary && b.primary !== 'none' && mode === 'active-backup') out.primary = b.primary;
  if ((b.lacpRate === 'fast' || b.lacpRate === 'slow') && mode === '802.3ad') out['lacp-rate'] = b.lacpRate;
  const hash = b.transmitHashPolicy;
  if (hash && (mode === 'balance-xor' || mode === '802.3ad')) {
    if (['layer2', 'layer2+3', 'layer3+4', 'encap2+3', 'encap3+4'].includes(hash))
      out['transmit-hash-policy'] = hash as NonNullable<IntentMember['bond']>['transmit-hash-policy'];
    else notes.warn('import/not-expressible', m.origin, `${m.name}: transmit hash policy ${hash}`);
  }
  return out;
}

function vxlan(m: HostLink, notes: Notes): NonNullable<IntentMember['vxlan']> {
  const x = m.vxlan ?? {};
  if (x.vni === undefined) notes.warn('import/not-expressible', m.origin, `${m.name}: a VXLAN without its VNI`);
  return {
    vni: x.vni ?? 1,
    ...(x.local ? { local: x.local } : {}),
    ...(x.remote ? { remote: x.remote } : {}),
    ...(x.group ? { group: x.group } : {}),
    ...(x.dev ? { dev: x.dev } : {}),
    ...(x.port !== undefined && x.port !== 4789 ? { port: x.port } : {}),
    ...(x.learning ? { learning: true } : {}),
  };
}

/** Each route of a VRF's table into that VRF, the isolation routes into `isolate`. */
function routesInto(
  host: Host,
  vrfs: Record<string, IntentVrf>,
  vrfOfTable: ReadonlyMap<number, string>,
  tableOf: (t: number | string | undefined) => number | undefined,
  notes: Notes,
): void {
  const isolation = new Map<string, Map<Family, HostRoute>>();
  const derived = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const r of host.routes) {
    const table = tableOf(r.table);
    const name = table === undefined ? undefined : vrfOfTable.get(table);
    if (!name) {
      if (table !== 254 && table !== 255)
        notes.omit(`route ${r.to} in table ${r.table}: no VRF has that table`, r.origin);
      continue;
    }
    const key = JSON.stringify([name, r.to, r.type, r.via, r.dev, r.metric ?? DEFAULT_METRIC[r.family]]);
    if (seen.has(key)) continue;
    seen.add(key);
    const say = (why: string) => {
      const list = derived.get(name) ?? [];
      if (!list.includes(`${r.to} (${why})`)) derived.set(name, [...list, `${r.to} (${why})`]);
    };
    if (ADDRESS_TYPES.has(r.type)) {
      say(r.type);
      continue;
    }
    if (r.protocol === 'kernel' && r.type === 'unicast' && !r.via) {
      say('proto kernel');
      continue;
    }
    if (isV6LinkLocal(r.to) || (r.type === 'unicast' && isMulticastPrefix(r.to))) {
      say('link-local or multicast');
      continue;
    }
    if (r.protocol !== undefined && LEARNED.has(r.protocol)) {
      notes.omit(
        `vrf ${name}: route ${r.to}${r.via ? ` via ${r.via}` : ''}, installed by ${r.protocol === 'dhcp' ? 'a DHCP client' : 'a router advertisement'} (its member takes the lease or the advertisements)`,
        r.origin,
      );
      continue;
    }
    if (r.protocol !== undefined && DAEMONS.has(r.protocol)) {
      say(`learned by ${r.protocol}`);
      continue;
    }
    if (r.type === 'unreachable' && isDefault(r.to) && r.metric === ISOLATION_METRIC) {
      const m = isolation.get(name) ?? new Map<Family, HostRoute>();
      m.set(r.family, r);
      isolation.set(name, m);
      continue;
    }
    const route = intentRoute(r, name, host, notes);
    if (route) (vrfs[name]!.routes ??= []).push(route);
  }
  for (const [name, list] of derived)
    notes.omit(
      `vrf ${name}: routes the kernel derives from addresses, or a routing daemon learned: ${list.join(', ')}`,
    );
  for (const name of Object.keys(vrfs)) {
    const found = isolation.get(name);
    const path = ['vrfs', name, 'table'];
    if (found?.size === 2) {
      notes.at(
        path,
        'isolated: an unreachable default at metric 4278198272 in both families, what `isolate` (the default) adds',
      );
      continue;
    }
    vrfs[name]!.isolate = false;
    const at = ['vrfs', name, 'isolate'];
    if (!found) {
      notes.at(
        at,
        'isolate: false, since the table has no unreachable default at metric 4278198272 (a lookup that misses falls through to main)',
      );
      continue;
    }
    const [[family, r]] = [...found] as [[Family, HostRoute]];
    notes.at(
      at,
      `isolate: false, since only the IPv${family} half of the isolation routes is there: kept as a route of its own`,
    );
    (vrfs[name]!.routes ??= []).push({ to: r.to, type: 'unreachable', metric: ISOLATION_METRIC });
  }
}

const ROUTE_TYPES = new Set(['unicast', 'blackhole', 'unreachable', 'prohibit']);

function intentRoute(r: HostRoute, vrf: string, host: Host, notes: Notes): IntentRoute | undefined {
  const what = `vrf ${vrf}: route ${r.to}`;
  if (!ROUTE_TYPES.has(r.type)) {
    notes.warn('import/not-expressible', r.origin, `${what} of type ${r.type}`);
    return undefined;
  }
  if (r.multipath) {
    notes.warn('import/not-expressible', r.origin, `${what} with several next hops (multipath)`);
    return undefined;
  }
  const metric = r.metric !== undefined ? { metric: r.metric } : {};
  if (r.type !== 'unicast') return { to: r.to, type: r.type as IntentRoute['type'], ...metric };
  const dev = r.dev === undefined ? undefined : host.links.get(r.dev);
  if (r.dev !== undefined && r.dev !== vrf && dev?.master !== vrf) {
    notes.warn(
      'import/not-expressible',
      r.origin,
      `${what} through ${r.dev}, which is no member of ${vrf} (a route that leaks into another VRF)`,
    );
    return undefined;
  }
  const to = isDefault(r.to) && r.via ? 'default' : r.to;
  if (!r.via) {
    if (r.dev === undefined || r.dev === vrf) {
      notes.warn('import/not-expressible', r.origin, `${what} without a gateway, on the VRF device itself`);
      return undefined;
    }
    return { to, dev: r.dev, ...metric };
  }
  if (r.via === 'dhcp' || r.via === 'ra')
    return { to, via: r.via, ...(r.dev !== vrf ? { dev: r.dev } : {}), ...metric };
  const via = parseIp(r.via)!;
  // `dev` only where resolving cannot find it: an on-link gateway, a link-local one, or a gateway
  // whose subnet is another member's too (or none's).
  const holders = [...host.links.values()].filter(
    (l) => (l.master === vrf || l.name === vrf) && l.addresses.some((a) => contains(parseCidr(a.cidr)!, via)),
  );
  // The onlink flag is kept as the source says it, but where dev has the gateway's subnet anyway
  // (ifupdown2 sets it on every gateway); a gateway outside every subnet of the VRF needs it.
  const inDevSubnet = holders.some((l) => l.name === r.dev);
  const onlinkable = r.dev !== undefined;
  const onlink = onlinkable && ((r.onlink === true && !inDevSubnet) || (holders.length === 0 && !isLinkLocal(via)));
  if (r.onlink && !onlink)
    notes.omit(
      `vrf ${vrf}: route ${r.to} via ${r.via}: the onlink flag, since ${r.dev} has the gateway's subnet anyway`,
      r.origin,
    );
  const needsDev = onlink || isLinkLocal(via) || holders.length !== 1 || (r.dev !== undefined && !inDevSubnet);
  // The VRF device itself is named only where resolving needs it: an on-link or link-local gateway.
  const devPart =
    needsDev && r.dev !== undefined && (r.dev !== vrf || onlink || isLinkLocal(via)) ? { dev: r.dev } : {};
  return { to, via: r.via, ...devPart, ...metric, ...(onlink ? { onlink: true } : {}) };
}

/** The rules that look up a VRF's table, into that VRF, one family or both. */
function rulesInto(
  host: Host,
  vrfs: Record<string, IntentVrf>,
  vrfOfTable: ReadonlyMap<number, string>,
  tableOf: (t: number | string | undefined) => number | undefined,
  notes: Notes,
): void {
  const found = new Map<
    string,
    { vrf: string; rule: IntentRule; families: Set<Family | 'both'>; origin: HostRule['origin'] }
  >();
  let l3mdev = false;
  for (const r of host.rules) {
    if (r.l3mdev) {
      l3mdev = true;
      continue;
    }
    const table = tableOf(r.table);
    const selectors = r.from ?? r.to ?? r.iif ?? r.oif;
    if (selectors === undefined && r.other.length === 0 && table !== undefined && table >= 253) {
      if (table === 255 && r.priority === 32765)
        notes.omit(
          `rule ${r.family === 'both' ? '' : `(IPv${r.family}) `}local at 32765: the local lookup moved behind the VRFs, what vrfgen's sysctl target does at every boot`,
        );
      continue; // the kernel's own rules: local, main, default
    }
    const vrf = table === undefined ? undefined : vrfOfTable.get(table);
    const text = describeRule(r);
    if (!vrf) {
      notes.omit(`rule ${text}: it looks up no VRF's table`, r.origin);
      continue;
    }
    if (r.other.length) {
      notes.warn('import/not-expressible', r.origin, `vrf ${vrf}: rule ${text} selects by ${r.other.join(', ')}`);
      continue;
    }
    if (selectors === undefined) {
      notes.warn('import/not-expressible', r.origin, `vrf ${vrf}: rule ${text} without a selector`);
      continue;
    }
    const rule: IntentRule = {
      ...(r.from ? { from: r.from } : {}),
      ...(r.to ? { to: r.to } : {}),
      ...(r.iif ? { iif: r.iif } : {}),
      ...(r.oif ? { oif: r.oif } : {}),
      ...(r.priority !== undefined ? { priority: r.priority } : {}),
    };
    const key = JSON.stringify([vrf, rule]);
    const had = found.get(key);
    if (had) had.families.add(r.family);
    else found.set(key, { vrf, rule, families: new Set([r.family]), origin: r.origin });
  }
  for (const { vrf, rule, families } of found.values()) {
    const onInterfaces = !rule.from && !rule.to;
    const both = families.has('both') || (families.has(4) && families.has(6));
    if (onInterfaces && !both) rule.family = families.has(4) ? 'ipv4' : 'ipv6';
    (vrfs[vrf]!.rules ??= []).push(rule);
  }
  if (l3mdev) notes.omit('the l3mdev rule: the kernel adds it with the first VRF, every stack relies on it');
}

const describeRule = (r: HostRule) =>
  [
    r.priority !== undefined ? `priority ${r.priority}` : undefined,
    r.from && `from ${r.from}`,
    r.to && `to ${r.to}`,
    r.iif && `iif ${r.iif}`,
    r.oif && `oif ${r.oif}`,
    r.table !== undefined ? `table ${r.table}` : undefined,
  ]
    .filter(Boolean)
    .join(' ');

/** VLAN parents another file configures (a networkd `.network` the import found), by that file's name. */
function vlanParents(host: Host, intent: Intent, inVrf: ReadonlySet<string>, notes: Notes): void {
  const parents: NonNullable<Intent['vlan-parents']> = {};
  for (const p of host.parentFiles) {
    if (inVrf.has(p.link)) continue;
    const carries = [...host.links.values()].some(
      (l) =>
        inVrf.has(l.name) &&
        ((l.kind === 'vlan' && l.vlan?.parent === p.link) || (l.kind === 'vxlan' && l.vxlan?.dev === p.link)),
    );
    if (!carries) continue;
    parents[p.link] = { 'networkd-file': p.networkdFile };
    notes.at(['vlan-parents', p.link], `configured by ${p.networkdFile}, which vrfgen adds its VLANs to`);
  }
  if (Object.keys(parents).length) intent['vlan-parents'] = parents;
}
