import { posix } from 'node:path';
import type { Clash, ForeignReader, Unparsable } from '../../src/pipeline/foreign.ts';
import { lastValue, parseBoolean, parseUnitFile } from '../../src/systemd/unit-file.ts';

/**
 * The admin's NetworkManager profiles beside vrfgen's. NM loads every keyfile in
 * /etc/NetworkManager/system-connections and /usr/lib/NetworkManager/system-connections, and two
 * profiles for one `interface-name` both load: nothing refuses them. At most one is active on a
 * device, and the one that autoconnects is chosen by `autoconnect-priority`, then by which was
 * activated last (nm_settings_connection_cmp_autoconnect_priority() in NM's settings code, the
 * timestamp kept in /var/lib/NetworkManager/timestamps), so vrfgen's profile may lose its link on
 * any boot. A profile with `autoconnect=false` only comes up by hand.
 *
 * Keyfiles are GLib key files: `[group]`, `key=value`, `#` comments. vrfgen's unit-file reader
 * (src/systemd/unit-file.ts) reads that syntax with lines; what GLib refuses and it would skip (a line
 * that is none of the three, which makes NM ignore the whole profile) is said here instead.
 */
const DIRS = ['/etc/NetworkManager/system-connections', '/usr/lib/NetworkManager/system-connections'] as const;

/** The first line GLib's key-file parser refuses, if any. */
const badLine = (text: string): number | undefined => {
  const i = text
    .split('\n')
    .findIndex((l) => !/^\s*(#.*)?$/.test(l) && !/^\s*\[[^\]]+\]\s*$/.test(l) && !/^[^=[]+=/.test(l.trim()));
  return i < 0 ? undefined : i + 1;
};

const networkmanagerForeign: ForeignReader = {
  async find(root, { files, links }) {
    const ours = new Map<string, string>();
    for (const f of files) {
      const name = lastValue(parseUnitFile(f.content, f.path), 'connection', 'interface-name');
      if (name) ours.set(name.value, f.path);
    }
    const out: (Clash | Unparsable)[] = [];
    for (const dir of DIRS) {
      for (const entry of await root.list(dir)) {
        if (!entry.endsWith('.nmconnection')) continue;
        const file = posix.join(dir, entry);
        const text = await root.read(file);
        if (text === undefined) continue;
        const bad = badLine(text);
        if (bad !== undefined) {
          out.push({ file, line: bad, problem: 'is not a key file (NetworkManager ignores the whole profile)' });
          continue;
        }
        const settings = parseUnitFile(text, file);
        const name = lastValue(settings, 'connection', 'interface-name');
        const mine = name && ours.get(name.value);
        if (!name || !mine || !links.has(name.value)) continue;
        const id = lastValue(settings, 'connection', 'id')?.value ?? entry.replace(/\.nmconnection$/, '');
        const autoconnect = lastValue(settings, 'connection', 'autoconnect');
        const at = { name: name.value, file, line: name.line };
        out.push(
          autoconnect && parseBoolean(autoconnect.value) === false
            ? {
                ...at,
                severity: 'warning',
                says: `is a profile for ${name.value} too ('${id}', autoconnect=false): NetworkManager leaves it down at boot, but activating it by hand takes ${name.value} from vrfgen's ${mine}`,
              }
            : {
                ...at,
                severity: 'error',
                says: `is a profile for ${name.value} too ('${id}'): NetworkManager activates one profile per device, the one with the higher autoconnect-priority, else the one activated last, so vrfgen's ${mine} may not be the one applied; remove that profile, or set autoconnect=false in it`,
              },
        );
      }
    }
    return out;
  },
};

export default networkmanagerForeign;
