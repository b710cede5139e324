import {
  DEBIAN_12_UNITS,
  DEBIAN_13_UNITS,
  UBUNTU_2204_UNITS,
  UBUNTU_2404_UNITS,
  type KnownUnits,
} from '../systemd/known-units.ts';

/**
 * Platform profiles: what a distribution release ships, as data. Targets read version-dependent
 * choices from here (never from if-chains on the platform name), so adding a release is one entry.
 * Each capability is derived from a version in one place below, with the bug or commit it comes from.
 */
export interface Platform {
  /** One line for `vrfgen targets --platform` and docs/platforms.md. */
  readonly summary: string;
  /** systemd major version (networkd, sysctl.d, unit drop-ins). */
  readonly systemd: number;
  /** Units the distribution ships, for when the unit file is not under --root (src/systemd/known-units.ts). */
  readonly units: KnownUnits;
  /** Versions of the other stacks the release ships (upstream version, no Debian revision). */
  readonly kernel: string;
  readonly iproute2: Iproute2Profile;
  readonly networkManager: NetworkManagerProfile;
  /** Podman and its network backend, for the netavark target. */
  readonly containers: ContainersProfile;
  readonly netplan: NetplanProfile;
  readonly ifupdown2: Ifupdown2Profile;
  /** Classic Debian ifupdown; no version-dependent behaviour matters to vrfgen (it has no VRF support at all). */
  readonly ifupdown: string;
  /** FRRouting: the frr target's `frr version` line, which FRR writes into its running config. */
  readonly frr: string;
}

export interface NetplanProfile {
  readonly version: string;
  /**
   * netplan 0.105/0.106 segfault in `netplan generate` when a VRF has `routes:` but no
   * `routing-policy:` (NULL ip_rules in adopt_and_validate_vrf_routes; LP #2016427, fixed in 0.106.1).
   */
  readonly vrfRoutesNeedRoutingPolicy: boolean;
  /**
   * Largest route metric netplan writes correctly. Before 0.107 it printed Metric= with %d, so
   * 4278198272 became -16769024, which networkd rejects, leaving the route at metric 0 (LP #2023681).
   * 4294967295 means "unset" inside netplan.
   */
  readonly maxMetric: number;
  /**
   * Largest table id and rule priority netplan writes correctly into [Route] and [RoutingPolicyRule]:
   * it prints both with %d up to 1.1 at least (src/networkd.c write_route/write_ip_rule; seen on
   * 0.106 and 1.1.2), while the VRF's own Table= (%u) is fine.
   */
  readonly maxTable: number;
  readonly maxRulePriority: number;
  /**
   * Newer netplan warns "No priority specified for routing-policy N" (the kernel would number such
   * rules by insertion order). Not in 0.106, present in 1.1.2; it came with routing-policy support for
   * NetworkManager (PR #526, LP #2086544, merged 2024-11), first released in 1.1.2 as far as known.
   */
  readonly warnsOnRuleWithoutPriority: boolean;
  /**
   * From 1.1 netplan writes its own systemd-networkd-wait-online drop-in naming each interface it
   * configures (PR #456, LP #2060311), and waits for a virtual device with link-local addressing on
   * (the default) to reach `degraded`. The kernel never gives a VRF device a link-local address, so
   * the boot waited the full 120 s and failed the unit (seen on Debian 13's 1.1.2); with
   * `link-local: []` netplan waits for `carrier`, which the VRF has once it is up. netplan 0.106
   * rejects `link-local` under vrfs: ("unknown key").
   */
  readonly vrfLinkLocalOff: boolean;
  /**
   * `dummy-devices:` exists from 0.107 (commit aad0e451, PR #361, LP #1774203); 0.106 refuses the key.
   */
  readonly dummyDevices: boolean;
  /**
   * Addresses (and the other common link keys) under `vrfs:` from 1.0 (commit 3e6783f2, LP #2031421);
   * 0.106's VRF definitions know only table, interfaces, routes and routing-policy ("unknown key 'addresses'").
   */
  readonly vrfAddresses: boolean;
  /**
   * `ra-overrides:` (table, use-dns, use-domains for [IPv6AcceptRA]) from 1.1 (commit 44b2a5c2, PR #461,
   * LP #1973222). No netplan has a route table for DHCP leases: dhcp4-/dhcp6-overrides lack one up to 1.1.2.
   */
  readonly raOverrides: boolean;
}

