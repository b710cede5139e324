/**
 * `vrfgen check --state` on real captures: test/check/captures/<boot> holds probe outputs of real
 * Debian 12 boots (copied unchanged); test/check/assembled/<state> holds states assembled in the
 * same formats for what no boot has captured yet (its README says from what); test/check/cases/<case>
 * pairs one of them (or an edited copy of one, documented in case.yaml) with an intent and the exact
 * report and exit code expected. An intent copied from a golden case names it (`intent:`) and must
 * stay the same bytes. VRFGEN_UPDATE_GOLDEN=1 rewrites report.txt — review each line against the
 * state before committing.
 */
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { ROOT, run, CLI, vrfgen } from '../support/helpers.ts';
import { dumpFileOf, toDumpLayout } from '../support/state-layout.ts';

const CASES = join(ROOT, 'test/check/cases');
const CAPTURES = join(ROOT, 'test/check/captures');
const ASSEMBLED = join(ROOT, 'test/check/assembled');
const update = process.env.VRFGEN_UPDATE_GOLDEN === '1';

interface Case {
  state: string;
  base?: string;
  edited?: Record<string, string>;
  args?: string[];
  tree?: { edit: string; append: string };
  /** The golden intent the case's intent.yaml is a copy of. */
  intent?: string;
  exit: 0 | 1 | 2;
}

const cases = readdirSync(CASES).sort();
const caseOf = (c: string): Case => parse(readFileSync(join(CASES, c, 'case.yaml'), 'utf8'));
/** A captured boot, or else an assembled state, by name. */
const stateNamed = (name: string) => (existsSync(join(CAPTURES, name)) ? join(CAPTURES, name) : join(ASSEMBLED, name));
const stateSource = (c: string, k: Case) => (k.state === 'state' ? join(CASES, c, 'state') : stateNamed(k.state));

/**
 * The captures were taken with `systemctl show sshd …` and `ip vrf identify PID` printed as
 * `PID VRF`; in the state layout those are the probes of unit ssh.service. Everything else already
 * has its layout name. The harness renames; the captured bytes stay as they are.
 */
const LAYOUT: Record<string, string> = {
  'sshd-execstart.txt': 'unit-ssh.service.txt',
  'sshd-vrf-identify.txt': 'vrf-identify-ssh.service.txt',
};

function stateDirFrom(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-state-'));
  for (const f of readdirSync(source)) {
    const [, name, suffix] = f.match(/^(.*?)((?:\.rc|\.err)?)$/)!;
    copyFileSync(join(source, f), join(dir, `${LAYOUT[name!] ?? name}${suffix}`));
  }
  return dir;
}

/** A root holding vrfgen's files for the case's intent, edited as the case says. */
function treeFor(c: string, k: Case): string {
  const root = mkdtempSync(join(tmpdir(), 'vrfgen-tree-'));
  const g = vrfgen('generate', join(CASES, c, 'intent.yaml'), '--root', root, ...(k.args ?? []));
  expect(g.code, g.stderr).toBe(0);
  appendFileSync(join(root, k.tree!.edit), k.tree!.append);
  return root;
}

