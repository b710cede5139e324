/**
 * The services target's drop-ins, loaded by systemd's own unit loader together with the units they
 * modify: the real ones from Debian's packages (openssh-server, snmpd, chrony) and a case's test
 * units. A drop-in is right only when systemd-analyze verify prints nothing at all for the unit: no
 * unknown key (BindToVRF= would be one), no refusal (an ExecStart= without the empty reset), no
 * command that is not there. Each analyzer checks the profiles whose keys it knows.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { BIND_NETWORK_INTERFACE_SINCE } from '../../targets/services/binding.ts';
import { deviceUnit } from '../../src/systemd/device-unit.ts';
import { platforms } from '../../src/platforms/platforms.ts';
import { describeWithFacility, goldenCases, modelOf, ROOT, treeOf, vrfgen } from '../support/helpers.ts';
import {
  hostAnalyzer,
  probeDebianRoot,
  sidAnalyzer,
  verifyRoot,
  verifyUnits,
  type Analyzer,
} from '../support/systemd-analyze.ts';

/** Golden cases with services drop-ins: the units they modify and the files to put in place. */
const cases = await Promise.all(
  goldenCases().map(async (c) => {
    const dir = join(c.expected, 'services');
    const files = treeOf(dir)
      .filter((p) => p !== '/MANIFEST')
      .map((path) => ({ path, content: readFileSync(join(dir, path), 'utf8') }));
    const units = [...new Set(files.map((f) => f.path.match(/([^/]+)\.d\/[^/]+$/)![1]!))];
    const root = join(c.expected, '..', 'root');
    const { model } = await modelOf(c.intent);
    return { ...c, files, units, trees: existsSync(root) ? [root] : [], systemd: model!.platform.systemd };
  }),
).then((all) => all.filter((c) => c.files.length > 0));

const EXAMPLE = join(ROOT, 'examples/mgmt-and-production.yaml');
const SSH_DROP_IN = '/etc/systemd/system/ssh.service.d/vrfgen-vrf.conf';

function checks(a: Analyzer) {
  // BindNetworkInterface= is unknown before 260, so a 260 profile is only checked by a new enough analyzer.
  const mine = cases.filter(
    (c) => c.systemd < BIND_NETWORK_INTERFACE_SINCE || a.version >= BIND_NETWORK_INTERFACE_SINCE,
  );

  test('there are cases to check', () => expect(mine.length).toBeGreaterThanOrEqual(3));

  test.each(mine)('$name: every unit loads with its drop-in, without a word', ({ trees, files, units }) => {
    const r = verifyUnits(a, verifyRoot(trees, files), units);
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  // The whole run on a real tree: the units are read from the Debian packages under --root.
  const profiles = (['debian-12', 'systemd-260'] as const).filter(
    (p) => platforms[p].systemd < BIND_NETWORK_INTERFACE_SINCE || a.version >= BIND_NETWORK_INTERFACE_SINCE,
  );
  test.each(profiles)(
    'vrfgen generate <example> --target networkd,sysctl,services --platform %s --root <Debian 12 tree>',
    (platform) => {
      const root = verifyRoot([], []);
      const g = vrfgen(
        'generate',
        EXAMPLE,
        '--target',
        'networkd,sysctl,services',
        '--platform',
        platform,
        '--root',
        root,
      );
      expect(g.stderr).toBe('');
      expect(g.stdout).toContain('create /etc/systemd/system/ssh.service.d/vrfgen-vrf.conf\n');
      const r = verifyUnits(a, root, ['ssh.service']);
      expect(r.output).toBe('');
      expect(r.code).toBe(0);
    },
  );

  // The same check, fed what vrfgen must never write, fails: it can tell a binding from a no-op.
  test('a BindToVRF= drop-in fails the check (systemd has no such key)', () => {
    const r = verifyUnits(a, verifyRoot([], [{ path: SSH_DROP_IN, content: '[Service]\nBindToVRF=mgmt\n' }]), [
      'ssh.service',
    ]);
    expect(r.output).toBe(`${SSH_DROP_IN}:2: Unknown key 'BindToVRF' in section [Service], ignoring.\n`);
  });

  test('a unit with drop-ins and no unit file is not found (why vrfgen refuses one: service/unit-not-found)', () => {
    const dropIn = { path: '/etc/systemd/system/orphan.service.d/vrfgen-vrf.conf', content: '[Service]\nNice=5\n' };
    const r = verifyUnits(a, verifyRoot([], [dropIn]), ['orphan.service']);
    expect(r.output).toBe('Unit orphan.service not found.\n');
    expect(r.code).not.toBe(0);
  });

  test('a wrapper without the empty ExecStart= reset fails the check (systemd refuses the unit)', () => {
    const content = '[Service]\nExecStart=/sbin/ip vrf exec mgmt /usr/sbin/sshd -D $SSHD_OPTS\n';
    const r = verifyUnits(a, verifyRoot([], [{ path: SSH_DROP_IN, content }]), ['ssh.service']);
    expect(r.output).toContain(
      'ssh.service: Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.',
    );
    expect(r.code).not.toBe(0);
  });
}

describeWithFacility('Debian 12 units (unpacked openssh-server, snmpd, chrony)', probeDebianRoot, () => {
  const host = hostAnalyzer();
  describeWithFacility(
    'systemd-analyze verify, systemd package',
    () => (typeof host === 'string' ? host : undefined),
    () => {
      checks(host as Analyzer);

      test('systemd 252 does not know BindNetworkInterface= (why 260 profiles need the newer analyzer)', () => {
        const content = '[Service]\nBindNetworkInterface=mgmt\n';
        const r = verifyUnits(host as Analyzer, verifyRoot([], [{ path: SSH_DROP_IN, content }]), ['ssh.service']);
        expect(r.output).toBe(`${SSH_DROP_IN}:2: Unknown key 'BindNetworkInterface' in section [Service], ignoring.\n`);
      });

      test.each(['mgmt', 'oob-mgmt', 'a.b_c-d'])(
        'the device unit of VRF %s is named as systemd-escape --path names it',
        (name) => {
          const r = spawnSync('systemd-escape', ['--path', '--suffix=device', `/sys/subsystem/net/devices/${name}`], {
            encoding: 'utf8',
          });
          expect(r.status).toBe(0);
          expect(deviceUnit(name)).toBe(r.stdout.trim());
        },
      );
    },
  );

  const sid = sidAnalyzer();
  const newEnough = () =>
    typeof sid === 'string'
      ? sid
      : sid.version < BIND_NETWORK_INTERFACE_SINCE
        ? `${sid.name} is older than ${BIND_NETWORK_INTERFACE_SINCE}`
        : undefined;
  describeWithFacility(
    `systemd-analyze verify, systemd ${BIND_NETWORK_INTERFACE_SINCE} or newer (sid)`,
    newEnough,
    () => {
      checks(sid as Analyzer);
    },
  );
});