export interface NetworkManagerProfile {
  readonly version: string;
  /**
   * NM 1.46 added `connection.controller`/`port-type` as aliases of the deprecated `master`/
   * `slave-type` (nm-setting-connection.h; NEWS 1.46); 1.42 refuses them ("invalid property
   * 'controller'"). Every version still reads master=/slave-type=, so those are always written.
   */
  readonly controllerKeys: boolean;
  /**
   * `ipvX.method=manual` without addresses, the one way NM has to put static routes on an
   * address-less profile (NM 1.45.11, for RHEL-4908; nmstate PR #2535 relies on it). nmcli 1.42.4
   * refuses it ("ipv4.addresses: this property cannot be empty for 'method=manual'"), 1.52.1 takes it.
   */
  readonly manualWithoutAddresses: boolean;
}

export interface ContainersProfile {
  readonly podman: string;
  /** `null` where podman uses CNI instead (no netavark packaged). */
  readonly netavark: string | null;
  /**
   * Whether a bridge network's `options.vrf` is applied: netavark 1.8.0 "Add vrf support for
   * bridges" (commit 4b6d5ab2). Older netavark ignores the key and podman loads the file without a
   * word (Debian 12: podman 4.3.1, netavark 1.4.0), so the bridge would stay outside the VRF.
   */
  readonly netavarkVrf: boolean;
}

export interface Ifupdown2Profile {
  readonly version: string;
  /** `vrf-table` ids ifupdown2 accepts without a policy file (addons/vrf.py VRF_TABLE_START/END). */
  readonly vrfTableRange: readonly [number, number];
}

export interface Iproute2Profile {
  readonly version: string;
  /**
   * Whether the package ships /etc/iproute2/rt_tables.d. From iproute2 6.5 its own files live in
   * /usr/share/iproute2 and /etc/iproute2 only holds an admin's overrides, so a fresh system has no
   * such folder (Debian 13's 6.15 ships none, Debian 12's 6.1 does). ifupdown2 3.0 writes its VRF
   * map there without creating the folder, and when that fails it creates no VRF at all
   * ("error: [Errno 2] No such file or directory", seen on Debian 13; ifupdown2 PR #348, open).
   */
  readonly shipsRtTablesDir: boolean;
}

const INT32_MAX = 2147483647;

/** Dotted versions compared numerically: '0.106' < '0.106.1' < '0.107' < '1.0'. */
export function versionBefore(version: string, than: string): boolean {
  const a = version.split('.').map(Number);
  const b = than.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0;
  }
  return false;
}

const netplan = (version: string): NetplanProfile => ({
  version,
  vrfRoutesNeedRoutingPolicy: versionBefore(version, '0.106.1'),
  maxMetric: versionBefore(version, '0.107') ? INT32_MAX : 4294967294,
  maxTable: INT32_MAX,
  maxRulePriority: INT32_MAX,
  warnsOnRuleWithoutPriority: !versionBefore(version, '1.1.2'),
  vrfLinkLocalOff: !versionBefore(version, '1.1'),
  dummyDevices: !versionBefore(version, '0.107'),
  vrfAddresses: !versionBefore(version, '1.0'),
  raOverrides: !versionBefore(version, '1.1'),
});

const networkManager = (version: string): NetworkManagerProfile => ({
  version,
  controllerKeys: !versionBefore(version, '1.46'),
  manualWithoutAddresses: !versionBefore(version, '1.46'),
});

const containers = (podman: string, netavark: string | null): ContainersProfile => ({
  podman,
  netavark,
  netavarkVrf: netavark !== null && !versionBefore(netavark, '1.8'),
});

