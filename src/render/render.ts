import { targets, type TargetName } from '../../targets/index.ts';
import type { Diagnostic } from '../diagnostics/diagnostics.ts';
import type { Model } from '../model/model.ts';
import { TargetSelectionError, type Command, type OutputFile, type Target } from './target.ts';
import { renderTemplate } from './templates.ts';
import type { UnitFiles } from '../systemd/read-units.ts';

/**
 * Resolve a `--target` list. Without one: the targets marked `default` in the registry. Network
 * targets are alternative ways to persist the same links, so two of them in one run would fight
 * over the links.
 */
export function selectTargets(names?: readonly string[]): Target[] {
  const wanted = names ?? (Object.values(targets) as Target[]).filter((t) => t.default).map((t) => t.name);
  const unknown = wanted.filter((n) => !Object.hasOwn(targets, n));
  if (unknown.length) {
    throw new TargetSelectionError(
      `unknown target ${unknown.map((n) => `'${n}'`).join(', ')}; known: ${Object.keys(targets).join(', ')}`,
    );
  }
  const chosen = [...new Set(wanted)].map((n) => targets[n as TargetName] as Target);
  const network = chosen.filter((t) => t.kind === 'network');
  if (network.length > 1) {
    throw new TargetSelectionError(
      `choose one network-stack target per run, not ${network.map((t) => t.name).join(' and ')}`,
    );
  }
  return chosen;
}

/**
 * Render each target; files come back sorted by path so every later step is deterministic. `units`
 * are the unit files read under the root beforehand (src/systemd/read-units.ts), for targets that
 * bind services; none when no tree was read.
 * `reload` holds each target's commands for a running system, in registry order (network stacks
 * before the services bound to their VRFs), whatever order `chosen` has.
 */
export function renderTargets(
  model: Model,
  chosen: readonly Target[],
  units?: UnitFiles,
): { files: OutputFile[]; diagnostics: Diagnostic[]; reload: Command[] } {
  const diagnostics: Diagnostic[] = [];
  const ctx = {
    template: (name: string, view: object) => renderTemplate(name, view, model.source),
    report: (d: Diagnostic) => diagnostics.push(d),
    units,
  };
  const rendered = chosen.map((t) => ({ t, files: t.render(model, ctx) }));
  const files = rendered.flatMap((r) => r.files);
  const order = Object.keys(targets);
  // Every file is in place before the first command runs, so a command another target already ran
  // (`systemctl daemon-reload`) has nothing left to do the second time.
  const seen = new Set<string>();
  const reload = rendered
    .filter((r) => r.files.length > 0)
    .sort((a, b) => order.indexOf(a.t.name) - order.indexOf(b.t.name))
    .flatMap((r) => r.t.reload(r.files))
    .filter((c) => !seen.has(c.join('\0')) && seen.add(c.join('\0')));
  // Each target left out says what of the model only it would have written.
  for (const t of Object.values(targets) as Target[])
    if (!chosen.some((c) => c.name === t.name)) diagnostics.push(...(t.notChosen?.(model) ?? []));
  const paths = new Set<string>();
  for (const f of files) {
    if (paths.has(f.path)) throw new Error(`vrfgen bug: two outputs for ${f.path}`);
    paths.add(f.path);
  }
  return { files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), diagnostics, reload };
}
