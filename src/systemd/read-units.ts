import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import { parseUnitFile, templateOf, type UnitSetting } from './unit-file.ts';

/**
 * The units stage: before anything is rendered, read the unit files the services target needs from
 * the tree under --root (an image builder's tree, or `/`), the way systemd finds them. Rendering stays
 * pure: what is read here reaches the target as data (RenderContext.units).
 */

/** What systemd would load for one unit name under the root. */
export interface UnitFile {
  /** The name looked up. */
  readonly name: string;
  /** The unit's own name: differs from `name` when `name` is an alias (a symlink to another unit). */
  readonly id: string;
  /** Root-relative path of the unit file; absent when there is none (only drop-ins, or nothing). */
  readonly fragment?: string;
  /** Linked to /dev/null: systemd will not start it. */
  readonly masked: boolean;
  /** Root-relative paths of the drop-ins that apply, in the order systemd applies them (vrfgen's own left out). */
  readonly dropIns: readonly string[];
  /** The fragment's settings, then each drop-in's. */
  readonly settings: readonly UnitSetting[];
  /** Linked from a `*.wants/` or `*.requires/` folder, i.e. started at boot (sockets: listening). */
  readonly enabled: boolean;
}

/** Unit files by the name looked up; a name with neither fragment nor drop-ins is absent. */
export type UnitFiles = ReadonlyMap<string, UnitFile>;

/**
 * The system manager's unit search path, highest priority first, as `systemd-analyze unit-paths`
 * prints it on Debian 12 (systemd.unit(5), "System Unit Search Path"). /lib/systemd/system is where
 * Debian 12 packages install units; on merged-/usr systems it is the same folder as /usr/lib's.
 */
export const UNIT_PATH = [
  '/etc/systemd/system.control',
  '/run/systemd/system.control',
  '/run/systemd/transient',
  '/run/systemd/generator.early',
  '/etc/systemd/system',
  '/etc/systemd/system.attached',
  '/run/systemd/system',
  '/run/systemd/system.attached',
  '/run/systemd/generator',
  '/usr/local/lib/systemd/system',
  '/lib/systemd/system',
  '/usr/lib/systemd/system',
  '/run/systemd/generator.late',
] as const;

/** Absence is an answer here; any other error (EACCES, EIO) is an I/O problem for the caller to report. */
function absent<T>(fallback: T): (e: NodeJS.ErrnoException) => T {
  return (e) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR' || e.code === 'ELOOP') return fallback;
    throw e;
  };
}

/** A drop-in vrfgen wrote describes the binding being replaced, not the unit: never read it back. */
const isOwnDropIn = (file: string) => file.includes('vrfgen');

/**
 * The tree under the root, each folder listed and each path looked at once (also how generate reads
 * the admin's own network files, src/pipeline/foreign.ts, with fileInRoot and listInRoot). Every unit is looked up in
 * 13 folders, plus a drop-in folder per dash in its name: an intent naming thousands of units made
 * millions of lstat() calls, nearly all for names a folder's listing already shows are not there.
 */
/** What the walk asks of an lstat() result; its own type, so the declarations vrfgen publishes need no Node types. */
interface FileKind {
  isFile(): boolean;
  isSymbolicLink(): boolean;
}

export class Tree {
  private readonly listings = new Map<string, Promise<ReadonlySet<string> | undefined>>();
  private readonly stats = new Map<string, Promise<FileKind | undefined>>();
  /** Folders walked so far (realInRoot). */
  readonly walks = new Map<string, Promise<Walk | undefined>>();

  constructor(readonly root: string) {}

  /** lstat() of a root-relative path whose folder part has no links; undefined when nothing is there. */
  async lstat(path: string): Promise<FileKind | undefined> {
    const names = await this.names(posix.dirname(path));
    if (names && !names.has(posix.basename(path))) return undefined;
    return memo(this.stats, path, () => lstat(join(this.root, path)).catch(absent(undefined)));
  }

  /** The names in a root-relative folder without links; undefined when it cannot be listed (then lstat() asks). */
  names(dir: string): Promise<ReadonlySet<string> | undefined> {
    return memo(this.listings, dir, () =>
      readdir(join(this.root, dir)).then(
        (n) => new Set(n),
        () => undefined,
      ),
    );
  }
}

