/**
 * One vocabulary of facts for every network stack, so that their outputs can be compared with each
 * other: the VRF devices and tables, members, addresses, VLANs, and routes and rules with the link
 * that carries them. vrfgen's networkd tree (which the real systemd-networkd loads in
 * consumers.test.ts) is the reference; netplan's generated files, ifupdown2's parse and classic
 * ifupdown's command stream are turned into the same lines and must come out equal.
 *
 *   vrf mgmt table 10
 *   member eth1 vrf mgmt
 *   address eth1 10.10.0.1/24
 *   vlan eth0.100 parent eth0 id 100
 *   address blue 127.0.0.1/8                       (on the VRF device itself)
 *   link br0 kind bridge stp off
 *   link bond0 kind bond mode active-backup miimon 100 [primary eth5] [lacp-rate fast] [hash layer3+4]
 *   link anycast0 kind dummy
 *   link vx100 kind vxlan vni 100 [local 10.0.0.1] [remote 10.0.0.2 | group 239.1.1.1] [dev eth0] port 4789 learning off
 *   port eth3 master br0
 *   dhcp eth1 ipv4 | dhcp eth1 ipv6 | ra eth1
 *   route on eth1 table 10 unicast 10.0.0.0/8 via dhcp dev eth1       (a gateway the member learns: via dhcp | via ra)
 *   route on eth1 table 10 unicast 0.0.0.0/0 via 10.10.0.254 dev eth1
 *   route on mgmt table 10 unreachable ::/0 metric 4278198272
 *   rule on production table 20 ipv4 from 192.0.2.0/24 priority 100
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

type Section = { name: string; entries: [string, string][] };

function parseIni(text: string): Section[] {
  const sections: Section[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) sections.push({ name: head[1]!, entries: [] });
    else {
      const eq = line.indexOf('=');
      if (eq > 0 && sections.length)
        sections.at(-1)!.entries.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
    }
  }
  return sections;
}

const values = (sections: Section[], section: string, key: string) =>
  sections.filter((s) => s.name === section).flatMap((s) => s.entries.filter(([k]) => k === key).map(([, v]) => v));

/** A u32 as networkd would read it; anything else is shown as it is, so a comparison fails on it. */
const u32 = (v: string) => (/^\d+$/.test(v) && Number(v) <= 0xffffffff ? String(Number(v)) : `INVALID(${v})`);

const familyOf = (prefix: string) => (prefix.includes(':') ? 6 : 4);

export function routeFact(
  on: string,
  o: { table: string; type?: string; to: string; via?: string; dev?: string; metric?: string; onlink?: boolean },
): string {
  const type = o.type ?? 'unicast';
  return [
    `route on ${on} table ${u32(o.table)} ipv${familyOf(o.to)} ${type} ${o.to}`,
    o.via && `via ${o.via}`,
    // Where a gateway route leaves; typed routes (unreachable, …) have no device.
    type === 'unicast' && `dev ${o.dev ?? on}`,
    o.onlink && 'onlink',
    o.metric !== undefined && `metric ${u32(o.metric)}`,
  ]
    .filter(Boolean)
    .join(' ');
}

export function ruleFacts(
  on: string,
  o: { table: string; family: (4 | 6)[]; from?: string; to?: string; iif?: string; oif?: string; priority?: string },
): string[] {
  return o.family.map((f) =>
    [
      `rule on ${on} table ${u32(o.table)} ipv${f}`,
      o.from && `from ${o.from}`,
      o.to && `to ${o.to}`,
      o.iif && `iif ${o.iif}`,
      o.oif && `oif ${o.oif}`,
      o.priority && `priority ${u32(o.priority)}`,
    ]
      .filter(Boolean)
      .join(' '),
  );
}

/**
 * Facts from networkd configuration folders, read the way networkd merges them: files by name
 * (an earlier folder shadows a later one), each `<file>.d/*.conf` drop-in appended to its file.
 */
export function networkdFacts(...dirs: string[]): string[] {
  const main = new Map<string, string>();
  const dropIns = new Map<string, string[]>();
  for (const dir of dirs) {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory() && name.endsWith('.d')) {
        const confs = readdirSync(p)
          .filter((f) => f.endsWith('.conf'))
          .sort();
        dropIns.set(name.slice(0, -2), [
          ...(dropIns.get(name.slice(0, -2)) ?? []),
          ...confs.map((f) => readFileSync(join(p, f), 'utf8')),
        ]);
      } else if (!main.has(name)) main.set(name, readFileSync(p, 'utf8'));
    }
  }
  return networkdFactsOf(main, dropIns);
}

