import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compiledTemplates } from '../../src/render/template-compile.ts';

/** vitest's global setup: dist/templates.cjs from templates/ as they are now, as `npm run build` writes it. */
export default function setup(): void {
  const root = join(import.meta.dirname, '../..');
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'dist/templates.cjs'), compiledTemplates(join(root, 'templates')));
}
