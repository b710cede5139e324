/**
 * The guest images: Debian 12 "bookworm" and Debian 13 "trixie", built from Debian's own packages
 * with mmdebstrap through the mirror this machine's apt uses (or VRFGEN_DEBIAN_MIRROR), cached on
 * the host under a key made of the whole recipe, so a changed recipe builds a new image and an
 * unchanged one is reused. Two variants per release, because ifupdown2 and classic ifupdown
 * conflict; Debian 13 has a third with NetworkManager, podman and netavark.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { debianMirror, type DebianArchive } from '../../scripts/debian-mirror.mjs';
import { treeOf } from '../support/helpers.ts';

/** The releases booted, named as their vrfgen platform profiles (src/platforms/platforms.ts). */
export type Release = 'debian-12' | 'debian-13';
export type Variant = 'ifupdown2' | 'ifupdown' | 'networkmanager';

/** What a boot needs from an image: a raw ext4 root (booted read-only with snapshot=on), kernel, initrd. */
export interface Image {
  readonly release: Release;
  readonly variant: Variant;
  readonly dir: string;
  readonly root: string;
  readonly kernel: string;
  readonly initrd: string;
  /** Seconds the build took; 0 when the image came from the cache. */
  readonly buildSeconds: number;
}

/** Files baked into the image (the initramfs hook that unpacks each test's tree before systemd). */
const IMAGE_FILES = join(import.meta.dirname, 'image');

/** What differs between releases: the suites, and the packages (same names on both so far). */
interface ReleaseRecipe {
  readonly suite: string;
  /**
   * apt's sources, each a suite of Debian's archive or of its security archive, `main` only. The
   * mirror's URI is not in the recipe: it is this machine's (scripts/debian-mirror.mjs), filled in
   * when an image is built, and the same recipe behind another mirror is the same image.
   */
  readonly sources: readonly (readonly [DebianArchive, string])[];
  readonly packages: readonly string[];
  readonly variants: Readonly<Partial<Record<Variant, readonly string[]>>>;
}

/**
 * Every image's packages, the same names on both releases. The kernel is Debian's (it ships
 * vrf.ko, which the development hosts' kernel lacks); netplan.io is in every variant for the
 * netplan target, frr for the frr target (its service is masked in every other boot).
 */
const PACKAGES = [
  'linux-image-amd64',
  'initramfs-tools',
  'zstd',
  'busybox',
  'kmod',
  'systemd',
  'systemd-sysv',
  'udev',
  'dbus',
  'iproute2',
  'netplan.io',
  'openssh-server',
  'procps',
  'frr',
];

/**
 * The ifupdown images carry a DHCP client: ifupdown2's dhcp addon runs dhclient, and classic
 * ifupdown's `inet dhcp` takes the first of dhclient, pump, udhcpc, dhcpcd it finds (none is in
 * minbase; busybox ships udhcpc as an applet only). networkd and NetworkManager have their own.
 */
const IFUPDOWN2 = ['ifupdown2', 'isc-dhcp-client'];
const IFUPDOWN = ['ifupdown', 'isc-dhcp-client'];

/** The recipe of each release: its suites, its packages and those of each variant. */
const RELEASES = {
  'debian-12': {
    suite: 'bookworm',
    sources: [
      ['archive', 'bookworm'],
      ['archive', 'bookworm-updates'],
      ['security', 'bookworm-security'],
    ],
    packages: PACKAGES,
    // NetworkManager 1.42 without podman: bookworm's netavark (1.4) ignores a bridge's VRF, which
    // vrfgen refuses, so this image boots NetworkManager's own stack and members only.
    variants: { ifupdown2: IFUPDOWN2, ifupdown: IFUPDOWN, networkmanager: ['network-manager'] },
  },
  /*
   * trixie: the same package names still exist (udev, netplan.io — now pulling netplan-generator —,
   * systemd-sysv); systemd-resolved has been its own package since bookworm and is not wanted.
   * Kernel 6.12 builds virtio_pci in and ships .ko.xz modules; the initramfs hook works unchanged.
   */
  'debian-13': {
    suite: 'trixie',
    sources: [
      ['archive', 'trixie'],
      ['archive', 'trixie-updates'],
      ['security', 'trixie-security'],
    ],
    packages: PACKAGES,
    variants: {
      ifupdown2: IFUPDOWN2,
      ifupdown: IFUPDOWN,
      // NetworkManager takes over every NIC once installed, so it has an image of its own. netavark
      // only recommends a firewall (nftables; minbase installs no recommends): both tools are
      // here whichever driver it picks. The bridge's VRF option needs netavark >= 1.8 (not Debian 12).
      networkmanager: ['network-manager', 'podman', 'netavark', 'nftables', 'iptables'],
    },
  },
} as const satisfies Record<Release, ReleaseRecipe>;

