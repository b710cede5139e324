/**
 * The boots of the real-boot suite, as data. Each installs vrfgen's files for one network stack
 * (plus the system targets) into a fresh guest, boots it, and records the state; a stack that
 * takes drift records it again after the drift commands ran in the same boot.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Document } from 'yaml';
import { stateTableRoutes, type StateRoute } from '../support/state-layout.ts';
import type { Release, Variant } from './image.ts';
import { verifyOspf } from './ospf/verify.ts';

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
   * A script run (with the results folder as $1) after the clean state was recorded (and `extra`),
   * before the drift: what the host must come through unchanged (a restart of the network stack).
   * The state is recorded again into `again/` and judged like the clean one, `verify` included.
   */
  readonly again?: string;
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
    /** The folder of the state judged: `state`, or `again`. */
    state: string,
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

/** FRR's routes as the kernel tables hold them: the prefixes of `proto bgp` routes, sorted. */
const bgpRoutes = (routes: readonly StateRoute[]) =>
  routes
    .filter((r) => r.protocol === 'bgp')
    .map((r) => r.dst ?? '?')
    .sort();

/**
 * The routes of one table and family in the state `vrfgen collect` recorded into the folder `state`
 * (`state`, `again`, `drifted`), in the layout of the vrfgen that collected it.
 */
const routesIn = (read: (file: string) => string, state: string, family: 4 | 6, table: number | 'main') =>
  stateTableRoutes((f) => read(`${state}/${f}`), family, table);

/** A file of `ip -j route show table N` a boot's own script wrote (again.sh's survive/). */
const routesOf = (json: string) => JSON.parse(json || '[]') as StateRoute[];

/** red's table: the appliance's two accepted prefixes, installed by FRR. */
const RED_BGP = ['10.200.1.1', '10.200.3.8/29'];
/** blue's table: red's subnets (connected), its static route and the appliance's prefixes, leaked. */
const BLUE_BGP = ['10.1.0.0/25', '10.1.0.128/25', '10.200.1.1', '10.200.3.8/29', '192.0.2.0/24'];

/**
 * The route server (test/e2e/frr): the appliance with the right key has a session and got its /32
 * and in-range /29 accepted, the /24 and the /29 outside the filter are not; the appliance with the
 * wrong key never gets a session; red's routes are leaked into blue's table. In the state recorded
 * again after again.sh, the same, and FRR's routes were in the kernel's tables after each step.
 */
