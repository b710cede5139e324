import type { Target } from '../../src/render/target.ts';
import {
  CONF_DIR,
  DIR,
  memberFiles,
  parentFile,
  portFile,
  PREFIX,
  readsOwnSettings,
  RESTART,
  routingDaemonFiles,
  vrfFiles,
} from './files.ts';
import { underlays } from './links.ts';
import networkdForeign from './foreign.ts';

export default {
  name: 'networkd',
  kind: 'network',
  default: true,
  summary: 'systemd-networkd .netdev/.network files in /etc/systemd/network',
  owns: [
    `${DIR}/${PREFIX}*.netdev`,
    `${DIR}/${PREFIX}*.network`,
    `${DIR}/*.network.d/${PREFIX}*.conf`,
    `${CONF_DIR}/${PREFIX}*.conf`,
  ],
  // networkctl(1) of systemd 252: reload creates new netdevs and reconfigures every link whose
  // .network file is new, modified or removed. A changed VRF table still needs the device deleted.
  // networkd reads its own settings (networkd.conf.d) only when it starts: a restart does all a
  // reload does and takes them too.
  reload: (files) => [readsOwnSettings(files) ? RESTART : ['networkctl', 'reload']],
  foreign: networkdForeign,
  render(model, { template }) {
    const u = underlays(model);
    return [
      ...model.vrfs.flatMap((vrf) => [
        ...vrfFiles(template, vrf),
        ...vrf.members.flatMap((m) => memberFiles(template, vrf, m, u)),
      ]),
      ...model.ports.map((p) => portFile(template, model, p, u)),
      ...model.vlanParents.map((p) => parentFile(template, p.name, p.vlans, u, p)),
      ...routingDaemonFiles(template, model),
    ];
  },
} satisfies Target;
