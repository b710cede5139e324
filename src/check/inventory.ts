import { parseLinks } from './parse.ts';
import { inventoryProbes, vrfProbes, type Probe, type ProbeOutput, type ProbeResult } from './probes.ts';

/**
 * `collect --all`: what a host has, whatever an intent names. First the inventory (links,
 * addresses, rules, the main table, the l3mdev sysctls, every unit's binding), then, for each VRF
 * the links show, its tables and the processes running in it. `import` reads the same files.
 */
export async function runInventory(run: (p: Probe) => Promise<ProbeOutput | undefined>): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  const take = async (probes: readonly Probe[]) => {
    const got = await Promise.all(probes.map((p) => run(p)));
    probes.forEach((probe, i) => {
      const output = got[i];
      results.push(output ? { probe, output } : { probe });
    });
  };
  await take(inventoryProbes());
  await take(vrfProbes(vrfsOf(results.find((r) => r.probe.file === 'links.json')?.output)));
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
