/**
 * The frr target end to end: its file's owner (frr:frr as the root tree names it), the daemons
 * check, and secrets: the MD5 keys reach frr.conf and nothing that shows files (the dry-run diff,
 * the JSON manifest, the library's changes, diagnostics).
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatDiagnostic } from '../../src/diagnostics/diagnostics.ts';
import { generate, validateText } from '../../src/index.ts';
import { ROOT, vrfgen } from '../support/helpers.ts';

const CASE = join(ROOT, 'test/golden/frr-route-server');
const EXPECTED = join(CASE, 'expected/frr/etc/frr/frr.conf');
const SECRETS = ['s3cret', 'red-peer-key'];
const tmp = () => mkdtempSync(join(tmpdir(), 'vrfgen-frr-'));
const CONF = '/etc/frr/frr.conf';

/** A copy of the case (intent and its secrets folder) that a test may change. */
function caseCopy(): string {
  const dir = tmp();
  cpSync(CASE, dir, { recursive: true, filter: (p) => !p.includes('/expected') });
  return join(dir, 'intent.yaml');
}

/** A root tree with FRR's user and group and its packaged daemons file (bgpd as given). */
function frrRoot(bgpd: 'yes' | 'no' = 'yes'): string {
  const root = tmp();
  mkdirSync(join(root, 'etc/frr'), { recursive: true });
  writeFileSync(
    join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/bash\nfrr:x:101:104:Frr routing suite,,,:/nonexistent:/usr/sbin/nologin\n',
  );
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\nfrrvty:x:103:frr\nfrr:x:104:\n');
  writeFileSync(join(root, 'etc/frr/daemons'), `# packaged\nbgpd=${bgpd}\nospfd=no\n`);
  return root;
}

const noSecrets = (text: string) => {
  for (const s of SECRETS) expect(text).not.toContain(s);
};

describe('frr.conf', () => {
  test("is written 0640 and owned by the root tree's frr user and group; the keys are in it", () => {
    const root = frrRoot();
    const r = vrfgen('generate', join(CASE, 'intent.yaml'), '--target', 'frr', '--root', root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const st = statSync(join(root, CONF));
    expect((st.mode & 0o7777).toString(8)).toBe('640');
    expect(readFileSync(join(root, CONF), 'utf8')).toBe(readFileSync(EXPECTED, 'utf8'));
    if (process.getuid?.() === 0) expect([st.uid, st.gid]).toEqual([101, 104]);
    expect(vrfgen('generate', join(CASE, 'intent.yaml'), '--target', 'frr', '--root', root).stdout).toBe(
      `0 changed, 2 unchanged under ${root}\n`,
    );
  });

  test('without an frr user in the root, it is written root:root with a warning', () => {
    const root = tmp();
    const r = vrfgen('generate', join(CASE, 'intent.yaml'), '--target', 'frr', '--root', root);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `warning write/unknown-owner: ${CONF}: user 'frr' is not in /etc/passwd under the root, so the file is written as root:root (install the package that creates it, then generate again)\n`,
    );
    if (process.getuid?.() === 0) expect(statSync(join(root, CONF)).uid).toBe(0);
  });

  test('a daemons file without bgpd=yes is reported, a hand-written frr.conf is refused', () => {
    const root = frrRoot('no');
    writeFileSync(join(root, CONF), 'frr defaults traditional\n');
    const r = vrfgen('generate', join(CASE, 'intent.yaml'), '--target', 'frr', '--root', root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `warning generate/not-included: ${CONF}: /etc/frr/daemons does not include it, so frr will not read vrfgen's file; add \`bgpd=yes\` to /etc/frr/daemons\n`,
    );
    expect(r.stderr).toContain(`error write/foreign-file: ${CONF}: exists and was not written by vrfgen`);
    expect(readFileSync(join(root, CONF), 'utf8')).toBe('frr defaults traditional\n');
  });
});

describe('BFD', () => {
  const ANYCAST = join(ROOT, 'test/golden/route-server-anycast/intent.yaml');

  test('needs bfdd too: the daemons check names it, and the reload commands switch it on', () => {
    const root = frrRoot();
    const r = vrfgen('generate', ANYCAST, '--target', 'frr', '--root', root);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `warning generate/not-included: ${CONF}: /etc/frr/daemons does not include it, so frr will not read vrfgen's file; add \`bgpd=yes and bfdd=yes\` to /etc/frr/daemons\n`,
    );
    writeFileSync(join(root, 'etc/frr/daemons'), '# packaged\nbgpd=yes\nbfdd=yes\n');
    expect(vrfgen('generate', ANYCAST, '--target', 'frr', '--root', root).stderr).toBe('');
    const json = JSON.parse(vrfgen('generate', ANYCAST, '--target', 'frr', '--format', 'json').stdout) as {
      reload: string[][];
    };
    expect(json.reload).toEqual([
      ['sed', '-i', 's/^bgpd=no$/bgpd=yes/', '/etc/frr/daemons'],
      ['sed', '-i', 's/^bfdd=no$/bfdd=yes/', '/etc/frr/daemons'],
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'restart', 'frr.service'],
    ]);
  });
});

