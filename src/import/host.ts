import type { SourcePos } from '../diagnostics/diagnostics.ts';
import type { Family } from '../model/ip.ts';

/**
 * What an importer reads, whatever it reads it from: the kernel's state (links, addresses, tables,
 * rules), or another stack's files. One vocabulary, so that one module (assemble.ts) decides what of
 * it becomes the intent, and says so in one voice. Each reader fills a Host; nothing here knows
 * about the intent's shape.
 */

/** Where a fact was read: a source file's line and column, or a probe's file in a state folder. */
export type Origin = SourcePos;

export type LinkKind = 'vrf' | 'ethernet' | 'vlan' | 'bridge' | 'bond' | 'dummy' | 'vxlan';

export interface HostBond {
  mode?: string;
  miimon?: number;
  primary?: string;
  lacpRate?: string;
  transmitHashPolicy?: string;
}

export interface HostVxlan {
  vni?: number;
  local?: string;
  remote?: string;
  group?: string;
  dev?: string;
  port?: number;
  learning?: boolean;
}

export interface HostLink {
  readonly name: string;
  /** What vrfgen would create it as; `ethernet` for a link that exists already. `other` keeps the source's word. */
  kind: LinkKind;
  /** The source's own word for a kind vrfgen does not create (veth, macvlan, wireguard…). */
  otherKind?: string;
  /** A VRF's table. */
  table?: number;
  /** The device it is enslaved to: a VRF, a bridge or a bond. */
  master?: string;
  vlan?: { parent?: string; id?: number };
  bridge?: { stp?: boolean };
  bond?: HostBond;
  vxlan?: HostVxlan;
  addresses: HostAddress[];
  dhcp4?: boolean;
  dhcp6?: boolean;
  acceptRa?: boolean;
  /** Where the link was declared (its first mention). */
  origin: Origin;
}

export interface HostAddress {
  /** Canonical CIDR text. */
  readonly cidr: string;
  /** Taken from a DHCP lease or an advertisement (state only). */
  readonly dynamic?: boolean;
  readonly origin: Origin;
}

export interface HostRoute {
  /** The table's number, `main`, or a name not resolved yet (an rt_tables or VRF name). */
  readonly table: number | string;
  readonly family: Family;
  /** Canonical prefix. */
  readonly to: string;
  readonly type: string;
  readonly via?: string;
  readonly dev?: string;
  /** undefined: the kernel's default for the family. */
  readonly metric?: number;
  readonly onlink?: boolean;
  /** Who installed it, as the kernel says (kernel, boot, static, dhcp, ra…): state only. */
  readonly protocol?: string;
  readonly multipath?: boolean;
  readonly origin: Origin;
}

export interface HostRule {
  readonly family: Family | 'both';
  readonly from?: string;
  readonly to?: string;
  readonly iif?: string;
  readonly oif?: string;
  readonly priority?: number;
  /** A number, or a name (`main`, `local`, a VRF's name under ifupdown2). */
  readonly table?: number | string;
  /** The l3mdev rule the kernel's VRF support needs (vrfgen leaves it to the stack). */
  readonly l3mdev?: boolean;
  /** Selectors and actions the intent has no words for, as `key=value`. */
  readonly other: readonly string[];
  readonly origin: Origin;
}

export interface HostService {
  readonly unit: string;
  readonly vrf: string;
  /** How its VRF was found, for the comment. */
  readonly how: string;
  readonly origin: Origin;
}

/** A unit whose VRF could not be told: said in a comment, not imported. */
export interface HostUnseenService {
  readonly unit: string;
  readonly why: string;
}

export interface HostSysctl {
  /** The short key, e.g. `tcp_l3mdev_accept`. */
  readonly key: 'tcp_l3mdev_accept' | 'udp_l3mdev_accept' | 'raw_l3mdev_accept';
  readonly value: boolean;
  readonly origin: Origin;
}

/** A BGP instance read from frr.conf, already in the intent's words (from/frr.ts). */
export interface HostBgp {
  readonly vrf: string;
  readonly bgp: Record<string, unknown>;
  readonly origin: Origin;
}

/** A link whose configuration lives in a file of its own the importer keeps (networkd's `.network` of a VLAN parent). */
export interface HostParentFile {
  readonly link: string;
  readonly networkdFile: string;
}

/**
 * A setting vrfgen writes itself for a routing daemon in a VRF (networkd's KeepConfiguration=static and
 * ManageForeign*=no, FRR's `no zebra nexthop kernel enable` and `ip nht resolve-via-default`):
 * generate writes it again for a VRF with BGP, so it is nothing to import, only to account for.
 */
export interface HostDaemonSetting {
  /** The setting as the source says it. */
  readonly text: string;
  /** The link (or FRR's vrf block) it is on; undefined: the whole daemon's. */
  readonly link?: string;
  readonly origin: Origin;
}

export interface Host {
  readonly links: Map<string, HostLink>;
  readonly routes: HostRoute[];
  readonly rules: HostRule[];
  readonly services: HostService[];
  readonly unseenServices: HostUnseenService[];
  readonly sysctls: HostSysctl[];
  readonly bgp: HostBgp[];
  readonly parentFiles: HostParentFile[];
  readonly daemonSettings: HostDaemonSetting[];
  /** The platform the files were written for, when they say (a vrfgen header does not). */
  platform?: string;
}

export const emptyHost = (): Host => ({
  links: new Map(),
  routes: [],
  rules: [],
  services: [],
  unseenServices: [],
  sysctls: [],
  bgp: [],
  parentFiles: [],
  daemonSettings: [],
});

/** The link called `name`, created (as an existing ethernet link) at its first mention. */
export function linkOf(host: Host, name: string, origin: Origin): HostLink {
  let l = host.links.get(name);
  if (!l) host.links.set(name, (l = { name, kind: 'ethernet', addresses: [], origin }));
  return l;
}

/** Add an address once. */
export function addAddress(link: HostLink, a: HostAddress): void {
  if (!link.addresses.some((x) => x.cidr === a.cidr)) link.addresses.push(a);
}

/** Merge what a second reader found (frr.conf beside a network stack) into `into`. */
export function mergeHosts(into: Host, from: Host): void {
  for (const [name, l] of from.links) {
    const had = into.links.get(name);
    if (!had) into.links.set(name, l);
    else {
      if (had.kind === 'ethernet' && l.kind !== 'ethernet') Object.assign(had, { ...l, addresses: had.addresses });
      if (had.table === undefined && l.table !== undefined) had.table = l.table;
      had.master ??= l.master;
      for (const a of l.addresses) addAddress(had, a);
    }
  }
  into.routes.push(...from.routes);
  into.rules.push(...from.rules);
  into.services.push(...from.services);
  into.unseenServices.push(...from.unseenServices);
  into.sysctls.push(...from.sysctls);
  into.bgp.push(...from.bgp);
  into.parentFiles.push(...from.parentFiles);
  into.daemonSettings.push(...from.daemonSettings);
  into.platform ??= from.platform;
}
