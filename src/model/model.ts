import type { Path } from '../diagnostics/diagnostics.ts';
import type { Family } from './ip.ts';
import type { Platform, PlatformName } from '../platforms/platforms.ts';

/**
 * The resolved model: what the system should look like. Every default is applied, every list is
 * sorted, every cross-reference is checked, and every address is canonical text. Targets only
 * translate it; they never look at the intent.
 *
 * ```yaml
 * vrfs:
 *   mgmt:
 *     table: 10
 *     interfaces: {eth1: {addresses: [10.10.0.1/24]}}
 *     routes: [{to: default, via: 10.10.0.254}]
 * ```
 * resolves to one Vrf `mgmt` (table 10) with member `eth1` carrying the route
 * `0.0.0.0/0 via 10.10.0.254 table 10`, and two isolation routes on the VRF itself.
 */
export interface Model {
  /** Intent file name (no directories), for file headers and reports. */
  readonly source: string;
  readonly platformName: PlatformName;
  readonly platform: Platform;
  /** Sorted by name. */
  readonly vrfs: readonly Vrf[];
  /** Sorted by key; only the keys the intent sets. */
  readonly sysctls: readonly Sysctl[];
  /** Links that carry VLAN members but are not members themselves; sorted by name. */
  readonly vlanParents: readonly VlanParent[];
  /** The ports of every bridge and bond member; sorted by name. */
  readonly ports: readonly Port[];
  /** FRR's BGP instance in the default VRF, which `import vrf` creates by itself when no config
   *  names it; present when a VRF imports another, so the config says what FRR would add silently. */
  readonly bgpDefault?: BgpDefault;
  /** BFD profiles by name, sorted; BGP neighbours and OSPF interfaces name them. */
  readonly bfdProfiles: readonly BfdProfile[];
}

export interface Vrf {
  readonly name: string;
  readonly table: number;
  readonly isolate: boolean;
  /** Addresses on the VRF device itself, canonical CIDR text, sorted (IPv4 first). */
  readonly addresses: readonly string[];
  /** Sorted by name. */
  readonly members: readonly Member[];
  /** Routes that are not bound to a member (blackhole/unreachable/prohibit, isolation, and gateways
   *  in a subnet of the VRF device's own addresses, whose `dev` is the VRF); sorted. */
  readonly routes: readonly Route[];
  /** Sorted by priority, then selectors. */
  readonly rules: readonly Rule[];
  /** systemd unit names, normalised (`ssh` → `ssh.service`), sorted. */
  readonly services: readonly Service[];
  /** The VRF's BGP instance (frr target). */
  readonly bgp?: Bgp;
  /** The VRF's OSPF instance (frr target). */
  readonly ospf?: Ospf;
  /** Podman bridge networks attached to this VRF; sorted by network name. */
  readonly containers: readonly ContainerNetwork[];
  readonly at: Path;
}

/**
 * A Podman bridge network whose bridge netavark enslaves to the VRF. Its subnet is a member subnet
 * of the VRF in effect: the bridge carries the gateway address, the containers sit behind it.
 *
 * ```yaml
 * containers: [{network: rednet, subnet: 10.77.1.0/24}]
 * ```
 * resolves to bridge `br-rednet` with gateway 10.77.1.1 in VRF `red`.
 */
export interface ContainerNetwork {
  /** Podman's network name, also its file name. */
  readonly network: string;
  readonly vrf: string;
  /** Canonical prefix. */
  readonly subnet: string;
  readonly family: Family;
  /** The bridge's address (no prefix length). */
  readonly gateway: string;
  /** Interface name of the bridge netavark creates. */
  readonly bridge: string;
  readonly at: Path;
}

/** What a member is: a link that exists already (`ethernet`, whatever its driver), or one vrfgen creates. */
export type MemberKind = 'ethernet' | 'vlan' | 'bridge' | 'bond' | 'dummy' | 'vxlan';

