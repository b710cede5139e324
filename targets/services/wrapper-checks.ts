import { error, type Diagnostic, type Path } from '../../src/diagnostics/diagnostics.ts';
import { privileged, type ExecCommand } from '../../src/systemd/exec-command.ts';
import { where, type UnitFacts } from '../../src/systemd/unit-facts.ts';
import {
  addressFamilyAllowed,
  boundingSetHas,
  lastValue,
  listValue,
  parseBoolean,
} from '../../src/systemd/unit-file.ts';

/**
 * What `ip vrf exec` needs from the unit it runs in (ip-vrf(8), iproute2 ip/ipvrf.c): it creates a
 * cgroup under the unit's own, loads a cgroup/sock BPF program there and asks the kernel over netlink
 * whether the VRF exists — as root with CAP_SYS_ADMIN, CAP_NET_ADMIN and CAP_DAC_OVERRIDE. A unit that
 * takes any of that away makes the wrapper exit 255 at start, so each case is an error here, with the
 * setting that causes it (systemd#20451 met the first one).
 */
const NEEDED_CAPS = ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN', 'CAP_DAC_OVERRIDE'];

/** Types under which the wrapper is transparent: it execs the command (no fork), so MainPID, sd_notify and forking all behave as before. */
const TYPES = new Set(['simple', 'exec', 'forking', 'oneshot', 'dbus', 'notify', 'notify-reload', 'idle']);

export function wrapperProblems(
  unit: string,
  facts: UnitFacts,
  commands: readonly ExecCommand[],
  at: Path,
): Diagnostic[] {
  const s = facts.settings;
  const out: Diagnostic[] = [];
  const subject = `service '${unit}'`;
  // `+` lifts User=, capability and namespace restrictions for that command; `!` lifts User= only.
  const allPrivileged = commands.every((c) => privileged(c, 'all'));
  const userKept = commands.every((c) => privileged(c, 'user'));

  const pcg = lastValue(s, 'Service', 'ProtectControlGroups');
  if (pcg && parseBoolean(pcg.value) !== false && !allPrivileged) {
    out.push(
      error(
        'service/protect-control-groups',
        at,
        `${subject}: ProtectControlGroups=${pcg.value} (${where(pcg)}) makes the cgroup tree read-only, and \`ip vrf exec\` must create a cgroup to bind the process; use a platform with systemd 260 or newer (BindNetworkInterface=), or drop the setting in a drop-in of your own`,
      ),
    );
  }

  if (!allPrivileged) {
    const missing = NEEDED_CAPS.filter((c) => !boundingSetHas(s, c));
    const bounding = listValue(s, 'Service', 'CapabilityBoundingSet').at(-1);
    if (missing.length && bounding) {
      out.push(
        error(
          'service/capabilities',
          at,
          `${subject}: CapabilityBoundingSet= (${where(bounding)}) removes ${missing.join(', ')}, which \`ip vrf exec\` needs to load its BPF program`,
        ),
      );
    }
    const userns = lastValue(s, 'Service', 'PrivateUsers');
    if (userns && parseBoolean(userns.value) !== false) {
      out.push(
        error(
          'service/capabilities',
          at,
          `${subject}: PrivateUsers=${userns.value} (${where(userns)}) leaves the service capabilities only inside a user namespace; \`ip vrf exec\` needs them on the host to load its BPF program`,
        ),
      );
    }
    const families = listValue(s, 'Service', 'RestrictAddressFamilies').at(-1);
    if (families && !addressFamilyAllowed(s, 'AF_NETLINK')) {
      out.push(
        error(
          'service/address-families',
          at,
          `${subject}: RestrictAddressFamilies= (${where(families)}) forbids AF_NETLINK, which \`ip vrf exec\` uses to look the VRF up`,
        ),
      );
    }
  }

  if (!userKept) {
    const user = lastValue(s, 'Service', 'User');
    const dynamic = lastValue(s, 'Service', 'DynamicUser');
    if (user && user.value !== 'root' && user.value !== '0') {
      out.push(
        error(
          'service/user',
          at,
          `${subject}: User=${user.value} (${where(user)}) runs ExecStart= without the privileges \`ip vrf exec\` needs; start it as root and drop privileges in the daemon (many have an option for it), or use systemd 260 or newer`,
        ),
      );
    } else if (dynamic && parseBoolean(dynamic.value)) {
      out.push(
        error(
          'service/user',
          at,
          `${subject}: DynamicUser=${dynamic.value} (${where(dynamic)}) runs ExecStart= as an unprivileged user; \`ip vrf exec\` needs root`,
        ),
      );
    }
  }

  const type = lastValue(s, 'Service', 'Type');
  if (type && !TYPES.has(type.value)) {
    out.push(
      error(
        'service/type',
        at,
        `${subject}: Type=${type.value} (${where(type)}) is not a type vrfgen knows \`ip vrf exec\` to keep working under`,
      ),
    );
  } else if (commands.length > 1 && (type?.value ?? 'simple') !== 'oneshot') {
    out.push(
      error(
        'service/type',
        at,
        `${subject}: ${commands.length} ExecStart= lines, but Type=${type?.value ?? 'simple'}${type ? ` (${where(type)})` : ''} allows one; systemd would refuse the unit`,
      ),
    );
  }
  return out;
}
