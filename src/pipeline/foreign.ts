import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { error, warning, type Diagnostic, type Path } from '../diagnostics/diagnostics.ts';
import type { Model } from '../model/model.ts';
import { globRegExp } from '../output/write.ts';
import type { OutputFile, Target } from '../render/target.ts';
import { fileInRoot, listInRoot, Tree } from '../systemd/read-units.ts';

/**
 * The admin's own files for the chosen stack, read under --root before anything is written: a link
 * or VRF that vrfgen declares and another file of the same stack declares too is reported at the
 * intent entry, naming the other file and line. An error where the stack refuses the configuration
 * or silently drops one of the two definitions, a warning where both apply. Each target says how its
 * stack finds and reads those files (Target.foreign); this module gives it the tree and words the
 * findings. Reading follows links the way the booted system would, inside the root only.
 */

/** The tree under the root as a stack's reader may see it: vrfgen's own files (the target's `owns`) left out, since they are about to be replaced. */
export interface RootFiles {
  /** The names in a root-relative folder, sorted; none when it is not there. */
  list(dir: string): Promise<string[]>;
  /** A root-relative regular file's text; undefined when there is none (or it is masked by /dev/null). */
  read(path: string): Promise<string | undefined>;
}

/** What vrfgen declares under one name, whatever the stack: from the model. */
export interface OwnLink {
  readonly name: string;
  readonly role: 'vrf' | 'member' | 'port' | 'vlan parent';
  /** The device that enslaves it: the VRF of a member, the bridge or bond of a port. */
  readonly master?: { readonly name: string; readonly kind: 'vrf' | 'bridge' | 'bond' };
  /** A VRF's table. */
  readonly table?: number;
  readonly at: Path;
}

/** An admin's file that declares one of vrfgen's names too. */
export interface Clash {
  readonly name: string;
  /** Root-relative path and 1-based line of the other declaration. */
  readonly file: string;
  readonly line: number;
  /** error: the stack refuses the configuration, or keeps one definition and drops the other; warning: both apply. */
  readonly severity: 'error' | 'warning';
  /** The rest of the sentence after `FILE:LINE`: what it declares, what the stack does with both, what to do. */
  readonly says: string;
}

/** An admin's file the reader cannot make sense of. */
export interface Unparsable {
  readonly file: string;
  readonly line?: number;
  readonly problem: string;
}

export interface ForeignReader {
  /** The admin's files of this stack under the root, compared with `files` (what the target renders) and `links`. */
  find(
    root: RootFiles,
    ours: { readonly files: readonly OutputFile[]; readonly links: ReadonlyMap<string, OwnLink> },
  ): Promise<readonly (Clash | Unparsable)[]>;
}

/** Every name vrfgen declares, with its intent position. */
export function ownLinks(model: Model): Map<string, OwnLink> {
  const out = new Map<string, OwnLink>();
  for (const v of model.vrfs) {
    out.set(v.name, { name: v.name, role: 'vrf', table: v.table, at: v.at });
    for (const m of v.members)
      out.set(m.name, { name: m.name, role: 'member', master: { name: v.name, kind: 'vrf' }, at: m.at });
  }
  for (const p of model.ports)
    out.set(p.name, { name: p.name, role: 'port', master: { name: p.master, kind: p.masterKind }, at: p.at });
  // A parent another file configures (`networkd-file`) is that file's on purpose: not vrfgen's to declare.
  for (const p of model.vlanParents)
    if (!p.networkdFile && !out.has(p.name)) out.set(p.name, { name: p.name, role: 'vlan parent', at: p.at });
  return out;
}

/**
 * Run each chosen target's reader on the tree under `root`; the findings as diagnostics, a clash
 * placed at its intent entry by `place`, a file that cannot be read at no position.
 */
export async function foreignDeclarations(
  model: Model,
  chosen: readonly Target[],
  files: readonly OutputFile[],
  root: string,
  place: (ds: Diagnostic[]) => Diagnostic[],
): Promise<Diagnostic[]> {
  const links = ownLinks(model);
  const out: Diagnostic[] = [];
  for (const t of chosen) {
    if (!t.foreign) continue;
    const owned = t.owns.map(globRegExp);
    const isOwn = (path: string) => owned.some((re) => re.test(path));
    const tree = new Tree(root);
    const unreadable: Unparsable[] = [];
    const rootFiles: RootFiles = {
      list: async (dir) => (await listInRoot(tree, dir)).filter((n) => !isOwn(posix.join(dir, n))).sort(),
      read: async (path) => {
        if (isOwn(path)) return undefined;
        const real = await fileInRoot(tree, path);
        if (real === undefined || real === '/dev/null') return undefined;
        try {
          return await readFile(join(root, real), 'utf8');
        } catch (e) {
          unreadable.push({ file: path, problem: `cannot be read (${(e as NodeJS.ErrnoException).code})` });
          return undefined;
        }
      },
    };
    const found = await t.foreign.find(rootFiles, { files: files.filter((f) => isOwn(f.path)), links });
    const all = [...unreadable, ...found].map((f) => diagnostic(f, links));
    out.push(...all.filter((d) => d.path.length === 0), ...place(all.filter((d) => d.path.length > 0)));
  }
  return out;
}

const isClash = (f: Clash | Unparsable): f is Clash => 'says' in f;

function diagnostic(f: Clash | Unparsable, links: ReadonlyMap<string, OwnLink>): Diagnostic {
  if (!isClash(f)) {
    const where = f.line === undefined ? f.file : `${f.file}:${f.line}`;
    return warning(
      'generate/foreign-unreadable',
      [],
      `${where}: ${f.problem}; vrfgen cannot tell whether it declares links vrfgen writes too`,
    );
  }
  const link = links.get(f.name);
  const message = `${link?.role ?? 'link'} '${f.name}': ${f.file}:${f.line} ${f.says}`;
  const at = link?.at ?? [];
  return f.severity === 'error'
    ? error('generate/foreign-conflict', at, message)
    : warning('generate/foreign-overlap', at, message);
}
