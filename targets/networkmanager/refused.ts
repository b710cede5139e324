import { error, type Diagnostic } from '../../src/diagnostics/diagnostics.ts';
import type { Model } from '../../src/model/model.ts';

/**
 * What NM cannot express:
 * - a routing rule without a priority (the keyfile reader drops it without a word);
 * - a route through the gateway a DHCP lease or a router advertisement names: NM's routes take a
 *   fixed gateway only (nm-settings-nmcli(5), ipv4.routes); the one other way would be a dispatcher
 *   script adding the route from the lease (NetworkManager-dispatcher(8), DHCP4_ROUTERS), a program
 *   beside the keyfiles, which vrfgen does not write.
 * Routes and rules in an address-less family are not among them: NM applies them whatever the
 * method (./ip.ts, addressless).
 */
export function refused(model: Model): Diagnostic[] {
  return model.vrfs.flatMap((v) => [
    ...v.rules
      .filter((r) => r.priority === undefined)
      .map((r) =>
        error(
          'networkmanager/rule-without-priority',
          r.at,
          `vrf '${v.name}': NetworkManager needs a priority for every routing rule and ignores one without; set priority`,
        ),
      ),
    ...v.members.flatMap((m) =>
      m.routes
        .filter((r) => r.dynamicGateway !== undefined)
        .map((r) =>
          error(
            'networkmanager/learned-gateway',
            r.at,
            `vrf '${v.name}': route to ${r.to} via ${r.dynamicGateway}: NetworkManager has no route through the gateway ${m.name}'s ${r.dynamicGateway === 'dhcp' ? 'DHCP lease' : 'router advertisement'} names, only through a fixed address; give via an address, or use another target`,
          ),
        ),
    ),
  ]);
}
