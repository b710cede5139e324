/**
 * `vrfgen collect` and `collect --script`, run for real: in a fresh network namespace (so the
 * host's links are never touched) a veth carries the intent's addresses, routes and rules; dash
 * runs the generated script, Node runs `collect`, and both folders must be identical and be read
 * by `check --state` exactly as a live `check` reads the namespace. The VRF device itself is
 * missing: where the kernel has VRF support that is drift; where it has none (CONFIG_NET_VRF
 * unset, as on the kernel these tests were written on) the report says so once, as `kernel vrf`,
 * and what needs a VRF device is unknown for that reason. Either way the verdict is drift (exit 1),
 * never "could not check".
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { noVrfSupport, parseKernelVrf } from '../../src/check/kernel-vrf.ts';
import { CLI, describeWithFacility, probeCommand, run, vrfgen } from '../support/helpers.ts';

const INTENT = `version: 1
vrfs:
  blue:
    table: 10
    interfaces:
      vb0:
        addresses: [10.1.0.1/24, "2001:db8:1::1/64"]
    routes:
      - {to: default, via: 10.1.0.254}
      - {to: "::/0", via: "2001:db8:1::fe"}
      - {to: 198.51.100.0/24, via: 10.1.0.9, metric: 50}
      - {to: 203.0.113.0/24, type: blackhole}
    rules:
      - {from: 192.0.2.0/24, priority: 100}
      - {iif: vb0}
    services: [vrfgen-probe.service]
sysctl:
  tcp_l3mdev_accept: false
  udp_l3mdev_accept: false
`;

/** What a VRF stack would have set up, minus the VRF device this kernel cannot create. No DAD, so
 *  no address is "tentative" in one folder and settled in the other. */
const SETUP = `set -e
sysctl -qw net.ipv6.conf.default.accept_dad=0
ip link set lo up
ip link add vb0 type veth peer name vb1
ip link set vb0 up
ip link set vb1 up
ip addr add 10.1.0.1/24 dev vb0
ip -6 addr add 2001:db8:1::1/64 dev vb0
ip route add table 10 default via 10.1.0.254 dev vb0 proto static
ip route add table 10 198.51.100.0/24 via 10.1.0.9 dev vb0 metric 50 proto static
ip route add table 10 blackhole 203.0.113.0/24 proto static
ip route add table 10 unreachable default metric 4278198272
ip -6 route add table 10 default via 2001:db8:1::fe dev vb0 proto static
ip -6 route add table 10 unreachable default metric 4278198272
ip rule add from 192.0.2.0/24 lookup 10 pref 100
ip rule add iif vb0 lookup 10
ip -6 rule add iif vb0 lookup 10
# The sysctl target's unit: the local lookup behind the l3mdev rule.
for f in -4 -6; do ip $f rule add pref 32765 table local protocol kernel; ip $f rule del pref 0 table local; done
`;

function probeNamespace(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (unshare -n, ip link add)';
  return probeCommand('unshare', [
    '-n',
    'dash',
    '-c',
    'ip -j link show >/dev/null && sysctl -n net.ipv4.tcp_l3mdev_accept >/dev/null',
  ]);
}

/**
 * The statuses a state shows for the items that need a VRF device, `kernel vrf` first: missing
 * or drift (`without`) on a kernel with VRF support, unknown on one without.
 */
function vrfDeviceStatus(state: string, without: Record<string, string>): Record<string, string> {
  const none = noVrfSupport(parseKernelVrf(readFileSync(join(state, 'kernel-vrf.txt'), 'utf8')));
  if (!none) return without;
  return { 'kernel vrf': 'drift', ...Object.fromEntries(Object.keys(without).map((k) => [k, 'unknown'])) };
}

/** Everything in `dir`, name → content. */
const folder = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );

function workspace(intentText = INTENT, setup = SETUP) {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-collect-'));
  const intent = join(dir, 'intent.yaml');
  writeFileSync(intent, intentText);
  writeFileSync(join(dir, 'setup.sh'), setup);
  mkdirSync(join(dir, 'root'));
  const script = vrfgen('collect', intent, '--script');
  expect(script.stderr).toBe('');
  expect(script.code).toBe(0);
  writeFileSync(join(dir, 'collect.sh'), script.stdout);
  return { dir, intent, script: script.stdout };
}