function verifyRouteServer(
  read: (file: string) => string,
  findings: readonly { item: string; status: string; actual?: unknown }[],
  state: string,
): void {
  const actual = (item: string) => findings.find((f) => f.item === item)?.actual;
  const must = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`FRR boot (${state}): ${what}`);
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
  // The kernel's tables as vrfgen collect recorded them: FRR installed what it accepted, and leaked it.
  // again.sh's steps wait for the appliance's prefixes only; red's static route reaches blue a few
  // seconds later (redistributed from the kernel, then leaked): right after a step, blue must hold the
  // appliance's prefixes and nothing but red's own.
  const tables = (where: string, inRed: readonly StateRoute[], inBlue: readonly StateRoute[]) => {
    const red = bgpRoutes(inRed);
    const blue = bgpRoutes(inBlue);
    must(JSON.stringify(red) === JSON.stringify(RED_BGP), `${where}: FRR's routes in red: ${JSON.stringify(red)}`);
    const leaked = !where.startsWith('survive/')
      ? JSON.stringify(blue) === JSON.stringify(BLUE_BGP)
      : RED_BGP.every((p) => blue.includes(p)) && blue.every((p) => BLUE_BGP.includes(p ?? ''));
    must(leaked, `${where}: leaked into blue: ${JSON.stringify(blue)}`);
  };
  tables(state, routesIn(read, state, 4, 100), routesIn(read, state, 4, 200));
  if (state === 'again') {
    // survive/without-dropin-* records what a restart of networkd without the drop-in does, for
    // reading: networkd 252 left FRR's routes with their own next hops in place, 257 deleted them.
    // FRR was asked to start while red and blue did not exist (again.sh, step 1), and the frr
    // target's drop-in held it back until networkd made them.
    must(
      !/^(red|blue) /m.test(read('survive/frr-first-vrfs.txt')),
      `the VRFs were there before FRR's start: ${read('survive/frr-first-vrfs.txt')}`,
    );
    must(
      read('survive/frr-first-state.txt').trim() !== 'active',
      `FRR started without the VRF devices: ${read('survive/frr-first-state.txt')}`,
    );
    // Not only back in the end: there right after networkd's reload and restart (again.sh waited for networkd only).
    for (const step of ['frr-first', 'after-reload', 'after-restart']) {
      const file = (table: number) => read(`survive/${step}-table${table}.json`);
      tables(`survive/${step}`, routesOf(file(100)), routesOf(file(200)));
    }
    return;
  }
  const bad = JSON.parse(read('bad-summary.json') || '{}') as {
    ipv4Unicast?: { peers?: Record<string, { state?: string }> };
  };
  const badState = bad.ipv4Unicast?.peers?.['10.1.0.129']?.state;
  must(badState !== undefined && badState !== 'Established', `the bad appliance's own view: ${badState}`);
  // FRR's running config is vrfgen's file, line for line, but for what vtysh adds around it and the hostname.
  const lines = (text: string) =>
    text
      .split('\n')
      .filter((l) => l && !/^(#|Building configuration|Current configuration:|hostname |end$)/.test(l))
      .join('\n')
      .replace(/^!\n/, '')
      // FRR 10 lists every VRF zebra knows, as an empty block.
      .replace(/^vrf \S+\nexit-vrf\n!\n/gm, '');
  must(
    lines(read('running-config.txt')) === lines(read('frr.conf')),
    `running config differs from frr.conf:\n${read('running-config.txt')}`,
  );
}

const ROUTE_SERVER_DIR = join(import.meta.dirname, 'route-server');

/** What one FRR peer's `show bgp … json` holds: each prefix with the peer it came from and its next hops. */
function peerRoutes(json: string): { prefix: string; peer: string; nexthops: string[] }[] {
  const t = JSON.parse(json || '{}') as {
    routes?: Record<string, { peerId?: string; valid?: boolean; nexthops?: { ip?: string }[] }[]>;
  };
  return Object.entries(t.routes ?? {}).flatMap(([prefix, paths]) =>
    paths
      .filter((p) => p.valid !== false)
      .map((p) => ({ prefix, peer: p.peerId ?? '?', nexthops: (p.nexthops ?? []).map((n) => n.ip ?? '?') })),
  );
}

/**
 * The anycast route server (route-server/): each appliance got only a default route from rs; rs
 * installed exactly the accepted prefixes (IPv4 /32 and in-range /29 of both appliances, the IPv6
 * /64), in both states; the fabric got them with their next hops unchanged, and rs's anycast /32.
 */
function verifyAnycastRouteServer(
  read: (file: string) => string,
  _findings: readonly { item: string; status: string; actual?: unknown }[],
  state: string,
): void {
  const wrong: string[] = [];
  const same = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want))
      wrong.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  same('rs: IPv4 routes from FRR', bgpRoutes(routesIn(read, state, 4, 3000)), [
    '10.200.1.1',
    '10.200.3.8/29',
    '10.200.4.4',
    '10.200.5.16/29',
  ]);
  same('rs: IPv6 routes from FRR', bgpRoutes(routesIn(read, state, 6, 3000)), ['2001:db8:200:1::/64']);
  if (state === 'state') {
    const received = (file: string, from: string) =>
      peerRoutes(read(file))
        .filter((r) => r.peer === from)
        .map((r) => r.prefix)
        .sort();
    same('a1 got from rs', received('peers/a1-ipv4.json', '10.255.0.1'), ['0.0.0.0/0']);
    same('a2 got from rs', received('peers/a2-ipv4.json', '10.255.0.1'), ['0.0.0.0/0']);
    same('a6 got from rs', received('peers/a6-ipv6.json', '2001:db8:ff::1'), ['::/0']);
    const fabric = peerRoutes(read('peers/fabric-ipv4.json')).filter((r) => r.peer === '10.50.0.1');
    same('the fabric got, with next hops', fabric.map((r) => `${r.prefix} via ${r.nexthops.join(',')}`).sort(), [
      '10.200.1.1/32 via 10.60.1.2',
      '10.200.3.8/29 via 10.60.1.2',
      '10.200.4.4/32 via 10.60.2.2',
      '10.200.5.16/29 via 10.60.2.2',
      '10.255.0.1/32 via 10.50.0.1',
    ]);
  }
  if (wrong.length) throw new Error(`anycast route server (${state}):\n${wrong.join('\n')}`);
}