describe.each(cases)('check case %s', (c) => {
  const k = caseOf(c);

  test('report and exit code', () => {
    const state = stateDirFrom(stateSource(c, k));
    const tree = k.tree ? ['--root', treeFor(c, k)] : [];
    const r = run(process.execPath, [CLI, 'check', 'intent.yaml', '--state', state, ...tree, ...(k.args ?? [])], {
      cwd: join(CASES, c),
    });
    const file = join(CASES, c, 'report.txt');
    if (update) writeFileSync(file, r.stdout);
    expect(r.stdout).toBe(readFileSync(file, 'utf8'));
    expect(r.code).toBe(k.exit);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  test('the same findings from the state in the layout collect writes now (a route dump per family)', () => {
    const state = stateDirFrom(stateSource(c, k));
    const dumps = mkdtempSync(join(tmpdir(), 'vrfgen-dumps-'));
    toDumpLayout(state, dumps, { tableNames: (k.base ?? k.state).startsWith('ifupdown2') });
    expect(readdirSync(dumps).some((f) => /^route6?-(main|table\d+)\.json/.test(f))).toBe(false);
    const tree = k.tree ? ['--root', treeFor(c, k)] : [];
    const json = (dir: string) => {
      const r = run(
        process.execPath,
        [CLI, 'check', 'intent.yaml', '--state', dir, ...tree, ...(k.args ?? []), '--json'],
        {
          cwd: join(CASES, c),
        },
      );
      const report = JSON.parse(r.stdout) as { findings: { unknown?: { probe: string } }[] };
      for (const f of report.findings) if (f.unknown) f.unknown.probe = dumpFileOf(f.unknown.probe);
      return { code: r.code, report };
    };
    expect(json(dumps)).toEqual(json(state));
  });

  if (k.intent) {
    test(`intent.yaml is ${k.intent}`, () => {
      expect(readFileSync(join(CASES, c, 'intent.yaml'), 'utf8')).toBe(readFileSync(join(ROOT, k.intent!), 'utf8'));
    });
  }

  if (k.base) {
    test(`differs from state ${k.base} only where case.yaml says`, () => {
      const mine = join(CASES, c, 'state');
      const base = stateNamed(k.base!);
      const names = [...new Set([...readdirSync(mine), ...readdirSync(base)])].sort();
      const read = (d: string, f: string) => (existsSync(join(d, f)) ? readFileSync(join(d, f), 'utf8') : undefined);
      expect(names.filter((f) => read(mine, f) !== read(base, f))).toEqual(Object.keys(k.edited ?? {}).sort());
    });
  }
});

test('every capture and assembled state is checked by a case named after it', () => {
  const captures = readdirSync(CAPTURES, { withFileTypes: true }).filter((d) => d.isDirectory());
  const assembled = readdirSync(ASSEMBLED, { withFileTypes: true }).filter((d) => d.isDirectory());
  expect(captures.length).toBe(10);
  expect(assembled.length).toBe(4);
  expect([...captures, ...assembled].map((d) => d.name).filter((d) => !cases.includes(d))).toEqual([]);
  expect(captures.map((d) => d.name).filter((d) => existsSync(join(ASSEMBLED, d)))).toEqual([]);
});

describe('check: usage and unreadable input', () => {
  const intent = join(CASES, 'networkd/intent.yaml');

  test('--json gives every finding as data, with the same exit code', () => {
    const r = vrfgen('check', intent, '--state', stateDirFrom(join(CASES, 'sysctl-off/state')), '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      result: 'drift',
      exitCode: 1,
      counts: { ok: 23, drift: 1, missing: 0, extra: 0, unknown: 0 },
    });
    expect(out.findings.find((f: { status: string }) => f.status === 'drift')).toEqual({
      item: 'sysctl net.ipv4.tcp_l3mdev_accept',
      expected: 1,
      actual: 0,
      status: 'drift',
      path: ['sysctl', 'tcp_l3mdev_accept'],
      file: intent,
      line: 23,
      col: 22,
    });
  });

  test('an unreadable state DIR or root → 2, one line, no report', () => {
    for (const args of [
      ['--state', '/nonexistent/state'],
      ['--state', intent],
      ['--state', stateDirFrom(join(CAPTURES, 'networkd')), '--root', '/nonexistent/root'],
    ]) {
      const r = vrfgen('check', intent, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error io\/read: cannot read (state|root) \S+: (ENOENT|not a directory)/m);
    }
  });

  test('an invalid intent cannot be checked → 2, with its diagnostics', () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'vrfgen-bad-')), 'bad.yaml');
    writeFileSync(bad, readFileSync(intent, 'utf8').replace('table: 20', 'table: 254'));
    const r = vrfgen('check', bad, '--state', stateDirFrom(join(CAPTURES, 'networkd')));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error table/reserved: ');
  });

  test('collect: needs a DIR or --script, not both → 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vrfgen-collect-'));
    expect(vrfgen('collect', intent).code).toBe(2);
    const r = vrfgen('collect', intent, dir, '--script');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'vrfgen: collect --script prints the script; it takes no DIR (the script does: sh collect.sh DIR)\n',
    );
  });

  test('collect into a DIR that cannot be written → 2 (io/write), no stack trace', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vrfgen-collect-')), 'not-a-dir');
    writeFileSync(file, '');
    const r = vrfgen('collect', intent, join(file, 'state'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error io\/write: cannot write state .*not-a-dir\/state: ENOTDIR/m);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});
