import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { stringify } from 'yaml';
import { packageRoot } from './package-root.ts';

/**
 * The one nunjucks environment. Templates do layout only; views are built in TypeScript.
 * autoescape is off (these are not HTML files) and undefined values throw, so a view that lacks a
 * field fails loudly in tests instead of printing an empty value.
 */
let env: nunjucks.Environment | undefined;

function environment(): nunjucks.Environment {
  if (env) return env;
  env = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(packageRoot(), 'templates')), {
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
  // YAML is serialised from a view object, never indented by hand in a template.
  env.addFilter('yaml', (value: unknown) => stringify(value, { lineWidth: 0 }).trimEnd());
  return env;
}

/**
 * Last line of defence against injection: resolve only lets through names and canonical addresses,
 * but if a control character ever reached a view it would start a new line, section or key in a
 * daemon's config. That is a bug in vrfgen, so it throws rather than reporting a user error.
 */
function assertPrintable(value: unknown, where: string): void {
  if (typeof value === 'string') {
    if (/[\u0000-\u001f\u007f]/.test(value)) throw new Error(`vrfgen bug: control character in ${where}: ${JSON.stringify(value)}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => assertPrintable(v, `${where}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) assertPrintable(v, `${where}.${k}`);
  }
}

/** Render `templates/<name>` with the header's `source` added to the view. */
export function renderTemplate(name: string, view: object, source: string): string {
  const full = { ...view, source };
  assertPrintable(full, name);
  return environment().render(name, full);
}
