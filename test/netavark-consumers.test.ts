/**
 * The netavark target's network files, loaded by the real podman (Debian 12's 4.3.1, from
 * .ci/fetch-tools) from a private network_config_dir: `podman network inspect` must show every golden
 * network exactly as written — podman skips a file it cannot use with only a warning, so the
 * networks are asked for by name. podman 4.3 keeps `options.vrf` but its netavark 1.4 ignores it,
 * which is why the target refuses on debian-12 (the last test shows podman takes it without a word).
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect, test } from 'vitest';
import { describeWithFacility, goldenCases, treeOf } from './helpers.ts';
import { podman, probePodman } from './tools.ts';

const withNetworks = goldenCases()
  .map((c) => ({ ...c, files: treeOf(join(c.expected, 'netavark')).filter((p) => p.endsWith('.json')).map((p) => join(c.expected, 'netavark', p)) }))
  .filter((c) => c.files.length > 0);

/** A network_config_dir holding `files`; the network names, from the file names. */
function networksDir(files: readonly string[]): { dir: string; names: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-networks-'));
  for (const f of files) copyFileSync(f, join(dir, basename(f)));
  return { dir, names: files.map((f) => basename(f, '.json')) };
}

/** JSON with every object's keys sorted, so key order (podman's is its struct's) does not matter. */
const canonical = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(canonical) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canonical(x)])) : v;

describeWithFacility('podman loads every golden network file as written', probePodman, () => {
  test('there are cases with networks', () => expect(withNetworks.length).toBeGreaterThan(0));

  test.each(withNetworks)('$name', ({ files }) => {
    const { dir, names } = networksDir(files);
    const r = podman()!.inspect(dir, names);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.stdout) as unknown[];
    expect(shown.map(canonical)).toEqual(files.map((f) => canonical(JSON.parse(readFileSync(f, 'utf8')))));
  });

  const sample = withNetworks[0]!.files[0]!;
  const broken: [string, (text: string) => string][] = [
    ['a name that is not the file name', (t) => t.replace(/"name": "[^"]+"/, '"name": "other"')],
    ['an id that is not 64 hex digits', (t) => t.replace(/"id": "[0-9a-f]{8}/, '"id": "')],
    ['a subnet that is not one', (t) => t.replace(/"subnet": "[^"]+"/, '"subnet": "10.88.1.0/33"')],
  ];
  test.each(broken)('%s is skipped (the check can fail)', (_, edit) => {
    const { dir, names } = networksDir([sample]);
    writeFileSync(join(dir, basename(sample)), edit(readFileSync(sample, 'utf8')));
    const r = podman()!.inspect(dir, names);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/level=warning msg=.*(skipping|Error reading network config)/);
    expect(r.stderr).toMatch(/network not found/);
  });

  test(`podman ${podman()?.version} loads options.vrf without a word (why debian-12 is refused)`, () => {
    const { dir, names } = networksDir([sample]);
    const r = podman()!.inspect(dir, names);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as { options: { vrf: string } }[])[0]!.options.vrf).toBe('tenant');
  });
});
