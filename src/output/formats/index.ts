import type { Redact } from '../redact.ts';
import type { Command, OutputFile } from '../../render/target.ts';
import cloudInit from './cloud-init.ts';
import json from './json.ts';
import tar from './tar.ts';

/** What every output format packs: the same rendered files the writer would write, and the targets' reload commands. */
export interface Bundle {
  /** Intent file name, for headers. */
  readonly source: string;
  /** Sorted by path, as renderTargets returns them. */
  readonly files: readonly OutputFile[];
  /** In order: what makes a running system take the files up (Target.reload). */
  readonly reload: readonly Command[];
  /** Seconds since the epoch stamped on archive members (tar); see `generate --format tar`. */
  readonly mtime: number;
  /** Masks a file's secrets, for formats that show files to people and logs (json). */
  readonly redact?: Redact;
}

/** One way to hand the files to another tool instead of writing them under a root. Pure. */
export interface Format {
  /** Registry key and `--format` name. */
  readonly name: string;
  render(bundle: Bundle): string | Uint8Array;
}

/** Every output format besides the default, writing the tree under --root (src/output/write.ts). */
export const formats = { json, 'cloud-init': cloudInit, tar } satisfies Record<string, Format>;

export type FormatName = keyof typeof formats;
export const formatNames = Object.keys(formats) as FormatName[];
