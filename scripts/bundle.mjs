// Bundles the CLI into one CommonJS file, dist/vrfgen.cjs (the package's bin), after tsc has built
// dist/. Node resolves, reads and links every ES module of an unbundled CLI one by one, which costs a
// short command more than its own work (bench/notes.md). In the bundle, every module a command reaches
// only through `await import()` is initialised when the command runs, so `validate` never starts the
// renderer or the checker.
//
// zod, yaml and nunjucks stay outside: the bundle requires them from node_modules at the point where
// a command first needs them (a valid intent needs none of the three to be validated), instead of
// making every start parse their source.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// The templates, compiled to JavaScript once here rather than on every run (src/render/template-compile.ts).
const { compiledTemplates } = await import(join(root, 'dist/src/render/template-compile.js'));
writeFileSync(join(root, 'dist/templates.cjs'), compiledTemplates(join(root, 'templates')));

await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/cli.ts'],
  outfile: 'dist/vrfgen.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['zod', 'yaml', 'nunjucks'],
  // See lazy-child-process.cjs.
  alias: { 'node:child_process': './scripts/lazy-child-process.cjs' },
  // The sources find their package (templates, the JSON Schema) and their dependencies from
  // import.meta.url, which CommonJS lacks: it is the bundle's own URL here.
  inject: ['./scripts/bundle-import-meta.mjs'],
  define: { 'import.meta.url': 'importMetaUrl' },
  logLevel: 'warning',
});
