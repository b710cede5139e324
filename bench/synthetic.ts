/**
 * Synthetic inputs for the benchmark: an intent with N VRFs, and the state DIR (`vrfgen collect`'s
 * layout) of a host on which that intent is fully in place. The shape is a hosting node's: one
 * tenant VRF per 802.1Q VLAN of a trunk, each with one address and a default route. A trunk holds
 * at most 4094 VLANs, so every 4000 VRFs get the next trunk (eth0, eth1, …).
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
  }
  lines.push('sysctl:', '  tcp_l3mdev_accept: false', '  udp_l3mdev_accept: false', '  raw_l3mdev_accept: true');
  return `${lines.join('\n')}\n`;
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
    put(
      `route-table${t.table}.json`,
      json([
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
      ]),
    );
    put(
      `route6-table${t.table}.json`,
      json([
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
      ]),
    );
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
  put('route-main.json', json([]));
  put('route6-main.json', json(route6main));
  put(
    'sysctl-l3mdev.txt',
    'net.ipv4.raw_l3mdev_accept = 1\nnet.ipv4.tcp_l3mdev_accept = 0\nnet.ipv4.udp_l3mdev_accept = 0\n',
  );
  return files;
}