/** Run `body` (sh) in a fresh network namespace after SETUP; $W is the workspace, "$NODE" "$CLI" vrfgen. */
const inNamespace = (dir: string, body: string) =>
  run('unshare', [
    '-n',
    'sh',
    '-c',
    `W=$1 NODE=$2 CLI=$3; set -e; sh "$W/setup.sh"; ${body}`,
    'sh',
    dir,
    process.execPath,
    CLI,
  ]);

describeWithFacility('collect --script under dash, in a fresh network namespace', probeNamespace, () => {
  test('dash fills the same DIR as collect, and check --state reads it as a live check does', () => {
    const { dir, intent } = workspace();
    const r = inNamespace(
      dir,
      `dash "$W/collect.sh" "$W/by-sh"
       "$NODE" "$CLI" collect "$W/intent.yaml" "$W/by-node" >/dev/null
       "$NODE" "$CLI" check "$W/intent.yaml" --root "$W/root" --json >"$W/live.json" || echo "live check exit $?"`,
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('live check exit 1\n');
    expect(readdirSync(join(dir, 'by-sh'))).toEqual(expect.arrayContaining(['route-all.json', 'route6-all.json']));
    expect(folder(join(dir, 'by-sh'))).toEqual(folder(join(dir, 'by-node')));

    const c = vrfgen('check', intent, '--state', join(dir, 'by-sh'), '--root', join(dir, 'root'), '--json');
    expect(c.code).toBe(1);
    const offline = JSON.parse(c.stdout);
    expect(offline).toEqual(JSON.parse(readFileSync(join(dir, 'live.json'), 'utf8')));
    const status = Object.fromEntries(
      offline.findings
        .filter((f: { item: string }) => !f.item.startsWith('file '))
        .map((f: { item: string; status: string }) => [f.item, f.status]),
    );
    // systemctl answers only where systemd is PID 1: the service is unknown here, drift on a booted host.
    const service = status['service vrfgen-probe.service state'];
    expect(['unknown', 'drift']).toContain(service);
    const vrfDevice = vrfDeviceStatus(join(dir, 'by-sh'), {
      'link blue kind': 'missing',
      'link blue table': 'missing',
      'link blue state': 'missing',
      'link vb0 master': 'drift',
      'rule4 l3mdev': 'missing',
      'rule6 l3mdev': 'missing',
      'service vrfgen-probe.service vrf': service,
    });
    expect(status).toEqual({
      ...vrfDevice,
      'link vb0 state': 'ok',
      'addr vb0 10.1.0.1/24': 'ok',
      'addr vb0 2001:db8:1::1/64': 'ok',
      'route4 main dev vb0': 'ok',
      'route6 main dev vb0': 'ok',
      'route4 10 0.0.0.0/0 metric 0': 'ok',
      'route4 10 0.0.0.0/0 metric 4278198272': 'ok',
      'route4 10 198.51.100.0/24 metric 50': 'ok',
      'route4 10 203.0.113.0/24 metric 0': 'ok',
      'route6 10 ::/0 metric 1024': 'ok',
      'route6 10 ::/0 metric 4278198272': 'ok',
      'rule4 from 192.0.2.0/24 pref 100': 'ok',
      'rule4 iif vb0': 'ok',
      'rule6 iif vb0': 'ok',
      'service vrfgen-probe.service state': service,
      'rule4 local': 'ok',
      'rule6 local': 'ok',
      'sysctl net.ipv4.tcp_l3mdev_accept': 'ok',
      'sysctl net.ipv4.udp_l3mdev_accept': 'ok',
    });
  });

  test('--strict finds what the intent does not mention: an extra route, a leak into main', () => {
    const { dir, intent } = workspace();
    const r = inNamespace(
      dir,
      `ip route add table 10 192.0.2.0/24 via 10.1.0.7 dev vb0 proto static
       ip route add 172.16.0.0/12 via 10.1.0.8 dev vb0
       dash "$W/collect.sh" "$W/by-sh"`,
    );
    expect(r.stderr).toBe('');
    const c = vrfgen('check', intent, '--state', join(dir, 'by-sh'), '--strict', '--json');
    expect(c.code).toBe(1);
    const extra = Object.fromEntries(
      JSON.parse(c.stdout)
        .findings.filter((f: { status: string }) => f.status === 'extra')
        .map((f: { item: string; extra: string[] }) => [f.item, f.extra]),
    );
    expect(extra).toEqual({
      'route4 main dev vb0': ['172.16.0.0/12 metric 0 via 10.1.0.8 dev vb0'],
      'route4 10 *': ['192.0.2.0/24 metric 0 via 10.1.0.7 dev vb0'],
      'addr vb0 *': expect.arrayContaining([expect.stringMatching(/^fe80::/)]),
    });
  });

  test('a script dash cannot run is caught (the check can fail)', () => {
    const { dir, intent, script } = workspace();
    // `|&` is bash; dash stops at it, and what was not collected is unknown, never ok.
    writeFileSync(
      join(dir, 'collect.sh'),
      script.replace('probe links.json ip -j -d link show', 'probe links.json ip -j -d link show |& cat'),
    );
    const r = inNamespace(dir, 'dash "$W/collect.sh" "$W/by-sh"');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Syntax error/);
    const c = vrfgen('check', intent, '--state', join(dir, 'by-sh'));
    expect(c.code).toBe(2);
    expect(c.stdout).toMatch(/^\? links\.json: not collected$/m);
    expect(c.stdout).toMatch(/^incomplete: \d+ unknown\n$/m);
  });
});