const TRUE = /^(yes|true|on|1)$/i;

/** A systemd time span (`100ms`, `1s`; a bare number is seconds) in milliseconds, as networkd reads MIIMonitorSec=. */
function milliseconds(v: string | undefined): string {
  if (v === undefined) return '0';
  const m = /^(\d+(?:\.\d+)?)\s*(us|usec|ms|msec|s|sec|)$/.exec(v);
  if (!m) return `INVALID(${v})`;
  const scale = { us: 0.001, usec: 0.001, ms: 1, msec: 1, s: 1000, sec: 1000, '': 1000 }[m[2]!]!;
  return String(Math.round(Number(m[1]) * scale));
}

/** networkd's `[DHCP]` section is the old name of `[DHCPv4]`, still read (networkd-network-gperf.gperf). */
const lastOf = (s: Section[], sections: readonly string[], key: string) =>
  sections.flatMap((name) => values(s, name, key)).at(-1);

interface LinkState {
  vrf?: string;
  dhcp4: boolean;
  dhcp6: boolean;
  ra: boolean;
  dhcpTable?: string;
  raTable?: string;
}

/**
 * The same from files in memory: `.netdev`/`.network` text by file name, and each file's drop-ins in
 * order. What needs two files is joined at the end: a VLAN's or VXLAN's underlay (the `VLAN=`/`VXLAN=`
 * line of another link's .network), a bond's primary port (`PrimarySlave=` on the port), and the table
 * a VRF member's DHCP and RA routes land in (`RouteTable=`, else the table of the `VRF=`'s .netdev). A
 * DHCP or RA fact whose routes would land elsewhere than the VRF's table names that table, so a
 * comparison fails on it; a VXLAN that networkd would never create (no underlay, not Independent=)
 * says so too.
 */
