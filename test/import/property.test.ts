/**
 * The round trip as a property (fast-check): for generated intents that resolve (the plausible
 * generator of test/support/fuzz/intents.ts), each network target's files, with the sysctl and
 * services targets' beside them, imported back mean what the intent means — compared as resolved
 * models leaving out only what each stack's files cannot carry (test/support/import-compare.ts). A
 * target that refuses the intent (an error) writes nothing to compare; services are compared when
 * the services target bound every unit. 150 intents per run (VRFGEN_IMPORT_RUNS); the seed is
 * printed with a failure: VRFGEN_IMPORT_SEED=<seed> repeats the run.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { expect, test } from 'vitest';
import { validateText } from '../../src/index.ts';
import { importTree } from '../../src/import/import.ts';
import type { StackName } from '../../src/import/stacks.ts';
import { MemoryTree } from '../../src/import/tree.ts';
import type { Model } from '../../src/model/model.ts';
import { renderTargets, selectTargets } from '../../src/render/render.ts';
import { intentDataAt } from '../support/fuzz/intents.ts';
import { ALWAYS, DEBIAN_INTERFACES, normalised, UNCARRIED, vxlanUnderlayElsewhere } from '../support/import-compare.ts';

const RUNS = Number(process.env.VRFGEN_IMPORT_RUNS ?? 150);
const SEED = Number(process.env.VRFGEN_IMPORT_SEED ?? Date.now() % 2 ** 31);
const STACKS: StackName[] = ['networkd', 'netplan', 'ifupdown2', 'ifupdown', 'networkmanager'];

const dottedNonVlan = (m: Model) =>
  m.vrfs.some((v) => v.members.some((x) => x.kind !== 'vlan' && /^.+\.\d+$/.test(x.name)));

test('generated intents come back from every network target', async () => {
  let compared = 0;
  await fc.assert(
    fc.asyncProperty(intentDataAt(0), async (data) => {
      const v = validateText(stringify(data, { lineWidth: 0 }), 'intent.yaml');
      if (!v.model) return;
      const system = renderTargets(v.model, selectTargets(['sysctl', 'services']));
      const servicesBound = !system.diagnostics.some((d) => d.code.startsWith('service/'));
      for (const stack of STACKS) {
        const r = renderTargets(v.model, selectTargets([stack]));
        // Refused, or nothing to write (no VRF): nothing to read back.
        if (r.diagnostics.some((d) => d.severity === 'error') || r.files.length === 0) continue;
        const files = new Map([...r.files, ...system.files].map((f) => [f.path, f.content]));
        if (stack.startsWith('ifupdown')) files.set('/etc/network/interfaces', DEBIAN_INTERFACES);
        const imported = await importTree([stack], new MemoryTree(files), 'generated');
        const u = { ...ALWAYS, ...UNCARRIED[stack], services: !servicesBound, aliases: v.model.platform.units };
        // Both ifupdowns make a VLAN of a link named PARENT.ID (ifupdown2's vlan addon, classic
        // ifupdown's vlan package) whatever the stanza says: such a member comes back a VLAN.
        if (stack.startsWith('ifupdown') && dottedNonVlan(v.model)) continue;
        if (u.vlanParentFiles && vxlanUnderlayElsewhere(v.model)) {
          expect(imported.diagnostics.map((d) => d.code)).toContain('vxlan/underlay-unconfigured');
          continue;
        }
        expect(
          imported.diagnostics.filter((d) => d.severity === 'error'),
          stack,
        ).toEqual([]);
        const back = validateText(imported.text!, 'imported.yaml');
        expect(back.model, stack).toBeDefined();
        expect(normalised(back.model!, u), `${stack}\n${imported.text}`).toEqual(normalised(v.model, u));
        compared++;
      }
    }),
    { numRuns: RUNS, seed: SEED },
  );
  console.log(`import property: ${compared} target files compared (seed ${SEED})`);
}, 600_000);
