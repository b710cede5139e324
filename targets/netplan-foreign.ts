import { createRequire } from 'node:module';
import { posix } from 'node:path';
import type * as Yaml from 'yaml';
import type { Clash, ForeignReader, RootFiles, Unparsable } from '../src/pipeline/foreign.ts';

// yaml is loaded when a netplan run reads files, not whenever the target registry is imported.
const require = createRequire(import.meta.url);

/**
 * The admin's netplan YAML beside vrfgen's. netplan reads /{lib,etc,run}/netplan/*.yaml, a file in
 * /run hiding a namesake in /etc, which hides one in /lib (netplan(5), "General structure"), and
 * merges all of them in file-name order into one set of definitions. What it does with a name two
 * files define, as `netplan generate --root-dir` of 0.106 and 1.1.2 shows:
 * - in two sections (a bridge br1 in one file, an ethernet br1 in another): it refuses the whole
 *   configuration, "Updated definition 'br1' changes device type", and nothing is configured at boot;
 * - in one section: it merges them, the later file winning each key and addresses adding up; a VRF's
 *   `table` from the later file silently replaces the other;
 * - a link in the `interfaces` of two bridges or bonds, or of two VRFs: refused, "interface 'eth3' is
 *   already assigned to bridge m9"; of a bridge (or bond) and a VRF: accepted, with both Bridge= and
 *   VRF= in the link's .network, of which the kernel keeps one master.
 */
const DIRS = ['/run/netplan', '/etc/netplan', '/lib/netplan'] as const; // highest priority first

/** A master's sections, and what each makes of the links it lists in `interfaces`. */
const MASTERS: Readonly<Record<string, 'bridge' | 'bond' | 'vrf'>> = { bridges: 'bridge', bonds: 'bond', vrfs: 'vrf' };

interface Definition {
  readonly name: string;
  readonly section: string;
  readonly file: string;
  readonly line: number;
  readonly table?: number;
  /** A bridge's, bond's or VRF's `interfaces`, each with its line. */
  readonly interfaces: readonly { readonly name: string; readonly line: number }[];
}

/** The definitions of one netplan file, or why it cannot be parsed. */
function definitions(text: string, file: string): Definition[] | Unparsable {
  const yaml = require('yaml') as typeof Yaml;
  const lc = new yaml.LineCounter();
  const doc = yaml.parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  const problem = doc.errors[0];
  if (problem) return { file, line: lc.linePos(problem.pos[0]).line, problem: `cannot be parsed (${problem.message})` };
  const lineOf = (node: unknown) => {
    const range = (node as { range?: [number, number, number] }).range;
    return range ? lc.linePos(range[0]).line : 0;
  };
  const network = doc.get('network', true);
  const out: Definition[] = [];
  if (!yaml.isMap(network)) return out;
  for (const section of network.items) {
    if (!yaml.isScalar(section.key) || !yaml.isMap(section.value)) continue; // version, renderer
    for (const def of section.value.items) {
      if (!yaml.isScalar(def.key)) continue;
      const body = yaml.isMap(def.value) ? def.value : undefined;
      const table = body?.get('table');
      const list = body?.get('interfaces', true);
      out.push({
        name: String(def.key.value),
        section: String(section.key.value),
        file,
        line: lineOf(def.key),
        ...(typeof table === 'number' ? { table } : {}),
        interfaces: yaml.isSeq(list)
          ? list.items.flatMap((i) => (yaml.isScalar(i) ? [{ name: String(i.value), line: lineOf(i) }] : []))
          : [],
      });
    }
  }
  return out;
}

/** The YAML files netplan reads besides vrfgen's own, each once (the namesake with the highest priority). */
async function adminFiles(root: RootFiles, ours: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const dir of DIRS) {
    // vrfgen's file hides its namesakes of lower priority, as any other would.
    for (const o of ours) if (posix.dirname(o) === dir) seen.add(posix.basename(o));
    for (const name of await root.list(dir)) {
      if (!name.endsWith('.yaml') || seen.has(name)) continue;
      seen.add(name);
      out.push(posix.join(dir, name));
    }
  }
  return out;
}

/** The file netplan reads later of two: merged in file-name order, whatever the folder. */
const later = (a: string, b: string) => (posix.basename(a) > posix.basename(b) ? a : b);

const netplanForeign: ForeignReader = {
  async find(root, { files, links }) {
    const oursFiles = files.filter((f) => f.path.endsWith('.yaml'));
    // vrfgen's own document is read (with the yaml library: a MB and seconds at thousands of VRFs)
    // only when an admin's file is there to compare it with.
    let ours: Map<string, Definition> | undefined;
    const oursNamed = (name: string) => {
      if (!ours) {
        ours = new Map();
        for (const f of oursFiles) {
          const defs = definitions(f.content, f.path);
          if (Array.isArray(defs)) for (const d of defs) ours.set(d.name, d);
        }
      }
      return ours.get(name);
    };
    const out: (Clash | Unparsable)[] = [];
    for (const file of await adminFiles(
      root,
      oursFiles.map((f) => f.path),
    )) {
      const text = await root.read(file);
      if (text === undefined) continue;
      const defs = definitions(text, file);
      if (!Array.isArray(defs)) {
        out.push(defs);
        continue;
      }
      for (const d of defs) {
        const o = oursNamed(d.name);
        if (o) out.push(sameName(d, o));
        const kind = MASTERS[d.section];
        if (!kind) continue;
        for (const i of d.interfaces) {
          const master = links.get(i.name)?.master;
          if (!master || master.name === d.name) continue;
          const both = (kind === 'vrf') === (master.kind === 'vrf');
          out.push({
            name: i.name,
            file,
            line: i.line,
            severity: 'error',
            says: both
              ? `puts ${i.name} into ${kind} ${d.name}, vrfgen into ${master.kind} ${master.name}: netplan refuses the whole configuration ("interface '${i.name}' is already assigned to …") and nothing is configured at boot; remove ${i.name} from one of them`
              : `enslaves ${i.name} to ${kind} ${d.name}, vrfgen to ${master.kind} ${master.name}: netplan writes both into the link's .network, and a link has one master, so one of the two is lost; remove ${i.name} from one of them`,
          });
        }
      }
    }
    return out;
  },
};

function sameName(d: Definition, o: Definition): Clash {
  const at = { name: d.name, file: d.file, line: d.line };
  if (d.section !== o.section)
    return {
      ...at,
      severity: 'error',
      says: `declares ${d.name} under ${d.section}, vrfgen's ${o.file} under ${o.section}: netplan refuses the whole configuration ("Updated definition '${d.name}' changes device type") and nothing is configured at boot; remove ${d.name} from that file or from the intent`,
    };
  if (d.table !== undefined && o.table !== undefined && d.table !== o.table)
    return {
      ...at,
      severity: 'error',
      says: `declares VRF ${d.name} with table ${d.table}, vrfgen's ${o.file} with table ${o.table}: netplan keeps the table of the file that sorts last (${later(d.file, o.file)}) and drops the other; give the VRF one table, in the intent`,
    };
  return {
    ...at,
    severity: 'warning',
    says: `declares ${d.name} under ${d.section} too: netplan merges the two definitions, the file that sorts last winning each key and addresses adding up; move its settings into the intent, or remove them`,
  };
}

export default netplanForeign;