export const releases = Object.keys(RELEASES) as Release[];

/** The same on every release. */
const RECIPE = {
  // Documentation and locales are never read in the guest; leaving them out saves a third.
  dpkgExclude: ['/usr/share/doc/*', '/usr/share/man/*', '/usr/share/info/*', '/usr/share/locale/*'],
  // systemd otherwise invents a machine-id each boot, and with it the VRF devices' MAC addresses.
  // Written after mmdebstrap, whose cleanup empties /etc/machine-id.
  machineId: '5f0c3e1ab2d64c6f8e7a9b0c1d2e3f40',
  hostname: 'vrfgen-e2e',
  // Debian leaves networkd disabled; a networkd host enables it (a boot of another stack masks it).
  enable: ['systemd-networkd.service'],
  sizeMiB: 2048,
};

/** Where images are kept: outside the checkout, rebuilt by any run that does not find its key. */
export const CACHE = process.env.VRFGEN_E2E_CACHE ?? '/var/cache/vrfgen-e2e';

/**
 * The recipe: the release's data and the common data, the build steps (the code of mmdebstrapArgs
 * and build) and the files baked in; any change to them is a new image. Only these, not the whole
 * file: a change to another release's recipe, or to how images are queued, keeps this one valid.
 */
export function recipeKey(release: Release, variant: Variant): string {
  const { suite, sources, packages, variants }: ReleaseRecipe = RELEASES[release];
  const h = createHash('sha256')
    .update(
      JSON.stringify({
        release,
        variant,
        suite,
        sources,
        packages: [...packages, ...(variants[variant] ?? [])],
        common: RECIPE,
      }),
    )
    .update(mmdebstrapArgs.toString())
    .update(build.toString());
  for (const p of treeOf(IMAGE_FILES)) h.update(p).update(readFileSync(join(IMAGE_FILES, p)));
  return h.digest('hex').slice(0, 16);
}

/** A cold build takes about two minutes; a hung download must not hold the run for ever. */
const BUILD_STEP_TIMEOUT = 30 * 60;

/**
 * Run a build step under a hard time-out, its output appended to `log`. The output goes to the
 * file, not through this process: if the test runner dies, mmdebstrap still finishes and unmounts
 * the /proc, /sys and /dev/pts it mounted in the chroot (a pipe would kill it with SIGPIPE first).
 */