export function networkdFactsOf(
  main: ReadonlyMap<string, string>,
  dropIns: ReadonlyMap<string, readonly string[]>,
): string[] {
  const facts = new Set<string>();
  const vlanIds = new Map<string, string>();
  const underlay = new Map<string, string>(); // VLAN or VXLAN → the link whose .network lists it
  const vrfTables = new Map<string, string>();
  const bonds = new Map<string, string[]>(); // bond → its fact's words before the primary
  const bondTail = new Map<string, string[]>();
  const primaries = new Map<string, string>();
  const vxlans = new Map<string, { head: string; tail: string; independent: boolean }>();
  const links = new Map<string, LinkState>();
  for (const [name, text] of [...main].sort()) {
    const s = parseIni([text, ...(dropIns.get(name) ?? [])].join('\n'));
    if (name.endsWith('.netdev')) {
      const dev = values(s, 'NetDev', 'Name')[0]!;
      const kind = values(s, 'NetDev', 'Kind')[0];
      const get = (section: string, key: string) => values(s, section, key).at(-1);
      if (kind === 'vrf') {
        const table = u32(get('VRF', 'Table') ?? '?');
        vrfTables.set(dev, table);
        facts.add(`vrf ${dev} table ${table}`);
      }
      if (kind === 'vlan') vlanIds.set(dev, get('VLAN', 'Id') ?? '?');
      if (kind === 'bridge')
        facts.add(`link ${dev} kind bridge stp ${TRUE.test(get('Bridge', 'STP') ?? '') ? 'on' : 'off'}`);
      if (kind === 'dummy') facts.add(`link ${dev} kind dummy`);
      if (kind === 'bond') {
        bonds.set(dev, [
          `link ${dev} kind bond mode ${get('Bond', 'Mode') ?? 'balance-rr'} miimon ${milliseconds(get('Bond', 'MIIMonitorSec'))}`,
        ]);
        const rate = get('Bond', 'LACPTransmitRate');
        const hash = get('Bond', 'TransmitHashPolicy');
        bondTail.set(dev, [...(rate ? [`lacp-rate ${rate}`] : []), ...(hash ? [`hash ${hash}`] : [])]);
      }
      if (kind === 'vxlan') {
        const local = get('VXLAN', 'Local');
        const remote = get('VXLAN', 'Remote');
        const group = get('VXLAN', 'Group');
        vxlans.set(dev, {
          head: [
            `link ${dev} kind vxlan vni ${get('VXLAN', 'VNI') ?? get('VXLAN', 'Id') ?? '?'}`,
            local && `local ${local}`,
            remote && `remote ${remote}`,
            group && `group ${group}`,
          ]
            .filter(Boolean)
            .join(' '),
          // Unset: the kernel's port 8472 and networkd's MacLearning=no.
          tail: `port ${get('VXLAN', 'DestinationPort') ?? '8472'} learning ${TRUE.test(get('VXLAN', 'MacLearning') ?? '') ? 'on' : 'off'}`,
          independent: TRUE.test(get('VXLAN', 'Independent') ?? ''),
        });
      }
    } else if (name.endsWith('.network')) {
      const link = values(s, 'Match', 'Name')[0]!;
      const state: LinkState = { dhcp4: false, dhcp6: false, ra: false };
      for (const vrf of values(s, 'Network', 'VRF')) {
        facts.add(`member ${link} vrf ${vrf}`);
        state.vrf = vrf;
      }
      for (const a of values(s, 'Network', 'Address')) facts.add(`address ${link} ${a}`);
      for (const v of [...values(s, 'Network', 'VLAN'), ...values(s, 'Network', 'VXLAN')]) underlay.set(v, link);
      for (const key of ['Bridge', 'Bond'])
        for (const master of values(s, 'Network', key)) {
          facts.add(`port ${link} master ${master}`);
          if (key === 'Bond' && TRUE.test(values(s, 'Network', 'PrimarySlave').at(-1) ?? ''))
            primaries.set(master, link);
        }
      const dhcp = values(s, 'Network', 'DHCP').at(-1) ?? 'no';
      state.dhcp4 = /^(yes|true|on|1|ipv4)$/i.test(dhcp);
      state.dhcp6 = /^(yes|true|on|1|ipv6)$/i.test(dhcp);
      state.ra = TRUE.test(values(s, 'Network', 'IPv6AcceptRA').at(-1) ?? '');
      const keep = values(s, 'Network', 'KeepConfiguration').at(-1);
      if (keep !== undefined) facts.add(`keep ${link} ${keep}`);
      state.dhcpTable = lastOf(s, ['DHCP', 'DHCPv4'], 'RouteTable');
      state.raTable = lastOf(s, ['IPv6AcceptRA'], 'RouteTable');
      links.set(link, state);
      for (const r of s.filter((x) => x.name === 'Route')) {
        const get = (k: string) => r.entries.find(([key]) => key === k)?.[1];
        const gateway = get('Gateway');
        facts.add(
          routeFact(link, {
            table: get('Table') ?? 'main',
            type: get('Type'),
            to: get('Destination')!,
            via: gateway === '_dhcp4' || gateway === '_dhcp' ? 'dhcp' : gateway === '_ipv6ra' ? 'ra' : gateway,
            metric: get('Metric'),
            onlink: TRUE.test(get('GatewayOnLink') ?? ''),
          }),
        );
      }
      for (const r of s.filter((x) => x.name === 'RoutingPolicyRule')) {
        const get = (k: string) => r.entries.find(([key]) => key === k)?.[1];
        const from = get('From');
        const to = get('To');
        const family: (4 | 6)[] =
          get('Family') === 'both' ? [4, 6] : get('Family') === 'ipv6' || familyOf(from ?? to ?? '') === 6 ? [6] : [4];
        for (const f of ruleFacts(link, {
          table: get('Table') ?? 'main',
          family,
          from,
          to,
          iif: get('IncomingInterface'),
          oif: get('OutgoingInterface'),
          priority: get('Priority'),
        }))
          facts.add(f);
      }
    }
  }
  for (const [vlan, id] of vlanIds) facts.add(`vlan ${vlan} parent ${underlay.get(vlan) ?? '?'} id ${id}`);
  for (const [bond, [head]] of bonds) {
    const primary = primaries.get(bond);
    facts.add([head, ...(primary ? [`primary ${primary}`] : []), ...bondTail.get(bond)!].join(' '));
  }
  for (const [dev, x] of vxlans) {
    const under = underlay.get(dev);
    const dev_ = under ? `dev ${under}` : x.independent ? undefined : 'dev INVALID(none, and not Independent=)';
    facts.add([x.head, dev_, x.tail].filter(Boolean).join(' '));
  }
  // DHCP and RA of VRF members only: a link outside the VRFs (an uplink another file configures) is no fact of theirs.
  for (const [link, st] of links) {
    if (st.vrf === undefined) continue;
    const vrfTable = vrfTables.get(st.vrf) ?? '?';
    // RouteTable= unset: the VRF's table, since VRF= is set (systemd.network(5)).
    const off = (explicit?: string) => {
      const table = explicit !== undefined ? u32(explicit) : vrfTable;
      return table === vrfTable ? '' : ` table ${table}`;
    };
    if (st.dhcp4) facts.add(`dhcp ${link} ipv4${off(st.dhcpTable)}`);
    if (st.dhcp6) facts.add(`dhcp ${link} ipv6`);
    if (st.ra) facts.add(`ra ${link}${off(st.raTable)}`);
  }
  return [...facts].sort();
}

