/**
 * Sections of the Markdown docs that a program writes, between `<!-- generated: NAME -->` and
 * `<!-- end generated -->`; the prose around them is written by hand. A test per section compares
 * the committed text with what its program makes now, and rewrites it when VRFGEN_UPDATE_DOCS=1.
 */
import { format, resolveConfig } from 'prettier';

export const begin = (name: string) => `<!-- generated: ${name} -->`;
export const END = '<!-- end generated -->';

/** `doc` with the section `name` holding `body` (Markdown, formatted as the rest of the docs are). */
export function withGeneratedSection(doc: string, name: string, body: string): string {
  const start = doc.indexOf(begin(name));
  if (start < 0 || doc.indexOf(begin(name), start + 1) >= 0) throw new Error(`want exactly one '${begin(name)}'`);
  const from = start + begin(name).length;
  const to = doc.indexOf(END, from);
  if (to < 0) throw new Error(`'${begin(name)}' has no '${END}' after it`);
  return `${doc.slice(0, from)}\n\n${body.trim()}\n\n${doc.slice(to)}`;
}

/**
 * Markdown as prettier leaves it in `file`, so that `npm run format:check` and the section's test
 * agree on every byte (prettier aligns table columns, which a generator would otherwise redo).
 */
export async function formatMarkdown(markdown: string, file: string): Promise<string> {
  const options = await resolveConfig(file);
  return format(markdown, { ...options, parser: 'markdown' });
}