function memo<T>(cache: Map<string, T>, key: string, make: () => T): T {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key)!;
}

/** Read every unit in `names` (and the units their names alias) from the tree under `root`. */
export async function readUnits(root: string, names: Iterable<string>): Promise<UnitFiles> {
  const out = new Map<string, UnitFile>();
  const tree = new Tree(root);
  for (const name of new Set(names)) {
    const unit = await readUnit(tree, name);
    if (unit) out.set(name, unit);
  }
  return out;
}

async function readUnit(tree: Tree, name: string): Promise<UnitFile | undefined> {
  const root = tree.root;
  const template = templateOf(name);
  let found = await findFragment(tree, name);
  if (!found.path && !found.masked && template !== name) found = await findFragment(tree, template);
  const id = found.id && !found.id.includes('@.') ? found.id : name;
  const dropIns = await findDropIns(tree, [...new Set([name, id])]);
  if (!found.path && !found.masked && dropIns.length === 0) return undefined;
  const settings: UnitSetting[] = [];
  for (const file of [...(found.path ? [found.path] : []), ...dropIns]) {
    for (const s of parseUnitFile(await readFile(join(root, file.real), 'utf8'), file.shown)) settings.push(s); // no spread: a file may hold 100 000 lines
  }
  return {
    name,
    id,
    ...(found.path ? { fragment: found.path.shown } : {}),
    masked: found.masked,
    dropIns: dropIns.map((d) => d.shown),
    settings,
    enabled: await isEnabled(tree, name),
  };
}

/** A file as the user knows it (`shown`) and where its bytes really are (`real`), both root-relative. */
interface Located {
  readonly shown: string;
  readonly real: string;
}

/** The first unit file called `name` on the search path, following alias symlinks inside the root. */
async function findFragment(tree: Tree, name: string): Promise<{ path?: Located; id?: string; masked: boolean }> {
  for (const dir of UNIT_PATH) {
    if (!(await mayHold(tree, dir, name))) continue;
    const shown = posix.join(dir, name);
    const target = await fileInRoot(tree, shown);
    if (target === undefined) continue;
    if (target === '/dev/null') return { masked: true };
    return { path: { shown, real: target }, id: basename(target), masked: false };
  }
  return { masked: false };
}

/**
 * Follow symlinks the way the booted system would see them, in every component of the path: an
 * absolute target is inside the root, not on the machine running vrfgen (an image's `/lib -> /usr/lib`
 * or an enablement link `-> /lib/systemd/system/ssh.socket`). Returns the real root-relative path of
 * what is there (file or folder), '/dev/null' for a mask, or undefined when nothing is.
 *
 * The folder part is walked once per folder (Tree.walked): every unit looks in the same thirteen
 * search-path folders, and walking each path from `/` again was the largest cost per service.
 */
async function realInRoot(tree: Tree, path: string): Promise<string | undefined> {
  const dir = posix.dirname(path);
  if (dir === path) return '/';
  const at = await walked(tree, dir);
  const end = at && (await follow(tree, at, [posix.basename(path)], true));
  return typeof end === 'object' ? end.real : end;
}

/** Where walking a folder's components leaves off: its real path and the links followed on the way. */
interface Walk {
  readonly real: string;
  readonly hops: number;
}

function walked(tree: Tree, dir: string): Promise<Walk | undefined> {
  if (dir === '/') return Promise.resolve({ real: '/', hops: 0 });
  return memo(tree.walks, dir, async () => {
    const at = await walked(tree, posix.dirname(dir));
    const end = at && (await follow(tree, at, [posix.basename(dir)], false));
    return typeof end === 'object' ? end : undefined;
  });
}

/**
 * Walk `todo` from `at`. `last`: these are the path's last components, where a link to /dev/null
 * is a mask (the real path '/dev/null'); anywhere else the walk goes on into /dev/null.
 */
