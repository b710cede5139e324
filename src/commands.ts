import { diagnosticJson, formatDiagnostic, hasErrors, type Diagnostic } from './diagnostics.ts';
import { formatChanges } from './diff.ts';
import { generate, validate, type Validated } from './index.ts';
import { platformNames, platforms, type PlatformName } from './platforms.ts';
import { TargetSelectionError } from './render.ts';
import type { Target } from './target.ts';
import { targets } from '../targets/index.ts';

/** A problem with how vrfgen was called (exit 2), as opposed to a problem in the intent (exit 1). */
export class UsageError extends Error {}

function platformOf(name?: string): PlatformName | undefined {
  if (name === undefined) return undefined;
  if (!(platformNames as string[]).includes(name)) throw new UsageError(`unknown platform '${name}'; known: ${platformNames.join(', ')}`);
  return name as PlatformName;
}

/** Print diagnostics (stderr as text, or stdout as JSON) and choose the exit code. */
function report(v: Validated & { diagnostics: readonly Diagnostic[] }, json: boolean | undefined, extra: object = {}): number {
  const diags = v.diagnostics;
  if (json) {
    process.stdout.write(`${JSON.stringify({ ok: !hasErrors(diags), diagnostics: diags.map(diagnosticJson), ...extra }, null, 2)}\n`);
  } else if (diags.length) {
    process.stderr.write(`${diags.map((d) => formatDiagnostic(d, v.source?.lines)).join('\n')}\n`);
  }
  if (diags.some((d) => d.code.startsWith('io/'))) return 2;
  return hasErrors(diags) ? 1 : 0;
}

export async function runValidate(file: string, o: { json?: boolean; platform?: string }): Promise<number> {
  const v = await validate(file, { platform: platformOf(o.platform) });
  const code = report(v, o.json);
  if (code === 0 && !o.json && v.model) {
    const members = v.model.vrfs.reduce((n, vrf) => n + vrf.members.length, 0);
    process.stdout.write(`${file}: valid (${v.model.vrfs.length} vrfs, ${members} members, platform ${v.model.platformName})\n`);
  }
  return code;
}

export async function runGenerate(
  file: string,
  o: { target?: string[]; root: string; dryRun?: boolean; force?: boolean; json?: boolean; platform?: string },
): Promise<number> {
  let g;
  try {
    g = await generate(file, { targets: o.target, root: o.root, dryRun: o.dryRun, force: o.force, platform: platformOf(o.platform) });
  } catch (e) {
    if (e instanceof TargetSelectionError) throw new UsageError(e.message);
    throw e;
  }
  const changes = g.changes.map((c) => ({ path: c.path, action: c.action, mode: c.mode.toString(8).padStart(4, '0') }));
  const code = report(g, o.json, { written: g.written, changes });
  if (code !== 0 || o.json) return code;
  if (o.dryRun) {
    process.stdout.write(formatChanges(g.changes));
  } else {
    const kept = g.changes.filter((c) => c.action === 'keep').length;
    for (const c of g.changes.filter((c) => c.action !== 'keep')) process.stdout.write(`${c.action.padEnd(6)} ${c.path}\n`);
    process.stdout.write(`${g.changes.length - kept} changed, ${kept} unchanged under ${o.root}\n`);
  }
  return code;
}

export function runTargets(o: { platform?: string } = {}): number {
  const name = platformOf(o.platform);
  const width = Math.max(...Object.keys(targets).map((n) => n.length));
  if (name) process.stdout.write(`platform ${name}: ${platforms[name].summary}\n`);
  for (const t of Object.values(targets) as Target[]) {
    process.stdout.write(`${t.name.padEnd(width)}  ${t.kind.padEnd(7)}  ${t.summary}\n`);
    for (const note of name ? (t.platformNotes?.(platforms[name]) ?? []) : []) process.stdout.write(`${' '.repeat(width + 2)}- ${note}\n`);
  }
  return 0;
}
