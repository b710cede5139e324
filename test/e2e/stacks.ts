/**
 * The boots of the real-boot suite, as data. Each installs vrfgen's files for one network stack
 * (plus the system targets) into a fresh guest, boots it, and records the state; a stack that
 * takes drift records it again after the drift commands ran in the same boot.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Document } from 'yaml';
import type { Release, Variant } from './image.ts';

/** A change made at run time after the clean state was recorded, and the finding it must cause. */
export interface Drift {
  readonly command: string;
  /** The item of `vrfgen check`'s report that must show it. */
  readonly finding: string;
}

export interface Stack {
  readonly name: string;
  readonly image: Variant;
  /** The releases it boots on (default: every release). */
  readonly releases?: readonly Release[];
  /** Changes to the boot's intent (test/e2e/intent.yaml or intentFile) for this boot only. */
  readonly intent?: (doc: Document) => void;
  /** Commands run after the clean state is recorded (before the drift), their output kept in `$out/extra`. */
  readonly extra?: string;
  /** `vrfgen generate --target` list. */
  readonly targets: readonly string[];
  /** Units of the stacks not under test: two stacks fighting over the NICs prove nothing, and
   *  networkd's wait-online without a link to manage holds the boot for 120 s. */
  readonly mask: readonly string[];
  readonly drift: readonly Drift[];
  /** Files the admin has on the guest before installing vrfgen's (path → content). */
  readonly before?: Readonly<Record<string, string>>;
  /**
   * A negative case: break the generated tree before it is packed; the boot must then show
   * exactly these findings (by key), proving the suite fails when the files are wrong.
   */
  readonly tamper?: { readonly edit: (root: string) => void; readonly findings: readonly string[] };
  /** Another intent file than test/e2e/intent.yaml. */
  readonly intentFile?: string;
  /** A script run (with the results folder as $1) before the state is recorded. */
  readonly setup?: string;
  /**
   * A script run at boot before any network stack starts (guest/…/e2e-early.service): the peers
   * and servers the stack must find when it configures the links (a DHCP server, a NIC's peer).
   */
  readonly early?: string;
  /** The QEMU hub of each NIC, eth0 first (qemu.ts); default three NICs, each alone on its own. */
  readonly hubs?: readonly number[];
  /** Warnings `vrfgen generate` must print for this stack's tree (codes), none other. */
  readonly warnings?: readonly string[];
  /**
   * Journal complaints (boot-findings.ts) this boot must show, none other: each one a pattern of
   * the complaint's text, for a message about the machine rather than about vrfgen's files.
   */
  readonly complaints?: readonly RegExp[];
  /** What this boot must show beyond a clean check: the files it wrote into the results folder, and `vrfgen check --json`'s findings. */
  readonly verify?: (
    read: (file: string) => string,
    findings: readonly { item: string; status: string; actual?: unknown }[],
  ) => void;
}

/** FRR is in the image for the FRR boot; the other boots leave it off (its daemons would log into their journals). */
const FRR_UNITS = ['frr.service'];
const IFUPDOWN_UNITS = ['networking.service', 'ifupdown-pre.service', 'ifupdown-wait-online.service', ...FRR_UNITS];
const NETWORKD_UNITS = [
  'systemd-networkd.service',
  'systemd-networkd.socket',
  'systemd-networkd-wait-online.service',
  ...FRR_UNITS,
];

/** Drift for test/e2e/intent.yaml: a member out of its VRF, a route gone, a sysctl flipped, sshd outside its VRF. */
const DRIFT: readonly Drift[] = [
  { command: 'ip link set dev eth2 nomaster', finding: 'link eth2 master' },
  { command: 'ip route del default via 10.10.0.254 table 10', finding: 'route4 10 0.0.0.0/0 metric 0' },
  { command: 'sysctl -q -w net.ipv4.raw_l3mdev_accept=0', finding: 'sysctl net.ipv4.raw_l3mdev_accept' },
  {
    command:
      'rm /etc/systemd/system/ssh.service.d/vrfgen-vrf.conf && systemctl daemon-reload && systemctl restart ssh.service',
    finding: 'service ssh.service vrf',
  },
];