/**
 * The route server (test/e2e/frr). The overlay cannot carry the guest's frr user (it is not in the
 * staged root) nor its daemons file. FRR 8.4 on Debian 12, 10.3 on Debian 13.
 */
const FRR_ROUTE_SERVER: Stack = {
  name: 'frr route server',
  image: 'ifupdown2',
  intentFile: join(FRR_DIR, 'intent.yaml'),
  targets: ['networkd', 'sysctl', 'frr'],
  mask: IFUPDOWN_UNITS.filter((u) => !FRR_UNITS.includes(u)),
  drift: [],
  setup: readFileSync(join(FRR_DIR, 'peers.sh'), 'utf8'),
  again: readFileSync(join(FRR_DIR, 'again.sh'), 'utf8'),
  warnings: ['write/unknown-owner', 'generate/not-included'],
  verify: verifyRouteServer,
};

/**
 * The route server as operators build it for virtual appliances (route-server/intent.yaml), on both
 * releases: after the clean state a restart of networkd (again.sh), then an appliance's key changed
 * and the anycast dummy deleted.
 */
const ANYCAST_ROUTE_SERVER: Stack = {
  name: 'anycast route server',
  image: 'ifupdown2',
  intentFile: join(ROUTE_SERVER_DIR, 'intent.yaml'),
  targets: ['networkd', 'sysctl', 'frr'],
  mask: IFUPDOWN_UNITS.filter((u) => !FRR_UNITS.includes(u)),
  setup: readFileSync(join(ROUTE_SERVER_DIR, 'peers.sh'), 'utf8'),
  again: readFileSync(join(ROUTE_SERVER_DIR, 'again.sh'), 'utf8'),
  // An appliance's key changed (its session never comes back), then the anycast dummy deleted.
  drift: [
    {
      command:
        "vtysh -N a2 -c 'configure terminal' -c 'router bgp 65000' -c 'neighbor 10.255.0.1 password wrongkey' && sleep 10",
      // FRR forgets a dynamic neighbour whose session ends: only the count of the range shows it.
      finding: 'bgp rs listen 10.60.0.0/16 established',
    },
    { command: 'ip link del anycast0', finding: 'link anycast0 master' },
  ],
  warnings: ['write/unknown-owner', 'generate/not-included'],
  verify: verifyAnycastRouteServer,
};

const OSPF_DIR = join(import.meta.dirname, 'ospf');

/**
 * OSPF and BFD per VRF, and leaking under policy (test/e2e/ospf): red's adjacency with the FRR in
 * namespace n1, then n1's FRR stopped. FRR 8.4 on Debian 12, 10.3 on Debian 13.
 */
const OSPF_BOOT: Stack = {
  name: 'ospf',
  image: 'ifupdown2',
  intentFile: join(OSPF_DIR, 'intent.yaml'),
  targets: ['networkd', 'sysctl', 'frr'],
  mask: IFUPDOWN_UNITS.filter((u) => !FRR_UNITS.includes(u)),
  setup: readFileSync(join(OSPF_DIR, 'peers.sh'), 'utf8'),
  // BFD goes AdminDown when n1's bfdd stops, which ospfd does not take as a failure: the neighbour
  // goes after the dead interval (8 s).
  drift: [{ command: '/usr/lib/frr/frrinit.sh stop n1; sleep 15', finding: 'ospf red vo full' }],
  warnings: ['write/unknown-owner', 'generate/not-included'],
  verify: verifyOspf,
};

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
function verifyMembers(
  read: (file: string) => string,
  _findings: readonly { item: string; status: string; actual?: unknown }[],
  state: string,
): void {
  const wrong: string[] = [];
  for (const [name, what] of Object.entries(MEMBER_PINGS))
    if (read(`ping/${name}.rc`).trim() !== '0') wrong.push(`no answer ${what}:\n${read(`ping/${name}.txt`)}`);
  if (!/^[1-9]/.test(read('ping/main-dhcp-default.rc').trim()))
    wrong.push(`10.99.0.1 answered outside blue: the lease's route is in main too\n${read('ping/main.txt')}`);
  const lease = (routes: StateRoute[]) => routes.some((r) => r.dst === 'default' && r.gateway === '10.30.0.1');
  const blue = routesIn(read, state, 4, 1100);
  const main = routesIn(read, state, 4, 'main');
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
  FRR_ROUTE_SERVER,
  ANYCAST_ROUTE_SERVER,
  OSPF_BOOT,
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
