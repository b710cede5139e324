/**
 * The golden trees, checked by the programs that read them at boot. A golden file is only right
 * when its consumer accepts it; these tests are the proof, and each shows it can fail.
 */
import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import {
  applySysctl,
  networkdComplaints,
  networkdLog,
  networkdTree,
  probeNetworkd,
  probeSidNetworkd,
  probeSysctl,
  readText,
  SID_NETWORKD,
  type Networkd,
} from '../support/consumers.ts';
import { platforms, type PlatformName } from '../../src/platforms/platforms.ts';
import { describeWithFacility, goldenCases, treeOf } from '../support/helpers.ts';

const cases = goldenCases();

/** networkd loads a case's tree: a complaint about no line of it, and every netdev of it loaded. */
async function loadsEveryFile(expected: string, networkd?: Networkd) {
  const dir = networkdTree(expected);
  // A canary with a key networkd does not know proves the folder was read at all.
  writeFileSync(join(dir, '99-canary.network'), '[Match]\nName=canary0\n\n[Network]\nVrfgenCanary=yes\n');
  const log = await networkdLog(dir, undefined, networkd);
  const complaints = log.split('\n').filter((l) => l.startsWith('/etc/systemd/network/'));
  expect(complaints.filter((l) => !/: Successfully loaded\.$|^Skipping file /.test(l))).toEqual([
    `/etc/systemd/network/99-canary.network:5: Unknown key 'VrfgenCanary' in section [Network], ignoring.`,
  ]);
  // 252 logs "NAME: loaded \"KIND\"", 262 "PATH: Successfully loaded.".
  for (const netdev of readdirSync(dir).filter((f) => f.endsWith('.netdev'))) {
    const name = readText(join(dir, netdev)).match(/^Name=(.+)$/m)![1]!;
    expect(log.includes(`${name}: loaded "`) || log.includes(`/${netdev}: Successfully loaded.`), netdev).toBe(true);
  }
}

describeWithFacility('systemd-networkd loads every golden .netdev/.network', probeNetworkd, () => {
  test.each(cases)('$name', async ({ expected }) => loadsEveryFile(expected), 30_000);

  test('a broken file is reported (the check can fail)', async () => {
    const dir = networkdTree(cases.find((c) => c.name === 'mgmt-and-production')!.expected);
    const f = join(dir, '10-vrfgen-eth1.network');
    writeFileSync(f, `${readText(f)}\n[Route]\nGateway=10.10.0.300\nTable=10\n\n[Network]\nBindToVRF=mgmt\n`);
    const complaints = await networkdComplaints(dir);
    expect(complaints.join('\n')).toMatch(/Gateway=10\.10\.0\.300|10\.10\.0\.300/);
    expect(complaints.join('\n')).toMatch(/Unknown key 'BindToVRF'/);
  }, 30_000);
});

/**
 * networkd.conf's drop-ins (the networkd target's, with BGP), read by the networkd of the case's
 * platform: Debian 12's 252 here, sid's 262 for a platform with systemd 256 or newer (which knows
 * ManageForeignNextHops=). A canary shows the folder was read.
 */
describeWithFacility('systemd-networkd reads every golden networkd.conf drop-in', probeSidNetworkd, () => {
  const CONF = 'networkd/etc/systemd/networkd.conf.d';
  const withConf = cases.filter((c) => treeOf(join(c.expected, CONF)).length > 0);

  test('there are cases with a drop-in', () => expect(withConf.length).toBeGreaterThan(0));

  test.each(withConf)(
    '$name',
    async ({ intent, expected }) => {
      const platform = (readText(intent).match(/^platform: (\S+)$/m)?.[1] ?? 'debian-12') as PlatformName;
      const conf = mkdtempSync(join(tmpdir(), 'vrfgen-networkd-conf-'));
      cpSync(join(expected, CONF), conf, { recursive: true });
      writeFileSync(join(conf, '99-canary.conf'), '[Network]\nVrfgenCanary=yes\n');
      const networkd = platforms[platform].systemd >= 256 ? SID_NETWORKD : undefined;
      const log = await networkdLog(networkdTree(expected), undefined, networkd, conf);
      expect(log.split('\n').filter((l) => l.startsWith('/etc/systemd/networkd.conf.d/'))).toEqual([
        `/etc/systemd/networkd.conf.d/99-canary.conf:2: Unknown key 'VrfgenCanary' in section [Network], ignoring.`,
      ]);
    },
    30_000,
  );
});

// The newest parser too (sid's 262): the keys vrfgen writes for Debian 13, Ubuntu 24.04 and systemd-260 hosts
// must still be known there, none of them deprecated away.
describeWithFacility('systemd-networkd 262 loads every golden .netdev/.network', probeSidNetworkd, () => {
  test.each(cases)('$name', async ({ expected }) => loadsEveryFile(expected, SID_NETWORKD), 30_000);
});

describeWithFacility('systemd-sysctl applies every golden sysctl.d file', probeSysctl, () => {
  const withSysctl = cases.filter((c) =>
    treeOf(join(c.expected, 'sysctl')).some((p) => p.startsWith('/etc/sysctl.d/')),
  );

  test('there are cases with a sysctl file', () => expect(withSysctl.length).toBeGreaterThan(0));

  test.each(withSysctl)('$name', ({ expected }) => {
    const path = treeOf(join(expected, 'sysctl')).find((p) => p.startsWith('/etc/sysctl.d/'))!;
    const content = readText(join(expected, 'sysctl', path));
    const want = Object.fromEntries([...content.matchAll(/^(net\.\S+) = (\d)$/gm)].map((m) => [m[1]!, m[2]!]));
    // Start from the opposite of every value, so a file that applies nothing cannot pass.
    const flipped = Object.entries(want)
      .map(([k, v]) => `${k} = ${v === '1' ? 0 : 1}`)
      .join('\n');
    const r = applySysctl(`${flipped}\n${content}`, Object.keys(want));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.values).toEqual(want);
  });

  test('a broken file is reported (the check can fail)', () => {
    const r = applySysctl('net.ipv4.tcp_l3mdev_accept = yes\nnet.ipv4.udp_l3mdev_accept 1\n', [
      'net.ipv4.tcp_l3mdev_accept',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/tcp_l3mdev_accept/);
    expect(r.stderr).toMatch(/not an assignment/);
  });
});
