/**
 * examples/ansible, run by Debian's ansible-playbook (ansible-core) with a local connection: the
 * host is this machine, its root a temporary folder (vrfgen_root), its network a fresh namespace
 * with nothing in it (so the collect script probes nothing of the real host). The files must land
 * exactly as `generate --root` writes them (and `--check --diff` must only show them); the handler
 * must run the manifest's reload commands once, and not again when nothing changed; the play must fail the host on the drift `vrfgen check`
 * finds (this kernel has no vrf module, so the VRF can never be there).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { CLI, describeWithFacility, modeOf, probeCommand, read, ROOT, treeOf, vrfgen } from '../support/helpers.ts';

const PLAYBOOK = join(ROOT, 'examples/ansible/site.yml');
const INTENT = join(ROOT, 'examples/ansible/intent.yaml');

/** Stand-ins for the reload commands, first on the PATH: they log their argv instead of touching the machine. */
const RELOADERS = ['networkctl', 'sysctl', 'systemctl'];

function workspace(vrfgenCommand: readonly string[] = [process.execPath, CLI]) {
  const dir = mkdtempSync(join(tmpdir(), 'vrfgen-ansible-'));
  const w = {
    dir,
    root: join(dir, 'root'),
    reports: join(dir, 'reports'),
    log: join(dir, 'reload.log'),
    bin: join(dir, 'bin'),
  };
  for (const d of [w.root, w.reports, w.bin, join(dir, 'home')]) mkdirSync(d);
  for (const c of RELOADERS) {
    writeFileSync(join(w.bin, c), `#!/bin/sh\necho "${c} $*" >> "${w.log}"\n`);
    chmodSync(join(w.bin, c), 0o755);
  }
  writeFileSync(join(dir, 'inventory.ini'), '[vrf_hosts]\nlocalhost ansible_connection=local\n');
  writeFileSync(join(dir, 'ansible.cfg'), '');
  // This machine has no sudo and the play already runs as root: no become.
  const vars = {
    vrfgen_command: vrfgenCommand,
    vrfgen_root: w.root,
    vrfgen_report_dir: w.reports,
    ansible_become: false,
    ansible_python_interpreter: '/usr/bin/python3',
  };
  writeFileSync(join(dir, 'vars.json'), JSON.stringify(vars));
  return w;
}

function playbook(w: ReturnType<typeof workspace>, ...extra: string[]) {
  const env = {
    ...process.env,
    PATH: `${w.bin}:${process.env.PATH}`,
    HOME: join(w.dir, 'home'),
    ANSIBLE_CONFIG: join(w.dir, 'ansible.cfg'),
    ANSIBLE_LOCAL_TEMP: join(w.dir, 'home/local-tmp'),
    ANSIBLE_REMOTE_TEMP: join(w.dir, 'home/remote-tmp'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
  };
  const args = [
    '-n',
    'ansible-playbook',
    '-i',
    join(w.dir, 'inventory.ini'),
    '-e',
    `@${join(w.dir, 'vars.json')}`,
    ...extra,
    PLAYBOOK,
  ];
  const r = spawnSync('unshare', args, { encoding: 'utf8', cwd: ROOT, env, timeout: 600_000 });
  const recap = r.stdout.match(/^localhost\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/m);
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    changed: Number(recap?.[2]),
    failed: Number(recap?.[4]),
  };
}

const probeAnsible = () =>
  process.getuid?.() !== 0
    ? 'needs root (files owned by root; unshare -n)'
    : (probeCommand('ansible-playbook') ?? probeCommand('unshare', ['-n', 'true']));

