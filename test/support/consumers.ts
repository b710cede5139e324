import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { probeCommand, ROOT, run } from './helpers.ts';

/**
 * The real consumers of vrfgen's files, run on this machine: systemd-networkd's own parser and
 * systemd-sysctl. The host kernel lacks vrf.ko, so networkd cannot create the VRFs here (the
 * real-boot test does that); what it can do is load every file the way it does at boot and log
 * each key, value or section it rejects. Both run in fresh network and mount namespaces, so the
 * host's links, sysctls and /etc are untouched.
 */
export const NETWORKD = '/lib/systemd/systemd-networkd';
/** sid's networkd (262), unpacked by .ci/unpack-consumers: the newest parser, for the platforms past Debian 12's 252. */
const SID = join(ROOT, '.cache/consumers/systemd-sid');
export const SID_NETWORKD = {
  bin: join(SID, 'usr/lib/systemd/systemd-networkd'),
  env: { LD_LIBRARY_PATH: join(SID, 'usr/lib/x86_64-linux-gnu/systemd') },
};
export const SYSTEMD_SYSCTL = '/lib/systemd/systemd-sysctl';

/** Why the namespaced consumers cannot run here, or undefined. */
export function probeNamespaces(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (unshare of network and mount namespaces)';
  return probeCommand('unshare', ['-n', '-m', 'true']);
}

export function probeNetworkd(): string | undefined {
  return existsSync(NETWORKD) ? probeNamespaces() : `${NETWORKD} not installed (Debian package systemd)`;
}

export function probeSidNetworkd(): string | undefined {
  return existsSync(SID_NETWORKD.bin) ? probeNamespaces() : `${SID_NETWORKD.bin} missing: run .ci/unpack-consumers`;
}

export function probeSysctl(): string | undefined {
  return existsSync(SYSTEMD_SYSCTL) ? probeNamespaces() : `${SYSTEMD_SYSCTL} not installed (Debian package systemd)`;
}

// Inside the namespaces: a private /run/systemd, the case's files as /etc/systemd/network.
const NETWORKD_SCRIPT = `
set -e
mkdir -p /run/systemd /etc/systemd/network
mount -t tmpfs tmpfs /run/systemd
mount --bind "$1" /etc/systemd/network
[ -z "$2" ] || { mkdir -p /run/systemd/network && mount --bind "$2" /run/systemd/network; }
[ -z "$4" ] || { mkdir -p /etc/systemd/networkd.conf.d && mount --bind "$4" /etc/systemd/networkd.conf.d; }
export SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_TARGET=console SYSTEMD_LOG_COLOR=0
exec "$3"
`;

/**
 * Start systemd-networkd on `dir` (an /etc/systemd/network tree; netplan's /run tree in `runDir`) until it has loaded every file and
 * enumerated links, and return every log line it wrote about a file in that tree: unknown keys,
 * unparsable values, ignored sections. An empty list means networkd accepted every line.
 */
export function networkdComplaints(dir: string, runDir?: string, networkd?: Networkd): Promise<string[]> {
  // 262 also logs each file it loaded, by path.
  return networkdLog(dir, runDir, networkd).then((log) =>
    log.split('\n').filter((l) => /^\/(etc|run)\/systemd\/network\//.test(l) && !l.endsWith(': Successfully loaded.')),
  );
}

/**
 * The whole debug log of one networkd start on `dir` (as /etc/systemd/network) and, if given,
 * `runDir` (as /run/systemd/network, where netplan writes), up to "Enumeration completed".
 */
export interface Networkd {
  readonly bin: string;
  readonly env: Record<string, string>;
}

export function networkdLog(
  dir: string,
  runDir?: string,
  networkd: Networkd = { bin: NETWORKD, env: {} },
  /** A folder to read as /etc/systemd/networkd.conf.d (networkd.conf's drop-ins). */
  confDir?: string,
): Promise<string> {
  // networkd drops to the systemd-network user: a 0700 temp dir would look empty to it.
  chmodSync(dir, 0o755);
  if (runDir) chmodSync(runDir, 0o755);
  if (confDir) chmodSync(confDir, 0o755);
  return new Promise((resolve, reject) => {
    const p = spawn(
      'unshare',
      ['-n', '-m', 'sh', '-c', NETWORKD_SCRIPT, 'sh', dir, runDir ?? '', networkd.bin, confDir ?? ''],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...networkd.env },
      },
    );
    let log = '';
    const timer = setTimeout(() => finish(new Error(`networkd did not finish loading in 20 s:\n${log}`)), 20_000);
    const onData = (b: Buffer) => {
      log += b.toString();
      if (log.includes('Enumeration completed')) finish();
    };
    const finish = (err?: Error) => {
      clearTimeout(timer);
      p.kill('SIGKILL');
      if (err) reject(err);
      else resolve(log);
    };
    p.stdout.on('data', onData);
    p.stderr.on('data', onData);
    p.on('exit', (code) => {
      if (!log.includes('Enumeration completed')) finish(new Error(`networkd exited ${code} before loading:\n${log}`));
    });
  });
}

/**
 * Apply a sysctl.d file with systemd-sysctl in a fresh network namespace and read the keys back.
 * Returns systemd-sysctl's exit status, its complaints, and the values it left behind.
 */
export function applySysctl(
  content: string,
  keys: readonly string[],
): { code: number; stderr: string; values: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-sysctl-'));
  const file = join(dir, '90-test.conf');
  writeFileSync(file, content);
  const script = `${SYSTEMD_SYSCTL} "$1"; rc=$?; shift; for k; do printf '%s=' "$k"; cat "/proc/sys/$(echo "$k" | tr . /)"; done; exit $rc`;
  const r = run('unshare', ['-n', 'sh', '-c', script, 'sh', file, ...keys]);
  const values = Object.fromEntries(
    r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('=') as [string, string]),
  );
  return { code: r.code, stderr: r.stderr, values };
}

export const readText = (p: string) => readFileSync(p, 'utf8');

/** A copy of a case's networkd tree, with a stand-in for each foreign file a drop-in extends. */
export function networkdTree(expected: string): string {
  const src = join(expected, 'networkd/etc/systemd/network');
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-networkd-'));
  if (existsSync(src)) cpSync(src, dir, { recursive: true });
  for (const d of readdirSync(dir).filter((n) => n.endsWith('.network.d'))) {
    const parent = basename(d, '.d');
    const link =
      readText(join(dir, d, readdirSync(join(dir, d))[0]!)).match(/^# Adds vrfgen's VLANs to (\S+),/m)?.[1] ?? 'x';
    if (!existsSync(join(dir, parent)))
      writeFileSync(join(dir, parent), `[Match]\nName=${link}\n\n[Network]\nDHCP=yes\n`);
  }
  return dir;
}
