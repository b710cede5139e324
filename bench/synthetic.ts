/**
 * Synthetic inputs for the benchmark: an intent with N VRFs, the unit files it binds, and the state
 * DIR (`vrfgen collect`'s layout) of a host on which that intent is fully in place. The shape is a
 * hosting node's: one tenant VRF per 802.1Q VLAN of a trunk, each with one address and a default
 * route. A trunk holds at most 4094 VLANs, so every 4000 VRFs get the next trunk (eth0, eth1, …).
 * Every tenth tenant (the first included) also runs a service bound to its VRF, a Podman network
 * and a BGP instance with a static neighbour and a listen range, so that every target (services,
 * netavark, frr) and the checker's unit and vtysh probes have work in proportion to N.
 */

/** One tenant: everything the intent and the state are built from. */
interface Tenant {
  readonly vrf: string;
  readonly table: number;
  readonly trunk: string;
  readonly vlan: number;
  readonly member: string;
  /** 10.X.Y, the tenant's /24. */
  readonly net: string;
  /** Every tenth tenant: a bound service, a container network (172.X.Y.0/24) and BGP. */
  readonly extras?: { readonly unit: string; readonly network: string; readonly containerNet: string };
}

const PER_TRUNK = 4000;

function tenant(i: number): Tenant {
  const k = i + 1;
  const trunk = `eth${Math.floor(i / PER_TRUNK)}`;
  const vlan = (i % PER_TRUNK) + 1;
  return {
    vrf: `tenant-${String(k).padStart(4, '0')}`,
    table: 1000 + k,
    trunk,
    vlan,
    member: `${trunk}.${vlan}`,
    net: `10.${k >> 8}.${k & 255}`,
    ...(i % 10 === 0
      ? {
          extras: {
            unit: `tenant-${String(k).padStart(4, '0')}.service`,
            network: `tn-${String(k).padStart(4, '0')}`,
            containerNet: `172.${16 + ((i / 10) >> 8)}.${(i / 10) & 255}`,
          },
        }
      : {}),
  };
}

const tenants = (n: number): Tenant[] => Array.from({ length: n }, (_, i) => tenant(i));
const trunks = (n: number): string[] => [...new Set(tenants(n).map((t) => t.trunk))];

/** The intent, written the way a person (or an Ansible template) would. */
export function syntheticIntent(n: number): string {
  const lines = [
    '# Synthetic benchmark intent: one VRF per VLAN tenant.',
    'version: 1',
    'platform: debian-12',
    'vrfs:',
  ];
  for (const t of tenants(n)) {
    lines.push(
      `  ${t.vrf}:`,
      `    table: ${t.table}`,
      '    interfaces:',
      `      ${t.member}:`,
      `        vlan: {parent: ${t.trunk}, id: ${t.vlan}}`,
      `        addresses: [${t.net}.1/24]`,
      '    routes:',
      `      - {to: default, via: ${t.net}.254}`,
    );
    const x = t.extras;
    if (!x) continue;
    lines.push(
      `    services: [${x.unit}]`,
      '    containers:',
      `      - {network: ${x.network}, subnet: ${x.containerNet}.0/24}`,
      '    bgp:',
      '      asn: 65000',
      `      router-id: ${t.net}.1`,
      `      neighbors: [{address: ${t.net}.2, remote-as: 65001}]`,
      `      listen: [{range: ${t.net}.128/25, remote-as: external}]`,
    );
  }
  lines.push('sysctl:', '  tcp_l3mdev_accept: false', '  udp_l3mdev_accept: false', '  raw_l3mdev_accept: true');
  return `${lines.join('\n')}\n`;
}

/** The unit files the intent binds, as a root tree holds them (path under the root → content). */
export function syntheticUnits(n: number): Map<string, string> {
  const units = new Map<string, string>();
  for (const t of tenants(n))
    if (t.extras)
      units.set(
        `etc/systemd/system/${t.extras.unit}`,
        `[Unit]\nDescription=Agent of ${t.vrf}\n\n[Service]\nExecStart=/usr/bin/sleep infinity\n\n[Install]\nWantedBy=multi-user.target\n`,
      );
  return units;
}

