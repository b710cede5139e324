import { posix } from 'node:path';
import { parseUnitFile } from '../../systemd/unit-file.ts';
import type { Host, HostSysctl } from '../host.ts';
import type { Notes } from '../notes.ts';
import type { SourceTree } from '../tree.ts';

/**
 * What every stack's host has besides its network files: the l3mdev sysctls in sysctl.d, and the
 * units bound to a VRF by a drop-in or a unit file (BindNetworkInterface=, a socket's
 * BindToDevice=, or an `ip vrf exec` wrapper). Read with every `--from`.
 */

/** systemd-sysctl's folders; files are applied in file-name order across all of them, /etc/sysctl.conf last. */
const SYSCTL_DIRS = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'];
const L3MDEV = /^\s*-?\s*net[./]ipv4[./](tcp|udp|raw)_l3mdev_accept\s*=\s*(\S*)\s*$/;

export async function readSysctls(tree: SourceTree, host: Host): Promise<void> {
  const files = new Map<string, string>(); // file name → path, the first folder hiding the rest
  for (const dir of SYSCTL_DIRS)
    for (const name of await tree.list(dir))
      if (name.endsWith('.conf') && !files.has(name)) files.set(name, posix.join(dir, name));
  const order = [...[...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, p]) => p), '/etc/sysctl.conf'];
  const found = new Map<string, HostSysctl>();
  for (const path of order) {
    const text = await tree.read(path);
    if (text === undefined) continue;
    text.split('\n').forEach((l, i) => {
      const m = l.match(L3MDEV);
      if (!m) return;
      const key = `${m[1]}_l3mdev_accept` as HostSysctl['key'];
      found.set(key, { key, value: m[2] !== '0', origin: tree.at(path, i + 1, l.indexOf('net') + 1) });
    });
  }
  host.sysctls.push(...found.values());
}

const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system'];

/** Units whose drop-in or unit file binds them to a VRF. */
export async function readServices(tree: SourceTree, host: Host, notes: Notes): Promise<void> {
  const vrfs = new Set([...host.links.values()].filter((l) => l.kind === 'vrf').map((l) => l.name));
  const bound = new Map<string, { vrf: string; how: string; file: string; line: number }>();
  for (const dir of UNIT_DIRS) {
    for (const entry of await tree.list(dir)) {
      const unitOf = entry.match(/^(.+\.(service|socket))(\.d)?$/);
      if (!unitOf) continue;
      const unit = unitOf[1]!;
      const files = unitOf[3]
        ? (await tree.list(posix.join(dir, entry)))
            .filter((n) => n.endsWith('.conf'))
            .map((n) => posix.join(dir, entry, n))
        : [posix.join(dir, entry)];
      for (const file of files) {
        const text = await tree.read(file);
        if (text === undefined) continue;
        for (const s of parseUnitFile(text, file)) {
          const exec = s.key === 'ExecStart' ? s.value.match(/(?:^|\s|\/)ip\s+vrf\s+exec\s+(\S+)\s/) : null;
          const vrf =
            (s.section === 'Service' && s.key === 'BindNetworkInterface' && s.value) ||
            (s.section === 'Socket' && s.key === 'BindToDevice' && s.value) ||
            exec?.[1];
          if (!vrf || !vrfs.has(vrf)) continue;
          const how = exec ? `its command runs through \`ip vrf exec ${vrf}\`` : `${s.key}=${vrf}`;
          bound.set(unit, { vrf, how, file, line: s.line });
        }
      }
    }
  }
  for (const [unit, b] of bound) {
    // vrfgen binds a socket-activated service's socket with it: the service alone says both.
    if (unit.endsWith('.socket') && bound.get(unit.replace(/\.socket$/, '.service'))?.vrf === b.vrf) {
      notes.at(
        ['vrfs', b.vrf, 'services'],
        `${unit} is bound too: vrfgen binds the socket of a socket-activated service with it`,
      );
      continue;
    }
    host.services.push({
      unit,
      vrf: b.vrf,
      how: `${b.how}; its command lines stay the unit file's`,
      origin: tree.at(b.file, b.line),
    });
  }
}
