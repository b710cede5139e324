import { warning } from '../../src/diagnostics/diagnostics.ts';
import { bindServices, DROP_IN, type Binding } from './binding.ts';
import type { Command, OutputFile, Target } from '../../src/render/target.ts';
import { deviceUnit } from '../../src/systemd/device-unit.ts';

const DIR = '/etc/systemd/system';

/** A path from the scanned tree goes into a comment: keep it on its line whatever its bytes. */
const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, '?');

const TEMPLATES: Record<Binding['method'], string> = {
  'ip-vrf-exec': 'services/ip-vrf-exec.conf.njk',
  'bind-network-interface': 'services/bind-network-interface.conf.njk',
  'bind-to-device': 'services/bind-to-device.conf.njk',
};

export default {
  name: 'services',
  kind: 'system',
  default: true,
  summary: 'systemd drop-ins that run the listed units inside their VRF',
  owns: [`${DIR}/*.d/${DROP_IN}`],
  /**
   * systemd reads drop-ins only on daemon-reload, and a unit takes a new binding only when it starts.
   * Services are stopped before the sockets restart and started after: systemd refuses to start a
   * socket whose service is running ("Socket service … already active, refusing"), and a service a
   * socket activates takes its listeners from that socket when it starts.
   */
  reload(files) {
    const units = files.map((f) => f.path.slice(`${DIR}/`.length, -`.d/${DROP_IN}`.length));
    const services = units.filter((u) => u.endsWith('.service'));
    const sockets = units.filter((u) => u.endsWith('.socket'));
    const reload: Command = ['systemctl', 'daemon-reload'];
    if (sockets.length === 0) return [reload, ['systemctl', 'restart', ...services]];
    return [
      reload,
      ...(services.length ? [['systemctl', 'stop', ...services]] : []),
      ['systemctl', 'restart', ...sockets],
      ...(services.length ? [['systemctl', 'start', ...services]] : []),
    ];
  },
  // Said rather than the binding dropped silently: the units would keep running outside their VRF.
  notChosen: (model) =>
    model.vrfs
      .flatMap((v) => v.services)
      .map((s) =>
        warning(
          'generate/service-not-bound',
          s.at,
          `vrf '${s.vrf}': service '${s.unit}' is not bound by this run (no services target chosen)`,
        ),
      ),
  render(model, { template, report, units }) {
    const { bindings, diagnostics } = bindServices(model, units);
    diagnostics.forEach(report);
    return bindings.map((b): OutputFile => ({
      path: `${DIR}/${b.unit}.d/${DROP_IN}`,
      mode: 0o644,
      content: template(TEMPLATES[b.method], {
        unit: b.unit,
        vrf: b.vrf,
        device: deviceUnit(b.vrf),
        systemd: model.platform.systemd,
        execStart: b.execStart,
        from: oneLine(b.from ?? ''),
        activates: b.activates ?? null,
      }),
    }));
  },
} satisfies Target;
