import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Nunjucks from 'nunjucks';
import { COMPILE_OPTIONS } from './templates.ts';

/**
 * The templates compiled to JavaScript, as the source of a CommonJS module (dist/templates.cjs):
 * an object of nunjucks' precompiled templates by name, which src/render/templates.ts hands to the slim
 * runtime. The build writes it, and so does the test suite before it runs (test/support/setup-templates.ts), so the
 * golden tests render through the very code the bin does. Parsing and compiling the templates of a
 * default `generate`, and loading the compiler to do it, were a fifth of that command's start-up.
 */
export function compiledTemplates(dir: string): string {
  const nunjucks = createRequire(import.meta.url)('nunjucks') as typeof Nunjucks;
  const env = new nunjucks.Environment([], COMPILE_OPTIONS);
  const names = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.njk'))
    .sort();
  const entries = names.map((name) => {
    let code = '';
    // The wrapper is handed a list of compiled templates (one here), not the single one @types/nunjucks says.
    const wrapper = (templates: unknown) => (code = (templates as { template: string }[])[0]!.template);
    nunjucks.precompileString(inlined(dir, name), { name, env, wrapper });
    return `${JSON.stringify(name)}: (function () {\n${code}\n})(),\n`;
  });
  return `// Written by vrfgen's build from templates/ (src/render/template-compile.ts). Do not edit.\n'use strict';\nmodule.exports = {\n${entries.join('')}};\n`;
}

/** `{% include "NAME" %}`, with the indentation before it and the newline after it (what lstripBlocks and trimBlocks remove). */
const INCLUDE = /(?:^[ \t]*)?\{%\s*include\s+"([^"]+)"\s*%\}\n?/gm;

/**
 * A template's source with the templates it includes written into it. nunjucks runs every include
 * as a render of its own (template lookup, context copy, callback chain), which was half of the
 * rendering time of the networkd target at 4000 VRFs: every file includes the header. Written in,
 * an include renders to the same bytes, as the golden tests check. The included templates are
 * partials without `set`, blocks or macros, so nothing leaks into the template that includes them.
 */
function inlined(dir: string, name: string, seen: readonly string[] = []): string {
  if (seen.includes(name)) throw new Error(`vrfgen bug: templates include each other: ${[...seen, name].join(' → ')}`);
  const src = readFileSync(join(dir, name), 'utf8');
  if (seen.length && /\{%-?\s*(set|block|macro|extends|import|from)\b/.test(src))
    throw new Error(`vrfgen bug: included template ${name} is not a plain partial`);
  return src.replace(INCLUDE, (_, inc: string) => inlined(dir, inc, [...seen, name]));
}
