import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { fileInRoot, listInRoot, Tree } from '../systemd/read-units.ts';
import type { Origin } from './host.ts';

/**
 * The files of the stack being imported, read under the root the way the booted system finds them
 * (links followed inside the root only, /dev/null masks), each text kept for the diagnostics'
 * excerpts. Paths are root-relative (`/etc/network/interfaces`); diagnostics name the file under the
 * root, so that it can be opened as printed.
 */
export interface SourceTree {
  /** The names in a root-relative folder, sorted; none when it is not there. */
  list(dir: string): Promise<string[]>;
  /** A root-relative regular file's text; undefined when there is none. */
  read(path: string): Promise<string | undefined>;
  /** The name diagnostics and comments give a root-relative path. */
  shown(path: string): string;
  /** An origin in a root-relative file. */
  at(path: string, line: number, col?: number): Origin;
}

export class RootTree implements SourceTree {
  private readonly tree: Tree;
  readonly sources = new Map<string, string>();

  constructor(private readonly root: string) {
    this.tree = new Tree(root);
  }

  async list(dir: string): Promise<string[]> {
    return (await listInRoot(this.tree, dir)).sort();
  }

  async read(path: string): Promise<string | undefined> {
    const real = await fileInRoot(this.tree, path);
    if (real === undefined || real === '/dev/null') return undefined;
    try {
      const text = await readFile(join(this.root, real), 'utf8');
      this.sources.set(this.shown(path), text);
      return text;
    } catch {
      return undefined;
    }
  }

  shown(path: string): string {
    return join(this.root, path);
  }

  at(path: string, line: number, col = 1): Origin {
    return { file: this.shown(path), line, col };
  }
}

/** A tree held in memory (root-relative path → text), for tests and for files already rendered. */
export class MemoryTree implements SourceTree {
  readonly sources = new Map<string, string>();
  constructor(private readonly files: ReadonlyMap<string, string>) {}

  async list(dir: string): Promise<string[]> {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    const names = new Set<string>();
    for (const p of this.files.keys()) if (p.startsWith(prefix)) names.add(p.slice(prefix.length).split('/')[0]!);
    return Promise.resolve([...names].sort());
  }

  async read(path: string): Promise<string | undefined> {
    const text = this.files.get(posix.normalize(path));
    if (text !== undefined) this.sources.set(path, text);
    return Promise.resolve(text);
  }

  shown(path: string): string {
    return path;
  }

  at(path: string, line: number, col = 1): Origin {
    return { file: path, line, col };
  }
}

/** The 1-based column of `word` in line `line` of `text` (1 when it is not found). */
export function columnOf(text: string, line: number, word: string): number {
  const l = text.split('\n')[line - 1] ?? '';
  const i = l.indexOf(word);
  return i < 0 ? Math.max(1, l.length - l.trimStart().length + 1) : i + 1;
}
