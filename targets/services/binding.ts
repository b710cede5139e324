import { basename } from 'node:path';
import { error, warning, type Diagnostic, type Path } from '../../src/diagnostics/diagnostics.ts';
import { splitExecPrefix, unwrappableReason } from '../../src/systemd/exec-command.ts';
import type { Model, Service } from '../../src/model/model.ts';
import { unitFacts, where, type UnitFacts } from '../../src/systemd/unit-facts.ts';
import { lastValue, listValue, parseBoolean } from '../../src/systemd/unit-file.ts';
import type { UnitFiles } from '../../src/systemd/read-units.ts';
import { wrapperProblems } from './wrapper-checks.ts';

/**
 * How each unit the intent lists really gets into its VRF. There is no `BindToVRF=` in systemd (252
 * logs "Unknown key 'BindToVRF'" and starts the unit unbound); what binds is, per unit kind and
 * systemd version (backends.md §5):
 * - socket units: `[Socket] BindToDevice=` — the listener is created by PID 1, so only the socket can
 *   carry the binding (systemd.socket(5));
 * - services on systemd ≥ 260: `[Service] BindNetworkInterface=` (systemd.resource-control(5), "Added
 *   in version 260"), a cgroup BPF hook installed by PID 1;
 * - older services: ExecStart= reset and run through `ip vrf exec VRF`, which installs the same hook
 *   from inside the unit — so the unit must let it (targets/services/wrapper-checks.ts).
 * Pure: facts about unit files come in as data (src/systemd/read-units.ts).
 */
export type BindMethod = 'ip-vrf-exec' | 'bind-network-interface' | 'bind-to-device';

export interface Binding {
  /** The unit that gets the drop-in (an alias resolved to the unit itself). */
  readonly unit: string;
  readonly vrf: string;
  readonly method: BindMethod;
  /** ip-vrf-exec: the ExecStart= lines that replace the unit's (after an empty reset line). */
  readonly execStart: readonly string[];
  /** Where the original command lines came from: 'the intent', a unit file path, or a table entry. */
  readonly from?: string;
  /** For a socket bound because it starts a listed service: that service. */
  readonly activates?: string;
  readonly at: Path;
}

/** systemd version that brought BindNetworkInterface= (systemd.resource-control(5)). */
export const BIND_NETWORK_INTERFACE_SINCE = 260;

/** iproute2 installs ip as /bin/ip and /sbin/ip on Debian and Ubuntu; /sbin/ip also resolves on merged-/usr systems. */
export const IP = '/sbin/ip';

/**
 * File name of vrfgen's drop-in. Drop-ins are applied in file-name order and the last ExecStart=
 * reset wins, so vrfgen's must sort after the usual admin ones (`override.conf` from `systemctl edit`,
 * `50-…`): "vrfgen-" does; one that still sorts later is reported (service/overridden).
 */
export const DROP_IN = 'vrfgen-vrf.conf';

/** Nothing read: the same answers as a tree without the unit. */
const NO_UNITS: UnitFiles = new Map();

/**
 * Decide the binding of every listed unit; report each one that cannot be bound and why. `units` are
 * the unit files read under the root, undefined when no tree was read (see RenderContext.units).
 */