describeWithFacility('ansible-playbook (Debian package ansible-core)', probeAnsible, () => {
  test('site.yml pushes the tree generate --root writes, reloads once, and fails the host on the drift vrfgen check finds', () => {
    const w = workspace();
    // --check --diff first: it shows each file it would write, and writes, reloads and checks nothing.
    const preview = playbook(w, '--check', '--diff');
    expect(preview.stdout).toContain('+Table=10\n');
    expect(preview.stdout).toMatch(
      /TASK \[vrfgen : Compare the state with the intent on the controller\] \*+\nskipping: \[localhost\]/,
    );
    expect(preview.failed, preview.stdout).toBe(0);
    expect(preview.code).toBe(0);
    expect(treeOf(w.root)).toEqual([]);
    expect(existsSync(w.log)).toBe(false);

    const first = playbook(w);
    expect(first.stdout).toContain('TASK [vrfgen : Fail when the host does not match its intent]');
    expect(first.stdout).toContain(
      `"msg": "vrfgen check exited 1 (1: drift, 2: could not check everything); report: ${w.reports}/localhost/report.txt"`,
    );
    expect(first.failed, first.stdout).toBe(1);
    expect(first.code).toBe(2);

    // What landed is what `generate --root` writes: paths, contents, modes, root:root.
    const root = mkdtempSync(join(tmpdir(), 'vrfgen-ansible-want-'));
    expect(vrfgen('generate', INTENT, '--root', root).code).toBe(0);
    expect(treeOf(w.root)).toEqual(treeOf(root));
    for (const p of treeOf(root)) {
      expect(read(join(w.root, p)), p).toBe(read(join(root, p)));
      expect(modeOf(join(w.root, p)), p).toBe(modeOf(join(root, p)));
      expect(statSync(join(w.root, p)).uid, p).toBe(0);
    }

    // The handler ran the manifest's reload commands, once, in order.
    const reloads =
      'networkctl reload\nsysctl --system\nsystemctl daemon-reload\nsystemctl start vrfgen-local-rule.service\nsystemctl restart snmpd.service ssh.service\n';
    expect(read(w.log)).toBe(reloads);

    // The report kept on the controller is `vrfgen check --state` on the state fetched from the host.
    const state = join(w.reports, 'localhost/state');
    const check = vrfgen('check', INTENT, '--state', state);
    expect(check.code).toBe(1);
    expect(read(join(w.reports, 'localhost/report.txt'))).toBe(check.stdout);
    // The namespace has no VRF: missing, or, on a kernel without VRF support (as on many container
    // hosts), unknown for the reason the kernel gives, which is said once.
    const noVrfSupport = /^kernel vrf +supported +none: .* drift /m.test(check.stdout);
    expect(check.stdout).toMatch(
      noVrfSupport ? /^link mgmt kind +vrf +\? kernel-vrf\.txt +unknown /m : /^link mgmt kind +vrf +absent +missing /m,
    );
    expect(check.stdout).toMatch(/^sysctl net\.ipv4\.tcp_l3mdev_accept +0 +0 +ok /m);

    // A second run changes nothing on the host and reloads nothing; the verdict stays.
    const second = playbook(w);
    expect(second.changed, second.stdout).toBe(0);
    expect(second.failed).toBe(1);
    expect(read(w.log)).toBe(reloads);
  }, 600_000);

  test('a manifest whose content does not match its hash stops the play before any reload (the check can fail)', () => {
    // vrfgen as a wrapper that edits one file's content in the manifest, not its sha256.
    const dir = mkdtempSync(join(tmpdir(), 'vrfgen-tamper-'));
    const tamper = join(dir, 'tamper.sh');
    writeFileSync(
      tamper,
      'out=$("$@"); rc=$?; printf "%s\\n" "$out" | sed "s|Address=10.0.10.21/24|Address=10.0.10.22/24|"; exit $rc\n',
    );
    const w = workspace(['sh', tamper, process.execPath, CLI]);
    const r = playbook(w);
    expect(r.stdout).toMatch(/^failed: \[localhost\] \(item=\/etc\/systemd\/network\/10-vrfgen-eth1\.network\)/m);
    expect(r.stdout).not.toContain('RUNNING HANDLER');
    expect(r.failed).toBe(1);
    expect(r.code).toBe(2);
  }, 600_000);
});
