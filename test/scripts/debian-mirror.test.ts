/**
 * The Debian mirror lookup that .ci/fetch-tools, .ci/unpack-consumers and the real-boot images share,
 * on sample apt configurations: the style Debian 12 installs (one line), the one of Debian 13 and
 * the container images (deb822), other vendors' repositories beside Debian's, and none at all.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { debianMirror } from '../../scripts/debian-mirror.mjs';
import { ROOT, run } from '../support/helpers.ts';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** An apt configuration folder holding `files` (paths relative to it). */
function aptDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-apt-'));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const lookup = (dir: string, env: Record<string, string> = {}) => ({
  archive: debianMirror('archive', { aptDir: dir, env }),
  security: debianMirror('security', { aptDir: dir, env }),
});

const DEB822 = `Types: deb
# an earlier snapshot of the archive
URIs: http://mirror.example.net/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://security.example.org/debian-security/
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

describe("apt's own sources", () => {
  test('deb822, the security archive on a host of its own, a comment inside a stanza', () => {
    expect(lookup(aptDir({ 'sources.list.d/debian.sources': DEB822 }))).toEqual({
      archive: 'http://mirror.example.net/debian',
      security: 'http://security.example.org/debian-security',
    });
  });

  test('one-line, with options, comments and deb-src entries', () => {
    const dir = aptDir({
      'sources.list': `# deb http://old.example.net/debian bookworm main
deb-src http://src.example.net/debian bookworm main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example.net/debian/ bookworm main contrib non-free-firmware # the local mirror
deb [ arch=amd64 ] http://security.example.org/debian-security bookworm-security main
`,
    });
    expect(lookup(dir)).toEqual({
      archive: 'http://mirror.example.net/debian',
      security: 'http://security.example.org/debian-security',
    });
  });

  test("other vendors' repositories beside Debian's, in several files, the vendors' read first", () => {
    const dir = aptDir({
      'sources.list.d/00media.list':
        'deb [signed-by=/usr/share/keyrings/media.gpg] https://media.example.com/debian bookworm main\n',
      'sources.list.d/containers.list':
        'deb [arch=amd64 signed-by=/etc/apt/keyrings/containers.gpg] https://containers.example.com/linux/debian bookworm stable\n',
      'sources.list.d/database.list': 'deb https://db.example.com/apt bookworm-pgdg main\n',
      'sources.list.d/cloud.sources':
        'Types: deb\nURIs: https://cloud.example.com/apt\nSuites: cloud-sdk-bookworm\nComponents: main\n',
      'sources.list.d/debian.sources': DEB822,
      'sources.list.d/old.list.disabled': 'deb http://disabled.example.net/debian bookworm main\n',
      'sources.list.d/zz-off.sources':
        'Enabled: no\nTypes: deb\nURIs: http://off.example.net/debian\nSuites: bookworm\nComponents: main\n',
    });
    expect(lookup(dir)).toEqual({
      archive: 'http://mirror.example.net/debian',
      security: 'http://security.example.org/debian-security',
    });
  });

  test('unsigned entries: one whose path names debian before one that does not, else the first apt reads', () => {
    const dir = aptDir({
      'sources.list':
        'deb https://php.example.com/php/ trixie main\ndeb http://proxy.example.net:3142/debian trixie main\n',
      'sources.list.d/debian.list': 'deb http://mirror.example.net/debian trixie main\n',
      'sources.list.d/security.list': 'deb http://proxy.example.net:3142/debian-security trixie-security main\n',
    });
    expect(lookup(dir)).toEqual({
      archive: 'http://proxy.example.net:3142/debian',
      security: 'http://proxy.example.net:3142/debian-security',
    });
  });

  test("a deb822 stanza with several URIs: the first; a mirror list (Debian's cloud images): its first mirror", () => {
    const lists = aptDir({
      'mirrors/debian.list': '# nearest first\nhttp://cloud-mirror.example.net/debian\tpriority:1\n',
    });
    const dir = aptDir({
      'sources.list.d/debian.sources': `Types: deb deb-src
URIs: mirror+file://${lists}/mirrors/debian.list
Suites: trixie trixie-updates
Components: main

