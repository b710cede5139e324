/**
 * `generate --format json|tar`: the files `generate --root` writes, handed over instead. GNU tar is
 * the consumer of the archive: it must write the very same bytes for the tree `generate --root`
 * wrote, and extract modes and owners as they are meant; sha256sum checks the manifest's hashes.
 * The reload commands come from the targets; cloud-init's format has its own test.
 */
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { generate } from '../../src/index.ts';
import {
  CLI,
  describeWithFacility,
  modeOf,
  probeCommand,
  read,
  ROOT,
  run,
  treeOf,
  vrfgen,
} from '../support/helpers.ts';

const EXAMPLE = join(ROOT, 'examples/mgmt-and-production.yaml');
const TARGETS = 'networkd,sysctl,services';
const tmp = () => mkdtempSync(join(tmpdir(), 'vrfgen-format-'));

/** The tree `generate --root` writes into an empty root (so, like --format, it reads no unit files). */
function writtenTree(intent: string, targets: string): string {
  const root = tmp();
  const r = vrfgen('generate', intent, '--target', targets, '--root', root);
  expect(r.code, r.stderr).toBe(0);
  return root;
}

/** `vrfgen generate --format tar` as bytes (the helper's run() decodes stdout as text). */
function tarball(intent: string, targets: string, env: Record<string, string> = {}): Buffer {
  const out = join(tmp(), 'vrfgen.tar');
  const r = run(
    'sh',
    ['-c', '"$0" "$@" > "$OUT"', process.execPath, CLI, 'generate', intent, '--target', targets, '--format', 'tar'],
    {
      env: { ...env, OUT: out },
    },
  );
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return readFileSync(out);
}

/** What GNU tar writes for `root`'s files, named as the archive names them, with vrfgen's owner and a fixed mtime. */
function gnuTar(root: string, mtime: number): Buffer {
  const dir = tmp();
  writeFileSync(
    join(dir, 'list'),
    treeOf(root)
      .map((p) => p.slice(1))
      .join('\n') + '\n',
  );
  const r = run('tar', [
    '--format=ustar',
    '--owner=root:0',
    '--group=root:0',
    `--mtime=@${mtime}`,
    '--no-recursion',
    '-C',
    root,
    '-cf',
    join(dir, 'gnu.tar'),
    '-T',
    join(dir, 'list'),
  ]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return readFileSync(join(dir, 'gnu.tar'));
}

describe('--format json', () => {
  test('the manifest holds every file generate --root writes, with mode, owner and a hash sha256sum agrees with', () => {
    const root = writtenTree(EXAMPLE, TARGETS);
    const r = vrfgen('generate', EXAMPLE, '--target', TARGETS, '--format', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout) as {
      source: string;
      files: { path: string; mode: string; owner: string; group: string; sha256: string; content: string }[];
      reload: string[][];
    };
    expect(m.source).toBe('mgmt-and-production.yaml');
    expect(m.files.map((f) => f.path)).toEqual(treeOf(root));
    for (const f of m.files) {
      expect(f.content, f.path).toBe(read(join(root, f.path)));
      expect(f.mode, f.path).toBe(modeOf(join(root, f.path)));
      expect([f.owner, f.group], f.path).toEqual(['root', 'root']);
    }
    const sums = m.files.map((f) => `${f.sha256}  ${join(root, f.path)}\n`).join('');
    const c = run('sha256sum', ['--check', '--strict', '-'], { input: sums });
    expect(c.stdout).toBe(m.files.map((f) => `${join(root, f.path)}: OK\n`).join(''));
    expect(c.code).toBe(0);
    expect(m.reload).toEqual([
      ['networkctl', 'reload'],
      ['sysctl', '--system'],
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'start', 'vrfgen-local-rule.service'],
      ['systemctl', 'restart', 'ssh.service'],
    ]);
    // The check can fail: sha256sum refuses a file whose content is not the hashed one.
    writeFileSync(join(root, m.files[0]!.path), `${m.files[0]!.content}# edited\n`);
    expect(run('sha256sum', ['--check', '--strict', '-'], { input: sums }).code).toBe(1);
  });

  test('diagnostics go to stderr, the manifest alone to stdout; an invalid intent prints no manifest', () => {
    const r = vrfgen('generate', EXAMPLE, '--target', 'networkd', '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning generate/service-not-bound');
    expect(JSON.parse(r.stdout).files.length).toBeGreaterThan(0);
    const bad = join(tmp(), 'bad.yaml');
    writeFileSync(bad, read(EXAMPLE).replace('table: 20', 'table: 254'));
    const b = vrfgen('generate', bad, '--format', 'json');
    expect(b.code).toBe(1);
    expect(b.stdout).toBe('');
    expect(b.stderr).toMatch(/bad\.yaml:18:12: error table\/reserved: /);
  });

  test('--format cannot be combined with what only writing means', () => {
    for (const flag of ['--dry-run', '--force', '--json']) {
      const r = vrfgen('generate', EXAMPLE, '--format', 'json', flag);
      expect(r.code, flag).toBe(2);
      expect(r.stderr, flag).toBe(
        `vrfgen: --format json prints the files instead of writing them under --root, so ${flag} cannot be used with it\n`,
      );
      expect(r.stdout).toBe('');
    }
    const u = vrfgen('generate', EXAMPLE, '--format', 'yaml');
    expect(u.stderr).toBe("vrfgen: unknown format 'yaml'; known: tree, json, cloud-init, tar\n");
    expect(u.code).toBe(2);
  });
});

