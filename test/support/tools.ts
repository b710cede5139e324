/**
 * The network stacks' own tools, as the tests run them: the installed netplan (Debian 12's 0.106),
 * and from the cache .ci/fetch-tools fills, Debian 13's netplan generator, ifupdown2 and classic
 * ifupdown. ifupdown2 and ifupdown read /etc/network and write /run; they run in private mount and
 * network namespaces, with the case's files layered over /etc, so the host is never touched.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Model } from '../../src/model/model.ts';
import { validate } from '../../src/index.ts';
import { platformNames, versionBefore, type PlatformName } from '../../src/platforms/platforms.ts';
import { probeNamespaces } from './consumers.ts';
import { goldenCases, probeCommand, render, ROOT, run } from './helpers.ts';

export const TOOLS = process.env.VRFGEN_TOOLS ?? join(ROOT, '.cache/tools');

const cached = (name: string) => {
  const dir = join(TOOLS, name);
  return existsSync(join(dir, 'version'))
    ? { root: join(dir, 'root'), version: readFileSync(join(dir, 'version'), 'utf8').trim() }
    : undefined;
};

export interface Netplan {
  readonly version: string;
  /** `generate --root-dir ROOT`: reads ROOT/etc/netplan, writes ROOT/run/systemd/network. */
  generate(root: string): { code: number; stdout: string; stderr: string };
}

/** Every netplan the tests can run, oldest first. */
export function netplans(): Netplan[] {
  const out: Netplan[] = [];
  const installed = run('dpkg-query', ['-W', '-f', '${Version}', 'netplan.io']);
  if (installed.code === 0 && existsSync('/usr/sbin/netplan')) {
    // The CLI an admin runs; it executes the same generator the boot does.
    out.push({
      version: installed.stdout.replace(/^\d+:/, '').replace(/-[^-]*$/, ''),
      generate: (root) => run('/usr/sbin/netplan', ['generate', '--root-dir', root]),
    });
  }
  const trixie = cached('netplan-trixie');
  if (trixie) {
    const lib = join(trixie.root, 'usr/lib/x86_64-linux-gnu');
    out.push({
      version: trixie.version,
      // The generator systemd runs at boot (/usr/libexec/netplan/generate), under its own glibc.
      generate: (root) =>
        run(join(lib, 'ld-linux-x86-64.so.2'), [
          '--library-path',
          lib,
          join(trixie.root, 'usr/libexec/netplan/generate'),
          '--root-dir',
          root,
        ]),
    });
  }
  return out.sort((a, b) => (versionBefore(a.version, b.version) ? -1 : 1));
}

/** The netplan to check a platform's output with: the same version, else the oldest newer one. */
export const netplanFor = (version: string): Netplan | undefined =>
  netplans().find((n) => !versionBefore(n.version, version));

export function probeNetplans(): string | undefined {
  const versions = netplans().map((n) => n.version);
  if (versions.length < 2)
    return `need the installed netplan.io and Debian 13's generator (.ci/fetch-tools); found ${versions.join(', ') || 'none'}`;
  return undefined;
}

// Inside the namespaces: a tmpfs for scratch, /etc and /usr/share overlaid with the case's files
// and the unpacked package, fresh /run and /var/tmp (ifupdown2's state_dir). Then the command.
const NAMESPACED = `
set -e
pkg=$1; etc=$2; shift 2
t=$(mktemp -d)
mount -t tmpfs tmpfs "$t"
mkdir -p "$t/up" "$t/work"
mount -t overlay overlay -o "lowerdir=$etc:$pkg/etc:/etc,upperdir=$t/up,workdir=$t/work" /etc
mount -t overlay overlay -o "lowerdir=$pkg/usr/share:/usr/share" /usr/share
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/tmp
mkdir -p /run/network
exec "$@"
`;