/** A MAC address for link number `n`, locally administered. */
const mac = (n: number) =>
  `52:54:00:${[n >> 16, (n >> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

/** The EUI-64 link-local address the kernel derives from `mac`. */
function linkLocal(n: number): string {
  const [a, b, c] = [n >> 16, (n >> 8) & 255, n & 255];
  return `fe80::5054:ff:fe${a.toString(16).padStart(2, '0')}:${((b << 8) | c).toString(16)}`;
}

/** The fields iproute2 6.1 prints for every link with `ip -j -d link show` (as in the real captures). */
const linkBase = (index: number, name: string, flags: string[], extra: object) => ({
  ifindex: index,
  ifname: name,
  flags,
  mtu: 1500,
  qdisc: 'noqueue',
  ...extra,
  operstate: 'UP',
  linkmode: 'DEFAULT',
  group: 'default',
  txqlen: 1000,
  link_type: 'ether',
  address: mac(index),
  broadcast: 'ff:ff:ff:ff:ff:ff',
  promiscuity: 0,
  allmulti: 0,
  min_mtu: 0,
  max_mtu: 65535,
  inet6_addr_gen_mode: 'eui64',
  num_tx_queues: 1,
  num_rx_queues: 1,
  gso_max_size: 65536,
  gso_max_segs: 65535,
  tso_max_size: 65536,
  tso_max_segs: 65535,
  gro_max_size: 65536,
});

const json = (v: unknown) => `${JSON.stringify(v)}\n`;

/** A route as a dump of every table prints it: `table` after `dev` (or `dst`), as iproute2 6.1 orders it. */
function inTable(r: Record<string, unknown>, table: string): object {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    out[k] = v;
    if (k === (r.dev === undefined ? 'dst' : 'dev')) out.table = table;
  }
  return out;
}

/**
 * A tenant's service and BGP as the host shows them: the unit running in its VRF (systemctl show,
 * ip vrf identify of its MainPID), and FRR's answers (iproute2 and FRR 8.4 shapes, as the captures
 * and test/check/assembled hold them): the static neighbour and one dynamic neighbour of the range
 * Established, one prefix accepted from each.
 */
function extras(t: Tenant, put: (name: string, content: string) => void): void {
  const x = t.extras!;
  const pid = 1000 + t.table;
  put(
    `unit-${x.unit}.txt`,
    `LoadState=loaded\nActiveState=active\nSubState=running\nMainPID=${pid}\nBindNetworkInterface=\nBindToDevice=\n`,
  );
  put(`vrf-identify-${x.unit}.txt`, `${pid} ${t.vrf}\n`);
  const peer = (dynamic: boolean) => ({
    ...(dynamic ? { dynamicPeer: true } : {}),
    remoteAs: dynamic ? 65100 : 65001,
    localAs: 65000,
    version: 4,
    peerUptime: '00:01:02',
    pfxRcd: 1,
    pfxSnt: 1,
    state: 'Established',
    peerState: 'OK',
    idType: 'ipv4',
  });
  put(
    `bgp-summary-${t.vrf}.json`,
    json({
      ipv4Unicast: {
        routerId: `${t.net}.1`,
        as: 65000,
        vrfName: t.vrf,
        peerCount: 2,
        peers: { [`${t.net}.2`]: peer(false), [`${t.net}.130`]: peer(true) },
        dynamicPeers: 1,
      },
    }),
  );
  const path = (prefix: string, from: string) => [
    {
      valid: true,
      bestpath: true,
      pathFrom: 'external',
      prefix: prefix.split('/')[0],
      prefixLen: Number(prefix.split('/')[1]),
      network: prefix,
      metric: 0,
      weight: 0,
      peerId: from,
      path: from.endsWith('.2') ? '65001' : '65100',
      origin: 'IGP',
      nexthops: [{ ip: from, afi: 'ipv4', used: true }],
    },
  ];
  put(
    `bgp-routes-${t.vrf}.json`,
    json({
      vrfName: t.vrf,
      routerId: `${t.net}.1`,
      defaultLocPrf: 100,
      localAS: 65000,
      routes: {
        [`${x.containerNet.replace(/^172\./, '192.')}.0/24`]: path(
          `${x.containerNet.replace(/^172\./, '192.')}.0/24`,
          `${t.net}.2`,
        ),
        [`${t.net}.200/32`]: path(`${t.net}.200/32`, `${t.net}.130`),
      },
    }),
  );
}

/**
 * The state DIR of a host where the intent is in place, as `vrfgen collect` stores it (file name →
 * content): `ip -j` output shaped like iproute2 6.1's on the Debian 12 captures in test/check/captures,
 * with the kernel's own routes (prefix, local, broadcast, IPv6 link-local and multicast) in each VRF's
 * table, so the checker reads as much as it would on a real host.
 */
export function syntheticState(n: number): Map<string, string> {
  const ts = tenants(n);
  const files = new Map<string, string>();
  const put = (name: string, content: string) => {
    files.set(name, content);
    files.set(`${name}.rc`, '0\n');
  };

  let index = 1;
  const links: object[] = [
    {
      ...linkBase(index++, 'lo', ['LOOPBACK', 'UP', 'LOWER_UP'], {}),
      mtu: 65536,
      operstate: 'UNKNOWN',
      link_type: 'loopback',
      address: '00:00:00:00:00:00',
      broadcast: '00:00:00:00:00:00',
    },
  ];
  const addrs: object[] = [
    {
      ifindex: 1,
      ifname: 'lo',
      addr_info: [
        {
          family: 'inet',
          local: '127.0.0.1',
          prefixlen: 8,
          scope: 'host',
          label: 'lo',
          valid_life_time: 4294967295,
          preferred_life_time: 4294967295,
        },
        {
          family: 'inet6',
          local: '::1',
          prefixlen: 128,
          scope: 'host',
          valid_life_time: 4294967295,
          preferred_life_time: 4294967295,
        },
      ],
    },
  ];
  const v6ll = (i: number) => ({
    family: 'inet6',
    local: linkLocal(i),
    prefixlen: 64,
    scope: 'link',
    valid_life_time: 4294967295,
    preferred_life_time: 4294967295,
  });
  const trunkIndex = new Map<string, number>();
  for (const name of trunks(n)) {
    trunkIndex.set(name, index);
    links.push({
      ...linkBase(index, name, ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], {}),
      qdisc: 'fq_codel',
      parentbus: 'virtio',
      parentdev: `virtio${index}`,
    });
    addrs.push({ ifindex: index, ifname: name, addr_info: [v6ll(index)] });
    index++;
  }
  const route4: object[] = [];
  const route6: object[] = [];
  const route6main = trunks(n).map((name) => ({
    dst: 'fe80::/64',
    dev: name,
    protocol: 'kernel',
    metric: 256,
    flags: [],
    pref: 'medium',
  }));

  for (const t of ts) {
    const vrfIndex = index++;
    const memberIndex = index++;
    links.push({
      ...linkBase(vrfIndex, t.vrf, ['NOARP', 'MASTER', 'UP', 'LOWER_UP'], {}),
      mtu: 65575,
      linkinfo: { info_kind: 'vrf', info_data: { table: t.table } },
    });
    links.push({
      ...linkBase(memberIndex, t.member, ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], { master: t.vrf }),
      link: t.trunk,
      linkinfo: {
        info_kind: 'vlan',
        info_data: { protocol: '802.1Q', id: t.vlan, flags: ['REORDER_HDR'] },
        info_slave_kind: 'vrf',
        info_slave_data: { table: t.table },
      },
    });
    addrs.push({ ifindex: vrfIndex, ifname: t.vrf, addr_info: [] });
    addrs.push({
      ifindex: memberIndex,
      link: t.trunk,
      ifname: t.member,
      addr_info: [
        {
          family: 'inet',
          local: `${t.net}.1`,
          prefixlen: 24,
          broadcast: `${t.net}.255`,
          scope: 'global',
          label: t.member,
          valid_life_time: 4294967295,
          preferred_life_time: 4294967295,
        },
        v6ll(memberIndex),
      ],
    });
    const table = String(t.table);
    route4.push(
      ...[
        { dst: 'default', gateway: `${t.net}.254`, dev: t.member, protocol: 'static', flags: [] },
        { type: 'unreachable', dst: 'default', metric: 4278198272, flags: [] },
        { dst: `${t.net}.0/24`, dev: t.member, protocol: 'kernel', scope: 'link', prefsrc: `${t.net}.1`, flags: [] },
        {
          type: 'local',
          dst: `${t.net}.1`,
          dev: t.member,
          protocol: 'kernel',
          scope: 'host',
          prefsrc: `${t.net}.1`,
          flags: [],
        },
        {
          type: 'broadcast',
          dst: `${t.net}.255`,
          dev: t.member,
          protocol: 'kernel',
          scope: 'link',
          prefsrc: `${t.net}.1`,
          flags: [],
        },
      ].map((r) => inTable(r, table)),
    );
    route6.push(
      ...[
        { type: 'unreachable', dst: 'default', dev: 'lo', metric: 4278198272, flags: [], pref: 'medium' },
        { dst: 'fe80::/64', dev: t.member, protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
        {
          type: 'local',
          dst: linkLocal(memberIndex),
          dev: t.member,
          protocol: 'kernel',
          metric: 0,
          flags: [],
          pref: 'medium',
        },
        {
          type: 'multicast',
          dst: 'ff00::/8',
          dev: t.member,
          protocol: 'kernel',
          metric: 256,
          flags: [],
          pref: 'medium',
        },
      ].map((r) => inTable(r, table)),
    );
    if (t.extras) extras(t, put);
  }

  put('links.json', json(links));
  put('addr.json', json(addrs));
  // The local lookup behind the l3mdev rule, where the sysctl target's local-rule unit puts it.
  put(
    'rule.json',
    json([
      { priority: 1000, src: 'all', l3mdev: null },
      { priority: 32765, src: 'all', table: 'local' },
      { priority: 32766, src: 'all', table: 'main' },
      { priority: 32767, src: 'all', table: 'default' },
    ]),
  );
  put(
    'rule6.json',
    json([
      { priority: 1000, src: 'all', l3mdev: null },
      { priority: 32765, src: 'all', table: 'local' },
      { priority: 32766, src: 'all', table: 'main' },
    ]),
  );
  // ip -j -4|-6 route show table all: the VRFs' tables, main (no `table`), then the local table.
  put(
    'route-all.json',
    json([
      ...route4,
      ...[
        { type: 'local', dst: '127.0.0.0/8', scope: 'host' },
        { type: 'local', dst: '127.0.0.1', scope: 'host' },
        { type: 'broadcast', dst: '127.255.255.255', scope: 'link' },
      ].map((r) => ({ ...r, dev: 'lo', table: 'local', protocol: 'kernel', prefsrc: '127.0.0.1', flags: [] })),
    ]),
  );
  put(
    'route6-all.json',
    json([
      ...route6,
      ...route6main,
      {
        type: 'local',
        dst: '::1',
        dev: 'lo',
        table: 'local',
        protocol: 'kernel',
        metric: 0,
        flags: [],
        pref: 'medium',
      },
      ...trunks(n).flatMap((name) => [
        {
          type: 'local',
          dst: linkLocal(trunkIndex.get(name)!),
          dev: name,
          table: 'local',
          protocol: 'kernel',
          metric: 0,
          flags: [],
          pref: 'medium',
        },
        {
          type: 'multicast',
          dst: 'ff00::/8',
          dev: name,
          table: 'local',
          protocol: 'kernel',
          metric: 256,
          flags: [],
          pref: 'medium',
        },
      ]),
    ]),
  );
  // A kernel with the vrf module loaded (not asked while VRFs exist, but collect stores it).
  put(
    'kernel-vrf.txt',
    'sys-module-vrf present\nproc-modules present\nconfig /boot/config-6.1.0-57-amd64 m\nlib-modules /lib/modules/6.1.0-57-amd64 vrf.ko\n',
  );
  put(
    'sysctl-l3mdev.txt',
    'net.ipv4.raw_l3mdev_accept = 1\nnet.ipv4.tcp_l3mdev_accept = 0\nnet.ipv4.udp_l3mdev_accept = 0\n' +
      // Container networks route through the host.
      'net.ipv4.ip_forward = 1\nnet.ipv6.conf.all.forwarding = 1\n',
  );
  return files;
}
