/**
 * `vrfgen generate` and `vrfgen targets` for the netplan, ifupdown2 and classic ifupdown targets,
 * through the CLI: one network target per run, modes, idempotency, platform-dependent trees and
 * what is pruned when the platform changes, and the check that ifupdown actually reads the file.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { modeOf, ROOT, treeOf, vrfgen } from '../support/helpers.ts';

const EXAMPLE = join(ROOT, 'examples/mgmt-and-production.yaml');
const EXPECTED = join(ROOT, 'test/golden/mgmt-and-production/expected');
const tmp = () => mkdtempSync(join(tmpdir(), 'vrfgen-root-'));
const NOT_BOUND = /warning generate\/service-not-bound/;

describe('one network stack per run', () => {
  test.each(['networkd,netplan', 'netplan,ifupdown2', 'ifupdown2,ifupdown,sysctl'])(
    '--target %s → exit 2, nothing written',
    (list) => {
      const root = tmp();
      const r = vrfgen('generate', EXAMPLE, '--target', list, '--root', root);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^vrfgen: choose one network-stack target per run, not \S+ and \S+\n$/);
      expect(treeOf(root)).toEqual([]);
    },
  );
});

describe('generate --target netplan', () => {
  test('writes the golden tree (YAML 0600, drop-ins 0644); a second run changes nothing', () => {
    const root = tmp();
    const first = vrfgen('generate', EXAMPLE, '--target', 'netplan,sysctl', '--root', root);
    expect(first.code).toBe(0);
    const want = treeOf(join(EXPECTED, 'netplan')).filter((p) => p !== '/MANIFEST');
    const sysctl = treeOf(join(EXPECTED, 'sysctl'));
    expect(treeOf(root).filter((p) => !sysctl.includes(p))).toEqual(want);
    for (const p of want) {
      expect(readFileSync(join(root, p), 'utf8'), p).toBe(readFileSync(join(EXPECTED, 'netplan', p), 'utf8'));
      expect(modeOf(join(root, p)), p).toBe(p.startsWith('/etc/netplan/') ? '0600' : '0644');
    }
    const mtimes = want.map((p) => statSync(join(root, p)).mtimeMs);
    const second = vrfgen('generate', EXAMPLE, '--target', 'netplan,sysctl', '--root', root);
    expect(second.stdout).toMatch(/^0 changed, \d+ unchanged under /m);
    expect(want.map((p) => statSync(join(root, p)).mtimeMs)).toEqual(mtimes);
  });

  test('--platform changes the tree: on Debian 13 the drop-ins go, and so do their emptied folders', () => {
    const root = tmp();
    vrfgen('generate', EXAMPLE, '--target', 'netplan', '--root', root);
    const dropIn = '/etc/systemd/network/10-netplan-mgmt.network.d/10-vrfgen-routes.conf';
    expect(existsSync(join(root, dropIn))).toBe(true);
    const r = vrfgen('generate', EXAMPLE, '--target', 'netplan', '--root', root, '--platform', 'debian-13');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`remove ${dropIn}\n`);
    expect(r.stdout).toContain('update /etc/netplan/90-vrfgen.yaml\n');
    expect(treeOf(root)).toEqual(['/etc/netplan/90-vrfgen.yaml']);
    expect(readFileSync(join(root, '/etc/netplan/90-vrfgen.yaml'), 'utf8')).toContain('metric: 4278198272');
  });
});

describe('generate --target ifupdown2 | ifupdown', () => {
  const DEBIAN_INTERFACES =
    '# interfaces(5) file used by ifup(8) and ifdown(8)\n# Include files from /etc/network/interfaces.d:\nsource /etc/network/interfaces.d/*\n';
  const withInterfaces = (content?: string) => {
    const root = tmp();
    if (content !== undefined) {
      mkdirSync(join(root, 'etc/network'), { recursive: true });
      writeFileSync(join(root, 'etc/network/interfaces'), content);
    }
    return root;
  };

  test.each(['ifupdown2', 'ifupdown'])(
    '%s: the golden tree; the JSON policy is recognised as vrfgen’s own on the next run',
    (target) => {
      const root = withInterfaces(DEBIAN_INTERFACES);
      const r = vrfgen('generate', EXAMPLE, '--target', target, '--root', root);
      expect(r.stderr.split('\n').filter((l) => / (warning|error) /.test(l) && !NOT_BOUND.test(l))).toEqual([]);
      const want = treeOf(join(EXPECTED, target)).filter((p) => p !== '/MANIFEST');
      expect(treeOf(root)).toEqual(['/etc/network/interfaces', ...want].sort());
      for (const p of want)
        expect(readFileSync(join(root, p), 'utf8'), p).toBe(readFileSync(join(EXPECTED, target, p), 'utf8'));
      expect(vrfgen('generate', EXAMPLE, '--target', target, '--root', root).stdout).toMatch(/^0 changed, /m);
    },
  );

  test('a foreign policy file at vrfgen’s path is refused', () => {
    const root = withInterfaces(DEBIAN_INTERFACES);
    mkdirSync(join(root, 'etc/network/ifupdown2/policy.d'), { recursive: true });
    writeFileSync(
      join(root, 'etc/network/ifupdown2/policy.d/vrfgen.json'),
      '{"vrf": {"module_globals": {"vrf-table-id-start": 1}}}\n',
    );
    const r = vrfgen('generate', EXAMPLE, '--target', 'ifupdown2', '--root', root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error write/foreign-file: /etc/network/ifupdown2/policy.d/vrfgen.json: exists and was not written by vrfgen',
    );
  });

  test.each([
    ['ifupdown2', 'no /etc/network/interfaces', undefined, 'does not exist'],
    ['ifupdown2', 'interfaces without a source line', 'auto lo\niface lo inet loopback\n', 'does not include it'],
    // ifupdown2 has no source-directory; classic ifupdown has.
    ['ifupdown2', 'only source-directory', 'source-directory /etc/network/interfaces.d\n', 'does not include it'],
    ['ifupdown', 'interfaces without a source line', 'auto lo\niface lo inet loopback\n', 'does not include it'],
  ])('%s, %s: warns that ifup will not read the file', (target, _what, content, problem) => {
    const root = withInterfaces(content);
    const r = vrfgen('generate', EXAMPLE, '--target', target, '--root', root);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `warning generate/not-included: /etc/network/interfaces.d/vrfgen: /etc/network/interfaces ${problem}, so ${target} will not read vrfgen's file; add \`source /etc/network/interfaces.d/*\` to /etc/network/interfaces\n`,
    );
  });

  test.each([
    ['ifupdown2', DEBIAN_INTERFACES],
    ['ifupdown', 'auto lo\niface lo inet loopback\nsource-directory /etc/network/interfaces.d/\n'],
  ])('%s with an interfaces file that includes it: no warning', (target, content) => {
    const r = vrfgen('generate', EXAMPLE, '--target', target, '--root', withInterfaces(content));
    expect(r.stderr).not.toContain('generate/not-included');
  });

  test('classic ifupdown refuses a PARENT.ID name with other VLAN settings; nothing is written', () => {
    const root = withInterfaces(DEBIAN_INTERFACES);
    const intent = join(ROOT, 'test/golden/classic-vlan-name/intent.yaml');
    const r = vrfgen('generate', intent, '--target', 'ifupdown', '--root', root);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /intent\.yaml:\d+:\d+: error ifupdown\/vlan-name: member 'eth0\.100': classic ifupdown creates 'eth0\.100' itself as VLAN 100 on 'eth0', not VLAN 200 on 'eth1'/,
    );
    expect(treeOf(root)).toEqual(['/etc/network/interfaces']);
    expect(vrfgen('generate', intent, '--target', 'ifupdown2', '--root', root).code).toBe(0);
  });
});

describe('targets --platform', () => {
  test('shows what each target does differently there', () => {
    const d12 = vrfgen('targets', '--platform', 'debian-12');
    expect(d12.code).toBe(0);
    expect(d12.stdout).toMatch(/^platform debian-12: Debian 12 "bookworm"\n/);
    expect(d12.stdout).toContain(
      '- netplan 0.106: routes under vrfs: without routing-policy crash netplan generate (LP #2016427, fixed in 0.106.1); they go into networkd drop-ins\n',
    );
    expect(d12.stdout).toContain(
      '- netplan 0.106: metrics above 2147483647 come out negative (LP #2023681, fixed in 0.107)',
    );
    expect(d12.stdout).toContain(
      '- ifupdown2 3.0.0: tables outside 1001–5000 get a policy file that widens the range\n',
    );
    const d13 = vrfgen('targets', '--platform', 'debian-13');
    expect(d13.stdout).toContain('- netplan 1.1.2: VRF routes under vrfs:, with or without routing-policy\n');
    expect(d13.stdout).toContain('- netplan 1.1.2: warns about rules without a priority;');
    expect(vrfgen('targets', '--platform', 'debian-11').code).toBe(2);
  });
});