export interface Ifupdown {
  readonly version: string;
  /** Run `ifup`/`ifquery`/… with `etc` (a folder mirroring /etc, e.g. holding network/interfaces) layered over /etc. */
  run(
    command: 'ifup' | 'ifquery',
    args: readonly string[],
    etc: string,
  ): { code: number; stdout: string; stderr: string };
}

function namespaced(pkg: string, etc: string, argv: readonly string[]) {
  return run('unshare', ['-m', '-n', 'sh', '-c', NAMESPACED, 'sh', pkg, etc, ...argv]);
}

let entryPoints: string | undefined;

/** ifupdown2 3.0 from the cache; its entry point picks ifup/ifquery by the name it is started as. */
export function ifupdown2(): Ifupdown | undefined {
  const t = cached('ifupdown2');
  if (!t) return undefined;
  if (!entryPoints) {
    entryPoints = mkdtempSync(join(tmpdir(), 'vrfgen-ifupdown2-'));
    for (const c of ['ifup', 'ifquery']) symlinkSync('/usr/share/ifupdown2/__main__.py', join(entryPoints, c));
  }
  const bin = entryPoints;
  const once = (command: string, args: readonly string[], etc: string) =>
    namespaced(t.root, etc, ['python3', join(bin, command), ...args]);
  return {
    version: t.version,
    // ifupdown2 reads the namespace's links through its netlink cache first; that dump now and then
    // fails with EINVAL in recv() (seen with an empty namespace, whatever the file): a fault of the
    // host, not a verdict on the file, so a run whose only complaint is that message runs again (at most twice).
    run: (command, args, etc) => {
      let r = once(command, args, etc);
      for (let i = 0; i < 2 && (r.stderr === NETLINK_EINVAL || (r.stderr === '' && r.stdout === NETLINK_EINVAL)); i++)
        r = once(command, args, etc);
      return r;
    },
  };
}

const NETLINK_EINVAL = 'error: recv() error: [Errno 22] Invalid argument\n';

/** Classic ifupdown 0.8 from the cache (a static C program; it only needs its state folder). */
export function ifupdown(): Ifupdown | undefined {
  const t = cached('ifupdown');
  if (!t) return undefined;
  return {
    version: t.version,
    run: (command, args, etc) => namespaced(t.root, etc, [join(t.root, 'sbin', command), ...args]),
  };
}

export const probeIfupdown2 = () =>
  ifupdown2()
    ? (probeNamespaces() ?? probeCommand('python3'))
    : `ifupdown2 is not unpacked in ${TOOLS} (.ci/fetch-tools)`;
export const probeIfupdown = () =>
  ifupdown() ? probeNamespaces() : `ifupdown is not unpacked in ${TOOLS} (.ci/fetch-tools)`;

