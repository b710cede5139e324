import { stat } from 'node:fs/promises';
import { error, type Diagnostic } from '../diagnostics/diagnostics.ts';
import type { Model } from '../model/model.ts';
import { renderTargets } from '../render/render.ts';
import type { SourceMap } from '../intent/source.ts';
import type { OutputFile, Target } from '../render/target.ts';
import { unitsToRead } from '../systemd/unit-facts.ts';
import { readUnits } from '../systemd/read-units.ts';
import { planWrite } from '../output/write.ts';
import { compare, exitCodeOf, type Finding } from './compare.ts';
import { expectedFacts, keys, vrfDeviceScopes, type Value } from './facts.ts';
import { FactCollector, fileFacts, type Unknown } from './observed.ts';
import { followUps, probesFor, type Probe, type ProbeResult, type Run } from './probes.ts';
import { liveRun, stateRun, writeState } from './state.ts';

export interface CheckSettings {
  /** Read probe outputs from this state DIR (see `collect`) instead of probing this host. */
  readonly state?: string;
  /** Compare the files vrfgen would write under this root; default '/' live, none with `state`. */
  readonly root?: string;
  /** Also report members, addresses and routes inside the VRFs that the intent does not mention. */
  readonly strict?: boolean;
  /** How probes run; default: on this host, or from `state`. */
  readonly run?: Run;
}

export interface CheckResult {
  /** Every expected fact, in the intent's order, with its status and intent position. */
  readonly findings: readonly Finding[];
  /** Problems that stopped the check (an unreadable state DIR or root). */
  readonly diagnostics: readonly Diagnostic[];
  /** 0 match · 1 drift · 2 could not check (nothing differs, but something is unknown). */
  readonly exitCode: 0 | 1 | 2;
}

/**
 * How many probes run at once: a live check starts that many commands together, a check of a
 * state DIR holds that many outputs before folding them into facts (a state of 4000 VRFs is 16000
 * files; holding them all doubled the check's peak memory).
 */
const BATCH = 64;

/**
 * Runs probes BATCH at a time and hands each result to `take` in the probes' order. A state
 * collected before a probe existed holds its answer in the probes it replaced (the route dumps:
 * one file per table): when the probe's file is absent those are read instead, and those absent
 * are unknown each, as they always were. Once a state shows that earlier layout it is read so
 * throughout; in a state without it, a missing dump is what was not collected.
 */
function prober(run: Run): (probes: readonly Probe[], take: (r: ProbeResult) => void) => Promise<void> {
  let earlierLayout = false;
  const runAll = async (probes: readonly Probe[], take: (r: ProbeResult) => void): Promise<void> => {
    for (let i = 0; i < probes.length; i += BATCH) {
      const batch = probes.slice(i, i + BATCH);
      const outputs = await Promise.all(batch.map((probe) => run(probe)));
      for (let j = 0; j < batch.length; j++) {
        const probe = batch[j]!;
        const output = outputs[j];
        if (output === undefined && probe.legacy) await runLegacy(probe, probe.legacy(), take);
        else take(output ? { probe, output } : { probe });
      }
    }
  };
  const runLegacy = async (probe: Probe, legacy: readonly Probe[], take: (r: ProbeResult) => void) => {
    const absent: ProbeResult[] = [];
    await runAll(legacy, (r) => (r.output ? take(r) : absent.push(r)));
    if (absent.length < legacy.length) earlierLayout = true;
    if (earlierLayout) for (const r of absent) take(r);
    else take({ probe });
  };
  return runAll;
}

/** Run every probe, then the ones that need an earlier answer (the VRF of a service's MainPID). */
export async function observe(model: Model, run: Run): Promise<ProbeResult[]> {
  const runAll = prober(run);
  const first: ProbeResult[] = [];
  await runAll(probesFor(model), (r) => first.push(r));
  const second: ProbeResult[] = [];
  await runAll(followUps(first), (r) => second.push(r));
  return [...first, ...second];
}

