/**
 * The netavark target's network files, loaded by the real podman from a private network_config_dir
 * (Debian 12's 4.3.1 and Debian 13's 5.4.2 with their netavark, from .ci/fetch-tools): `podman network
 * inspect` must show every golden network exactly as written — podman skips a file it cannot use
 * with only a warning, so the networks are asked for by name. podman 5.4, whose netavark applies
 * `vrf`, writes the same file itself for the same settings (`network create`). podman 4.3 keeps
 * `options.vrf` but its netavark 1.4 ignores it, which is why the target refuses on debian-12.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { describeWithFacility, goldenCases, treeOf } from '../support/helpers.ts';
import { podmans, probePodmans, type Podman } from '../support/tools.ts';

const withNetworks = goldenCases()
  .map((c) => ({
    ...c,
    files: treeOf(join(c.expected, 'netavark'))
      .filter((p) => p.endsWith('.json'))
      .map((p) => join(c.expected, 'netavark', p)),
  }))
  .filter((c) => c.files.length > 0);

/** A network_config_dir holding `files`; the network names, from the file names. */
function networksDir(files: readonly string[]): { dir: string; names: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-networks-'));
  for (const f of files) copyFileSync(f, join(dir, basename(f)));
  return { dir, names: files.map((f) => basename(f, '.json')) };
}

type Json = Record<string, unknown>;

/** A network in 10.88.0.0/16, podman's default network's subnet: `network create` refuses it (container/podman-default-subnet). */
const inPodmanDefault = (file: string): boolean =>
  (JSON.parse(readFileSync(file, 'utf8')) as { subnets: { subnet: string }[] }).subnets.some((s) =>
    s.subnet.startsWith('10.88.'),
  );

/** JSON with every object's keys sorted, so key order (podman's is its struct's) does not matter. */
const canonical = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(canonical)
    : v !== null && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([k, x]) => [k, canonical(x)]),
        )
      : v;

/** What `inspect` shows of a network file: podman 5 adds the (here empty) map of its containers. */
function shown(net: Json): unknown {
  const { containers, ...rest } = net;
  expect(containers ?? {}).toEqual({});
  return canonical(rest);
}

const versions = podmans().map((p) => [p.version, p] as [string, Podman]);

describeWithFacility('podman loads every golden network file as written', probePodmans, () => {
  test('there are cases with networks, and both podmans', () => {
    expect(withNetworks.length).toBeGreaterThan(0);
    expect(versions.map(([v]) => v)).toEqual(['4.3.1', '5.4.2']);
  });

  describe.each(versions)('podman %s', (_, podman) => {
    test.each(withNetworks)('$name', ({ files }) => {
      const { dir, names } = networksDir(files);
      const r = podman.run(dir, ['network', 'inspect', ...names]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as Json[]).map(shown)).toEqual(
        files.map((f) => canonical(JSON.parse(readFileSync(f, 'utf8')))),
      );
    });

    const sample = withNetworks[0]!.files[0]!;
    const broken: [string, (text: string) => string][] = [
      ['a name that is not the file name', (t) => t.replace(/"name": "[^"]+"/, '"name": "other"')],
      ['an id that is not 64 hex digits', (t) => t.replace(/"id": "[0-9a-f]{8}/, '"id": "')],
      ['a subnet that is not one', (t) => t.replace(/"subnet": "[^"]+"/, '"subnet": "10.77.1.0/33"')],
    ];
    test.each(broken)('%s is skipped (the check can fail)', (_, edit) => {
      const { dir, names } = networksDir([sample]);
      writeFileSync(join(dir, basename(sample)), edit(readFileSync(sample, 'utf8')));
      const r = podman.run(dir, ['network', 'inspect', ...names]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/level=warning msg=.*(skipping|Error reading network config)/);
      expect(r.stderr).toMatch(/network not found/);
    });
  });

  test.each(
    withNetworks.flatMap((c) =>
      c.files.filter((f) => !inPodmanDefault(f)).map((f) => [`${c.name}: ${basename(f)}`, f] as const),
    ),
  )('podman 5.4.2 network create writes %s itself', (_, file) => {
    const ours = JSON.parse(readFileSync(file, 'utf8')) as Json & {
      subnets: { subnet: string; gateway: string }[];
      options: { vrf: string };
      labels: { vrfgen: string };
    };
    const dir = mkdtempSync(join(tmpdir(), 'vrfgen-networks-'));
    const podman = podmans().find((p) => p.version === '5.4.2')!;
    const r = podman.run(dir, [
      'network',
      'create',
      '--driver',
      'bridge',
      '--opt',
      `vrf=${ours.options.vrf}`,
      '--subnet',
      ours.subnets[0]!.subnet,
      '--gateway',
      ours.subnets[0]!.gateway,
      '--interface-name',
      String(ours.network_interface),
      '--disable-dns',
      '--label',
      `vrfgen=${ours.labels.vrfgen}`,
      String(ours.name),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const theirs = JSON.parse(readFileSync(join(dir, basename(file)), 'utf8')) as Json;
    // The id is random and created is the time of creation; vrfgen derives both (see targets/netavark.ts).
    // (No --ipv6: with it podman 5 adds an IPv4 subnet of its own; an IPv6 subnet enables IPv6 anyway.)
    expect(canonical({ ...theirs, id: ours.id, created: ours.created })).toEqual(canonical(ours));
  });

  test("network create refuses a subnet inside the default network's, which podman loads from a file all the same (why it is only a warning)", () => {
    const near = withNetworks.flatMap((c) => c.files).filter(inPodmanDefault);
    expect(near.length).toBeGreaterThan(0); // the inspect tests above load each of them
    const podman = podmans().find((p) => p.version === '5.4.2')!;
    for (const file of near) {
      const net = JSON.parse(readFileSync(file, 'utf8')) as { name: string; subnets: { subnet: string }[] };
      const r = podman.run(mkdtempSync(join(tmpdir(), 'vrfgen-networks-')), [
        'network',
        'create',
        '--subnet',
        net.subnets[0]!.subnet,
        net.name,
      ]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/already used on the host or by another config/);
    }
  });

  test('podman 4.3.1 refuses vrf when it creates a network itself, yet loads it from a file without a word (why debian-12 is refused)', () => {
    const podman = podmans().find((p) => p.version === '4.3.1')!;
    const created = podman.run(mkdtempSync(join(tmpdir(), 'vrfgen-networks-')), [
      'network',
      'create',
      '--opt',
      'vrf=tenant',
      '--subnet',
      '10.77.9.0/24',
      'probe',
    ]);
    expect(created.code).not.toBe(0);
    expect(created.stderr).toMatch(/unsupported bridge network option vrf/);
    const { dir, names } = networksDir([withNetworks[0]!.files[0]!]);
    const r = podman.run(dir, ['network', 'inspect', ...names]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as { options: { vrf: string } }[])[0]!.options.vrf).toBe('tenant');
  });
});