export type BondMode =
  'balance-rr' | 'active-backup' | 'balance-xor' | 'broadcast' | '802.3ad' | 'balance-tlb' | 'balance-alb';

export interface Bond {
  readonly mode: BondMode;
  /** Sorted. */
  readonly ports: readonly string[];
  /** Milliseconds; 0 turns link monitoring off. */
  readonly miimon: number;
  readonly primary?: string;
  readonly lacpRate?: 'slow' | 'fast';
  readonly transmitHashPolicy?: 'layer2' | 'layer2+3' | 'layer3+4' | 'encap2+3' | 'encap3+4';
}

export interface Vxlan {
  readonly vni: number;
  /** Canonical address text. */
  readonly local?: string;
  /** Unicast peer; never together with `group`. */
  readonly remote?: string;
  /** Multicast group; comes with `dev`. */
  readonly group?: string;
  /** The underlay link. */
  readonly dev?: string;
  /** UDP destination port. */
  readonly port: number;
  readonly learning: boolean;
}

export interface Member {
  readonly name: string;
  readonly vrf: string;
  readonly kind: MemberKind;
  /** Set exactly when `kind` names it. */
  readonly vlan?: { readonly parent: string; readonly id: number };
  readonly bridge?: { readonly ports: readonly string[]; readonly stp: boolean };
  readonly bond?: Bond;
  readonly vxlan?: Vxlan;
  /** Canonical CIDR text, sorted (IPv4 first); several may share a subnet. */
  readonly addresses: readonly string[];
  /** An IPv4 address and routes by DHCP, the routes into the VRF's table. */
  readonly dhcp4: boolean;
  /** An IPv6 address by DHCPv6. */
  readonly dhcp6: boolean;
  /** IPv6 router advertisements taken (SLAAC, routes into the VRF's table); otherwise refused. */
  readonly acceptRa: boolean;
  /** Routes whose next hop is on this member; sorted. */
  readonly routes: readonly Route[];
  /** Names of VLAN members created on this member, sorted. */
  readonly vlans: readonly string[];
  readonly at: Path;
}

/** A link enslaved to a bridge or bond member: it carries no addresses and belongs to no VRF itself. */
export interface Port {
  readonly name: string;
  /** The bridge or bond member. */
  readonly master: string;
  readonly masterKind: 'bridge' | 'bond';
  /** The VRF of the master. */
  readonly vrf: string;
  readonly at: Path;
}

export type RouteType = 'unicast' | 'blackhole' | 'unreachable' | 'prohibit';

export interface Route {
  /** Canonical destination prefix, e.g. `0.0.0.0/0`, `2001:db8::/64`. */
  readonly to: string;
  readonly family: Family;
  readonly type: RouteType;
  readonly via?: string;
  /** A gateway the member learns: its DHCPv4 lease's router (`dhcp`) or an advertising router (`ra`); no `via` then. */
  readonly dynamicGateway?: 'dhcp' | 'ra';
  /** The member the route is bound to (unicast routes only), or the VRF itself for a gateway in its own subnet. */
  readonly dev?: string;
  readonly metric?: number;
  readonly onlink: boolean;
  /** Always the VRF's table (adopted in resolve). */
  readonly table: number;
  /** True for the routes `isolate` adds. */
  readonly isolation: boolean;
  readonly at: Path;
}

export interface Rule {
  readonly from?: string;
  readonly to?: string;
  readonly iif?: string;
  readonly oif?: string;
  readonly priority?: number;
  /** 4 or 6 when a prefix fixes it; 'both' for interface-only selectors. */
  readonly family: Family | 'both';
  readonly table: number;
  readonly at: Path;
}

export interface Service {
  readonly unit: string;
  /** What kind of unit: a service runs the processes, a socket holds listeners PID 1 creates. */
  readonly kind: 'service' | 'socket';
  readonly vrf: string;
  /** The unit's ExecStart= lines as the intent gives them (checked: one line each, known
   *  specifiers); absent when the intent leaves them to the unit file or vrfgen's table. */
  readonly execStart?: readonly string[];
  readonly at: Path;
}

