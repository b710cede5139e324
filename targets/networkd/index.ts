import type { OutputFile, Target } from '../../src/render/target.ts';
import { routeView, ruleView } from './sections.ts';
import networkdForeign from './foreign.ts';

const DIR = '/etc/systemd/network';

/**
 * `10-` sorts before every distribution default (Debian ships 73-, 80-, 99- files) and before any
 * admin file from 11- on, so vrfgen's file is the one networkd applies to a link vrfgen manages
 * ("the first matching .network wins"). netplan's `10-netplan-*` still sorts first: a link that
 * netplan also configures keeps netplan's file — use the netplan target on such hosts.
 */
const PREFIX = '10-vrfgen-';

export default {
  name: 'networkd',
  kind: 'network',
  default: true,
  summary: 'systemd-networkd .netdev/.network files in /etc/systemd/network',
  owns: [`${DIR}/${PREFIX}*.netdev`, `${DIR}/${PREFIX}*.network`, `${DIR}/*.network.d/${PREFIX}*.conf`],
  // networkctl(1) of systemd 252: reload creates new netdevs and reconfigures every link whose
  // .network file is new, modified or removed. A changed VRF table still needs the device deleted.
  reload: () => [['networkctl', 'reload']],
  foreign: networkdForeign,
  render(model, { template }) {
    const file = (path: string, name: string, view: object): OutputFile => ({
      path,
      mode: 0o644,
      content: template(name, view),
    });
    return [
      ...model.vrfs.flatMap((vrf) => [
        file(`${DIR}/${PREFIX}${vrf.name}.netdev`, 'networkd/vrf.netdev.njk', { name: vrf.name, table: vrf.table }),
        file(`${DIR}/${PREFIX}${vrf.name}.network`, 'networkd/vrf.network.njk', {
          name: vrf.name,
          routes: vrf.routes.map(routeView),
          rules: vrf.rules.map(ruleView),
        }),
        ...vrf.members.flatMap((m) => [
          ...(m.vlan
            ? [file(`${DIR}/${PREFIX}${m.name}.netdev`, 'networkd/vlan.netdev.njk', { name: m.name, id: m.vlan.id })]
            : []),
          file(`${DIR}/${PREFIX}${m.name}.network`, 'networkd/member.network.njk', {
            name: m.name,
            vrf: vrf.name,
            addresses: m.addresses,
            vlans: m.vlans,
            routes: m.routes.map(routeView),
            rules: [],
          }),
        ]),
      ]),
      ...model.vlanParents.map((p) =>
        p.networkdFile
          ? file(`${DIR}/${p.networkdFile}.d/${PREFIX}vlans.conf`, 'networkd/vlans.conf.njk', {
              name: p.name,
              vlans: p.vlans,
            })
          : file(`${DIR}/${PREFIX}${p.name}.network`, 'networkd/trunk.network.njk', { name: p.name, vlans: p.vlans }),
      ),
    ];
  },
} satisfies Target;