describe('reload commands come from the targets that wrote files', () => {
  const reloadOf = async (intent: string, targets: string[]) =>
    (await generate(join(ROOT, intent), { targets, format: 'json' })).reload;

  test.each([
    ['networkd', ['networkctl', 'reload']],
    ['netplan', ['netplan', 'apply']],
    ['ifupdown2', ['ifreload', '-a']],
    ['ifupdown', ['ifup', '-a']],
  ])('%s, then sysctl and services, in that order whatever --target says', async (stack, command) => {
    expect(await reloadOf('examples/mgmt-and-production.yaml', ['services', 'sysctl', stack])).toEqual([
      command,
      ['sysctl', '--system'],
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'start', 'vrfgen-local-rule.service'],
      // services' own daemon-reload is left out: every file is in place before the first command
      ['systemctl', 'restart', 'ssh.service'],
    ]);
  });

  test('networkmanager re-reads its keyfiles, then brings up VRFs and trunks before the ports', async () => {
    const up = (p: string) => ['nmcli', 'connection', 'up', `vrfgen-${p}`];
    expect(await reloadOf('examples/mgmt-and-production.yaml', ['networkmanager'])).toEqual([
      ['nmcli', 'connection', 'reload'],
      ...['mgmt', 'production', 'eth0'].map(up),
      ...['eth1', 'eth0.100', 'eth2'].map(up),
    ]);
  });

  test('a target that wrote nothing reloads nothing, nor a file it did not write', async () => {
    // No sysctl.d file (the intent sets no key), no unit bound: only the local-rule unit is written.
    expect(await reloadOf('test/golden/minimal/intent.yaml', ['networkd', 'sysctl', 'services'])).toEqual([
      ['networkctl', 'reload'],
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'start', 'vrfgen-local-rule.service'],
    ]);
  });

  test('a socket-activated service is stopped while its socket restarts, then started', async () => {
    expect(await reloadOf('test/golden/services-socket-activated/intent.yaml', ['services'])).toEqual([
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'stop', 'ssh.service'],
      ['systemctl', 'restart', 'ssh.socket'],
      ['systemctl', 'start', 'ssh.service'],
    ]);
  });
});

