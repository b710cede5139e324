/**
 * Boot one guest headless under QEMU and bring its results out. The guest sees:
 *   /dev/vda  the image's root, with snapshot=on (writes vanish; every boot starts pristine);
 *   a read-only disk with serial e2e-overlay: a tar unpacked over / before systemd starts;
 *   a disk with serial e2e-out: zeros, on which the guest writes a tar of its results;
 *   NICs eth0…ethN on QEMU hubs (by default each alone on its own): carrier, but no packet can
 *   leave the VM; NICs that share a hub reach each other, and a guest moves one of them into a
 *   network namespace to have a peer on that link.
 * Every QEMU process ends on every path: a hard time-out (coreutils timeout, which outlives a
 * crashed test runner), SIGKILL when the test process dies (parent-death signal), and a kill from
 * the harness on any error.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Image } from './image.ts';

export interface Boot {
  readonly image: Image;
  /** A tar of files (see overlay.ts) unpacked over the guest's root before systemd starts. */
  readonly overlay: string;
  /** Where the guest's results, console log and QEMU's log go. */
  readonly dir: string;
  /** Extra kernel command line words (systemd.mask=… for the stacks not under test). */
  readonly cmdline: readonly string[];
  /** The hub of each NIC, eth0 first: a hub with one NIC is a cable to nowhere, with two a link between them. */
  readonly hubs: readonly number[];
  /** Hard bound on the whole boot, in seconds. */
  readonly timeout: number;
}

export interface Booted {
  /** The tree the guest handed out (its /e2e/out). */
  readonly out: string;
  readonly console: string;
  readonly seconds: number;
  readonly accel: string;
}

/**
 * KVM only where it is a real hypervisor. `kvm_pvm` (a KVM inside a VM without VT-x) cannot run
 * Debian's stock kernel: it crawls, then stops on a "KVM internal error" and pauses instead of
 * exiting. TCG always works (about a minute per boot on two cores).
 */
export function accelerator(): { args: string[]; name: string } {
  const forced = process.env.VRFGEN_E2E_ACCEL;
  let kvm = forced === 'kvm' || (forced !== 'tcg' && !existsSync('/sys/module/kvm_pvm'));
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    kvm = false;
  }
  return kvm
    ? { name: 'kvm', args: ['-accel', 'kvm', '-cpu', 'host'] }
    : { name: 'tcg', args: ['-accel', 'tcg,thread=multi,tb-size=256'] };
}

const OUT_DISK_BYTES = 64 << 20;

function qemuArgs(b: Boot, out: string, consoleLog: string, accel: string[]): string[] {
  const append = [
    'root=/dev/vda',
    'rw',
    'console=ttyS0',
    'net.ifnames=0',
    'panic=-1',
    'fsck.mode=skip',
    ...b.cmdline,
  ].join(' ');
  // Fixed PCI slots and MAC addresses: the same devices and names on every boot.
  const slot = (n: number) => `0x${n.toString(16)}`;
  const disk = (id: string, file: string, s: number, extra: string, serial?: string) => [
    '-drive',
    `file=${file},if=none,id=${id},format=raw,${extra}`,
    '-device',
    `virtio-blk-pci,drive=${id},addr=${slot(s)}${serial ? `,serial=${serial}` : ''}`,
  ];
  return [
    '-machine',
    'pc',
    ...accel,
    '-smp',
    '1',
    '-m',
    '1024',
    '-nodefaults',
    '-display',
    'none',
    '-no-reboot',
    '-monitor',
    'none',
    '-serial',
    `file:${consoleLog}`,
    '-kernel',
    b.image.kernel,
    '-initrd',
    b.image.initrd,
    '-append',
    append,
    ...disk('root', b.image.root, 4, 'snapshot=on'),
    ...disk('overlay', b.overlay, 5, 'readonly=on', 'e2e-overlay'),
    ...disk('out', out, 6, 'cache=unsafe', 'e2e-out'),
    ...b.hubs.flatMap((hub, i) => [
      '-netdev',
      `hubport,id=n${i},hubid=${hub}`,
      '-device',
      `virtio-net-pci,netdev=n${i},addr=${slot(8 + i)},mac=52:54:00:e2:e0:${i.toString(16).padStart(2, '0')}`,
    ]),
  ];
}

/** Running QEMU process groups, killed when this process exits however it exits. */
const running = new Set<number>();
const killGroup = (pid: number) => {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  running.delete(pid);
};
process.once('exit', () => [...running].forEach(killGroup));
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    [...running].forEach(killGroup);
    process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const)[sig]);
  });
}

/** Boot, wait for the guest to power off, and unpack what it wrote on its out disk. */
export async function boot(b: Boot): Promise<Booted> {
  mkdirSync(b.dir, { recursive: true });
  const outDisk = join(b.dir, 'out.img');
  writeFileSync(outDisk, '');
  truncateSync(outDisk, OUT_DISK_BYTES);
  const consoleLog = join(b.dir, 'console.log');
  const accel = accelerator();
  const args = qemuArgs(b, outDisk, consoleLog, accel.args);
  writeFileSync(join(b.dir, 'qemu.cmdline'), `qemu-system-x86_64 ${args.join(' ')}\n`);
  const t0 = performance.now();
  const stderr = await new Promise<string>((resolve, reject) => {
    // setpriv: SIGKILL to timeout (and from it to QEMU) when the test process dies.
    const pdeath = ['setpriv', '--pdeathsig', 'KILL'];
    const p = spawn(
      pdeath[0]!,
      [...pdeath.slice(1), 'timeout', '-k', '5', String(b.timeout), ...pdeath, 'qemu-system-x86_64', ...args],
      {
        detached: true, // its own process group, so one kill takes timeout and QEMU together
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    if (p.pid !== undefined) running.add(p.pid);
    let err = '';
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('KVM internal error') && p.pid !== undefined) killGroup(p.pid);
    });
    p.on('error', reject);
    p.on('close', (code, signal) => {
      if (p.pid !== undefined) running.delete(p.pid);
      writeFileSync(join(b.dir, 'qemu.log'), err);
      if (code === 0) resolve(err);
      else
        reject(
          new Error(
            `QEMU ${code === 124 ? `timed out after ${b.timeout} s` : `ended with ${code ?? signal}`}\n${err}\n${tail(consoleLog)}`,
          ),
        );
    });
  });
  const seconds = Math.round((performance.now() - t0) / 1000);
  const out = join(b.dir, 'out');
  mkdirSync(out, { recursive: true });
  const untar = spawnSync('tar', ['-x', '-f', outDisk, '-C', out], { encoding: 'utf8' });
  rmSync(outDisk);
  if (untar.status !== 0 || !existsSync(join(out, 'runner.rc'))) {
    throw new Error(
      `the guest handed out no results (tar: ${untar.stderr.trim() || 'ok'}); QEMU said: ${stderr.trim()}\n${tail(consoleLog)}`,
    );
  }
  return { out, console: consoleLog, seconds, accel: accel.name };
}

/** The last lines of the serial console, for a failure message. */
function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return '(no console output)';
  return `last ${lines} lines of ${file}:\n${readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')}`;
}
