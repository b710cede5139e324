import { parseLinks } from './parse.ts';
import { prober } from './prober.ts';
import { inventoryProbes, vrfProbes, type ProbeOutput, type ProbeResult, type Run } from './probes.ts';

/**
 * `collect --all`: what a host has, whatever an intent names. First the links, then the rest of the
 * inventory (addresses, rules, each family's routes of every table, the kernel's VRF support, the
 * l3mdev sysctls, every unit's binding) and the processes running in each VRF the links show.
 * `import` reads the same, live or from a state DIR, through the checker's own runner: a state of
 * the per-table layout gives each VRF's table (and each of `tables`) from its own file.
 */
export async function runInventory(run: Run, opts: { tables?: readonly number[] } = {}): Promise<ProbeResult[]> {
  const runAll = prober(run);
  const results: ProbeResult[] = [];
  const take = (r: ProbeResult) => void results.push(r);
  const links = inventoryProbes().filter((p) => p.observes.kind === 'links');
  await runAll(links, take);
  const vrfs = vrfsOf(results[0]?.output);
  const tables = [...new Set([...vrfs.map((v) => v.table), ...(opts.tables ?? [])])].sort((a, b) => a - b);
  await runAll([...inventoryProbes(tables).filter((p) => p.observes.kind !== 'links'), ...vrfProbes(vrfs)], take);
  return results;
}

/** The VRFs (name and table) a links.json answer shows. */
export function vrfsOf(links: ProbeOutput | undefined): { name: string; table: number }[] {
  if (links?.code !== 0) return [];
  try {
    return parseLinks(links.stdout).flatMap((l) =>
      l.kind === 'vrf' && l.table !== undefined ? [{ name: l.name, table: l.table }] : [],
    );
  } catch {
    return [];
  }
}
