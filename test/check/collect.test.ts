/**
 * `vrfgen collect` and `collect --script`, run for real: in a fresh network namespace (so the
 * host's links are never touched) a veth carries the intent's addresses, routes and rules; dash
 * runs the generated script, Node runs `collect`, and both folders must be identical and be read
 * by `check --state` exactly as a live `check` reads the namespace. The kernel here has no vrf.ko,
 * so the VRF device itself is missing: the verdict is drift (exit 1), never "could not check".
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
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

/** Everything in `dir`, name → content. */
const folder = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-collect-'));
  const intent = join(dir, 'intent.yaml');
  writeFileSync(intent, INTENT);
  writeFileSync(join(dir, 'setup.sh'), SETUP);
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
    expect(readdirSync(join(dir, 'by-sh'))).toContain('route6-table10.json');
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
    expect(status).toEqual({
      'link blue kind': 'missing',
      'link blue table': 'missing',
      'link blue state': 'missing',
      'link vb0 master': 'drift',
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
      'service vrfgen-probe.service vrf': service,
      'rule4 l3mdev': 'missing',
      'rule6 l3mdev': 'missing',
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

test('collect --script is POSIX sh over the same probe list (no bash, no Node)', () => {
  const { script } = workspace();
  expect(script).toMatch(/^#!\/bin\/sh\n# Generated by vrfgen from intent\.yaml\./);
  expect(script).toContain('\nprobe route6-table10.json ip -j -6 route show table 10\n');
  expect(script).toContain('\nidentify vrf-identify-vrfgen-probe.service.txt unit-vrfgen-probe.service.txt\n');
  expect(script).not.toMatch(/\[\[|\bfunction\b|\$'|<<<|\|&|\bnode\b/);
  const syntax = run('dash', ['-n'], { input: script });
  expect(syntax.stderr).toBe('');
  expect(syntax.code).toBe(0);
});
