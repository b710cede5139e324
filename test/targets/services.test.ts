/**
 * The services target through the CLI, with unit files under --root: test/services/<case>/ holds an
 * intent, optionally a root/ tree, and the exact diagnostics `generate --dry-run` prints (positions,
 * messages, carets). Then the units stage on its own: how it finds unit files the way systemd does.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readUnits } from '../../src/systemd/read-units.ts';
import { ROOT, run, CLI, vrfgen, read } from '../support/helpers.ts';

const DIR = join(ROOT, 'test/services');
const cases = readdirSync(DIR).sort();
const tmp = () => mkdtempSync(join(tmpdir(), 'vrfgen-services-'));

describe.each(cases)('%s', (c) => {
  test('generate --dry-run prints exactly the expected diagnostics', () => {
    const root = readdirSync(join(DIR, c)).includes('root') ? 'root' : tmp();
    const r = run(
      process.execPath,
      [CLI, 'generate', 'intent.yaml', '--root', root, '--target', 'services', '--dry-run'],
      { cwd: join(DIR, c) },
    );
    const want = read(join(DIR, c, 'diagnostics.txt'));
    expect(r.stderr).toBe(want);
    expect(r.code).toBe(/^\S+: error /m.test(want) ? 1 : 0);
  });
});

/** Unit trees laid out as an image would have them (test/units/<name>/, links included). */
const UNITS = join(ROOT, 'test/units');

describe('the units stage reads unit files the way systemd finds them', () => {
  test('the first unit file on the search path wins; drop-ins from every folder apply, sorted by name', async () => {
    const u = (await readUnits(join(UNITS, 'search-path'), ['a-b.service'])).get('a-b.service')!;
    expect(u.fragment).toBe('/lib/systemd/system/a-b.service');
    // vrfgen's own drop-in is never read back: a second run must wrap the unit's command, not its own.
    expect(u.dropIns).toEqual([
      '/usr/lib/systemd/system/a-.service.d/10-prefix.conf',
      '/etc/systemd/system/a-b.service.d/20-etc.conf',
      '/run/systemd/system/service.d/30-all.conf',
    ]);
    expect(u.settings.map((s) => `${s.key}=${s.value}`)).toEqual([
      'ExecStart=/usr/bin/lower-priority',
      'User=prefix',
      'User=etc',
      'Nice=5',
    ]);
  });

  test('aliases resolve inside the root, masks are seen, templates serve their instances', async () => {
    const units = await readUnits(join(UNITS, 'aliases'), [
      'sshd.service',
      'gone.service',
      'probe@eth1.service',
      'ssh.socket',
      'nothing.service',
    ]);
    // sshd.service links to the absolute /usr/lib/…: the booted system's path, not the build machine's.
    expect(units.get('sshd.service')).toMatchObject({
      id: 'ssh.service',
      fragment: '/etc/systemd/system/sshd.service',
      masked: false,
    });
    expect(units.get('sshd.service')!.settings[0]).toMatchObject({
      value: '/usr/sbin/sshd -D',
      file: '/etc/systemd/system/sshd.service',
      line: 2,
    });
    expect(units.get('gone.service')).toMatchObject({ masked: true, settings: [] });
    expect(units.get('probe@eth1.service')).toMatchObject({
      id: 'probe@eth1.service',
      fragment: '/usr/lib/systemd/system/probe@.service',
      dropIns: ['/etc/systemd/system/probe@.service.d/x.conf'],
    });
    expect(units.get('ssh.socket')!.enabled).toBe(true);
    expect(units.get('sshd.service')!.enabled).toBe(false);
    expect(units.has('nothing.service')).toBe(false);
  });

  test('absolute links in folders are followed inside the root, never into the machine running vrfgen', async () => {
    // /lib -> /usr/lib: the build machine has its own systemd-networkd.service there.
    const u = (await readUnits(join(UNITS, 'absolute-links'), ['systemd-networkd.service'])).get(
      'systemd-networkd.service',
    )!;
    expect(u.fragment).toBe('/lib/systemd/system/systemd-networkd.service');
    expect(u.settings.map((x) => x.value)).toEqual(['/from/the/root']);
    expect(u.enabled).toBe(true);
  });
});

describe('generate --target services end to end', () => {
  test('a second run reads its own drop-in back as nothing and changes nothing', () => {
    const root = tmp();
    mkdirSync(join(root, 'usr/lib/systemd/system'), { recursive: true });
    writeFileSync(
      join(root, 'usr/lib/systemd/system/ssh.service'),
      '[Service]\nExecStart=/usr/sbin/sshd -D $SSHD_OPTS\nType=notify\n',
    );
    const example = join(ROOT, 'examples/mgmt-and-production.yaml');
    expect(vrfgen('generate', example, '--root', root, '--target', 'services').code).toBe(0);
    const dropIn = join(root, 'etc/systemd/system/ssh.service.d/vrfgen-vrf.conf');
    expect(read(dropIn)).toContain('\nExecStart=\nExecStart=/sbin/ip vrf exec mgmt /usr/sbin/sshd -D $SSHD_OPTS\n');
    expect(read(dropIn)).toContain('Original ExecStart= from /usr/lib/systemd/system/ssh.service.');
    const again = vrfgen('generate', example, '--root', root, '--target', 'services');
    expect(again.stdout).toBe(`0 changed, 1 unchanged under ${root}\n`);
  });

  test('without --root a format is for another machine: a unit vrfgen cannot see is bound from its exec-start', () => {
    const intent = join(DIR, 'unit-not-found/intent.yaml');
    const r = vrfgen('generate', intent, '--target', 'services', '--format', 'json');
    // Nowhere to look, so no service/unit-not-found; what has no command lines still says so.
    expect(r.stderr).not.toContain('service/unit-not-found');
    expect(r.stderr).toContain(
      "error service/exec-start-unknown: service 'ghost.service': vrfgen needs its ExecStart= lines to run it through `ip vrf exec`, and the unit is not in vrfgen's table for this platform and no tree was read for it (--root); give them as {unit: ghost.service, exec-start: [...]}",
    );
    expect(r.code).toBe(1);
    const agent = join(tmp(), 'intent.yaml');
    writeFileSync(
      agent,
      'version: 1\nplatform: debian-12\nvrfs:\n  mgmt:\n    table: 10\n    services:\n' +
        '      - {unit: agent.service, exec-start: [/usr/bin/agent --foreground]}\n',
    );
    const ok = vrfgen('generate', agent, '--target', 'services', '--format', 'json');
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const files = (JSON.parse(ok.stdout) as { files: { path: string; content: string }[] }).files;
    expect(files.map((f) => f.path)).toEqual(['/etc/systemd/system/agent.service.d/vrfgen-vrf.conf']);
    expect(files[0]!.content).toContain('\nExecStart=/sbin/ip vrf exec mgmt /usr/bin/agent --foreground\n');
  });
});