export function bindServices(
  model: Model,
  units: UnitFiles | undefined,
): { bindings: Binding[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const bound = new Map<string, Binding>();
  const services = model.vrfs.flatMap((v) => v.services);
  const facts = (name: string) => unitFacts(name, units ?? NO_UNITS, model.platform.units);
  // The sockets the table's services are started by come in the same package.
  const tableSockets = new Set(
    Object.values(model.platform.units).flatMap((u) => (u.activatedBy ? [u.activatedBy] : [])),
  );
  const listedSockets = new Map(
    services.filter((s) => s.kind === 'socket').map((s) => [facts(s.unit)?.id ?? s.unit, s]),
  );

  const add = (b: Binding, s: Service) => {
    const other = bound.get(b.unit);
    if (!other) bound.set(b.unit, b);
    else if (other.vrf === b.vrf)
      diagnostics.push(
        error(
          'service/duplicate',
          s.at,
          `vrf '${s.vrf}': service '${s.unit}' is ${b.unit} again, already listed as '${unitAt(services, other)}'`,
        ),
      );
    else
      diagnostics.push(
        error(
          'service/two-vrfs',
          s.at,
          `vrf '${s.vrf}': service '${s.unit}' is ${b.unit}, already bound to vrf '${other.vrf}'; a process runs in one VRF`,
        ),
      );
  };

  for (const s of services) {
    const f = facts(s.unit);
    if (units && !loadable(f) && !tableSockets.has(s.unit)) {
      diagnostics.push(notFound(s, model.platformName));
      continue;
    }
    const problems = anyMethodProblems(s, f);
    if (problems.length) {
      diagnostics.push(...problems);
      continue;
    }
    const id = f?.id ?? s.unit;
    if (s.kind === 'socket') {
      if (s.execStart)
        diagnostics.push(unused(s, 'a socket unit is bound with BindToDevice=; its listener has no command to wrap'));
      if (!overridden(s, f, 'Socket', 'BindToDevice', diagnostics))
        add({ unit: id, vrf: s.vrf, method: 'bind-to-device', execStart: [], at: s.at }, s);
      continue;
    }
    // A listener that PID 1 created is not bound by anything done to the service: bind its socket too.
    const socket = f?.activatedBy;
    if (socket) {
      const listed = listedSockets.get(socket);
      if (listed && listed.vrf !== s.vrf) {
        diagnostics.push(
          error(
            'service/two-vrfs',
            s.at,
            `vrf '${s.vrf}': service '${s.unit}' is started by ${socket}, which is bound to vrf '${listed.vrf}'`,
          ),
        );
        continue;
      }
      if (!listed)
        add({ unit: socket, vrf: s.vrf, method: 'bind-to-device', execStart: [], activates: id, at: s.at }, s);
    }
    const binding =
      model.platform.systemd >= BIND_NETWORK_INTERFACE_SINCE
        ? bindByCgroup(s, f, diagnostics)
        : wrapExecStart(s, f, diagnostics);
    if (binding) add({ ...binding, unit: id }, s);
  }
  return { bindings: [...bound.values()].sort((a, b) => (a.unit < b.unit ? -1 : 1)), diagnostics };
}

/**
 * A unit systemd can load: its unit file under the root or in the platform's table (a masked one is
 * refused on its own). Drop-ins alone are not a unit: systemd loads no service or socket without its
 * file ("Unit … not found"), and the drop-in vrfgen would add to them would never be read.
 */
const loadable = (f: UnitFacts | undefined): boolean => f !== undefined && (f.masked || f.from !== undefined);

/** A unit that exists nowhere vrfgen looks: its drop-in would bind nothing, whatever the intent says of it. */
const notFound = (s: Service, platform: string): Diagnostic =>
  error(
    'service/unit-not-found',
    s.at,
    `service '${s.unit}': the unit exists nowhere: not under the root and not in vrfgen's table for ${platform}, so its drop-in would never be loaded; install the unit in the tree first, or correct the name`,
  );

const unitAt = (services: readonly Service[], b: Binding) => services.find((s) => s.at === b.at)?.unit ?? b.unit;

const unused = (s: Service, why: string) =>
  warning('service/exec-start-unused', [...s.at, 'exec-start'], `service '${s.unit}': exec-start is not used: ${why}`);

/** Problems no binding method can get around. */
function anyMethodProblems(s: Service, f: UnitFacts | undefined): Diagnostic[] {
  const subject = `service '${s.unit}'`;
  if (!f) return [];
  if (f.masked)
    return [
      error(
        'service/masked',
        s.at,
        `${subject}: the unit is masked under the root (linked to /dev/null); systemd will not start it`,
      ),
    ];
  const input = lastValue(f.settings, 'Service', 'StandardInput');
  if (s.kind === 'service' && input?.value === 'socket') {
    return [
      error(
        'service/per-connection',
        s.at,
        `${subject}: StandardInput=socket (${where(input)}) makes it a per-connection instance started by an Accept=yes socket, not a VRF template: the listening socket decides the VRF, so list that .socket unit (or the daemon's own service) instead`,
      ),
    ];
  }
  const section = s.kind === 'socket' ? 'Socket' : 'Service';
  const netns =
    lastValue(f.settings, section, 'PrivateNetwork') ?? lastValue(f.settings, section, 'NetworkNamespacePath');
  if (netns && (netns.key !== 'PrivateNetwork' || parseBoolean(netns.value))) {
    return [
      error(
        'service/private-network',
        s.at,
        `${subject}: ${netns.key}=${netns.value} (${where(netns)}) runs it in another network namespace, where the VRF device does not exist`,
      ),
    ];
  }
  return [];
}

/** A drop-in sorting after vrfgen's that sets the same key would undo the binding at load time. */
function overridden(
  s: Service,
  f: UnitFacts | undefined,
  section: string,
  key: string,
  diagnostics: Diagnostic[],
): boolean {
  const later = f?.settings.find(
    (x) => x.section === section && x.key === key && f.dropIns.includes(x.file) && basename(x.file) > DROP_IN,
  );
  if (later)
    diagnostics.push(
      error(
        'service/overridden',
        s.at,
        `service '${s.unit}': ${where(later)} sorts after vrfgen's drop-in (${DROP_IN}) and sets ${key}=, which would replace the binding; rename it to sort before`,
      ),
    );
  return later !== undefined;
}

function bindByCgroup(
  s: Service,
  f: UnitFacts | undefined,
  diagnostics: Diagnostic[],
): Omit<Binding, 'unit'> | undefined {
  if (s.execStart)
    diagnostics.push(
      unused(s, `systemd ${BIND_NETWORK_INTERFACE_SINCE} and newer bind the whole unit with BindNetworkInterface=`),
    );
  if (overridden(s, f, 'Service', 'BindNetworkInterface', diagnostics)) return undefined;
  return { vrf: s.vrf, method: 'bind-network-interface', execStart: [], at: s.at };
}

function wrapExecStart(
  s: Service,
  f: UnitFacts | undefined,
  diagnostics: Diagnostic[],
): Omit<Binding, 'unit'> | undefined {
  const fromUnit = f ? listValue(f.settings, 'Service', 'ExecStart') : [];
  const lines = s.execStart ?? fromUnit.map((x) => x.value);
  if (lines.length === 0) {
    // A unit from a tree reaches here only with its file (see loadable); without a tree, the table is all there is.
    const looked = f
      ? `${f.from ?? 'its unit file'} has no ExecStart=`
      : "the unit is not in vrfgen's table for this platform and no tree was read for it (--root)";
    diagnostics.push(
      error(
        'service/exec-start-unknown',
        s.at,
        `service '${s.unit}': vrfgen needs its ExecStart= lines to run it through \`ip vrf exec\`, and ${looked}; give them as {unit: ${s.unit}, exec-start: [...]}`,
      ),
    );
    return undefined;
  }
  const commands = lines.map(splitExecPrefix);
  const problems = commands.flatMap((c, i) => {
    const why = unwrappableReason(c);
    if (!why) return [];
    const place = s.execStart ? [...s.at, 'exec-start', i] : s.at;
    const shown = s.execStart ? '' : ` (${where(fromUnit[i]!)})`;
    return [
      error(
        'service/exec-start-unwrappable',
        place,
        `service '${s.unit}': ExecStart=${lines[i]}${shown} cannot be wrapped: ${why}`,
      ),
    ];
  });
  if (f) problems.push(...wrapperProblems(s.unit, f, commands, s.at));
  if (problems.length || overridden(s, f, 'Service', 'ExecStart', diagnostics)) {
    diagnostics.push(...problems);
    return undefined;
  }
  return {
    vrf: s.vrf,
    method: 'ip-vrf-exec',
    execStart: commands.map((c) => `${c.prefix}${IP} vrf exec ${s.vrf} ${c.command}`),
    from: s.execStart ? 'the intent' : (f?.from ?? 'its unit file'),
    at: s.at,
  };
}
