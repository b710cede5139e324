/**
 * The package as npm ships it: `npm pack`, installed into an empty project, must run its `vrfgen`
 * bin, import the library API at run time (templates and all), and type-check a TypeScript consumer
 * through the `exports` types — where a wrong option is a type error, so the types are real.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { describeWithFacility, probeCommand, read, ROOT, run } from '../support/helpers.ts';

const { version } = JSON.parse(read(join(ROOT, 'package.json'))) as { version: string };

/** Pack (dist/ is built by `npm test` before vitest runs) and install into an empty ESM project. */
function installed(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-package-'));
  const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir]);
  expect(pack.code, pack.stderr).toBe(0);
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // The dependencies come from npm's cache, which `npm ci` filled; the registry only if it misses.
  const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tgz)], { cwd: app });
  expect(install.code, install.stderr).toBe(0);
  return app;
}

const USE = `import { check, generate, loadIntent, validate, type Generated } from 'vrfgen';
const loaded = loadIntent('version: 1\\nvrfs: {blue: {table: 10}}\\n', 'inline.yaml');
const v = await validate('intent.yaml');
const g: Generated = await generate('intent.yaml', { format: 'json', targets: ['networkd'] });
const c = await check('intent.yaml', { state: 'no-such-state' });
console.log(JSON.stringify({ loaded: loaded.diagnostics.length, valid: v.model !== undefined, files: JSON.parse(String(g.output)).files.length, check: c.exitCode }));
`;

const TSCONFIG = {
  compilerOptions: {
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    target: 'ES2022',
    strict: true,
    noEmit: true,
    types: [],
  },
  files: ['use.ts'],
};

describeWithFacility(
  'npm pack, installed elsewhere',
  () => probeCommand('npm'),
  () => {
    test('the bin runs, the API imports and works, a TypeScript consumer type-checks; a wrong option does not', () => {
      const app = installed();
      const bin = join(app, 'node_modules/.bin/vrfgen');
      expect(run(bin, ['--version'], { cwd: app }).stdout).toBe(`${version}\n`);
      const help = run(bin, ['--help'], { cwd: app });
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: vrfgen \[options\] \[command\]\n/);
      expect(help.stdout).toContain('$ vrfgen validate mgmt.yaml');

      copyFileSync(join(ROOT, 'examples/mgmt-and-production.yaml'), join(app, 'intent.yaml'));
      const validate = run(bin, ['validate', 'intent.yaml'], { cwd: app });
      expect(validate.stdout).toBe('intent.yaml: valid (2 vrfs, 3 members, platform debian-12)\n');

      // The library, as docs/library.md shows it, with plain JavaScript (the same code, types stripped).
      writeFileSync(join(app, 'use.mjs'), USE.replace(', type Generated', '').replace('const g: Generated', 'const g'));
      const used = run(process.execPath, ['use.mjs'], { cwd: app });
      expect(used.stderr).toBe('');
      expect(JSON.parse(used.stdout)).toEqual({ loaded: 0, valid: true, files: 9, check: 2 });

      const tsc = join(ROOT, 'node_modules/.bin/tsc');
      writeFileSync(join(app, 'use.ts'), USE);
      writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG));
      const typed = run(tsc, ['-p', '.'], { cwd: app });
      expect(typed.stdout).toBe('');
      expect(typed.code).toBe(0);

      writeFileSync(join(app, 'use.ts'), USE.replace("format: 'json'", "format: 'xml'"));
      const wrong = run(tsc, ['-p', '.'], { cwd: app });
      expect(wrong.stdout).toMatch(/use\.ts\(\d+,\d+\): error TS2322: Type '"xml"' is not assignable to type/);
      expect(wrong.code).not.toBe(0);
    }, 180_000);
  },
);
