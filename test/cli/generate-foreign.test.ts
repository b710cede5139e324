/**
 * `vrfgen generate` with the admin's own files of the chosen stack under --root
 * (src/pipeline/foreign.ts): a link or VRF both declare is reported at the intent entry with the
 * other file's path and line, an error where the stack refuses the configuration or keeps one
 * definition only (and then nothing is written), a warning where both apply. Each case copies
 * test/cli/foreign/<case>/root into a temporary root, so the host's /etc is never read.
 */
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT, treeOf, vrfgen } from '../support/helpers.ts';

const CASES = join(ROOT, 'test/cli/foreign');
const INTENT = 'test/cli/foreign/intent.yaml';
const BR1 = `${INTENT}:8:7`;
const ETH2 = `${INTENT}:9:7`;
const BLUE = `${INTENT}:5:3`;
const excerpt = {
  br1: '        br1: {addresses: [192.0.2.1/24]}\n        ^\n',
  eth2: '        eth2: {addresses: [198.51.100.1/24]}\n        ^\n',
  blue: '    blue:\n    ^\n',
};

const rootOf = (c: string) => {
  const root = mkdtempSync(join(tmpdir(), 'vrfgen-foreign-'));
  cpSync(join(CASES, c, 'root'), root, { recursive: true });
  return root;
};

describe('an error: reported at the intent entry, and nothing is written', () => {
  test.each([
    [
      'netplan-device-type',
      'netplan',
      `${BR1}: error generate/foreign-conflict: member 'br1': /etc/netplan/01-admin.yaml:6 declares br1 under bridges, vrfgen's /etc/netplan/90-vrfgen.yaml under ethernets: netplan refuses the whole configuration ("Updated definition 'br1' changes device type") and nothing is configured at boot; remove br1 from that file or from the intent\n` +
        excerpt.br1,
    ],
    [
      'networkd-first',
      'networkd',
      `${BLUE}: error generate/foreign-conflict: vrf 'blue': /usr/lib/systemd/network/30-blue.netdev:2 creates blue too (Kind=vrf): networkd creates a device from the first .netdev in file-name order that names it, here /etc/systemd/network/10-vrfgen-blue.netdev, and ignores the other ("Device was already configured by …"); remove blue from that file or from the intent\n` +
        excerpt.blue +
        `${ETH2}: error generate/foreign-conflict: member 'eth2': /etc/systemd/network/05-admin.network:2 matches eth2 and sorts before vrfgen's /etc/systemd/network/10-vrfgen-eth2.network: networkd configures a link with the first matching .network file only, so it ignores vrfgen's; remove eth2 from that file or from the intent\n` +
        excerpt.eth2,
    ],
    [
      'networkmanager-autoconnect',
      'networkmanager',
      `${ETH2}: error generate/foreign-conflict: member 'eth2': /etc/NetworkManager/system-connections/Wired.nmconnection:5 is a profile for eth2 too ('Wired connection 1'): NetworkManager activates one profile per device, the one with the higher autoconnect-priority, else the one activated last, so vrfgen's /etc/NetworkManager/system-connections/vrfgen-eth2.nmconnection may not be the one applied; remove that profile, or set autoconnect=false in it\n` +
        excerpt.eth2,
    ],
    ...['ifupdown2', 'ifupdown'].map((t) => [
      'ifupdown-other-vrf',
      t,
      `${ETH2}: error generate/foreign-conflict: member 'eth2': /etc/network/interfaces:5 puts eth2 into VRF red, vrfgen enslaves it to vrf blue: a link has one master, so one of the two is lost; remove eth2 from one of them\n` +
        excerpt.eth2,
    ]),
  ])('%s, --target %s', (c, target, stderr) => {
    const root = rootOf(c);
    const before = treeOf(root);
    const r = vrfgen('generate', INTENT, '--target', target, '--root', root);
    expect(r.stderr).toBe(stderr);
    expect(r.code).toBe(1);
    expect(treeOf(root)).toEqual(before);
  });
});