/** Tokens of one `ip` command, without redirections and `|| true`; undefined for anything else. */
function ipWords(command: string): string[] | undefined {
  const words = command
    .replace(/\d?>\s*\/dev\/null/g, '')
    .replace(/2>&1/g, '')
    .trim()
    .split(/\s+/);
  return words[0] === 'ip' ? words.slice(1) : undefined;
}

/** Options after the family flag: `-4 route replace …` → { family: 4, rest }. */
function familyAndRest(w: string[]): { family?: 4 | 6; rest: string[] } {
  if (w[0] === '-4' || w[0] === '-6') return { family: w[0] === '-4' ? 4 : 6, rest: w.slice(1) };
  return { rest: w };
}

const ROUTE_TYPES = new Set(['unicast', 'blackhole', 'unreachable', 'prohibit']);

/** The value after `key` in `words`, if any. */
const after = (words: readonly string[], key: string) => {
  const i = words.indexOf(key);
  return i >= 0 ? words[i + 1] : undefined;
};

/** A bond's settings as one `link` fact, the words given by whichever stack wrote them. */
export function bondFact(
  name: string,
  o: { mode?: string; miimon?: string; primary?: string; lacpRate?: string; hash?: string },
): string {
  return [
    `link ${name} kind bond mode ${o.mode ?? 'balance-rr'} miimon ${o.miimon ?? '0'}`,
    o.primary && `primary ${o.primary}`,
    o.lacpRate && `lacp-rate ${o.lacpRate}`,
    o.hash && `hash ${o.hash}`,
  ]
    .filter(Boolean)
    .join(' ');
}

/** A VXLAN's settings as one `link` fact. */
export function vxlanFact(
  name: string,
  o: { vni?: string; local?: string; remote?: string; group?: string; dev?: string; port?: string; learning: boolean },
): string {
  return [
    `link ${name} kind vxlan vni ${o.vni}`,
    o.local && `local ${o.local}`,
    o.remote && `remote ${o.remote}`,
    o.group && `group ${o.group}`,
    o.dev && `dev ${o.dev}`,
    `port ${o.port} learning ${o.learning ? 'on' : 'off'}`,
  ]
    .filter(Boolean)
    .join(' ');
}

/** `ip link add dev NAME type KIND …`: the link fact of a bridge, bond, dummy or VXLAN. */
function linkAddFact(name: string, kind: string, a: readonly string[]): string | undefined {
  if (kind === 'bridge') return `link ${name} kind bridge stp ${after(a, 'stp_state') === '1' ? 'on' : 'off'}`;
  if (kind === 'dummy') return `link ${name} kind dummy`;
  if (kind === 'bond')
    return bondFact(name, {
      mode: after(a, 'mode'),
      miimon: after(a, 'miimon'),
      primary: after(a, 'primary'),
      lacpRate: after(a, 'lacp_rate'),
      hash: after(a, 'xmit_hash_policy'),
    });
  if (kind === 'vxlan')
    return vxlanFact(name, {
      vni: after(a, 'id'),
      local: after(a, 'local'),
      remote: after(a, 'remote'),
      group: after(a, 'group'),
      dev: after(a, 'dev'),
      // ip(8) without dstport takes the kernel's 8472; it learns unless told `nolearning`.
      port: after(a, 'dstport') ?? '8472',
      learning: !a.includes('nolearning'),
    });
  return undefined;
}

/** `dhclient -4|-6 … IFACE` as ifup runs it (alone or after `ip vrf exec VRF`); a release (-r) or stop (-x) is none. */
function dhclientFact(w: readonly string[]): string | undefined {
  if (w[0] !== 'dhclient' && w[0] !== '/sbin/dhclient') return undefined;
  if (w.includes('-r') || w.includes('-x')) return undefined;
  return `dhcp ${w.at(-1)} ipv${w.includes('-6') ? 6 : 4}`;
}