/** Debian's ifupdown2 ships an interfaces file without the source line vrfgen's file needs (generate says so). */
const SOURCE_INTERFACES_D = {
  '/etc/network/interfaces': 'auto lo\niface lo inet loopback\n\nsource /etc/network/interfaces.d/*\n',
};
const WITH = ['sysctl', 'services'];

/** NetworkManager boots mask the other stacks (both lists mask frr.service). */
const NM_MASK = [...new Set([...NETWORKD_UNITS, ...IFUPDOWN_UNITS])];

/**
 * What NetworkManager's boots need on a busy host, where NM starts late (after D-Bus) and slowly.
 * nm-online gives up after NM_ONLINE_TIMEOUT and also, whatever that says, when it cannot reach NM
 * soon enough ("timeout creating NMClient object"), which failed the wait-online unit of an emulated
 * Debian 12 guest; so it is tried again (written without `$` or `%`, which systemd expands). And
 * systemd 252 has no device time-out of its own (the command line's default_device_timeout_sec is
 * ignored there): ssh.service's wait for the VRF device NM creates gave up after the default start
 * time-out, so the devices' units get the longer one themselves.
 */
const NM_BEFORE = {
  '/etc/systemd/system/NetworkManager-wait-online.service.d/e2e-timeout.conf':
    '[Service]\nEnvironment=NM_ONLINE_TIMEOUT=600\nExecStart=\n' +
    "ExecStart=/bin/sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do nm-online -s -q && exit 0; sleep 1; done; exit 1'\n",
  '/etc/systemd/system/sys-subsystem-net-devices-.device.d/e2e-timeout.conf': '[Unit]\nJobRunningTimeoutSec=600\n',
};

/**
 * NetworkManager attaches a port taken out of its master with `ip` again at once (1.52.1 a VRF's
 * member, 1.42.4 a VRF's member and a bond's port), so on its boots the port is taken out through
 * NM, which then leaves it alone: the same drift, the same finding.
 */
const nmDrift = (drift: readonly Drift[]): Drift[] =>
  drift.map((d) => ({
    ...d,
    command: d.command.replace(/^ip link set dev (\S+) nomaster$/, 'nmcli device disconnect $1'),
  }));

const NETWORKD_FILES = 'etc/systemd/network';
const edit = (root: string, file: string, change: (text: string) => string) => {
  const p = join(root, NETWORKD_FILES, file);
  writeFileSync(p, change(readFileSync(p, 'utf8')));
};

/** The container network the NetworkManager boot adds to the production VRF (table 20). */
export const CONTAINERS = {
  vrf: 'production',
  table: 20,
  network: 'prodnet',
  subnet: '10.89.1.0/24',
  gateway: '10.89.1.1',
  bridge: 'br-prodnet',
} as const;

/**
 * Start a container on that network and record what it looks like from both sides. `podman run
 * --rootfs` needs no registry: the root is busybox with the libraries it links. Its routes are
 * read inside (busybox ip), the bridge and the VRF table outside.
 */
const START_CONTAINER = `x="$out/extra"; mkdir -p "$x"
r=/run/e2e-container; bb=$(command -v busybox)
mkdir -p "$r/bin" && cp "$bb" "$r/bin/busybox"
for l in $(ldd "$bb" | grep -o '/[^ ]*'); do mkdir -p "$r\${l%/*}" && cp -L "$l" "$r$l"; done
podman run -d --name e2e --network ${CONTAINERS.network} --rootfs "$r" /bin/busybox sleep 3600 >"$x/podman-run.txt" 2>&1; echo $? >"$x/podman-run.rc"
podman exec e2e /bin/busybox ip -4 route show >"$x/container-routes.txt" 2>&1
podman exec e2e /bin/busybox ip -4 addr show dev eth0 >"$x/container-addr.txt" 2>&1
ip -j -d link show dev ${CONTAINERS.bridge} >"$x/bridge.json" 2>&1
ip -j route show table ${CONTAINERS.table} >"$x/route-table${CONTAINERS.table}.json" 2>&1
ip -j route show table main >"$x/route-main.json" 2>&1
# Gone before the poweroff, which would otherwise wait 90 s for the container's processes.
podman rm -f -t 0 e2e >/dev/null 2>&1
`;