describe('secrets never show', () => {
  test('in the dry-run diff of a new, a changed and a removed frr.conf', () => {
    const root = frrRoot();
    const intent = caseCopy();
    const created = vrfgen('generate', intent, '--target', 'frr', '--root', root, '--dry-run');
    expect(created.stdout).toContain('+ neighbor vrfgen-listen-1 password <secret>\n');
    noSecrets(created.stdout + created.stderr);
    vrfgen('generate', intent, '--target', 'frr', '--root', root);
    // A new key: the old and the new line are both masked.
    writeFileSync(join(intent, '../secrets/appliances'), 'n3wkey\n');
    const changed = vrfgen('generate', intent, '--target', 'frr', '--root', root, '--dry-run');
    // Only the key changed: the file is an update whose masked lines are alike, so no hunk shows it.
    expect(changed.stdout.startsWith(`diff update ${CONF}\n`)).toBe(true);
    expect(changed.stdout).not.toContain('n3wkey');
    noSecrets(changed.stdout);
    // No bgp any more: the owned file is removed, and its old content shown masked.
    writeFileSync(intent, 'version: 1\nvrfs:\n  red: {table: 100}\n');
    const removed = vrfgen('generate', intent, '--target', 'frr', '--root', root, '--dry-run');
    expect(removed.stdout).toContain(`diff remove ${CONF}\n`);
    expect(removed.stdout).toContain('- neighbor 10.1.0.130 password <secret>\n');
    noSecrets(removed.stdout);
  });

  test('in the JSON manifest, which marks the file and hashes its real content', () => {
    const r = vrfgen('generate', join(CASE, 'intent.yaml'), '--target', 'frr', '--format', 'json');
    expect(r.code).toBe(0);
    noSecrets(r.stdout);
    const [file] = JSON.parse(r.stdout).files;
    expect(file).toMatchObject({ path: CONF, mode: '0640', owner: 'frr', group: 'frr', redacted: true });
    expect(file.sha256).toBe(createHash('sha256').update(readFileSync(EXPECTED, 'utf8')).digest('hex'));
  });

  test("in the library's changes, while the files hold the keys", async () => {
    const g = await generate(join(CASE, 'intent.yaml'), { targets: ['frr'], root: frrRoot(), dryRun: true });
    noSecrets(JSON.stringify(g.changes));
    expect(g.files[0]!.content).toContain('password s3cret');
  });

  test('in excerpts, whatever YAML spelling the key has', () => {
    const spellings = [
      `{address: 10.9.0.2, remote-as: internal, password: 's3''cret', password-file: x}`,
      `{address: 10.9.0.2, remote-as: internal, password: "s3\\"cret", password-file: x}`,
      `{address: 10.9.0.2, remote-as: internal, password: s3cret, password-file: x}`,
      `address: 10.9.0.2\n          remote-as: internal\n          password: s3cret,x]y\n          password-file: x`,
      `address: 10.9.0.2\n          remote-as: internal\n          password: |\n            s3cret\n            s3cret\n          password-file: x`,
    ];
    for (const n of spellings) {
      const text = `version: 1\nvrfs:\n  red:\n    table: 100\n    interfaces: {vh: {addresses: [10.1.0.1/24]}}\n    bgp:\n      asn: 65000\n      router-id: 10.1.0.1\n      neighbors:\n        - ${n}\n`;
      const v = validateText(text, 'intent.yaml');
      const shown = v.diagnostics.map((d) => formatDiagnostic(d, v.source?.lines)).join('\n');
      expect(shown, n).toContain('bgp/password-twice');
      expect(shown.replace(/s3cret\.|password-file/g, ''), n).not.toMatch(/s3|cret/);
      // Only the value: what follows it on the line is still shown.
      expect(v.source!.lines.join('\n'), n).toContain('password-file: x');
    }
  });

  test('in diagnostics: inline keys are masked in excerpts, wrong types are not repeated', () => {
    const validate = (neighbor: string) => {
      const file = join(tmp(), 'intent.yaml');
      const vrf = 'version: 1\nvrfs:\n  red:\n    table: 100\n    interfaces: {vh: {addresses: [10.1.0.1/24]}}\n';
      writeFileSync(
        file,
        `${vrf}    bgp:\n      asn: 65000\n      router-id: 10.1.0.1\n      neighbors:\n        - ${neighbor}\n`,
      );
      const r = vrfgen('validate', file);
      expect(r.code).toBe(1);
      noSecrets(r.stderr);
      return r.stderr;
    };
    // An unreachable peer, with the warning for the inline key: both excerpts show the line masked.
    const inline = validate('{address: 10.9.0.2, remote-as: internal, password: s3cret}');
    expect(inline).toContain('error bgp/peer-unreachable');
    expect(inline.match(/password: \*{6}\}$/gm)).toHaveLength(2);
    const wrongType = validate('{address: 10.1.0.3, remote-as: internal, password: [s3cret, s3cret2]}');
    expect(wrongType).toContain('got a value not shown here (a password)');
    expect(wrongType).toMatch(/password: \*{17}\}$/m);
  });
});