/** Bridges (one with a port, one without), a VXLAN on an underlay, and a member with a DHCP lease
 *  and a router advertisement's default route, as a client leaves them (lifetimes, proto dhcp/ra). */
const KINDS_INTENT = `version: 1
vrfs:
  blue:
    table: 10
    interfaces:
      br0: {bridge: {ports: [p0]}, addresses: [198.51.100.1/24]}
      br1: {bridge: {ports: [], stp: true}, addresses: ["2001:db8:b1::1/64"]}
      vx200: {vxlan: {vni: 200, group: 239.1.1.200, dev: u0, port: 8472, learning: true}}
      d0: {dhcp4: true, accept-ra: true}
    routes:
      - {to: 10.0.0.0/8, via: dhcp}
vlan-parents:
  u0: {networkd-file: 20-u0.network}
`;

/** What the stack and the DHCP client would have set up, minus the VRF (no vrf.ko here). This
 *  kernel has bridges and VXLANs but no bonding or dummy module: those are in the assembled states. */
const KINDS_SETUP = `set -e
ip link set lo up
ip link add br0 type bridge stp_state 0
ip link add p0 type veth peer name p1
ip link set p0 master br0
ip link add br1 type bridge stp_state 1
ip link add u0 type veth peer name u1
ip addr add 10.0.9.1/24 dev u0
ip link add vx200 type vxlan id 200 group 239.1.1.200 dev u0 dstport 8472 learning
ip link add d0 type veth peer name d1
sysctl -qw net.ipv6.conf.d0.accept_dad=0
for l in p0 p1 br0 br1 u0 u1 vx200 d0 d1; do ip link set "$l" up; done
ip addr add 198.51.100.1/24 dev br0
ip -6 addr add 2001:db8:b1::1/64 dev br1
ip addr add 192.168.122.50/24 dev d0 valid_lft 3600 preferred_lft 3600 metric 1024
ip -6 addr add fd00:122::5054:ff:fe12:3410/64 dev d0 valid_lft 86400 preferred_lft 14400 noprefixroute
ip route add table 10 default via 192.168.122.1 dev d0 proto dhcp src 192.168.122.50 metric 1024
ip route add table 10 192.168.122.1 dev d0 proto dhcp scope link src 192.168.122.50 metric 1024
ip route add table 10 10.0.0.0/8 via 192.168.122.1 dev d0 proto static
ip -6 route add table 10 default via fe80::1 dev d0 proto ra metric 1024 expires 1800
ip -6 route add table 10 fd00:122::/64 dev d0 proto ra metric 1024 expires 86400
# The sysctl target's unit: the local lookup behind the l3mdev rule.
for f in -4 -6; do ip $f rule add pref 32765 table local protocol kernel; ip $f rule del pref 0 table local; done
`;