function runLogged(cmd: string, args: readonly string[], log: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = openSync(log, 'a');
    const p = spawn('timeout', ['-k', '10', String(BUILD_STEP_TIMEOUT), cmd, ...args], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    p.on('error', reject);
    p.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${cmd} exited ${code}; last lines of ${log}:\n${readFileSync(log, 'utf8').split('\n').slice(-30).join('\n')}`,
          ),
        );
    });
  });
}

/**
 * Remove a build tree, unless something is still mounted in it (a chroot whose mmdebstrap was
 * killed): a recursive delete would then run into the host's /sys and /dev/pts.
 */
function removeTree(dir: string): void {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(`${dir}/`));
  if (mounts.length)
    throw new Error(`not removing ${dir}: still mounted there: ${mounts.join(', ')} (umount them, then remove it)`);
  rmSync(dir, { recursive: true, force: true });
}

/** mmdebstrap's arguments for one image, into `rootfs`, keeping downloaded .debs in `debs`. */
export function mmdebstrapArgs(release: Release, variant: Variant, rootfs: string, debs: string): string[] {
  const r: ReleaseRecipe = RELEASES[release];
  const q = (s: string) => `'${s}'`;
  return [
    '--mode=root',
    '--variant=minbase',
    `--include=${[...r.packages, ...(r.variants[variant] ?? [])].join(',')}`,
    ...RECIPE.dpkgExclude.map((p) => `--dpkgopt=path-exclude=${p}`),
    // The .deb cache survives between builds (a rebuild downloads only what changed).
    '--skip=download/empty',
    `--setup-hook=mkdir -p ${q(debs)} "$1"/var/cache/apt/archives`,
    `--setup-hook=sync-in ${q(debs)} /var/cache/apt/archives/`,
    // Before the kernel package runs update-initramfs, so the initramfs is built once, with the hook.
    `--essential-hook=cp -r --no-preserve=ownership ${q(`${IMAGE_FILES}/.`)} "$1"/`,
    `--customize-hook=sync-out /var/cache/apt/archives ${q(debs)}`,
    '--customize-hook=rm -f "$1"/var/cache/apt/archives/*.deb',
    `--customize-hook=echo ${RECIPE.hostname} > "$1"/etc/hostname`,
    `--customize-hook=chroot "$1" systemctl enable ${RECIPE.enable.join(' ')}`,
    r.suite,
    rootfs,
    ...r.sources.map(([archive, suite]) => `deb ${debianMirror(archive)} ${suite} main`),
  ];
}

async function build(release: Release, variant: Variant, dir: string): Promise<void> {
  const work = mkdtempSync(join(CACHE, `.build-${release}-${variant}-`));
  const rootfs = join(work, 'rootfs');
  const log = join(work, 'build.log');
  try {
    // One .deb cache per suite: mmdebstrap copies the whole cache into the chroot, and apt must not
    // see one release's packages while installing the other.
    await runLogged(
      'mmdebstrap',
      mmdebstrapArgs(release, variant, rootfs, join(CACHE, `debs-${RELEASES[release].suite}`)),
      log,
    );
    writeFileSync(join(rootfs, 'etc/machine-id'), `${RECIPE.machineId}\n`);
    const boot = readdirSync(join(rootfs, 'boot'));
    const kernel = boot.find((f) => f.startsWith('vmlinuz-'));
    const initrd = boot.find((f) => f.startsWith('initrd.img-'));
    if (!kernel || !initrd) throw new Error(`no kernel or initrd in the built image: /boot holds ${boot.join(', ')}`);
    copyFileSync(join(rootfs, 'boot', kernel), join(work, 'vmlinuz'));
    copyFileSync(join(rootfs, 'boot', initrd), join(work, 'initrd.img'));
    // A sparse raw ext4 without partition table; the guest boots it as /dev/vda.
    await runLogged(
      'mkfs.ext4',
      ['-q', '-F', '-L', 'vrfgen-e2e', '-d', rootfs, join(work, 'root.img'), `${RECIPE.sizeMiB}M`],
      log,
    );
    removeTree(rootfs);
    renameSync(work, dir); // whole or not at all: an interrupted build leaves only a .build-* folder
  } catch (e) {
    if (!existsSync(join(dir, 'root.img'))) throw e;
    removeTree(work); // another run built the same key first
  }
}

/** Build folders older than any build can take were left by an interrupted run. */
function removeAbandonedBuilds(): void {
  for (const d of readdirSync(CACHE).filter((n) => n.startsWith('.build-'))) {
    if (Date.now() - statSync(join(CACHE, d)).mtimeMs > 3 * BUILD_STEP_TIMEOUT * 1000) removeTree(join(CACHE, d));
  }
}

let queue: Promise<unknown> = Promise.resolve();
const images = new Map<string, Promise<Image>>();

/** The cache folder of an image with the code's recipe. */
const dirOf = (release: Release, variant: Variant) =>
  join(CACHE, `${release}-${variant}-${recipeKey(release, variant)}`);

/**
 * The image of a release and variant: from the cache at once, or built now. Builds run one at a
 * time (they share the .deb cache, and two would only slow each other); boots of ready images run
 * alongside them.
 */
export function image(release: Release, variant: Variant): Promise<Image> {
  const name = `${release}-${variant}`;
  let p = images.get(name);
  if (!p) {
    if (existsSync(join(dirOf(release, variant), 'root.img'))) p = ensure(release, variant);
    else {
      p = queue.then(() => ensure(release, variant));
      queue = p.catch(() => undefined);
    }
    images.set(name, p);
  }
  return p;
}

async function ensure(release: Release, variant: Variant): Promise<Image> {
  if (!(RELEASES[release] as ReleaseRecipe).variants[variant]) throw new Error(`no ${variant} image for ${release}`);
  mkdirSync(CACHE, { recursive: true });
  removeAbandonedBuilds();
  const name = `${release}-${variant}`;
  const dir = dirOf(release, variant);
  let buildSeconds = 0;
  if (!existsSync(join(dir, 'root.img'))) {
    const t0 = performance.now();
    await build(release, variant, dir);
    buildSeconds = Math.round((performance.now() - t0) / 1000);
    // Older images of this release and variant are stale for good: their recipe is not the code's any more.
    for (const old of readdirSync(CACHE).filter((d) => d.startsWith(`${name}-`) && join(CACHE, d) !== dir)) {
      removeTree(join(CACHE, old));
    }
  }
  return {
    release,
    variant,
    dir,
    root: join(dir, 'root.img'),
    kernel: join(dir, 'vmlinuz'),
    initrd: join(dir, 'initrd.img'),
    buildSeconds,
  };
}
