import type { Probe, ProbeResult, Run } from './probes.ts';

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
export function prober(run: Run): (probes: readonly Probe[], take: (r: ProbeResult) => void) => Promise<void> {
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
