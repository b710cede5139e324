import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Intent } from '../intent/schema.ts';
import type { Notes } from './notes.ts';

// The yaml library writes the comments; it is loaded when an import runs, like everywhere else.
const require = createRequire(import.meta.url);

/** Entries that read best on one line: a route, a rule, a member's address list. */
const FLOW = (path: readonly (string | number)[]): boolean => {
  const [top, , section, , leaf] = path;
  if (top !== 'vrfs') return false;
  if ((section === 'routes' || section === 'rules') && path.length === 4) return true;
  if (section === 'addresses' && path.length === 3) return true;
  if (section === 'services' && path.length === 3) return true;
  if (section === 'interfaces' && path.length === 5 && leaf === 'addresses') return true;
  if (section === 'interfaces' && path.length === 5 && leaf !== undefined && leaf !== 'addresses') return true;
  return false;
};

/**
 * The intent as YAML, each choice's comment above the entry it concerns and the list of what was
 * left out at the end, so the file says what it does not hold.
 */
export function emitIntent(intent: Intent, notes: Notes, header: readonly string[]): string {
  const yaml = require('yaml') as typeof Yaml;
  const doc = new yaml.Document(intent);
  yaml.visit(doc, {
    Collection(_key, node, path) {
      const keys = pathOf(path, node, yaml);
      if (keys && FLOW(keys)) node.flow = true;
    },
  });
  for (const { path, lines } of notes.comments.values()) {
    const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
    const last = path.at(-1)!;
    const text = lines.map((l) => ` ${l}`).join('\n');
    if (yaml.isMap(parent)) {
      const pair = parent.items.find((p) => yaml.isScalar(p.key) && p.key.value === last);
      if (pair && yaml.isScalar(pair.key)) pair.key.commentBefore = append(pair.key.commentBefore, text);
    } else if (yaml.isSeq(parent) && typeof last === 'number') {
      const item = parent.items[last];
      if (yaml.isNode(item)) item.commentBefore = append(item.commentBefore, text);
    }
  }
  doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  if (notes.leftOut.length)
    doc.comment = [' Left out of this intent:', ...notes.leftOut.map((l) => ` - ${l}`)].join('\n');
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

const append = (had: string | null | undefined, text: string) => (had ? `${had}\n${text}` : text);

/** The keys from the document's root down to `node`. */
function pathOf(ancestors: readonly unknown[], node: unknown, yaml: typeof Yaml): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  const chain = [...ancestors, node];
  for (let i = 0; i < chain.length - 1; i++) {
    const a = chain[i];
    const next = chain[i + 1];
    if (yaml.isPair(a)) continue;
    if (yaml.isMap(a) && yaml.isPair(next) && yaml.isScalar(next.key)) out.push(String(next.key.value));
    else if (yaml.isSeq(a)) out.push(a.items.indexOf(next));
  }
  return out;
}
