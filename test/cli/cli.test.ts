/**
 * Command-line habits: every command's --help ends with examples that really run, --version is the
 * package's, --quiet leaves out warnings and summaries but never errors or data, diagnostics go to
 * stderr and data to stdout, and colour appears only on a terminal (util-linux `script` gives the
 * CLI one) and never with NO_COLOR.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CLI, describeWithFacility, probeCommand, read, ROOT, run, vrfgen } from '../support/helpers.ts';

const EXAMPLE = join(ROOT, 'examples/mgmt-and-production.yaml');
const { version } = JSON.parse(read(join(ROOT, 'package.json'))) as { version: string };
const tmp = () => mkdtempSync(join(tmpdir(), 'vrfgen-cli-'));

/** The `$ …` lines of a help text's Examples block. */
const examplesIn = (help: string) =>
  [...(help.split('\nExamples:\n')[1] ?? '').matchAll(/^ {2}\$ (.+)$/gm)].map((m) => m[1]!);

// collect before check and import: their examples read the state collect's example writes (and
// import's, the tree generate's example writes).
const COMMANDS = ['validate', 'generate', 'collect', 'import', 'check', 'targets', 'schema'];

describe('--help and --version', () => {
  test('--version is the package version', () => {
    expect(vrfgen('--version').stdout).toBe(`${version}\n`);
  });

  test('every command is listed here, and its help ends with examples of it', () => {
    const top = vrfgen('--help');
    expect(top.code).toBe(0);
    const listed = [...top.stdout.matchAll(/^ {2}([a-z]+) \[?/gm)].map((m) => m[1]).filter((c) => c !== 'help');
    expect([...listed].sort()).toEqual([...COMMANDS].sort());
    expect(examplesIn(top.stdout).length).toBeGreaterThan(0);
    for (const c of COMMANDS) {
      const lines = examplesIn(vrfgen(c, '--help').stdout);
      expect(lines.length, c).toBeGreaterThan(0);
      for (const l of lines) expect(l, c).toMatch(new RegExp(`^vrfgen ${c}( |$)`));
    }
  });

  test('every example runs as written, on a copy of the shipped example (check: drift on this host, not a usage error)', () => {
    const dir = tmp();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'vrfgen'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(join(bin, 'vrfgen'), 0o755);
    copyFileSync(EXAMPLE, join(dir, 'mgmt.yaml'));
    const image = join(dir, 'image');
    mkdirSync(image);
    for (const c of COMMANDS) {
      for (const line of examplesIn(vrfgen(c, '--help').stdout)) {
        const r = run('sh', ['-c', line.replaceAll('/mnt/image', image)], {
          cwd: dir,
          env: { PATH: `${bin}:${process.env.PATH}` },
        });
        expect(r.stderr, line).not.toMatch(/^(vrfgen: |error: )/m);
        expect(c === 'check' ? [1, 2] : [0], line).toContain(r.code);
      }
    }
    expect(read(join(dir, 'user-data'))).toMatch(/^#cloud-config\n/);
    expect(read(join(dir, 'collect.sh'))).toMatch(/^#!\/bin\/sh\n/);
    expect(read(join(image, 'etc/systemd/network/10-vrfgen-mgmt.netdev'))).toContain('Kind=vrf');
    expect(read(join(dir, 'image.yaml'))).toMatch(/^ {2}mgmt:\n(?: {4}#.*\n)* {4}table: 10$/m);
  });
});

describe('--quiet, stderr and stdout', () => {
  test('--quiet drops warnings and the summary; without it both are there', () => {
    const loud = vrfgen('generate', EXAMPLE, '--target', 'networkd', '--root', tmp());
    expect(loud.stderr).toContain('warning generate/service-not-bound');
    expect(loud.stdout).toMatch(/\d+ changed, 0 unchanged under /);
    const quiet = vrfgen('--quiet', 'generate', EXAMPLE, '--target', 'networkd', '--root', tmp());
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe('');
    expect(quiet.code).toBe(0);
    expect(vrfgen('validate', EXAMPLE, '-q')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('--quiet never hides an error, nor the output asked for', () => {
    const bad = join(tmp(), 'bad.yaml');
    writeFileSync(bad, read(EXAMPLE).replace('table: 20', 'table: 254'));
    const r = vrfgen('validate', bad, '--quiet');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error table\/reserved: /);
    const json = vrfgen('generate', EXAMPLE, '--target', 'networkd', '--format', 'json', '--quiet');
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout).files.length).toBeGreaterThan(0);
    expect(vrfgen('schema', '-q').stdout).toBe(read(join(ROOT, 'schema/vrfgen.schema.json')));
  });

  test('--json puts the diagnostics on stdout as data, and nothing on stderr', () => {
    const r = vrfgen('generate', EXAMPLE, '--target', 'networkd', '--root', tmp(), '--json');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).diagnostics.map((d: { code: string }) => d.code)).toEqual([
      'generate/service-not-bound',
    ]);
  });
});

describeWithFacility(
  'a terminal (util-linux script)',
  () => probeCommand('script', ['--version']),
  () => {
    /** Run the CLI on a pseudo-terminal; what the terminal shows comes back as stdout. */
    const onTerminal = (args: string[], env: Record<string, string> = {}) =>
      run('script', ['-qec', [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' '), '/dev/null'], {
        env: { TERM: 'xterm', ...env },
      });

    const bad = () => {
      const f = join(tmp(), 'bad.yaml');
      writeFileSync(f, 'version: 1\nvrfs: {a: {table: 254}}\n');
      return f;
    };

    test('diagnostics are coloured on a terminal, not with NO_COLOR, not into a pipe', () => {
      const f = bad();
      expect(onTerminal(['validate', f]).stdout).toContain(`${f}:2:19: \x1b[1;31merror\x1b[0m table/reserved: `);
      expect(onTerminal(['validate', f], { NO_COLOR: '1' }).stdout).toContain(`${f}:2:19: error table/reserved: `);
      expect(onTerminal(['validate', f], { TERM: 'dumb' }).stdout).not.toContain('\x1b[');
      expect(vrfgen('validate', f).stderr).not.toContain('\x1b[');
    });

    test('--format tar refuses to write an archive to a terminal', () => {
      const r = onTerminal(['generate', EXAMPLE, '--format', 'tar']);
      expect(r.stdout).toBe(
        'vrfgen: --format tar writes an archive to stdout, which is a terminal: redirect it to a file or a pipe\r\n',
      );
      expect(r.code).toBe(2);
    });
  },
);
