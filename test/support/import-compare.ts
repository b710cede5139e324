import type { Model } from '../../src/model/model.ts';

/**
 * Two resolved models as plain data, for the import tests: what an intent means, without where it
 * said it. Positions (`at`) and the file name go; so do the fields the source of an import cannot
 * carry, each named by the test that leaves it out (`Uncarried`), and nothing else.
 */
export interface Uncarried {
  /** The platform: a state and most stacks' files do not say which one they were written for. */
  readonly platform?: boolean;
  /** `bgp` of every VRF (and the default instance it implies): only frr.conf holds it. */
  readonly bgp?: boolean;
  /** Container networks: only the netavark target's files hold them. */
  readonly containers?: boolean;
  /** A service's `exec-start`: the command lines stay the unit file's; an import names the unit. */
  readonly execStart?: boolean;
  /** Services: a stack's files without the services target's drop-ins, or a state whose unit was not running. */
  readonly services?: boolean;
  /** Sysctls: an unset key is compared as its kernel default (a state shows every key). */
  readonly sysctlDefaults?: boolean;
  /** Sysctls not at all: a tree without the sysctl target's file. */
  readonly sysctls?: boolean;
  /** Where a BGP password came from (`password-file`): frr.conf holds the key itself. */
  readonly secretSources?: boolean;
  /** A listen range's `min-peers`: a floor for `vrfgen check` to hold FRR's count of sessions to; no FRR line carries it. */
  readonly checkerFloors?: boolean;
  /** The unit table whose aliases name one unit (the original intent's platform's), for both sides. */
  readonly aliases?: Model['platform']['units'];
  /** dhcp6 beside accept-ra: NetworkManager's ipv6 method `auto` is SLAAC, with DHCPv6 when an advertisement asks for it, with or without dhcp6. */
  readonly dhcp6WithRa?: boolean;
  /** A VLAN parent's `networkd-file`: only the networkd target's drop-in names it. */
  readonly vlanParentFiles?: boolean;
  /** Rule priorities the intent leaves to the kernel: a state shows the number the kernel gave. */
  readonly rulePriorities?: boolean;
}

/** What resolve adds for a BGP instance: forwarding on, so that a route server routes. */
const BGP_SYSCTLS = new Set(['net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding']);

const KERNEL_SYSCTL: Readonly<Record<string, 0 | 1>> = {
  'net.ipv4.raw_l3mdev_accept': 1,
  'net.ipv4.tcp_l3mdev_accept': 0,
  'net.ipv4.udp_l3mdev_accept': 0,
};

/** Deep copy without `at` keys. */
function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k, x]) => k !== 'at' && x !== undefined)
        .map(([k, x]) => [k, strip(x)]),
    );
  return v;
}

export function normalised(model: Model, u: Uncarried = {}): unknown {
  const m = strip(model) as Record<string, unknown> & {
    vrfs: Record<string, unknown>[];
    sysctls: { key: string; value: number }[];
  };
  delete m.source;
  if (u.platform) {
    delete m.platformName;
    delete m.platform;
  }
  if (u.bgp) {
    delete m.bgpDefault;
    m.sysctls = m.sysctls.filter((s) => !BGP_SYSCTLS.has(s.key));
  }
  for (const v of m.vrfs) {
    if (u.bgp) delete v.bgp;
    if (u.containers) v.containers = [];
    if (u.services) v.services = [];
    if (u.execStart) for (const s of v.services as Record<string, unknown>[]) delete s.execStart;
    // A unit named by its alias (`sshd`) is the unit it aliases: its drop-in is found under the unit's own name.
    v.services = (v.services as { unit: string }[])
      .map((s) => ({ ...s, unit: (u.aliases ?? model.platform.units)[s.unit]?.aliasOf ?? s.unit }))
      .sort((a, b) => (a.unit < b.unit ? -1 : 1));
    if (u.secretSources && v.bgp) {
      const b = v.bgp as { neighbors: Record<string, unknown>[]; listen: Record<string, unknown>[] };
      for (const s of [...b.neighbors, ...b.listen]) delete (s.password as Record<string, unknown> | undefined)?.from;
    }
    if (u.checkerFloors && v.bgp)
      for (const l of (v.bgp as { listen: Record<string, unknown>[] }).listen) delete l.minPeers;
    if (u.dhcp6WithRa) for (const x of v.members as Record<string, unknown>[]) if (x.acceptRa) x.dhcp6 = false;
    // A socket listed beside its own service: vrfgen binds the socket of a socket-activated service
    // with it, so the files are the same whether the intent lists the socket or not.
    const units = new Set((v.services as { unit: string }[]).map((x) => x.unit));
    v.services = (v.services as { unit: string }[]).filter(
      (x) => !(x.unit.endsWith('.socket') && units.has(x.unit.replace(/\.socket$/, '.service'))),
    );
    if (u.rulePriorities) for (const r of v.rules as Record<string, unknown>[]) delete r.priority;
    // A rule's /0 beside another selector matches every address of its family: the same rule without it.
    for (const r of v.rules as Record<string, unknown>[])
      for (const k of ['from', 'to'])
        if (typeof r[k] === 'string' && r[k].endsWith('/0') && (r.iif ?? r.oif ?? r[k === 'from' ? 'to' : 'from']))
          delete r[k];
  }
  if (u.sysctls) m.sysctls = [];
  if (u.vlanParentFiles) for (const p of m.vlanParents as Record<string, unknown>[]) delete p.networkdFile;
  if (u.sysctlDefaults) {
    const have = new Map(m.sysctls.map((s) => [s.key, s.value]));
    m.sysctls = Object.entries(KERNEL_SYSCTL).map(([key, value]) => ({ key, value: have.get(key) ?? value }));
  }
  return m;
}

/**
 * What every stack's files leave out: the platform (no file says which one it was written for),
 * container networks (the netavark target's files, not read by any --from), a service's command
 * lines (the unit file's, an import names the unit), and BGP (frr.conf's: the frr rows read it).
 */
export const ALWAYS: Uncarried = { platform: true, containers: true, execStart: true, bgp: true };

/** Per stack, beyond ALWAYS. */
export const UNCARRIED: Record<string, Uncarried> = {
  networkd: {},
  netplan: { vlanParentFiles: true },
  ifupdown2: { vlanParentFiles: true },
  ifupdown: { vlanParentFiles: true },
  networkmanager: { vlanParentFiles: true, dhcp6WithRa: true },
  'networkd,frr': { bgp: false, secretSources: true, checkerFloors: true },
};

/** A VXLAN whose underlay another file configures (named under vlan-parents) and carries no VLAN member: only that file's name makes it a VLAN parent. */
export const vxlanUnderlayElsewhere = (m: Model) =>
  m.vrfs.some((v) =>
    v.members.some(
      (x) =>
        x.vxlan?.dev !== undefined &&
        m.vlanParents.some((p) => p.name === x.vxlan!.dev && p.networkdFile && p.vlans.length === 0),
    ),
  );

/** The host's own interfaces file, as Debian ships it: both ifupdowns read vrfgen's file through it. */
export const DEBIAN_INTERFACES = `# interfaces(5) file used by ifup(8) and ifdown(8)
# Include files from /etc/network/interfaces.d:
source /etc/network/interfaces.d/*
`;
