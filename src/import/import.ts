import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { error, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostics.ts';
import type { Intent } from '../intent/schema.ts';
import { loadIntent } from '../intent/load.ts';
import { validated } from '../pipeline/validate.ts';
import type { Model } from '../model/model.ts';
import { runInventory } from '../check/inventory.ts';
import { prober } from '../check/prober.ts';
import { followUps, unitProbe, type ProbeResult } from '../check/probes.ts';
import { liveRun, stateRun } from '../check/state.ts';
import { assemble } from './assemble.ts';
import { emitIntent } from './emit.ts';
import { hostFromState } from './from-state.ts';
import type { Host, Origin } from './host.ts';
import { Notes } from './notes.ts';
import { readStacks, STACKS, type StackName } from './stacks.ts';
import { RootTree, type SourceTree } from './tree.ts';

export interface Imported {
  /** The intent as YAML with its comments; absent when an error stopped the import. */
  readonly text?: string;
  readonly intent?: Intent;
  /** The imported intent resolved, as `validate` makes it. */
  readonly model?: Model;
  /** Positioned in the source files (or naming the state's probe file); sorted. */
  readonly diagnostics: readonly Diagnostic[];
  /** The text of each source file a diagnostic points into, for excerpts. */
  readonly sources: ReadonlyMap<string, string>;
}

/** The name the imported intent's own diagnostics are placed in. */
export const IMPORTED = 'imported-intent.yaml';

/** A Host → the checked intent text, or the diagnostics that stopped it. */
function finish(host: Host, notes: Notes, from: string, sources: ReadonlyMap<string, string>): Imported {
  const { intent } = assemble(host, notes);
  if (notes.diagnostics.some((d) => d.severity === 'error'))
    return { diagnostics: sortDiagnostics(notes.diagnostics), sources };
  const text = emitIntent(intent, notes, [
    `Imported by vrfgen from ${from}.`,
    'Each comment says what was chosen and why; the list at the end, what was left out.',
  ]);
  // The imported intent is held to the same loader and resolver as any other: what it says must
  // validate, or nothing is handed out.
  const v = validated(loadIntent(text, IMPORTED), IMPORTED, {});
  const problems = v.diagnostics.filter((d) => d.severity === 'error');
  if (problems.length) {
    // Each is said where the imported files declare what it is about; the text is never handed out.
    // One the files do not place keeps its place in the imported text, which is then shown with it.
    const placed = problems.map((d) => {
      const origin = originOf(host, d.path);
      return origin ? { ...d, pos: origin } : d;
    });
    const all = [
      ...notes.diagnostics,
      error(
        'import/invalid-result',
        [],
        `the intent made from ${from} does not validate: ${problems.length === 1 ? 'the error that follows is' : `the ${problems.length} errors that follow are`} placed at what the imported files declare`,
      ),
      ...placed,
    ];
    return { diagnostics: sortDiagnostics(all), sources: new Map([...sources, [IMPORTED, text]]) };
  }
  return {
    text,
    intent,
    ...(v.model ? { model: v.model } : {}),
    diagnostics: sortDiagnostics(notes.diagnostics),
    sources,
  };
}

/** Where the source declares what an intent path is about: the member, else the VRF. */
function originOf(host: Host, path: readonly (string | number)[]): Origin | undefined {
  const [top, vrf, section, member] = path;
  if (top !== 'vrfs' || typeof vrf !== 'string') return undefined;
  const m = section === 'interfaces' && typeof member === 'string' ? host.links.get(member) : undefined;
  const o = (m ?? host.links.get(vrf))?.origin;
  return o && o.line > 0 ? o : undefined;
}

/**
 * A state folder written by `collect` (or the `collect --script` script), of either layout: read as
 * `collect --all` probes a host, through the checker's state reader, with the unit probes of a
 * `collect` for an intent (unit-UNIT.txt) and the per-table route files the folder holds.
 */
export async function importState(dir: string): Promise<Imported> {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    names = readdirSync(dir);
  } catch (e) {
    return {
      diagnostics: [error('io/read', [], `cannot read state ${dir}: ${(e as Error).message}`)],
      sources: new Map(),
    };
  }
  const run = stateRun(dir);
  // Tables no VRF has any more (a VRF whose table changed) have files of their own in that layout.
  const tables = names.flatMap((n) => /^route6?-table(\d+)\.json$/.exec(n)?.slice(1).map(Number) ?? []);
  const results = await runInventory(run, { tables });
  const units = names.flatMap((n) => {
    const unit = /^unit-(.+)\.txt$/.exec(n)?.[1];
    return unit ? [unitProbe(unit)] : [];
  });
  const runAll = prober(run);
  const unitResults: ProbeResult[] = [];
  await runAll(units, (r) => unitResults.push(r));
  await runAll(followUps(unitResults), (r) => unitResults.push(r));
  return fromResults([...results, ...unitResults], (n) => join(dir, n), `the state in ${dir}`);
}

/** This host, probed as `collect --all` probes it. */
export async function importLive(run = liveRun): Promise<Imported> {
  return fromResults(await runInventory(run), (n) => `${n} (live)`, 'this host (--live)');
}

function fromResults(results: readonly ProbeResult[], label: (n: string) => string, from: string): Imported {
  const notes = new Notes();
  const host = hostFromState({ results, label }, notes);
  if (notes.diagnostics.some((d) => d.severity === 'error'))
    return { diagnostics: sortDiagnostics(notes.diagnostics), sources: new Map() };
  notes.omit('BGP: a state holds no FRR configuration; import it with --from frr');
  notes.omit('container networks: a state does not show which Podman network a bridge is');
  return finish(host, notes, from, new Map());
}

/** Another stack's files under `root` → an intent. */
export async function importFrom(stacks: readonly StackName[], root: string): Promise<Imported> {
  try {
    if (!statSync(root).isDirectory()) throw new Error('not a directory');
  } catch (e) {
    return {
      diagnostics: [error('io/read', [], `cannot read root ${root}: ${(e as Error).message}`)],
      sources: new Map(),
    };
  }
  return importTree(stacks, new RootTree(root), root);
}

/** The same from any tree (a root folder, or files held in memory). */
export async function importTree(
  stacks: readonly StackName[],
  tree: SourceTree & { sources: Map<string, string> },
  root: string,
): Promise<Imported> {
  const notes = new Notes();
  const { host, sources } = await readStacks(stacks, root, notes, tree);
  if (notes.diagnostics.some((d) => d.severity === 'error'))
    return { diagnostics: sortDiagnostics(notes.diagnostics), sources };
  return finish(host, notes, `the ${stacks.join(' and ')} files under ${root}`, sources);
}

export { STACKS, type StackName };
