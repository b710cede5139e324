import { writeFile } from 'node:fs/promises';
import { wantsColour } from '../diagnostics/colour.ts';
import { diagnosticJson, formatDiagnostic, hasErrors } from '../diagnostics/diagnostics.ts';
import { MAX_SHOWN_DIAGNOSTICS } from '../intent/limits.ts';
import { UsageError } from './commands.ts';

/** `vrfgen import`: one source (the live host, a state DIR, or a stack's files), one intent out. */
export async function runImport(o: {
  quiet?: boolean;
  live?: boolean;
  state?: string;
  from?: string[];
  root?: string;
  output?: string;
  json?: boolean;
}): Promise<number> {
  const sources = [o.live && '--live', o.state !== undefined && '--state', o.from !== undefined && '--from'].filter(
    Boolean,
  );
  if (sources.length !== 1)
    throw new UsageError(
      sources.length
        ? `import reads one source; ${sources.join(' and ')} cannot be used together`
        : 'import needs a source: --live, --state DIR, or --from STACK (with --root DIR)',
    );
  if (o.root !== undefined && o.from === undefined) throw new UsageError('--root goes with --from');
  if (o.json && o.output === undefined)
    throw new UsageError('--json prints the diagnostics on stdout: give the intent a file with -o FILE');
  const lib = await import('../import/import.ts');
  let imported;
  if (o.from !== undefined) {
    const unknown = o.from.filter((s) => !(lib.STACKS as readonly string[]).includes(s));
    if (unknown.length || o.from.length === 0)
      throw new UsageError(`unknown stack '${unknown.join(', ')}'; known: ${lib.STACKS.join(', ')}`);
    imported = await lib.importFrom(o.from as (typeof lib.STACKS)[number][], o.root ?? '/');
  } else if (o.state !== undefined) imported = await lib.importState(o.state);
  else imported = await lib.importLive();

  const diags = o.quiet ? imported.diagnostics.filter((d) => d.severity === 'error') : imported.diagnostics;
  const shown = diags.slice(0, MAX_SHOWN_DIAGNOSTICS);
  if (o.json)
    process.stdout.write(
      `${JSON.stringify({ ok: !hasErrors(imported.diagnostics), diagnostics: shown.map(diagnosticJson) }, null, 2)}\n`,
    );
  else if (shown.length) {
    const colour = wantsColour(process.stderr);
    const lines = (file: string) => imported.sources.get(file)?.split('\n');
    const more = diags.length > shown.length ? `\n… and ${diags.length - shown.length} more` : '';
    process.stderr.write(
      `${shown.map((d) => formatDiagnostic(d, d.pos ? lines(d.pos.file) : undefined, colour)).join('\n')}${more}\n`,
    );
  }
  if (imported.diagnostics.some((d) => d.code === 'io/read')) return 2;
  if (imported.text === undefined) return 1;
  if (o.output === undefined) process.stdout.write(imported.text);
  else {
    try {
      await writeFile(o.output, imported.text);
    } catch (e) {
      process.stderr.write(`vrfgen: cannot write ${o.output}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  return 0;
}