export interface Sysctl {
  /** Full key, e.g. `net.ipv4.tcp_l3mdev_accept`. */
  readonly key: string;
  readonly value: 0 | 1;
  readonly at: Path;
}

/** A link that carries VLAN or VXLAN members and is no member itself (a VXLAN's underlay only when
 *  another file configures it: `networkdFile` is then set). */
export interface VlanParent {
  readonly name: string;
  /** VLAN member names created on this parent, sorted; may be empty for a VXLAN underlay. */
  readonly vlans: readonly string[];
  /** The foreign .network file that configures this parent, if the intent names one. */
  readonly networkdFile?: string;
  readonly at: Path;
}

/**
 * Whether a routing daemon writes this VRF's table: FRR installs what BGP and OSPF learn there (and its
 * kernel nexthop objects through the VRF's links), so the table holds routes that are not vrfgen's.
 * Every file that lets those routes live (networkd's drop-ins, frr.service's ordering) keys on this.
 */
export const daemonRouted = (vrf: Vrf): boolean => vrf.bgp !== undefined || vrf.ospf !== undefined;

/** Metric of the isolation routes: the kernel's advice (admin distance 255, metric 8192 in FRR terms). */
export const ISOLATION_METRIC = 4278198272;

/** `internal`: the local ASN; `external`: any other; or one ASN. */
export type RemoteAs = number | 'internal' | 'external';

/** A TCP MD5 key (RFC 2385). Only targets that must write it read `value`; `from` names it in messages. */
export interface Secret {
  readonly value: string;
  /** The password-file as the intent gives it, or `inline`. */
  readonly from: string;
}

export interface Bgp {
  readonly asn: number;
  /** IPv4 address text. */
  readonly routerId: string;
  /** Sorted by address, IPv4 first. */
  readonly neighbors: readonly BgpNeighbor[];
  /** Sorted by range, IPv4 first. */
  readonly listen: readonly BgpListen[];
  /** Most dynamic neighbours of the instance: the sum of the ranges' limits (a range without one
   *  counts FRR's default, 100); absent when no range sets one. */
  readonly listenLimit?: number;
  /** Prefixes announced with `network`, each exactly a prefix the VRF's table holds; sorted. */
  readonly announce: readonly string[];
  /** Sorted. */
  readonly redistribute: readonly ('connected' | 'ospf' | 'static')[];
  /**
   * With `static`: the prefixes of the VRF's own routes (not the isolation routes), sorted, IPv4
   * first. The network stack installs them, so zebra sees them as kernel routes; only these are announced.
   */
  readonly staticRoutes: readonly string[];
  /** With `connected`: the subnets of the VRF's static addresses (members' and its own), sorted. */
  readonly connected: readonly string[];
  /** Names of VRFs (each with a bgp section) whose BGP routes are leaked into this one; sorted. */
  readonly importVrfs: readonly string[];
  /** The imported VRFs of which only some routes cross (`only:`), sorted by name; the others bring all theirs. */
  readonly importOnly: readonly BgpImportOnly[];
  readonly at: Path;
}

/**
 * What is announced to a peer besides a default-originate: nothing, exactly the prefixes the VRF
 * originates (`announce`, `staticRoutes`, `connected`), or everything BGP's own rules let through.
 */
export type BgpExport = 'none' | 'own' | 'all';

/** Prefixes taken from a peer: inside `prefix`, of a length from minLength to maxLength. */
export interface BgpAccept {
  readonly prefix: string;
  readonly minLength: number;
  readonly maxLength: number;
}

