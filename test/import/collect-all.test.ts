/**
 * `collect` without an intent (and `collect --all --script`): every VRF the host has, for `import
 * --state`. In a fresh network namespace (root) dash runs the script and Node runs `collect DIR`:
 * both folders must be identical, and `import --state` reads them. This kernel has no vrf.ko, so the
 * script's loop over the VRFs is driven once more with an `ip` that shows one, to see it probe that
 * VRF's processes under the name Node gives them (its table is in the dumps of every table).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { CLI, describeWithFacility, probeCommand, run, vrfgen } from '../support/helpers.ts';
import { inventoryProbes, vrfProbes } from '../../src/check/probes.ts';

const SETUP = `set -e
sysctl -qw net.ipv6.conf.default.accept_dad=0
ip link set lo up
ip link add vb0 type veth peer name vb1
ip link set vb0 up
ip addr add 10.1.0.1/24 dev vb0
ip route add table 10 default via 10.1.0.254 dev vb0 proto static
ip route add table 10 unreachable default metric 4278198272
ip rule add from 192.0.2.0/24 lookup 10 pref 100
`;

const folder = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );

function probeNamespace(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (unshare -n, ip link add)';
  return probeCommand('unshare', ['-n', 'dash', '-c', 'ip -j link show >/dev/null']);
}

test('the script without an intent is POSIX sh, and probes what Node probes', () => {
  const s = vrfgen('collect', '--script');
  expect(s.code, s.stderr).toBe(0);
  expect(s.stdout).toContain('Collects every VRF this host has (what `vrfgen import --state DIR` reads)');
  for (const p of inventoryProbes()) expect(s.stdout).toContain(`probe ${p.file.replace(/^(\*.*)$/, "'$1'")} `);
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-collect-all-'));
  writeFileSync(join(dir, 'collect.sh'), s.stdout);
  expect(run('dash', ['-n', join(dir, 'collect.sh')]).code).toBe(0);
});

describeWithFacility('collect without an intent, in a fresh network namespace', probeNamespace, () => {
  test('dash and Node fill the same DIR, and import --state reads it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vrfgen-collect-all-'));
    writeFileSync(join(dir, 'setup.sh'), SETUP);
    writeFileSync(join(dir, 'collect.sh'), vrfgen('collect', '--all', '--script').stdout);
    const r = run('unshare', [
      '-n',
      'sh',
      '-c',
      'W=$1; set -e; sh "$W/setup.sh"; dash "$W/collect.sh" "$W/by-sh"; "$2" "$3" collect "$W/by-node" >/dev/null',
      'sh',
      dir,
      process.execPath,
      CLI,
    ]);
    expect(r.stderr).toBe('');
    expect(folder(join(dir, 'by-sh'))).toEqual(folder(join(dir, 'by-node')));
    const i = vrfgen('import', '--state', join(dir, 'by-sh'));
    expect(i.code, i.stderr).toBe(0);
    expect(i.stdout).toMatch(/^vrfs: \{\}$/m);
    expect(i.stdout).toContain("# - links in the default VRF, not vrfgen's to configure: lo, vb0, vb1");
    expect(i.stdout).toContain("# - rule priority 100 from 192.0.2.0/24 table 10: it looks up no VRF's table");
  });

  test("the script probes each VRF's processes under Node's names, its table in the dumps", () => {
    const dir = mkdtempSync(join(tmpdir(), 'vrfgen-collect-all-'));
    writeFileSync(join(dir, 'setup.sh'), SETUP);
    writeFileSync(join(dir, 'collect.sh'), vrfgen('collect', '--script').stdout);
    // An ip that shows one VRF, as `ip -o link show type vrf` prints it, and is ip otherwise.
    const fake = `ip() { if [ "$*" = "-o link show type vrf" ]; then printf '%s\\n' '7: mgmt: <NOARP,MASTER,UP,LOWER_UP> mtu 65575 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 5e:1a:2b:3c:4d:5e brd ff:ff:ff:ff:ff:ff'; else command ip "$@"; fi; }`;
    const r = run('unshare', [
      '-n',
      'sh',
      '-c',
      `W=$1; set -e; sh "$W/setup.sh"; dash -c '${fake.replace(/'/g, `'\\''`)}; . "$0"' "$W/collect.sh" "$W/by-sh"`,
      'sh',
      dir,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(join(dir, 'by-sh'));
    for (const p of vrfProbes([{ name: 'mgmt' }])) expect(files).toContain(p.file);
    expect(files.filter((f) => f.startsWith('route'))).toEqual([
      'route-all.json',
      'route-all.json.rc',
      'route6-all.json',
      'route6-all.json.rc',
    ]);
    const dump = JSON.parse(readFileSync(join(dir, 'by-sh', 'route-all.json'), 'utf8')) as object[];
    expect(dump).toContainEqual(expect.objectContaining({ dst: 'default', gateway: '10.1.0.254', table: '10' }));
  });
});