async function follow(tree: Tree, at: Walk, todo: string[], last: boolean): Promise<Walk | '/dev/null' | undefined> {
  let { real, hops } = at;
  while (todo.length > 0) {
    const next = posix.join(real, todo.shift()!);
    const st = await tree.lstat(next);
    if (!st) return undefined;
    if (!st.isSymbolicLink()) {
      real = next;
      continue;
    }
    if (++hops > 40) return undefined; // ELOOP, as the kernel would say
    const target = await readlink(join(tree.root, next));
    if (last && target === '/dev/null' && todo.length === 0) return '/dev/null';
    todo.unshift(...target.split('/').filter(Boolean));
    if (target.startsWith('/')) real = '/';
  }
  return { real, hops };
}

/**
 * Whether a search-path folder may hold `name`: false only when its listing (links followed) says
 * it does not. Every unit asks the thirteen folders for its file and five drop-in folders, and
 * building and walking each of those paths was the largest cost per service; the answer is almost
 * always no.
 */
async function mayHold(tree: Tree, dir: string, name: string): Promise<boolean> {
  // Exactly the first steps of realInRoot(dir/name): the folder walked (memoised), then its listing.
  const at = await walked(tree, dir);
  if (!at) return false;
  const names = await tree.names(at.real);
  return names === undefined || names.has(name);
}

/** A regular file at `path` inside the root (links followed), '/dev/null' for a mask, or undefined. */
export async function fileInRoot(tree: Tree, path: string): Promise<string | undefined> {
  const real = await realInRoot(tree, path);
  if (real === undefined || real === '/dev/null') return real;
  return (await tree.lstat(real))?.isFile() ? real : undefined;
}

/** The names in a folder inside the root (links followed); none when it is not there. */
export async function listInRoot(tree: Tree, path: string): Promise<string[]> {
  const real = await realInRoot(tree, path);
  return real === undefined || real === '/dev/null' ? [] : [...((await tree.names(real)) ?? [])];
}

/**
 * Drop-in folders of a unit (systemd.unit(5), "drop-in"): `<name>.d/`, the template's `foo@.service.d/`,
 * the dash prefixes `foo-.service.d/` and the type-wide `service.d/`. Files with the same name: the one
 * in the folder with the highest priority wins; then all are applied sorted by file name.
 */
async function findDropIns(tree: Tree, names: readonly string[]): Promise<Located[]> {
  const folders = [...new Set(names.flatMap(dropInFolders))];
  const byName = new Map<string, Located>();
  for (const dir of UNIT_PATH) {
    for (const folder of folders) {
      if (!(await mayHold(tree, dir, folder))) continue;
      const entries = await listInRoot(tree, posix.join(dir, folder));
      for (const f of entries.filter((e) => e.endsWith('.conf') && !isOwnDropIn(e)).sort()) {
        if (byName.has(f)) continue;
        const real = await fileInRoot(tree, posix.join(dir, folder, f));
        if (real && real !== '/dev/null') byName.set(f, { shown: posix.join(dir, folder, f), real });
        else byName.set(f, { shown: '', real: '' }); // masked by /dev/null: hides lower-priority namesakes
      }
    }
  }
  return [...byName.entries()]
    .filter(([, l]) => l.real !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, l]) => l);
}

function dropInFolders(name: string): string[] {
  const dot = name.lastIndexOf('.');
  const stem = name.slice(0, dot);
  const type = name.slice(dot + 1);
  const folders = [`${name}.d`];
  const at = stem.indexOf('@');
  if (at >= 0) folders.push(`${stem.slice(0, at + 1)}.${type}.d`);
  const plain = at >= 0 ? stem.slice(0, at) : stem;
  for (let i = plain.lastIndexOf('-'); i > 0; i = plain.lastIndexOf('-', i - 1))
    folders.push(`${plain.slice(0, i + 1)}.${type}.d`);
  folders.push(`${type}.d`);
  return folders;
}

/** Linked from a `*.wants/` or `*.requires/` folder anywhere on the search path. */
async function isEnabled(tree: Tree, name: string): Promise<boolean> {
  for (const dir of UNIT_PATH) {
    const entries = await listInRoot(tree, dir);
    for (const e of entries.filter((x) => x.endsWith('.wants') || x.endsWith('.requires'))) {
      if ((await listInRoot(tree, posix.join(dir, e))).includes(name)) return true;
    }
  }
  return false;
}