const FRR_DIR = join(import.meta.dirname, 'frr');

/**
 * The route server (test/e2e/frr): the appliance with the right key has a session and got its /32
 * and in-range /29 accepted, the /24 and the /29 outside the filter are not; the appliance with the
 * wrong key never gets a session; red's routes are leaked into blue's table.
 */
function verifyRouteServer(
  read: (file: string) => string,
  findings: readonly { item: string; status: string; actual?: unknown }[],
): void {
  const actual = (item: string) => findings.find((f) => f.item === item)?.actual;
  const must = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`FRR boot: ${what}`);
  };
  must(
    JSON.stringify(actual('bgp red listen 10.1.0.0/25 peers')) === JSON.stringify(['10.1.0.2 Established, 2 accepted']),
    `the right key's session: ${JSON.stringify(actual('bgp red listen 10.1.0.0/25 peers'))}`,
  );
  must(
    JSON.stringify(actual('bgp red listen 10.1.0.0/25 accepted')) ===
      JSON.stringify(['10.200.1.1/32', '10.200.3.8/29']),
    `accepted: ${JSON.stringify(actual('bgp red listen 10.1.0.0/25 accepted'))}`,
  );
  must(
    JSON.stringify(actual('bgp red listen 10.1.0.128/25 peers')) === '[]',
    `the wrong key's session: ${JSON.stringify(actual('bgp red listen 10.1.0.128/25 peers'))}`,
  );
  const bad = JSON.parse(read('bad-summary.json') || '{}') as {
    ipv4Unicast?: { peers?: Record<string, { state?: string }> };
  };
  const badState = bad.ipv4Unicast?.peers?.['10.1.0.129']?.state;
  must(badState !== undefined && badState !== 'Established', `the bad appliance's own view: ${badState}`);
  // Leaking, as vrfgen collect recorded blue's table: red's subnets (connected), its static route
  // (the kernel route redistributed through vrfgen-red-static) and the appliance's two prefixes.
  const blue = stateRoutes(read, 200, 'blue');
  const leaked = blue
    .filter((r) => r.protocol === 'bgp')
    .map((r) => r.dst)
    .sort();
  must(
    JSON.stringify(leaked) ===
      JSON.stringify(['10.1.0.0/25', '10.1.0.128/25', '10.200.1.1', '10.200.3.8/29', '192.0.2.0/24']),
    `leaked into blue: ${JSON.stringify(leaked)}`,
  );
  // FRR's running config is vrfgen's file, line for line, but for what vtysh adds around it and the hostname.
  const lines = (text: string) =>
    text
      .split('\n')
      .filter((l) => l && !/^(#|Building configuration|Current configuration:|hostname |end$)/.test(l))
      .join('\n')
      .replace(/^!\n/, '');
  must(
    lines(read('running-config.txt')) === lines(read('frr.conf')),
    `running config differs from frr.conf:\n${read('running-config.txt')}`,
  );
}

interface StateRoute {
  readonly dst?: string;
  readonly gateway?: string;
  readonly protocol?: string;
  readonly table?: string;
}

/**
 * One table's IPv4 routes in a state `vrfgen collect` wrote: from its dump of every table
 * (route-all.json: main's routes without `table`, a VRF's with its number, or its VRF's name where
 * ifupdown2 registered one in rt_tables.d), or, in a state of the earlier layout, from that table's
 * own file.
 */
function stateRoutes(read: (file: string) => string, table: number | 'main', vrf?: string): StateRoute[] {
  const dump = read('state/route-all.json');
  if (!dump) return JSON.parse(read(`state/route-${table === 'main' ? 'main' : `table${table}`}.json`) || '[]');
  const routes = JSON.parse(dump) as StateRoute[];
  return routes.filter((r) =>
    table === 'main' ? r.table === undefined : r.table === String(table) || (vrf !== undefined && r.table === vrf),
  );
}

const MEMBERS_DIR = join(import.meta.dirname, 'members');

/** Eight NICs on four hubs (members/intent.yaml's header): each member's peer shares its hub. */
const MEMBER_HUBS = [0, 0, 1, 2, 1, 3, 3, 3];

/**
 * Drift for members/intent.yaml: a bond port out of its bond (bonding also takes the released
 * port down), and the default route the DHCP lease put into blue's table deleted.
 */
const MEMBERS_DRIFT: readonly Drift[] = [
  { command: 'ip link set dev eth6 nomaster', finding: 'link eth6 master' },
  { command: 'ip route del default via 10.30.0.1 dev eth0 table 1100', finding: 'route4 1100 0.0.0.0/0 dev eth0' },
];

/**
 * The pings members/setup.sh ran: each must get through blue's member, and the one outside blue must not.
 * 127.0.0.1 inside blue answers from blue's VRF device only once the kernel's `local` rule is behind
 * the l3mdev rule (the sysctl target's vrfgen-local-rule.service; ifupdown2 moves it too).
 */
const MEMBER_PINGS = {
  bridge: 'to the bridge peer (198.51.100.2) through br0 and its port eth2',
  bond: 'to the bond peer (203.0.113.2) through bond0',
  vxlan: 'to the VXLAN peer (172.16.100.2) through vx100 over the underlay veth',
  'dhcp-default': "beyond the DHCP server (10.99.0.1), through the lease's default route in blue's table",
  anycast: 'from the bridge peer to the anycast address (10.255.0.9) on the dummy',
  'vrf-localhost': "to 127.0.0.1 inside blue, on blue's VRF device",
} as const;

/**
 * The members boot: traffic passed through each member (members/setup.sh), and the lease's default
 * route is in blue's table and not in main, as `vrfgen collect` recorded them.
 */
function verifyMembers(read: (file: string) => string): void {
  const wrong: string[] = [];
  for (const [name, what] of Object.entries(MEMBER_PINGS))
    if (read(`ping/${name}.rc`).trim() !== '0') wrong.push(`no answer ${what}:\n${read(`ping/${name}.txt`)}`);
  if (!/^[1-9]/.test(read('ping/main-dhcp-default.rc').trim()))
    wrong.push(`10.99.0.1 answered outside blue: the lease's route is in main too\n${read('ping/main.txt')}`);
  const lease = (routes: StateRoute[]) => routes.some((r) => r.dst === 'default' && r.gateway === '10.30.0.1');
  const blue = stateRoutes(read, 1100, 'blue');
  const main = stateRoutes(read, 'main');
  if (!lease(blue)) wrong.push(`no default route via 10.30.0.1 in table 1100: ${JSON.stringify(blue)}`);
  if (lease(main)) wrong.push(`the lease's default route is in main: ${JSON.stringify(main)}`);
  if (wrong.length) throw new Error(`members boot:\n${wrong.join('\n')}`);
}

/** One members boot for a network stack: members/intent.yaml, its early and setup scripts, eight NICs. */
const members = (target: string, image: Variant, mask: readonly string[], more: Partial<Stack> = {}): Stack => ({
  name: `members, ${target}`,
  image,
  targets: [target, 'sysctl'],
  mask,
  intentFile: join(MEMBERS_DIR, 'intent.yaml'),
  early: readFileSync(join(MEMBERS_DIR, 'early.sh'), 'utf8'),
  setup: readFileSync(join(MEMBERS_DIR, 'setup.sh'), 'utf8'),
  hubs: MEMBER_HUBS,
  drift: MEMBERS_DRIFT,
  verify: verifyMembers,
  ...more,
});

export const STACKS: readonly Stack[] = [
  { name: 'networkd', image: 'ifupdown2', targets: ['networkd', ...WITH], mask: IFUPDOWN_UNITS, drift: DRIFT },
  {
    // NetworkManager on its own image (it takes over every NIC), with a Podman network in a VRF:
    // netavark >= 1.8 only, so Debian 13 only.
    name: 'networkmanager with a container network',
    image: 'networkmanager',
    releases: ['debian-13'],
    targets: ['networkmanager', 'netavark', ...WITH],
    mask: NM_MASK,
    before: NM_BEFORE,
    drift: nmDrift(DRIFT),
    intent: (doc) =>
      doc.setIn(
        ['vrfs', CONTAINERS.vrf, 'containers'],
        doc.createNode([{ network: CONTAINERS.network, subnet: CONTAINERS.subnet }]),
      ),
    extra: START_CONTAINER,
  },
  {
    // NetworkManager 1.42 on Debian 12, without the container network (netavark 1.4 ignores a
    // bridge's VRF; vrfgen refuses it there). Two routes through the VRF device itself, IPv4 and
    // IPv6: an address-less family's routes must be applied, and the kernel refuses an IPv6 route
    // through a device whose IPv6 is disabled, which NM's `method=disabled` does.
    name: 'networkmanager',
    image: 'networkmanager',
    releases: ['debian-12'],
    targets: ['networkmanager', ...WITH],
    mask: NM_MASK,
    before: NM_BEFORE,
    drift: nmDrift(DRIFT),
    intent: (doc) => {
      doc.addIn(['vrfs', 'mgmt', 'routes'], doc.createNode({ to: '2001:db8:98::/64', dev: 'mgmt' }));
      doc.addIn(['vrfs', 'mgmt', 'routes'], doc.createNode({ to: '10.98.0.0/16', dev: 'mgmt' }));
    },
  },
  { name: 'netplan', image: 'ifupdown', targets: ['netplan', ...WITH], mask: IFUPDOWN_UNITS, drift: DRIFT },
  {
    name: 'ifupdown2',
    image: 'ifupdown2',
    targets: ['ifupdown2', ...WITH],
    mask: NETWORKD_UNITS,
    drift: DRIFT,
    before: SOURCE_INTERFACES_D,
  },
  {
    name: 'ifupdown',
    image: 'ifupdown',
    targets: ['ifupdown', ...WITH],
    mask: NETWORKD_UNITS,
    drift: DRIFT,
    before: SOURCE_INTERFACES_D,
  },
  {
    // On the other image, so both images boot in every run.
    name: 'networkd, deliberately broken files',
    image: 'ifupdown',
    targets: ['networkd', ...WITH],
    mask: IFUPDOWN_UNITS,
    drift: [],
    tamper: {
      edit: (root) => {
        edit(root, '10-vrfgen-mgmt.netdev', (t) => t.replace('Table=10', 'Table=11'));
        edit(root, '10-vrfgen-eth2.network', (t) => t.replace('[Network]\n', '[Network]\nVrfgenBroken=yes\n'));
      },
      findings: ['link mgmt table', 'journal'],
    },
  },
  {
    // The overlay cannot carry the guest's frr user (it is not in the staged root) nor its daemons file.
    name: 'frr route server',
    image: 'ifupdown2',
    // FRR 8.4 as the frr target's vtysh test checks it; Debian 13's FRR 10 is not booted.
    releases: ['debian-12'],
    intentFile: join(FRR_DIR, 'intent.yaml'),
    targets: ['networkd', 'sysctl', 'frr'],
    mask: IFUPDOWN_UNITS.filter((u) => !FRR_UNITS.includes(u)),
    drift: [],
    setup: readFileSync(join(FRR_DIR, 'peers.sh'), 'utf8'),
    warnings: ['write/unknown-owner', 'generate/not-included'],
    verify: verifyRouteServer,
  },
  members('networkd', 'ifupdown2', IFUPDOWN_UNITS),
  members('netplan', 'ifupdown', IFUPDOWN_UNITS),
  members('ifupdown2', 'ifupdown2', NETWORKD_UNITS, {
    before: SOURCE_INTERFACES_D,
    // Said once per run for any bridge when bridge-utils is missing, whatever the bridge's keywords:
    // none of vrfgen's needs brctl (the bridge addon sets STP by netlink; only mstpctl's STP and
    // bridge-mcqv4src call it), and the bridge carries the ping. Debian's ifupdown2 only suggests
    // the package, and it would add an ifupdown hook of its own that ifupdown2 runs for the bridge
    // (IF_BRIDGE_PORTS): the image stays without it (docs/targets/ifupdown2.md).
    complaints: [/^networking: warning: \/sbin\/brctl: missing - bridge operation may not work as expected\./],
  }),
  members('ifupdown', 'ifupdown', NETWORKD_UNITS, { before: SOURCE_INTERFACES_D }),
  members('networkmanager', 'networkmanager', NM_MASK, { before: NM_BEFORE, drift: nmDrift(MEMBERS_DRIFT) }),
];