Types: deb
URIs: http://security.example.org/debian-security http://security2.example.org/debian-security
Suites: trixie-security
Components: main
`,
    });
    expect(lookup(dir)).toEqual({
      archive: 'http://cloud-mirror.example.net/debian',
      security: 'http://security.example.org/debian-security',
    });
  });

  test('a mirror list that cannot be read: an error that names it and VRFGEN_DEBIAN_MIRROR', () => {
    const dir = aptDir({
      'sources.list': 'deb mirror+file:/nowhere/debian.list bookworm main\n',
    });
    expect(() => debianMirror('archive', { aptDir: dir, env: {} })).toThrow(
      /sources\.list:1: cannot read the mirror list of mirror\+file:\/nowhere\/debian\.list \(ENOENT\); set VRFGEN_DEBIAN_MIRROR=/,
    );
  });

  test('no Debian entry at all: an error that names the files read and VRFGEN_DEBIAN_MIRROR', () => {
    const dir = aptDir({
      'sources.list': 'deb http://archive.example.com/ubuntu noble main universe\n',
      'sources.list.d/nodesource.sources':
        'Types: deb\nURIs: https://node.example.com/node_20.x\nSuites: nodistro\nComponents: main\n',
    });
    expect(() => debianMirror('archive', { aptDir: dir, env: {} })).toThrow(
      /no apt source serves Debian's archive .* in .*sources\.list, .*nodesource\.sources; set VRFGEN_DEBIAN_MIRROR=/,
    );
    expect(() => debianMirror('security', { aptDir: dir, env: {} })).toThrow(
      /Debian's security archive .*VRFGEN_DEBIAN_MIRROR=/,
    );
    expect(() => debianMirror('archive', { aptDir: join(dir, 'nowhere'), env: {} })).toThrow(
      /no sources\.list or sources\.list\.d.*VRFGEN_DEBIAN_MIRROR=/,
    );
  });

  test('an archive without a security entry: the archive is found, the security archive is an error', () => {
    const dir = aptDir({ 'sources.list': 'deb http://mirror.example.net/debian bookworm main\n' });
    expect(debianMirror('archive', { aptDir: dir, env: {} })).toBe('http://mirror.example.net/debian');
    expect(() => debianMirror('security', { aptDir: dir, env: {} })).toThrow(/VRFGEN_DEBIAN_MIRROR/);
  });
});

describe('VRFGEN_DEBIAN_MIRROR', () => {
  const debian = aptDir({ 'sources.list.d/debian.sources': DEB822 });
  const none = aptDir({});

  test('both URIs: apt is not asked', () => {
    const env = { VRFGEN_DEBIAN_MIRROR: ' http://a.example/debian/  http://b.example/debian-security ' };
    expect(lookup(none, env)).toEqual({
      archive: 'http://a.example/debian',
      security: 'http://b.example/debian-security',
    });
  });

  test("the archive only: the security archive is still apt's", () => {
    expect(lookup(debian, { VRFGEN_DEBIAN_MIRROR: 'http://a.example/debian' })).toEqual({
      archive: 'http://a.example/debian',
      security: 'http://security.example.org/debian-security',
    });
    expect(() =>
      debianMirror('security', { aptDir: none, env: { VRFGEN_DEBIAN_MIRROR: 'http://a.example/debian' } }),
    ).toThrow(/VRFGEN_DEBIAN_MIRROR/);
  });

  test('empty is unset; anything but one or two URIs is an error', () => {
    expect(lookup(debian, { VRFGEN_DEBIAN_MIRROR: '' }).archive).toBe('http://mirror.example.net/debian');
    for (const bad of ['a.example/debian', 'http://a/debian http://b/debian-security http://c/debian'])
      expect(() => debianMirror('archive', { aptDir: debian, env: { VRFGEN_DEBIAN_MIRROR: bad } })).toThrow(
        /VRFGEN_DEBIAN_MIRROR=.*want/,
      );
  });
});

describe('as the shell scripts run it', () => {
  const script = join(ROOT, 'scripts/debian-mirror.mjs');
  const env = { VRFGEN_DEBIAN_MIRROR: 'http://a.example/debian http://b.example/debian-security' };

  test('prints the URI asked for', () => {
    expect(run(process.execPath, [script, 'archive'], { env })).toEqual({
      code: 0,
      stdout: 'http://a.example/debian\n',
      stderr: '',
    });
    expect(run(process.execPath, [script, 'security'], { env }).stdout).toBe('http://b.example/debian-security\n');
  });

  test('fails with the reason on stderr, and nothing on stdout for the script to use', () => {
    const r = run(process.execPath, [script, 'archive'], { env: { VRFGEN_DEBIAN_MIRROR: 'nonsense' } });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toMatch(/^debian-mirror: VRFGEN_DEBIAN_MIRROR="nonsense": want /);
    expect(run(process.execPath, [script, 'toString']).code).toBe(2);
  });
});
