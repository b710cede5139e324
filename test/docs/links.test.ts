/**
 * Every relative link in README.md and docs/ leads somewhere: to a file or folder of the repository,
 * and, when it names a heading (`page.md#heading`), to a heading of that page. Files move; this
 * keeps the docs from pointing at where they were.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../support/helpers.ts';

const pages = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
].sort();

/** The text outside fenced code blocks, with inline code emptied of its text: links are only elsewhere. */
function prose(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line.replace(/`+[^`]*`+/g, '``');
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');

/** The anchors of a page's headings; a repeated one gets `-1`, `-2`… as on GitHub. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const h = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const base = slug(h[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Each inline link's target, with the line it is on. */
function links(markdown: string): { target: string; line: number }[] {
  return prose(markdown).flatMap((line, i) =>
    [...line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => ({ target: m[1]!, line: i + 1 })),
  );
}

/** Why a link from `page` is broken, or undefined when it is not. */
function broken(page: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: — not ours to check
  const [path = '', fragment] = target.split('#');
  const file = path === '' ? page : relative(ROOT, join(ROOT, dirname(page), decodeURIComponent(path)));
  if (file.startsWith('..')) return `${target} leads out of the repository`;
  if (!existsSync(join(ROOT, file))) return `${file} does not exist`;
  if (fragment === undefined) return undefined;
  if (statSync(join(ROOT, file)).isDirectory() || !file.endsWith('.md')) return `${target}: no headings to point at`;
  return anchors(readFileSync(join(ROOT, file), 'utf8')).has(fragment) ? undefined : `${file} has no #${fragment}`;
}

describe.each(pages)('%s', (page) => {
  test('every relative link resolves', () => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const bad = links(text).flatMap(({ target, line }) => {
      const why = broken(page, target);
      return why ? [`${page}:${line}: ${why}`] : [];
    });
    expect(bad).toEqual([]);
  });
});

test('the checks themselves: headings, code and targets', () => {
  expect(pages).toContain('docs/intent.md');
  expect(slug('Real boot (`npm run test:e2e`)')).toBe('real-boot-npm-run-teste2e');
  expect(slug("The VRF map's folder")).toBe('the-vrf-maps-folder');
  expect([...anchors('# A\n## A\n```\n# not a heading\n```\n')]).toEqual(['a', 'a-1']);
  expect(links('[x](a.md) `[y](b.md)` [`z`](c/)\n```\n[w](d.md)\n```\n').map((l) => l.target)).toEqual(['a.md', 'c/']);
  expect(broken('docs/intent.md', 'nowhere.md')).toBe('docs/nowhere.md does not exist');
  expect(broken('docs/intent.md', '#limits')).toBeUndefined();
  expect(broken('docs/intent.md', '#no-such-heading')).toBe('docs/intent.md has no #no-such-heading');
  expect(broken('README.md', '../outside.md')).toBe('../outside.md leads out of the repository');
});