/** A folder to layer over /etc: `files` maps paths below /etc (e.g. `network/interfaces`) to content. */
export function etcOverlay(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-etc-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/**
 * Render `targets` for a model into a folder laid out like a golden case's `expected/`
 * (`<dir>/<target>/etc/...`), for checks that run on intents × platforms beyond the golden cases.
 */
export function expectedTree(model: Model, targets: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-expected-'));
  for (const t of targets) {
    for (const f of render(model, t).files) {
      mkdirSync(dirname(join(dir, t, f.path)), { recursive: true });
      writeFileSync(join(dir, t, f.path), f.content);
    }
  }
  return dir;
}

/** Every shipped example with every platform profile: the trees must hold beyond the golden cases' platforms. */
export const examplesOnEveryPlatform = () =>
  goldenCases()
    .filter((c) => c.intent.startsWith(join(ROOT, 'examples')))
    .flatMap((c) =>
      platformNames.map((platform) => ({ name: `${c.name} on ${platform}`, intent: c.intent, platform })),
    );

/** Load an intent for a platform, as `--platform` would. */
export const modelFor = async (intent: string, platform: PlatformName): Promise<Model> =>
  (await validate(intent, { platform })).model!;

export interface Nmcli {
  readonly version: string;
  /** `nmcli --offline connection modify` with a keyfile on stdin: prints it as NM normalises it, or fails. */
  normalise(keyfile: string): { code: number; stdout: string; stderr: string };
}

/** Every nmcli the tests can run (Debian 12's and 13's, from .ci/fetch-tools), oldest first. */
export function nmclis(): Nmcli[] {
  const out: Nmcli[] = [];
  const args = ['--offline', 'connection', 'modify'];
  const bookworm = cached('network-manager');
  if (bookworm) {
    const lib = join(bookworm.root, 'usr/lib/x86_64-linux-gnu');
    out.push({
      version: bookworm.version,
      normalise: (k) => run(join(bookworm.root, 'usr/bin/nmcli'), args, { input: k, env: { LD_LIBRARY_PATH: lib } }),
    });
  }
  const trixie = cached('network-manager-trixie');
  if (trixie) {
    const lib = join(trixie.root, 'usr/lib/x86_64-linux-gnu');
    out.push({
      version: trixie.version,
      normalise: (k) =>
        run(join(lib, 'ld-linux-x86-64.so.2'), ['--library-path', lib, join(trixie.root, 'usr/bin/nmcli'), ...args], {
          input: k,
        }),
    });
  }
  return out.sort((a, b) => (versionBefore(a.version, b.version) ? -1 : 1));
}

/** The nmcli to check a platform's keyfiles with: the same version, else the oldest newer one, else the newest. */
export const nmcliFor = (version: string): Nmcli | undefined =>
  nmclis().find((n) => !versionBefore(n.version, version)) ?? nmclis().at(-1);

export function probeNmclis(): string | undefined {
  const versions = nmclis().map((n) => n.version);
  return versions.length < 2
    ? `need Debian 12's and 13's nmcli (.ci/fetch-tools); found ${versions.join(', ') || 'none'}`
    : undefined;
}

export interface Podman {
  readonly version: string;
  /** `podman ARGS…` with `networks` (a folder of <name>.json) as its network_config_dir. */
  run(networks: string, args: readonly string[]): { code: number; stdout: string; stderr: string };
}

/**
 * A podman configured entirely under a temporary folder (storage, state, events) and run in a
 * private mount namespace with its own /run (and an empty network namespace), so it touches nothing
 * of the host's and sees none of its addresses. It needs conmon and
 * an OCI runtime to start, though no container is ever created: Debian 12's (they run on the host's
 * glibc) serve both podmans. `argv0` starts podman, `helpers` holds netavark.
 */
function podmanRun(conmon: string, argv0: readonly string[], helpers: string, extraEnv: Record<string, string>) {
  return (networks: string, args: readonly string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'vrfgen-podman-'));
    writeFileSync(
      join(dir, 'containers.conf'),
      [
        '[network]',
        'network_backend = "netavark"',
        `network_config_dir = "${networks}"`,
        '[engine]',
        `conmon_path = ["${join(conmon, 'usr/bin/conmon')}"]`,
        'runtime = "crun"',
        `helper_binaries_dir = ["${helpers}"]`,
        `tmp_dir = "${join(dir, 'tmp')}"`,
        'cgroup_manager = "cgroupfs"',
        'events_logger = "file"',
        `events_logfile_path = "${join(dir, 'events.log')}"`,
        '[engine.runtimes]',
        `crun = ["${join(conmon, 'usr/bin/crun')}"]`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'storage.conf'),
      `[storage]\ndriver = "vfs"\ngraphroot = "${join(dir, 'root')}"\nrunroot = "${join(dir, 'runroot')}"\n`,
    );
    const env = {
      CONTAINERS_CONF: join(dir, 'containers.conf'),
      CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
      PODMAN_IGNORE_CGROUPSV1_WARNING: '1',
      ...extraEnv,
    };
    return run('unshare', ['-m', '-n', 'sh', '-c', 'mount -t tmpfs tmpfs /run && exec "$@"', 'sh', ...argv0, ...args], {
      env,
    });
  };
}