describe('a warning: both apply, and vrfgen writes its files', () => {
  test.each([
    [
      'netplan-merged',
      'netplan',
      `${ETH2}: warning generate/foreign-overlap: member 'eth2': /etc/netplan/01-admin.yaml:4 declares eth2 under ethernets too: netplan merges the two definitions, the file that sorts last winning each key and addresses adding up; move its settings into the intent, or remove them\n` +
        excerpt.eth2,
    ],
    [
      'networkd-catch-all',
      'networkd',
      `${ETH2}: warning generate/foreign-overlap: member 'eth2': /etc/systemd/network/99-dhcp.network:2 matches eth2 (eth*) but sorts after vrfgen's /etc/systemd/network/10-vrfgen-eth2.network: networkd configures eth2 with vrfgen's file and the other links it matches with this one\n` +
        excerpt.eth2,
    ],
    [
      'networkmanager-manual',
      'networkmanager',
      `${ETH2}: warning generate/foreign-overlap: member 'eth2': /etc/NetworkManager/system-connections/Wired.nmconnection:5 is a profile for eth2 too ('Wired connection 1', autoconnect=false): NetworkManager leaves it down at boot, but activating it by hand takes eth2 from vrfgen's /etc/NetworkManager/system-connections/vrfgen-eth2.nmconnection\n` +
        excerpt.eth2,
    ],
    [
      'ifupdown-dhcp',
      'ifupdown2',
      `${ETH2}: warning generate/foreign-overlap: member 'eth2': /etc/network/interfaces.d/uplink:2 has a stanza for eth2 too: ifupdown2 merges the options of both stanzas, so its settings apply on top of vrfgen's; move them into the intent, or remove the stanza\n` +
        excerpt.eth2,
    ],
    [
      'ifupdown-dhcp',
      'ifupdown',
      `${ETH2}: warning generate/foreign-overlap: member 'eth2': /etc/network/interfaces.d/uplink:2 has a stanza for eth2 too: ifup configures it once per stanza, one after the other, so its settings apply on top of vrfgen's; move them into the intent, or remove the stanza\n` +
        excerpt.eth2,
    ],
    [
      'netplan-unparsable',
      'netplan',
      'warning generate/foreign-unreadable: /etc/netplan/01-admin.yaml:5: cannot be parsed (Flow map in block collection must be sufficiently indented and end with a }); vrfgen cannot tell whether it declares links vrfgen writes too\n',
    ],
  ])('%s, --target %s', (c, target, stderr) => {
    const root = rootOf(c);
    const r = vrfgen('generate', INTENT, '--target', target, '--root', root);
    expect(r.stderr).toBe(stderr);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+ changed, 0 unchanged under /m);
  });
});

describe('the files are read inside the root', () => {
  test("an absolute link is followed under the root, never to the host's file of that name", () => {
    const root = rootOf('netplan-merged');
    // The host's file the link names would clash; the root's copy of that path does not exist.
    const host = mkdtempSync(join(tmpdir(), 'vrfgen-host-'));
    writeFileSync(join(host, 'admin.yaml'), 'network:\n  version: 2\n  bonds:\n    br1: {}\n');
    symlinkSync(join(host, 'admin.yaml'), join(root, 'etc/netplan/02-host.yaml'));
    // This one resolves inside the root, to a file that clashes.
    mkdirSync(join(root, 'srv'));
    writeFileSync(join(root, 'srv/admin.yaml'), 'network:\n  version: 2\n  bonds:\n    br1: {}\n');
    symlinkSync('/srv/admin.yaml', join(root, 'etc/netplan/03-link.yaml'));
    const r = vrfgen('generate', INTENT, '--target', 'netplan', '--root', root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${BR1}: error generate/foreign-conflict: member 'br1': /etc/netplan/03-link.yaml:4 declares br1 under bonds`,
    );
    expect(r.stderr).not.toContain('02-host.yaml');
  });

  test('files of another stack are not read: the networkd target leaves netplan YAML alone', () => {
    const r = vrfgen('generate', INTENT, '--target', 'networkd', '--root', rootOf('netplan-device-type'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
