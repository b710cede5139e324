import type { OutputFile, Target } from '../../src/render/target.ts';
import foreign from './foreign.ts';
import { DIR, PREFIX, type Section } from './keyfile.ts';
import { memberProfile, portProfile, trunkProfile, vrfProfile } from './profiles.ts';
import { refused } from './refused.ts';

/** A key of a rendered profile (each is written once per file: [vlan] and [vxlan] alone hold `parent=`). */
const keyOf = (f: OutputFile, key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(f.content)?.[1];

/**
 * The order `nmcli connection up` takes the profiles in: VRFs and trunks, then the members, each
 * after the member its VLAN or VXLAN sits on (a VLAN needs its parent link), then the ports of
 * bridges and bonds, whose masters are up by then. Files come sorted by path, which would put eth1
 * before its VRF mgmt and bond1.20 before bond1.
 */
function activationOrder(files: readonly OutputFile[]): OutputFile[] {
  const members = new Map(
    files.filter((f) => keyOf(f, 'slave-type') === 'vrf').map((f) => [keyOf(f, 'interface-name'), f]),
  );
  const depth = (f: OutputFile): number => {
    const parent = members.get(keyOf(f, 'parent'));
    return parent ? depth(parent) + 1 : 0;
  };
  const stage = (f: OutputFile) => {
    const slave = keyOf(f, 'slave-type');
    return slave === undefined ? 0 : slave === 'vrf' ? 1 + depth(f) : files.length + 1;
  };
  return files
    .map((f, i) => ({ f, i, stage: stage(f) }))
    .sort((a, b) => a.stage - b.stage || a.i - b.i)
    .map(({ f }) => f);
}

export default {
  name: 'networkmanager',
  kind: 'network',
  summary: 'NetworkManager keyfiles in /etc/NetworkManager/system-connections (VRF, members, ports, VLAN trunks)',
  owns: [`${DIR}/${PREFIX}*.nmconnection`],
  foreign,
  // `reload` re-reads the keyfiles; `up` activates each profile, in activationOrder.
  reload: (files) => [
    ['nmcli', 'connection', 'reload'],
    ...activationOrder(files).map((f) => [
      'nmcli',
      'connection',
      'up',
      f.path.slice(DIR.length + 1, -'.nmconnection'.length),
    ]),
  ],
  render(model, { template, report }) {
    const nm = model.platform.networkManager;
    refused(model).forEach(report);
    const file = (name: string, sections: Section[]): OutputFile => ({
      path: `${DIR}/${PREFIX}${name}.nmconnection`,
      mode: 0o600,
      content: template('networkmanager/profile.nmconnection.njk', { sections }),
    });
    return [
      ...model.vrfs.flatMap((v) => [
        file(v.name, vrfProfile(v, nm)),
        ...v.members.map((m) => file(m.name, memberProfile(m, v.table, nm))),
      ]),
      ...model.ports.map((p) => file(p.name, portProfile(p, nm))),
      ...model.vlanParents.filter((p) => !p.networkdFile).map((p) => file(p.name, trunkProfile(p, nm))),
    ];
  },
  platformNotes({ networkManager: nm }) {
    return [
      nm.controllerKeys
        ? `NetworkManager ${nm.version}: ports carry controller=/port-type= (1.46+) beside master=/slave-type=`
        : `NetworkManager ${nm.version}: ports carry master=/slave-type= only (controller=/port-type= came in 1.46)`,
    ];
  },
} satisfies Target;