/** Debian 12's podman 4.3 and Debian 13's 5.4 from .ci/fetch-tools, oldest first. */
export function podmans(): Podman[] {
  const out: Podman[] = [];
  const bookworm = cached('podman');
  if (!bookworm) return out;
  const lib12 = join(bookworm.root, 'usr/lib/x86_64-linux-gnu');
  out.push({
    version: bookworm.version,
    run: podmanRun(bookworm.root, [join(bookworm.root, 'usr/bin/podman')], join(bookworm.root, 'usr/lib/podman'), {
      LD_LIBRARY_PATH: lib12,
    }),
  });
  const trixie = cached('podman-trixie');
  if (trixie) {
    const lib = join(trixie.root, 'usr/lib/x86_64-linux-gnu');
    const ldso = join(lib, 'ld-linux-x86-64.so.2');
    // podman executes netavark itself: a wrapper starts it under Debian 13's glibc too.
    const helpers = mkdtempSync(join(tmpdir(), 'vrfgen-podman-helpers-'));
    writeFileSync(
      join(helpers, 'netavark'),
      `#!/bin/sh\nexec '${ldso}' --library-path '${lib}' '${join(trixie.root, 'usr/lib/podman/netavark')}' "$@"\n`,
      { mode: 0o755 },
    );
    out.push({
      version: trixie.version,
      run: podmanRun(bookworm.root, [ldso, '--library-path', lib, join(trixie.root, 'usr/bin/podman')], helpers, {}),
    });
  }
  return out;
}

export function probePodmans(): string | undefined {
  const versions = podmans().map((p) => p.version);
  return versions.length < 2
    ? `need Debian 12's and 13's podman (.ci/fetch-tools); found ${versions.join(', ') || 'none'}`
    : probeNamespaces();
}

export interface Vtysh {
  readonly version: string;
  /** `vtysh --dryrun -f FILE`: FRR's own parser on a config file, no daemon needed. */
  dryRun(file: string): { code: number; stdout: string; stderr: string };
}

/**
 * FRR's vtysh from the packages .ci/fetch-tools unpacked, with their libraries, oldest first:
 * Debian 12's 8.4 on the host's glibc, Debian 13's 10.3 under its own (libfrr sits in .../frr/).
 */
export function vtyshs(): Vtysh[] {
  // An empty vtysh.conf in --config_dir silences "Can't open configuration file /etc/frr/vtysh.conf".
  const config = () => {
    const dir = mkdtempSync(join(tmpdir(), 'vrfgen-vtysh-'));
    writeFileSync(join(dir, 'vtysh.conf'), '');
    return dir;
  };
  const out: Vtysh[] = [];
  const bookworm = cached('frr');
  if (bookworm) {
    const lib = join(bookworm.root, 'usr/lib/x86_64-linux-gnu');
    const dir = config();
    out.push({
      version: bookworm.version,
      dryRun: (file) =>
        run(join(bookworm.root, 'usr/bin/vtysh'), ['--config_dir', dir, '--dryrun', '-f', file], {
          env: { LD_LIBRARY_PATH: `${lib}:${join(lib, 'frr')}` },
        }),
    });
  }
  const trixie = cached('frr-trixie');
  if (trixie) {
    const lib = join(trixie.root, 'usr/lib/x86_64-linux-gnu');
    const dir = config();
    out.push({
      version: trixie.version,
      dryRun: (file) =>
        run(join(lib, 'ld-linux-x86-64.so.2'), [
          '--library-path',
          `${lib}:${join(lib, 'frr')}`,
          join(trixie.root, 'usr/bin/vtysh'),
          '--config_dir',
          dir,
          '--dryrun',
          '-f',
          file,
        ]),
    });
  }
  return out.sort((a, b) => (versionBefore(a.version, b.version) ? -1 : 1));
}

export function probeVtyshs(): string | undefined {
  const versions = vtyshs().map((v) => v.version);
  return versions.length < 2
    ? `need Debian 12's and 13's frr (.ci/fetch-tools); found ${versions.join(', ') || 'none'}`
    : undefined;
}