/**
 * Facts from the commands a stanza runs (`on` is the interface whose stanza runs them): ip(8),
 * dhclient, and accept_ra written to /proc. Each line may hold several commands joined by `;`,
 * `||` or `&&`; deletions and look-ups add no fact. `ip link set … master M` is a `member` fact
 * whatever M is: withPorts() tells the ports of bridges and bonds apart.
 */
export function ipCommandFacts(on: string, line: string): string[] {
  const out: string[] = [];
  for (const command of line.split(/;|\|\||&&/)) {
    const ra = /^\s*echo\s+(\d+)\s*>\s*\/proc\/sys\/net\/ipv6\/conf\/([^/\s]+)\/accept_ra\s*$/.exec(command);
    if (ra) {
      if (ra[1] !== '0') out.push(`ra ${ra[2]}`);
      continue;
    }
    const lease = dhclientFact(command.trim().split(/\s+/));
    if (lease) out.push(lease);
    const w = ipWords(command);
    if (!w) continue;
    const { family, rest } = familyAndRest(w);
    const [object, verb, ...args] = rest;
    const opt = (k: string) => after(args, k);
    // Generic options come before `type`, the kind's own after it (a VXLAN's `dev` is its underlay).
    const typeAt = args.indexOf('type');
    const generic = typeAt >= 0 ? args.slice(0, typeAt) : args;
    const kindArgs = typeAt >= 0 ? args.slice(typeAt + 2) : [];
    if (object === 'vrf' && verb === 'exec') {
      const exec = dhclientFact(args.slice(1));
      if (exec) out.push(exec);
    } else if (object === 'link' && verb === 'add' && opt('type') === 'vrf')
      out.push(`vrf ${opt('dev')} table ${u32(opt('table') ?? '?')}`);
    else if (object === 'link' && verb === 'add' && opt('type') === 'vlan')
      out.push(`vlan ${opt('name')} parent ${opt('link')} id ${opt('id')}`);
    else if (object === 'link' && verb === 'add') {
      const fact = linkAddFact(after(generic, 'dev') ?? '?', opt('type') ?? '?', kindArgs);
      if (fact) out.push(fact);
    } else if (object === 'link' && verb === 'set' && opt('master'))
      out.push(`member ${opt('dev')} vrf ${opt('master')}`);
    else if (object === 'addr' && (verb === 'add' || verb === 'replace')) out.push(`address ${opt('dev')} ${args[0]}`);
    else if (object === 'route' && (verb === 'add' || verb === 'replace')) {
      const typed = ROUTE_TYPES.has(args[0]!) ? args[0] : undefined;
      const to = typed ? args[1]! : args[0]!;
      if (family !== undefined && familyOf(to) !== family) out.push(`FAMILY-MISMATCH ${line}`);
      out.push(
        routeFact(on, {
          table: opt('table') ?? 'main',
          type: typed,
          to,
          via: opt('via'),
          dev: opt('dev'),
          metric: opt('metric'),
          onlink: args.includes('onlink'),
        }),
      );
    } else if (object === 'rule' && verb === 'add') {
      out.push(
        ...ruleFacts(on, {
          table: opt('table') ?? 'main',
          family: [family ?? 4],
          from: opt('from'),
          to: opt('to'),
          iif: opt('iif'),
          oif: opt('oif'),
          priority: opt('priority'),
        }),
      );
    }
  }
  return out;
}

/** `member X vrf M` where M is no VRF of the facts is a port of a bridge or bond: `port X master M`. */
export function withPorts(facts: Iterable<string>): string[] {
  const all = [...facts];
  const vrfs = new Set(all.flatMap((f) => (f.startsWith('vrf ') ? [f.split(' ')[1]!] : [])));
  return all.map((f) => {
    const [kind, name, , master] = f.split(' ');
    return kind === 'member' && !vrfs.has(master!) ? `port ${name} master ${master}` : f;
  });
}

/**
 * Facts from vrfgen's dhclient exit hook: under each `IFACE)` case, the ip commands that route
 * through the lease's router (`"$vrfgen_router"`), as `via dhcp` routes of IFACE.
 */