const ifupdown2 = (version: string): Ifupdown2Profile => ({ version, vrfTableRange: [1001, 5000] });

const iproute2 = (version: string): Iproute2Profile => ({ version, shipsRtTablesDir: versionBefore(version, '6.5') });

/*
 * Where the versions come from:
 * - debian-12, debian-13: `apt-cache policy` against bookworm and trixie (+ -updates, -security),
 *   network-manager, podman and netavark included; frr 8.4.4 is also what the frr target's consumer
 *   test runs (`vtysh --dryrun`).
 * - ubuntu-22.04, ubuntu-24.04: the Ubuntu archive (jammy-updates, noble-updates) as published, not
 *   checked from here (only Debian's mirror is reachable). jammy released with netplan 0.104 (no VRFs
 *   at all) and was updated to 0.106.1; this profile assumes an updated system. jammy's podman 3.4
 *   uses CNI (no netavark package); noble pairs podman 4.9 with netavark 1.4, which ignores `vrf`.
 * - systemd-260: a rolling or future release; assumes the newest released netplan and ifupdown2
 *   behaviour (netplan 1.1, ifupdown2 3.0's table range).
 */
export const platforms = {
  'debian-12': {
    summary: 'Debian 12 "bookworm"',
    systemd: 252,
    units: DEBIAN_12_UNITS,
    kernel: '6.1',
    iproute2: iproute2('6.1'),
    networkManager: networkManager('1.42.4'),
    containers: containers('4.3.1', '1.4.0'),
    netplan: netplan('0.106'),
    ifupdown2: ifupdown2('3.0.0'),
    ifupdown: '0.8.41',
    frr: '8.4.4',
  },
  'debian-13': {
    summary: 'Debian 13 "trixie"',
    systemd: 257,
    units: DEBIAN_13_UNITS,
    kernel: '6.12',
    iproute2: iproute2('6.15'),
    networkManager: networkManager('1.52.1'),
    containers: containers('5.4.2', '1.14.0'),
    netplan: netplan('1.1.2'),
    ifupdown2: ifupdown2('3.0.0'),
    ifupdown: '0.8.44',
    frr: '10.3',
  },
  'ubuntu-22.04': {
    summary: 'Ubuntu 22.04 LTS "jammy"',
    systemd: 249,
    units: UBUNTU_2204_UNITS,
    kernel: '5.15',
    iproute2: iproute2('5.15'),
    networkManager: networkManager('1.36.6'),
    containers: containers('3.4.4', null),
    netplan: netplan('0.106.1'),
    ifupdown2: ifupdown2('3.0.0'),
    ifupdown: '0.8.36',
    frr: '8.1',
  },
  'ubuntu-24.04': {
    summary: 'Ubuntu 24.04 LTS "noble"',
    systemd: 255,
    units: UBUNTU_2404_UNITS,
    kernel: '6.8',
    iproute2: iproute2('6.1'),
    networkManager: networkManager('1.46.0'),
    containers: containers('4.9.3', '1.4.0'),
    netplan: netplan('1.0'),
    ifupdown2: ifupdown2('3.0.0'),
    ifupdown: '0.8.41',
    frr: '8.4.4',
  },
  'systemd-260': {
    summary: 'any distribution with systemd 260 or newer',
    systemd: 260,
    units: {},
    kernel: '6.18',
    iproute2: iproute2('6.18'),
    networkManager: networkManager('1.54'),
    containers: containers('5.6', '1.16'),
    netplan: netplan('1.1.2'),
    ifupdown2: ifupdown2('3.0.0'),
    ifupdown: '0.8.44',
    frr: '10.3',
  },
} as const satisfies Record<string, Platform>;

export type PlatformName = keyof typeof platforms;
export const platformNames = Object.keys(platforms) as [PlatformName, ...PlatformName[]];
export const DEFAULT_PLATFORM: PlatformName = 'debian-12';
