/**
 * The tree a boot unpacks over the guest's root before systemd starts: vrfgen's files exactly as
 * `vrfgen generate --root` wrote them (modes included), the harness's runner, and the commands
 * of this boot. Packed as a plain tar of files only, owned by root: directory entries would carry
 * a temp dir's 0700 onto / or /etc, and git does not keep file modes beyond the executable bit.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { treeOf, vrfgen } from '../support/helpers.ts';

/** Files every boot gets: the runner unit and script (see guest/). */
const GUEST_FILES = join(import.meta.dirname, 'guest');

export interface Staged {
  /** The generated tree, as on the guest's root (inspect or tamper with it before packing). */
  readonly root: string;
  /** What `vrfgen generate` printed on stderr (warnings). */
  readonly stderr: string;
}

/** Run `vrfgen generate` for the targets into `root` (a new folder), as an install on the guest would. */
export function stage(
  intent: string,
  targets: readonly string[],
  root: string,
  before: Readonly<Record<string, string>> = {},
  extraArgs: readonly string[] = [],
): Staged {
  mkdirSync(root);
  for (const [p, content] of Object.entries(before)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  const r = vrfgen('generate', intent, '--target', targets.join(','), '--root', root, ...extraArgs);
  if (r.code !== 0) throw new Error(`vrfgen generate exited ${r.code}:\n${r.stderr}`);
  return { root, stderr: r.stderr };
}

/** Add the runner and this boot's files (path → content, all under /e2e) and pack the tar. */
export function pack(staged: Staged, extra: Readonly<Record<string, string>>, tar: string): void {
  const { root } = staged;
  cpSync(GUEST_FILES, root, { recursive: true });
  for (const p of treeOf(GUEST_FILES))
    chmodSync(join(root, p), statSync(join(GUEST_FILES, p)).mode & 0o100 ? 0o755 : 0o644);
  for (const [p, content] of Object.entries(extra)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), content, { mode: 0o755 });
  }
  const files = treeOf(root)
    .map((p) => `.${p}\n`)
    .join('');
  const r = spawnSync(
    'tar',
    ['-c', '-f', tar, '--owner=0', '--group=0', '--numeric-owner', '--no-recursion', '-C', root, '-T', '-'],
    { input: files, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`tar of the overlay failed: ${r.stderr}`);
}