export function dhclientHookFacts(text: string): string[] {
  const out: string[] = [];
  let iface: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const label = /^([A-Za-z0-9_.-]+)\)$/.exec(line);
    if (label) iface = label[1];
    else if (line === ';;') iface = undefined;
    else if (iface && line.startsWith('ip '))
      out.push(...ipCommandFacts(iface, line.replace(/ via "\$vrfgen_router" /, ' via dhcp ')));
  }
  return out;
}

/** ifupdown2's `ifquery -a -o json`: its own attributes plus the ip commands of each stanza. */
export function ifquery2Facts(json: string): string[] {
  const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
  const words = (v: unknown) => list(v).flatMap((x) => x.split(/\s+/).filter(Boolean));
  const yes = (v: unknown) => /^(yes|on|1)$/.test(list(v)[0] ?? '');
  const facts = new Set<string>();
  type Iface = { name: string; addr_method?: string; addr_family?: string; config: Record<string, unknown> };
  for (const iface of JSON.parse(json) as Iface[]) {
    const c = iface.config;
    const n = iface.name;
    const first = (k: string) => list(c[k])[0];
    for (const t of list(c['vrf-table'])) facts.add(`vrf ${n} table ${u32(t)}`);
    for (const v of list(c.vrf)) facts.add(`member ${n} vrf ${v}`);
    for (const a of list(c.address)) facts.add(`address ${n} ${a}`);
    if (c['vlan-id'] !== undefined || c['vlan-raw-device'] !== undefined)
      facts.add(`vlan ${n} parent ${list(c['vlan-raw-device'])[0]} id ${list(c['vlan-id'])[0]}`);
    if (iface.addr_method === 'dhcp') facts.add(`dhcp ${n} ipv${iface.addr_family === 'inet6' ? 6 : 4}`);
    // A stanza with either keyword is a bridge to ifupdown2 (addons/bridge.py _is_bridge).
    if (c['bridge-ports'] !== undefined || c['bridge-vlan-aware'] !== undefined) {
      facts.add(`link ${n} kind bridge stp ${yes(c['bridge-stp']) ? 'on' : 'off'}`);
      for (const p of words(c['bridge-ports'])) facts.add(`port ${p} master ${n}`);
      if (yes(c['bridge-vlan-aware'])) facts.add(`VLAN-AWARE ${n}`);
    }
    if (c['bond-slaves'] !== undefined) {
      facts.add(
        bondFact(n, {
          mode: first('bond-mode'),
          miimon: first('bond-miimon'),
          primary: first('bond-primary'),
          lacpRate: first('bond-lacp-rate'),
          hash: first('bond-xmit-hash-policy'),
        }),
      );
      for (const p of words(c['bond-slaves'])) facts.add(`port ${p} master ${n}`);
    }
    if (first('link-type') === 'dummy') facts.add(`link ${n} kind dummy`);
    if (c['vxlan-id'] !== undefined)
      facts.add(
        vxlanFact(n, {
          vni: first('vxlan-id'),
          local: first('vxlan-local-tunnelip'),
          remote: first('vxlan-svcnodeip') ?? first('vxlan-svcnodeip6'),
          group: first('vxlan-mcastgrp') ?? first('vxlan-mcastgrp6'),
          dev: first('vxlan-physdev'),
          // ifupdown2's defaults (addons/vxlan.py): port 4789, learning yes.
          port: first('vxlan-port') ?? '4789',
          learning: c['vxlan-learning'] === undefined || yes(c['vxlan-learning']),
        }),
      );
    for (const phase of ['pre-up', 'up', 'post-up'])
      for (const cmd of list(c[phase])) for (const f of ipCommandFacts(n, cmd)) facts.add(f);
  }
  return [...facts].sort();
}

/** One command ifup ran (or, with --no-act, would run), with the interface it was configuring. */
export interface Step {
  readonly iface: string;
  readonly command: string;
}

/** Classic ifupdown's `ifup -a --no-act --verbose` output, as the ordered commands per interface. */
export function ifupSteps(output: string): Step[] {
  const steps: Step[] = [];
  let iface = '';
  for (const line of output.split('\n')) {
    const head = /^ifup: configuring interface (\S+?)=/.exec(line);
    if (head) iface = head[1]!;
    else if (line.trim() && iface) steps.push({ iface, command: line.trim() });
  }
  return steps;
}

export const stepFacts = (steps: readonly Step[]): string[] =>
  [...new Set(withPorts(steps.flatMap((s) => ipCommandFacts(s.iface, s.command))))].sort();