/** The same probes, each output folded into `collector` as it comes and then dropped. */
async function observeInto(model: Model, run: Run, collector: FactCollector): Promise<void> {
  const runAll = prober(run);
  await runAll(probesFor(model), (r) => collector.take(r));
  await runAll(followUps(collector.units()), (r) => collector.take(r));
}

async function unreadableDir(dir: string, what: string): Promise<Diagnostic | undefined> {
  const st = await stat(dir).catch((e: Error) => e);
  if (st instanceof Error) return error('io/read', [], `cannot read ${what} ${dir}: ${st.message}`);
  return st.isDirectory() ? undefined : error('io/read', [], `cannot read ${what} ${dir}: not a directory`);
}

/** The vrfgen files of `targets` under `root`, as facts taken from the writer's own plan (or why not). */
async function treeFacts(
  model: Model,
  targets: readonly Target[],
  root: string,
): Promise<{ files: OutputFile[]; facts: Map<string, Value>; unknown?: Unknown }> {
  let files: OutputFile[] = [];
  try {
    // The same inputs as `generate --root`: the services target's drop-ins depend on the unit files there.
    files = renderTargets(model, targets, await readUnits(root, unitsToRead(model))).files;
    const { plan, diagnostics } = await planWrite(
      files,
      targets.flatMap((t) => t.owns),
      root,
    );
    return { files, facts: fileFacts(files, plan.changes, diagnostics) };
  } catch (e) {
    return { files, facts: new Map(), unknown: { probe: root, why: (e as Error).message } };
  }
}

/** Compare the host (or a collected state) with a valid model. */
export async function checkModel(
  model: Model,
  source: SourceMap | undefined,
  targets: readonly Target[],
  opts: CheckSettings,
): Promise<CheckResult> {
  const root = opts.root ?? (opts.state === undefined ? '/' : undefined);
  const stop = (
    await Promise.all([
      opts.state !== undefined ? unreadableDir(opts.state, 'state') : undefined,
      root !== undefined ? unreadableDir(root, 'root') : undefined,
    ])
  ).filter((d): d is Diagnostic => d !== undefined);
  if (stop.length) return { findings: [], diagnostics: stop, exitCode: 2 };

  const tree = root !== undefined ? await treeFacts(model, targets, root) : undefined;
  const expected = expectedFacts(model, { strict: opts.strict, ...(tree ? { files: tree.files } : {}) });
  // Only what is expected is kept of what the host shows: nothing else is ever looked up.
  const collector = new FactCollector(expected.map((f) => f.key));
  await observeInto(model, opts.run ?? (opts.state !== undefined ? stateRun(opts.state) : liveRun), collector);
  const observed = collector.finish();
  if (observed.noVrfSupport) {
    // Said once, as the first item; what needs a VRF device is unknown for that one reason
    // instead of each VRF item missing, as if the configuration were wrong.
    const { probe, why } = observed.noVrfSupport;
    expected.unshift({ key: keys.kernelVrf(), value: 'supported', at: ['vrfs'] });
    observed.facts.set(keys.kernelVrf(), `none: ${why}`);
    const unknown = { probe, why: `this kernel has no VRF support: ${why}` };
    for (const scope of vrfDeviceScopes(model)) observed.unknown.set(scope, unknown);
  }
  if (tree) {
    for (const [k, v] of tree.facts) observed.facts.set(k, v);
    if (tree.unknown) observed.unknown.set('file ', tree.unknown);
  }
  const findings = compare(expected, observed, source && ((at) => source.locate(at)));
  return { findings, diagnostics: [], exitCode: exitCodeOf(findings) };
}

/** Run the probes on this host and store their raw outputs in `dir` (the state layout). */
export async function collectModel(
  model: Model,
  dir: string,
): Promise<{ results: ProbeResult[]; written: string[]; diagnostics: Diagnostic[] }> {
  const results = await observe(model, liveRun);
  try {
    return { results, written: await writeState(dir, results), diagnostics: [] };
  } catch (e) {
    return {
      results,
      written: [],
      diagnostics: [error('io/write', [], `cannot write state ${dir}: ${(e as Error).message}`)],
    };
  }
}
