import type { Command, OutputFile, Target } from '../src/render/target.ts';
import { LOCAL_LOOKUP_PRIORITY } from '../src/check/facts.ts';
import { IP } from './services/binding.ts';

/**
 * The l3mdev keys the intent sets, and forwarding when a VRF runs BGP or OSPF (resolve-bgp.ts).
 * sysctl.d files from all directories are applied sorted by name, the latest name winning. 90-
 * comes after the distribution's 50-* defaults but before Debian's 99-sysctl.conf link to
 * /etc/sysctl.conf, so an admin's /etc/sysctl.conf keeps the last word (docs/targets/sysctl.md).
 */
const PATH = '/etc/sysctl.d/90-vrfgen-l3mdev.conf';

/** The unit that moves the kernel's local rule behind the l3mdev rule, and the drop-in that starts it. */
const LOCAL_RULE_UNIT = 'vrfgen-local-rule.service';
const LOCAL_RULE = `/etc/systemd/system/${LOCAL_RULE_UNIT}`;
const LOCAL_RULE_WANTS = `/etc/systemd/system/sysinit.target.d/${LOCAL_RULE_UNIT.replace(/\.service$/, '.conf')}`;

/**
 * One family's move as one shell line: added (the kernel refuses a second identical rule, so a
 * rerun adds nothing), then the old rule deleted only if the new one is in place.
 */
const moveLocalRule = (family: '-4' | '-6') => {
  const rule = `${IP} ${family} rule`;
  const at = `pref ${LOCAL_LOOKUP_PRIORITY} table local`;
  return (
    `ExecStart=/bin/sh -c '${rule} add ${at} protocol kernel 2>/dev/null; ` +
    `if ${rule} list ${at} | grep -q local; then ${rule} del pref 0 table local 2>/dev/null; fi; exit 0'`
  );
};

export default {
  name: 'sysctl',
  kind: 'system',
  default: true,
  summary: 'l3mdev kernel settings: sysctl.d drop-in (with BGP, forwarding too) and the local rule behind the VRFs',
  owns: [PATH, LOCAL_RULE, LOCAL_RULE_WANTS],
  reload(files) {
    const commands: Command[] = [];
    // procps applies every sysctl.d folder in the order systemd-sysctl does, later names winning.
    if (files.some((f) => f.path === PATH)) commands.push(['sysctl', '--system']);
    if (files.some((f) => f.path === LOCAL_RULE))
      commands.push(['systemctl', 'daemon-reload'], ['systemctl', 'start', LOCAL_RULE_UNIT]);
    return commands;
  },
  render(model, { template }) {
    const files: OutputFile[] = [];
    if (model.sysctls.length > 0)
      files.push({ path: PATH, mode: 0o644, content: template('sysctl/l3mdev.conf.njk', { sysctls: model.sysctls }) });
    if (model.vrfs.length > 0)
      files.push(
        {
          path: LOCAL_RULE,
          mode: 0o644,
          content: template('sysctl/local-rule.service.njk', { execStart: [moveLocalRule('-4'), moveLocalRule('-6')] }),
        },
        {
          path: LOCAL_RULE_WANTS,
          mode: 0o644,
          content: template('sysctl/local-rule-wants.conf.njk', { unit: LOCAL_RULE_UNIT }),
        },
      );
    return files;
  },
} satisfies Target;