describe('--format tar', () => {
  test('GNU tar writes the same bytes for the tree generate --root writes (mtime 0)', () => {
    const root = writtenTree(EXAMPLE, TARGETS);
    const mine = tarball(EXAMPLE, TARGETS);
    expect(mine.length % 10240).toBe(0);
    expect(mine.equals(gnuTar(root, 0))).toBe(true);
    expect(tarball(EXAMPLE, TARGETS).equals(mine)).toBe(true); // deterministic
    // The check can fail: one mode changed in the tree, and GNU tar's bytes differ.
    const first = treeOf(root)[0]!;
    run('chmod', ['0600', join(root, first)]);
    expect(mine.equals(gnuTar(root, 0))).toBe(false);
  });

  test('SOURCE_DATE_EPOCH sets every mtime, as GNU tar --mtime does; a malformed one is refused', () => {
    const root = writtenTree(EXAMPLE, TARGETS);
    const mine = tarball(EXAMPLE, TARGETS, { SOURCE_DATE_EPOCH: '1700000000' });
    expect(mine.equals(gnuTar(root, 1700000000))).toBe(true);
    const file = join(tmp(), 'epoch.tar');
    writeFileSync(file, mine);
    const listed = run('tar', ['--numeric-owner', '--utc', '-tvf', file]);
    expect(
      listed.stdout
        .split('\n')
        .filter(Boolean)
        .every((l) => / 0\/0 .* 2023-11-14 22:13 etc\//.test(l)),
    ).toBe(true);
    const bad = run(process.execPath, [CLI, 'generate', EXAMPLE, '--format', 'tar'], {
      env: { SOURCE_DATE_EPOCH: 'yesterday' },
    });
    expect(bad.stderr).toBe(
      "vrfgen: SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC (at most 8589934591), not 'yesterday'\n",
    );
    expect(bad.code).toBe(2);
  });

  describeWithFacility(
    'GNU tar extracting as root',
    () => (process.getuid?.() === 0 ? probeCommand('tar') : 'needs root (tar -p restores owners only for root)'),
    () => {
      const extract = (archive: Buffer) => {
        const dir = tmp();
        const file = join(dir, 'a.tar');
        writeFileSync(file, archive);
        const into = join(dir, 'root');
        run('mkdir', [into]);
        return { into, ...run('tar', ['-C', into, '-xpf', file]) };
      };

      test('tar -xpf gives the tree generate --root writes: contents, modes, root:root', () => {
        const root = writtenTree(EXAMPLE, TARGETS);
        const x = extract(tarball(EXAMPLE, TARGETS));
        expect(x.stderr).toBe('');
        expect(x.code).toBe(0);
        expect(treeOf(x.into)).toEqual(treeOf(root));
        for (const p of treeOf(root)) {
          expect(read(join(x.into, p)), p).toBe(read(join(root, p)));
          expect(modeOf(join(x.into, p)), p).toBe(modeOf(join(root, p)));
          const st = statSync(join(x.into, p));
          expect([st.uid, st.gid], p).toEqual([0, 0]);
        }
      });

      test('a path longer than ustar holds comes back whole (pax header)', () => {
        const unit = `${'very-long-unit-name-'.repeat(10)}agent.service`;
        const intent = join(tmp(), 'long.yaml');
        writeFileSync(
          intent,
          `version: 1\nvrfs:\n  mgmt:\n    table: 10\n    services:\n      - {unit: ${unit}, exec-start: [/usr/bin/agent]}\n`,
        );
        const x = extract(tarball(intent, 'networkd,services'));
        expect(x.stderr).toBe('');
        expect(x.code).toBe(0);
        const path = `/etc/systemd/system/${unit}.d/vrfgen-vrf.conf`;
        // The tree generate --root writes into must hold the unit (else service/unit-not-found).
        const root = tmp();
        const installed = `/usr/lib/systemd/system/${unit}`;
        mkdirSync(join(root, dirname(installed)), { recursive: true });
        writeFileSync(join(root, installed), '[Service]\nExecStart=/usr/bin/agent\n');
        const g = vrfgen('generate', intent, '--target', 'networkd,services', '--root', root);
        expect(g.code, g.stderr).toBe(0);
        // GNU tar cannot write this path as ustar at all.
        expect(run('tar', ['--format=ustar', '-C', root, '-cf', '/dev/null', path.slice(1)]).stderr).toMatch(
          /file name is too long/,
        );
        expect(treeOf(x.into)).toEqual(treeOf(root).filter((p) => p !== installed));
        expect(read(join(x.into, path))).toBe(read(join(root, path)));
      });

      test('a damaged archive is refused (the check can fail)', () => {
        const archive = tarball(EXAMPLE, TARGETS);
        archive[100] = '7'.charCodeAt(0); // first member's mode field, under its checksum
        const x = extract(archive);
        expect(x.code).not.toBe(0);
        expect(x.stderr).toMatch(/Skipping to next header|checksum/i);
      });
    },
  );
});
