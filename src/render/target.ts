import type { DaemonCheck } from '../check/daemon.ts';
import type { ForeignReader } from '../pipeline/foreign.ts';
import type { Diagnostic } from '../diagnostics/diagnostics.ts';
import type { Model } from '../model/model.ts';
import type { UnitFiles } from '../systemd/read-units.ts';
import type { Platform } from '../platforms/platforms.ts';

/** Why a `--target` list cannot be used; a usage error (exit 2), not an intent problem. */
export class TargetSelectionError extends Error {}

/** One command as an argument vector, e.g. `['networkctl', 'reload']`; run without a shell. */
export type Command = readonly string[];

/** One file a target wants on disk. Paths are absolute inside the target root. */
export interface OutputFile {
  readonly path: string;
  /** File mode, e.g. 0o644; 0o600 for files daemons insist are private. */
  readonly mode: number;
  /** Always ends with '\n'; starts with the vrfgen header. */
  readonly content: string;
  /** Who owns the file when not root:root (FRR's config is frr:frr); names, looked up under the root. */
  readonly owner?: { readonly user: string; readonly group: string };
}

export interface RenderContext {
  /** Render `templates/<name>` with `view` (plus `source` for the header). */
  readonly template: (name: string, view: object) => string;
  /** Report something the target cannot express; a target never drops anything silently. */
  readonly report: (d: Diagnostic) => void;
  /**
   * Unit files read under --root before rendering (src/systemd/read-units.ts). Undefined when no tree
   * was read (a format other than 'tree' without --root: the files are for another machine), so a
   * unit missing from it says nothing about that machine.
   */
  readonly units: UnitFiles | undefined;
}

export interface Target {
  /** Registry key and `--target` name. */
  readonly name: string;
  /** 'network': alternative ways to persist links (choose one per run); 'system': compose with any. */
  readonly kind: 'network' | 'system';
  /**
   * Chosen when a run names no targets. At most one network target says so, since two would fight
   * over the links; a system target that writes nothing unless the model asks for it can say so too.
   */
  readonly default?: true;
  /** One line for `vrfgen targets`. */
  readonly summary: string;
  /** Globs (`*` within one path segment) of every path this target may write, so the writer can
   *  prune what the intent no longer produces. Every name carries the vrfgen prefix. */
  readonly owns: readonly string[];
  /** Pure: the model in, files out. No I/O. */
  render(model: Model, ctx: RenderContext): readonly OutputFile[];
  /**
   * The commands that make a running system take up this target's files, in order: what an Ansible
   * handler or cloud-init's runcmd runs after the files are in place (a boot needs none). Asked only
   * when the target rendered files; gets exactly those.
   */
  reload(files: readonly OutputFile[]): readonly Command[];
  /**
   * The content of one of this target's files with its secrets masked, for everything that shows a
   * file rather than installing it (the `--dry-run` diff, the JSON manifest). Absent: no secrets.
   */
  redact?(content: string): string;
  /**
   * What this target says when a run leaves it out while the model holds entries only it writes
   * (the services to bind, the container networks): a warning each, so that nothing is dropped
   * without a word. Absent: leaving the target out drops nothing.
   */
  notChosen?(model: Model): readonly Diagnostic[];
  /** What this target does differently on a platform, one line each (`vrfgen targets --platform`). */
  platformNotes?(platform: Platform): readonly string[];
  /** What `check` asks the daemon this target configures, if it configures one (src/check/daemon.ts). */
  readonly check?: DaemonCheck;
  /**
   * A file of someone else's that must include this target's `file` for the consumer to read it at
   * all (ifupdown reads /etc/network/interfaces, which has to `source` vrfgen's file). `generate`
   * reads `path` under the root and warns when `includes` says the file is not pulled in.
   */
  readonly includedBy?: {
    readonly path: string;
    readonly file: string;
    /** `content` is `path`'s, `rendered` this target's `file` as rendered (what it needs may depend on it). */
    includes(content: string, rendered: string): boolean;
    /** What to add to `path`, e.g. `source /etc/network/interfaces.d/*`, for this rendered `file`. */
    fix(rendered: string): string;
  };
  /**
   * How this stack finds the admin's own files under the root and which of vrfgen's links they
   * declare too; `generate` reports each before anything is written (src/pipeline/foreign.ts).
   */
  readonly foreign?: ForeignReader;
}
