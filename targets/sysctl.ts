import type { Target } from '../src/render/target.ts';

/**
 * The l3mdev keys the intent sets, and forwarding when a VRF runs BGP (resolve-bgp.ts).
 * sysctl.d files from all directories are applied sorted by name, the latest name winning. 90-
 * comes after the distribution's 50-* defaults but before Debian's 99-sysctl.conf link to
 * /etc/sysctl.conf, so an admin's /etc/sysctl.conf keeps the last word (docs/targets/sysctl.md).
 */
const PATH = '/etc/sysctl.d/90-vrfgen-l3mdev.conf';

export default {
  name: 'sysctl',
  kind: 'system',
  default: true,
  summary: 'net.ipv4.*_l3mdev_accept drop-in in /etc/sysctl.d (with BGP, forwarding too)',
  owns: [PATH],
  // procps applies every sysctl.d folder in the order systemd-sysctl does, later names winning.
  reload: () => [['sysctl', '--system']],
  render(model, { template }) {
    if (model.sysctls.length === 0) return [];
    return [{ path: PATH, mode: 0o644, content: template('sysctl/l3mdev.conf.njk', { sysctls: model.sysctls }) }];
  },
} satisfies Target;
