import { posix } from 'node:path';
import type { Clash, ForeignReader, RootFiles, Unparsable } from '../../src/pipeline/foreign.ts';
import { assignments, lastValue, parseUnitFile, type UnitSetting } from '../../src/systemd/unit-file.ts';
import { globToRegExp } from '../ifupdown/stanzas.ts';

/**
 * The admin's .network and .netdev files beside vrfgen's, read with the unit-file reader vrfgen
 * already has (src/systemd/unit-file.ts): networkd's files are systemd unit syntax, lines and all.
 * What networkd 252 does with them (systemd.network(5), systemd.netdev(5), and its own log in a
 * namespace with a veth `eth2`):
 * - all files of /etc, /run, /usr/local/lib, /usr/lib (and Debian's /lib) are sorted by file name
 *   together, a file hiding its namesakes of lower priority;
 * - a link is configured by the first .network file that matches it, and by that one only ("eth2:
 *   found matching network '/etc/systemd/network/05-admin.network'"): vrfgen's 10-vrfgen-eth2.network
 *   was ignored; any file that sorts first wins, netplan's 10-netplan-* among them;
 * - of two .netdev files with the same Name=, the first in file-name order creates the device and the
 *   other is ignored ("Device was already configured by …10-vrfgen-br1.netdev, ignoring …30-admin-br1.netdev").
 * Drop-ins are not read: they amend a file, they do not make another one match.
 */
const DIRS = [
  '/etc/systemd/network',
  '/run/systemd/network',
  '/usr/local/lib/systemd/network',
  '/usr/lib/systemd/network',
  '/lib/systemd/network',
] as const; // highest priority first

/** The .network and .netdev files networkd reads besides vrfgen's own, each once (the namesake with the highest priority). */
async function adminFiles(root: RootFiles, ours: readonly string[]): Promise<string[]> {
  const seen = new Set(ours.map((o) => posix.basename(o))); // vrfgen's files are in /etc, the highest priority
  const out: string[] = [];
  for (const dir of DIRS) {
    for (const name of await root.list(dir)) {
      if (!/\.(network|netdev)$/.test(name) || seen.has(name)) continue;
      seen.add(name);
      out.push(posix.join(dir, name));
    }
  }
  return out;
}

/** The link names a file's [Match] Name= list holds: repeated assignments add up, an empty one clears. */
function names(settings: readonly UnitSetting[]): UnitSetting[] {
  let list: UnitSetting[] = [];
  for (const s of assignments(settings, 'Match', 'Name')) list = s.value === '' ? [] : [...list, s];
  return list;
}

/** Whether one Name= assignment matches `link` (fnmatch globs; a leading `!` inverts the list): the pattern, or undefined. */
function matching(s: UnitSetting, link: string): string | undefined {
  const inverted = s.value.startsWith('!');
  const patterns = (inverted ? s.value.slice(1) : s.value).split(/\s+/).filter(Boolean);
  const hit = patterns.find((p) => globToRegExp(p).test(link));
  if (inverted) return hit ? undefined : s.value;
  return hit;
}

const isGlob = (p: string) => /[*?[!]/.test(p);

const networkdForeign: ForeignReader = {
  async find(root, { files, links }) {
    const ourNetwork = new Map<string, string>();
    const ourNetdev = new Map<string, string>();
    for (const f of files) {
      const settings = parseUnitFile(f.content, f.path);
      const netdev = lastValue(settings, 'NetDev', 'Name');
      if (f.path.endsWith('.netdev') && netdev) ourNetdev.set(netdev.value, f.path);
      if (f.path.endsWith('.network')) for (const n of names(settings)) ourNetwork.set(n.value, f.path);
    }
    const out: (Clash | Unparsable)[] = [];
    for (const file of await adminFiles(
      root,
      files.map((f) => f.path),
    )) {
      const text = await root.read(file);
      if (text === undefined) continue;
      const settings = parseUnitFile(text, file);
      if (file.endsWith('.netdev')) {
        const name = lastValue(settings, 'NetDev', 'Name');
        const ours = name && ourNetdev.get(name.value);
        if (name && ours) out.push(netdevClash(name, ours, lastValue(settings, 'NetDev', 'Kind')?.value));
        continue;
      }
      const conditions = [
        ...new Set(settings.filter((s) => s.section === 'Match' && s.key !== 'Name').map((s) => s.key)),
      ];
      const nameList = names(settings);
      for (const [link, ours] of ourNetwork) {
        if (!links.has(link)) continue;
        const before = posix.basename(file) < posix.basename(ours);
        const hit = nameList.flatMap((s) => {
          const p = matching(s, link);
          return p === undefined ? [] : [{ s, p }];
        })[0];
        if (hit) out.push(networkClash(link, hit.s, hit.p, ours, before, conditions));
        else if (nameList.length === 0 && conditions.length > 0 && before) {
          const first = settings.find((s) => s.section === 'Match')!;
          out.push({
            name: link,
            file,
            line: first.line,
            severity: 'warning',
            says: `matches every link its [Match] conditions allow (${conditions.join(', ')}) and sorts before vrfgen's ${ours}: if it matches ${link}, networkd configures the link with it only and ignores vrfgen's file`,
          });
        }
      }
    }
    return out;
  },
};

function netdevClash(name: UnitSetting, ours: string, kind: string | undefined): Clash {
  const first = posix.basename(name.file) < posix.basename(ours) ? name.file : ours;
  return {
    name: name.value,
    file: name.file,
    line: name.line,
    severity: 'error',
    says: `creates ${name.value} too${kind ? ` (Kind=${kind})` : ''}: networkd creates a device from the first .netdev in file-name order that names it, here ${first}, and ignores the other ("Device was already configured by …"); remove ${name.value} from that file or from the intent`,
  };
}

function networkClash(
  link: string,
  name: UnitSetting,
  pattern: string,
  ours: string,
  before: boolean,
  conditions: readonly string[],
): Clash {
  const at = { name: link, file: name.file, line: name.line };
  if (before && conditions.length > 0)
    return {
      ...at,
      severity: 'warning',
      says: `matches ${link} if its other [Match] conditions hold (${conditions.join(', ')}), and sorts before vrfgen's ${ours}: networkd then configures the link with it only and ignores vrfgen's file; rename it to sort after vrfgen's, or remove ${link} from it`,
    };
  if (before)
    return {
      ...at,
      severity: 'error',
      says: `matches ${link} and sorts before vrfgen's ${ours}: networkd configures a link with the first matching .network file only, so it ignores vrfgen's; remove ${link} from that file or from the intent`,
    };
  if (!isGlob(pattern))
    return {
      ...at,
      severity: 'error',
      says: `configures ${link} too, but sorts after vrfgen's ${ours}: networkd configures a link with the first matching .network file only, so it ignores this one for ${link}; move its settings into the intent, or remove ${link} from it`,
    };
  return {
    ...at,
    severity: 'warning',
    says: `matches ${link} (${pattern}) but sorts after vrfgen's ${ours}: networkd configures ${link} with vrfgen's file and the other links it matches with this one`,
  };
}

export default networkdForeign;
