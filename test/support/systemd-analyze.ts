import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ROOT } from './helpers.ts';

/**
 * systemd's own unit loader, run offline: `systemd-analyze verify --root=DIR UNIT…` loads each unit
 * with its drop-ins from DIR as PID 1 would, and prints every key it does not know, every value it
 * cannot parse, every command that is not executable and every unit it refuses. Two of them:
 * bookworm's 252 (the systemd package) and sid's, unpacked by .ci/unpack-consumers, because only
 * 260 and newer know BindNetworkInterface=.
 */
export interface Analyzer {
  readonly name: string;
  readonly version: number;
  readonly cmd: string;
  readonly env: NodeJS.ProcessEnv;
}

const CONSUMERS = join(ROOT, '.cache/consumers');
/** A merged-/usr Debian 12 tree with the real units (openssh-server, snmpd, chrony) and what they run. */
export const DEBIAN_ROOT = join(CONSUMERS, 'debian-12-root');
const SID = join(CONSUMERS, 'systemd-sid');
const UNPACK = 'run .ci/unpack-consumers (unpacks Debian packages into .cache/consumers)';

function analyzer(name: string, cmd: string, env: NodeJS.ProcessEnv = {}): Analyzer | string {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8', env: { ...process.env, ...env } });
  const version = Number(r.stdout?.match(/^systemd (\d+)/)?.[1]);
  if (r.error || r.status !== 0 || !version) return `${cmd} --version failed: ${r.error?.message ?? r.stderr}`;
  return { name: `${name} ${version}`, version, cmd, env };
}

export const hostAnalyzer = () => analyzer('systemd-analyze (systemd package)', 'systemd-analyze');
export const sidAnalyzer = () =>
  existsSync(join(SID, 'usr/bin/systemd-analyze'))
    ? analyzer('systemd-analyze (sid, unpacked)', join(SID, 'usr/bin/systemd-analyze'), {
        LD_LIBRARY_PATH: join(SID, 'usr/lib/x86_64-linux-gnu/systemd'),
      })
    : `${SID} missing: ${UNPACK}`;

/** Why the Debian tree is not there, or undefined. */
export const probeDebianRoot = (): string | undefined =>
  existsSync(join(DEBIAN_ROOT, 'usr/lib/systemd/system/ssh.service')) ? undefined : `${DEBIAN_ROOT} missing: ${UNPACK}`;

/**
 * A throwaway root: the Debian tree as hard links (fast; nothing in it may be written through, so
 * every file placed on top replaces its path instead), then `trees` copied over it, then `files`.
 */
export function verifyRoot(trees: readonly string[], files: readonly { path: string; content: string }[]): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'vrfgen-units-')), 'root');
  const r = spawnSync('cp', ['-al', DEBIAN_ROOT, dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cp -al failed: ${r.stderr}`);
  const place = (path: string, make: (full: string) => void) => {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    rmSync(full, { force: true });
    make(full);
  };
  for (const t of trees) {
    for (const e of readdirSync(t, { recursive: true, withFileTypes: true })) {
      const from = join(e.parentPath, e.name);
      if (e.isSymbolicLink()) place(relative(t, from), (full) => symlinkSync(readlinkSync(from), full));
      else if (e.isFile()) place(relative(t, from), (full) => copyFileSync(from, full));
    }
  }
  for (const f of files) place(f.path, (full) => writeFileSync(full, f.content));
  return dir;
}

/** Load `units` under `root` with one analyzer: its exit status and everything it printed. */
export function verifyUnits(a: Analyzer, root: string, units: readonly string[]): { code: number; output: string } {
  const r = spawnSync(a.cmd, ['verify', '--man=no', `--root=${root}`, ...units], {
    encoding: 'utf8',
    env: { ...process.env, ...a.env },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.replaceAll(root, '') };
}