/** What a static neighbour and a listen range share: one session's settings. */
export interface BgpSession {
  readonly remoteAs: RemoteAs;
  /** True when the peer is in another AS: FRR then needs a policy in and out (ebgp-requires-policy). */
  readonly external: boolean;
  /** The family of the peer's address: the session carries that family's unicast routes only. */
  readonly family: Family;
  /** The member whose subnet holds the peer (or range), or the one the route that reaches it leaves by. */
  readonly dev: string;
  /** The destination of the route that reaches the peer, when no member subnet holds it. */
  readonly route?: string;
  readonly password?: Secret;
  /** Prefixes taken from the peer; without it every prefix is taken. */
  readonly accept?: BgpAccept;
  /** eBGP only: the session's TTL. */
  readonly multihop?: number;
  /** The member (or the VRF device) whose address the session starts from. */
  readonly updateSource?: string;
  readonly reflectorClient: boolean;
  readonly defaultOriginate: boolean;
  readonly export: BgpExport;
  readonly bfd: boolean;
  /** With `bfd`: the BFD profile whose timers the session takes. */
  readonly bfdProfile?: string;
  readonly at: Path;
}

/** Leaking under policy: the routes of `vrf` inside one of `prefixes` (the prefix or a longer one). */
export interface BgpImportOnly {
  readonly vrf: string;
  /** Canonical, sorted, IPv4 first. */
  readonly prefixes: readonly string[];
  /** Where the intent gives each prefix. */
  readonly prefixAt: Readonly<Record<string, Path>>;
  readonly at: Path;
}

export interface BgpNeighbor extends BgpSession {
  readonly address: string;
}

export interface BgpListen extends BgpSession {
  /** Canonical prefix. */
  readonly range: string;
  readonly limit?: number;
  /** How many dynamic neighbours `vrfgen check` expects Established at least. */
  readonly minPeers?: number;
}

export interface BgpDefault {
  readonly asn: number;
  readonly routerId: string;
  /** The VRF it was taken from (the first that imports another). */
  readonly from: string;
}

/** A bfdd profile; the intervals in milliseconds. */
export interface BfdProfile {
  readonly name: string;
  readonly detectMultiplier: number;
  readonly receiveInterval: number;
  readonly transmitInterval: number;
  readonly at: Path;
}

/**
 * A VRF's OSPF instance: OSPFv2 (ospfd) on its interfaces, and OSPFv3 (ospf6d) on the same ones with
 * `ipv6`. Areas are given per interface (`ip ospf area`), never by `network` statements.
 */
export interface Ospf {
  /** IPv4 address text. */
  readonly routerId: string;
  readonly passiveDefault: boolean;
  /** Sorted by name as FRR sorts interface names (digits by value). */
  readonly interfaces: readonly OspfInterface[];
  /** Sorted. */
  readonly redistribute: readonly ('bgp' | 'connected' | 'static')[];
  /** With `static`: the prefixes of the VRF's own routes (not the isolation routes), sorted, IPv4 first. */
  readonly staticRoutes: readonly string[];
  readonly defaultOriginate: 'no' | 'yes' | 'always';
  readonly ipv6: boolean;
  readonly at: Path;
}

export interface OspfInterface {
  /** A member of the VRF. */
  readonly name: string;
  /** As FRR prints it: decimal when the intent gives a number, dotted when it gives dotted. */
  readonly area: string;
  /** Dotted, as FRR's JSON shows an area. */
  readonly areaId: string;
  readonly cost?: number;
  /** After passive-default. */
  readonly passive: boolean;
  readonly network: 'broadcast' | 'point-to-point';
  readonly helloInterval: number;
  /** The intent's, or four hello intervals when it gives only those (ospfd's rule), or 40. */
  readonly deadInterval: number;
  /** The intent gives the dead interval: ospfd prints it only then. */
  readonly deadGiven: boolean;
  readonly bfd: boolean;
  readonly bfdProfile?: string;
  /** The member has an IPv6 address (static, or by DHCPv6 or router advertisements). */
  readonly ipv6: boolean;
  readonly at: Path;
}