describeWithFacility('member kinds and a DHCP/RA member, in a fresh network namespace', probeNamespace, () => {
  test("the readers on ip's own output: kinds, settings, ports, dynamic addresses, learned routes", () => {
    const { dir, intent } = workspace(KINDS_INTENT, KINDS_SETUP);
    const r = inNamespace(
      dir,
      `dash "$W/collect.sh" "$W/by-sh"
       "$NODE" "$CLI" collect "$W/intent.yaml" "$W/by-node" >/dev/null
       "$NODE" "$CLI" check "$W/intent.yaml" --root "$W/root" --strict --json >"$W/live.json" || echo "live check exit $?"`,
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('live check exit 1\n');
    // The same files; their bytes differ where time passes (bridge timers, address lifetimes).
    expect(readdirSync(join(dir, 'by-sh'))).toEqual(readdirSync(join(dir, 'by-node')));
    const c = vrfgen('check', intent, '--state', join(dir, 'by-sh'), '--root', join(dir, 'root'), '--strict', '--json');
    const offline = JSON.parse(c.stdout);
    expect(offline).toEqual(JSON.parse(readFileSync(join(dir, 'live.json'), 'utf8')));
    const status = Object.fromEntries(
      offline.findings
        .filter((f: { item: string }) => !f.item.startsWith('file '))
        .map((f: { item: string; status: string; extra?: string[] }) => [
          f.item,
          f.extra ? `${f.status}: ${f.extra.join(', ')}` : f.status,
        ]),
    );
    // No VRF device: everything about it, and every member's master, differs (or is unknown, on a
    // kernel without VRF support).
    const vrfDevice = vrfDeviceStatus(join(dir, 'by-sh'), {
      'link blue kind': 'missing',
      'link blue table': 'missing',
      'link blue state': 'missing',
      'link blue members': 'ok',
      'addr blue *': 'ok',
      'link br0 master': 'drift',
      'link br1 master': 'drift',
      'link d0 master': 'drift',
      'link vx200 master': 'drift',
      'rule4 l3mdev': 'missing',
      'rule6 l3mdev': 'missing',
    });
    expect(status).toEqual({
      ...vrfDevice,
      'link br0 state': 'ok',
      'link br0 kind': 'ok',
      'link br0 stp': 'ok',
      'addr br0 198.51.100.1/24': 'ok',
      // br0 and vx200 have carrier: the kernel gave them link-local addresses the intent does not name
      'addr br0 *': expect.stringMatching(/^extra: fe80::\S+\/64$/),
      'route4 main dev br0': 'ok',
      'link br0 members': 'ok',
      'link p0 master': 'ok',
      'link p0 state': 'ok',
      'link br1 state': 'ok',
      'link br1 kind': 'ok',
      'link br1 stp': 'ok',
      'addr br1 2001:db8:b1::1/64': 'ok',
      'addr br1 *': 'ok',
      'route6 main dev br1': 'ok',
      'link br1 members': 'ok',
      'link d0 state': 'ok',
      'addr d0 *': 'ok',
      'addr d0 dynamic ipv4': 'ok',
      'addr d0 dynamic ipv6': 'ok',
      'route4 10 0.0.0.0/0 dev d0': 'ok',
      'route6 10 ::/0 dev d0': 'ok',
      'route4 main dev d0': 'ok',
      'route6 main dev d0': 'ok',
      'link vx200 state': 'ok',
      'link vx200 kind': 'ok',
      'link vx200 vni': 'ok',
      'link vx200 group': 'ok',
      'link vx200 dev': 'ok',
      'link vx200 dstport': 'ok',
      'link vx200 learning': 'ok',
      'addr vx200 *': expect.stringMatching(/^extra: fe80::\S+\/64$/),
      'route4 10 0.0.0.0/0 metric 4278198272': 'missing',
      'route4 10 10.0.0.0/8 metric 0': 'ok',
      'route6 10 ::/0 metric 4278198272': 'missing',
      'route4 10 *': 'ok',
      'route6 10 *': 'ok',
      'link u0 state': 'ok',
      'rule4 local': 'ok',
      'rule6 local': 'ok',
    });
  });
});

test('collect --script is POSIX sh over the same probe list (no bash, no Node)', () => {
  const { script } = workspace();
  expect(script).toMatch(/^#!\/bin\/sh\n# Generated by vrfgen from intent\.yaml\./);
  expect(script).toContain('\nprobe route-all.json ip -j -4 route show table all\n');
  expect(script).toContain('\nprobe route6-all.json ip -j -6 route show table all\n');
  expect(script).not.toMatch(/route show table (main|\d)/);
  expect(script).toContain('\nidentify vrf-identify-vrfgen-probe.service.txt unit-vrfgen-probe.service.txt\n');
  expect(script).not.toMatch(/\[\[|\bfunction\b|\$'|<<<|\|&|\bnode\b/);
  const syntax = run('dash', ['-n'], { input: script });
  expect(syntax.stderr).toBe('');
  expect(syntax.code).toBe(0);
});
