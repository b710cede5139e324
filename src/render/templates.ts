import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Nunjucks from 'nunjucks';
import type * as Yaml from 'yaml';
import { packageRoot } from '../package-root.ts';
import { stringifyPlainYaml } from '../intent/plain-yaml-stringify.ts';

// nunjucks and yaml are loaded on the first render, not when a command that never renders imports
// this module (through render.ts): loading them costs more than a whole `vrfgen validate`.
const require = createRequire(import.meta.url);

/**
 * The options nunjucks compiles into a template (src/render/template-compile.ts): how blocks are laid out,
 * and that an undefined value throws, so a view that lacks a field fails loudly in tests instead of
 * printing an empty value.
 */
export const COMPILE_OPTIONS = { trimBlocks: true, lstripBlocks: true, throwOnUndefined: true } as const;

/**
 * The one nunjucks environment: the slim runtime over the templates compiled at build time
 * (dist/templates.cjs, see src/render/template-compile.ts). Templates do layout only; views are built in
 * TypeScript. autoescape is off: these are not HTML files.
 */
let env: Nunjucks.Environment | undefined;

function environment(): Nunjucks.Environment {
  if (env) return env;
  const nunjucks = require('nunjucks/browser/nunjucks-slim') as typeof Nunjucks;
  // An object of templates by name, which @types/nunjucks types as a list.
  const compiled = require(join(packageRoot(), 'dist/templates.cjs')) as never;
  env = new nunjucks.Environment(new nunjucks.PrecompiledLoader(compiled), { ...COMPILE_OPTIONS, autoescape: false });
  // YAML is serialised from a view object, never indented by hand in a template: by the library, or
  // for the plain shapes of vrfgen's views by a writer held to it byte for byte (src/intent/plain-yaml-stringify.ts).
  env.addFilter('yaml', (value: unknown) =>
    (stringifyPlainYaml(value) ?? (require('yaml') as typeof Yaml).stringify(value, { lineWidth: 0 })).trimEnd(),
  );
  // Lists of lines are written by filters, not `{% for %}`, which sets seven loop variables per pass
  // through nunjucks' scope chain: as loops, the keys of thousands of NetworkManager profiles were a
  // third of the whole run.
  // `lines(indent)`: each line indented and ended by its newline.
  env.addFilter('lines', (lines: readonly string[], indent = '') => lines.map((l) => `${indent}${l}\n`).join(''));
  // `keyfile`: INI-style sections (GKeyFile, as NetworkManager reads it), each after an empty line,
  // a `KEY=VALUE` line per pair.
  env.addFilter(
    'keyfile',
    (sections: readonly { name: string; keys: readonly (readonly [string, string | number])[] }[]) =>
      sections.map((s) => `\n[${s.name}]\n${s.keys.map(([k, v]) => `${k}=${v}\n`).join('')}`).join(''),
  );
  return env;
}

/**
 * Last line of defence against injection: resolve only lets through names and canonical addresses,
 * but if a control character ever reached a view it would start a new line, section or key in a
 * daemon's config. That is a bug in vrfgen, so it throws rather than reporting a user error.
 */
function assertPrintable(value: unknown, where: string, path: (string | number)[] = []): void {
  if (typeof value === 'string') {
    // The path is spelled out for the message only: one string per value of 16000 views was garbage.
    if (CONTROL.test(value))
      throw new Error(
        `vrfgen bug: control character in ${where}${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}: ${JSON.stringify(value)}`,
      );
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      assertPrintable(value[i], where, path);
      path.pop();
    }
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      path.push(k);
      assertPrintable((value as Record<string, unknown>)[k], where, path);
      path.pop();
    }
  }
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/** Render `templates/<name>` with the header's `source` added to the view. */
export function renderTemplate(name: string, view: object, source: string): string {
  const full = { ...view, source };
  assertPrintable(full, name);
  const out = environment().render(name, full);
  // nunjucks builds the output by concatenation, a tree of some twenty strings per file until
  // something reads it. Reading a character makes V8 flatten it now, so the garbage collector does
  // not carry the trees of every file through the rest of the run.
  out.charCodeAt(0);
  return out;
}
