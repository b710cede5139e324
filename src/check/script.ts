import type { Model } from '../model/model.ts';
import { renderTemplate } from '../render/templates.ts';
import { identifyFile, inventoryProbes, probesFor } from './probes.ts';
import { PROBE_PATH } from './state.ts';

/** Words sh takes as they are; anything else is single-quoted. */
const PLAIN = /^[A-Za-z0-9_.,:=@%+/-]+$/;
const quote = (word: string): string => (PLAIN.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

/**
 * The probes of `check` as a POSIX sh script (with `all`, or without a model: those of
 * `collect --all` too, each VRF's tables found by the script itself) that fills a state DIR exactly like `collect` does,
 * for hosts without Node. The probe list is the same data; the template only lays it out.
 */
export function renderCollectScript(model: Model | undefined, opts: { all?: boolean } = {}): string {
  const own = model ? probesFor(model) : [];
  const all = opts.all || !model;
  const have = new Set(own.map((p) => p.file));
  const probes = all ? [...own, ...inventoryProbes().filter((p) => !have.has(p.file))] : own;
  return renderTemplate(
    'check/collect.sh.njk',
    {
      path: PROBE_PATH,
      probes: probes.map((p) => ({ file: quote(p.file), command: p.argv.map(quote).join(' ') })),
      // followUps() in sh: `ip vrf identify` of each running service's MainPID.
      all,
      identify: probes.flatMap((p) =>
        p.observes.kind === 'unit' ? [{ file: quote(identifyFile(p.observes.unit)), unitFile: quote(p.file) }] : [],
      ),
    },
    model?.source ?? 'no intent',
  );
}
