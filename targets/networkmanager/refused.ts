import { error, warning, type Diagnostic } from '../../src/diagnostics/diagnostics.ts';
import type { Family } from '../../src/model/ip.ts';
import type { Model, Route, Rule } from '../../src/model/model.ts';
import type { NetworkManagerProfile } from '../../src/platforms/platforms.ts';
import { memberMethod, vrfMethod, writtenRoutes } from './ip.ts';

/** Why an address-less family with routes or rules stays `disabled` on this NM. */
const whyDisabled = (nm: NetworkManagerProfile) =>
  nm.manualWithoutAddresses
    ? `NetworkManager ${nm.version} takes method=manual without an address only with a route`
    : `NetworkManager ${nm.version} takes method=manual only with an address before 1.46`;

const ofFamily = (family: Family) => (x: Route | Rule) => x.family === family || x.family === 'both';

/** The families whose routes or rules sit in a `disabled` section. */
const stuck = (method: (f: Family) => string, routes: readonly Route[], rules: readonly Rule[]) =>
  ([4, 6] as const).filter((f) => method(f) === 'disabled' && (routes.some(ofFamily(f)) || rules.some(ofFamily(f))));

/**
 * What NM cannot express:
 * - a routing rule without a priority (the keyfile reader drops it without a word);
 * - a route through the gateway a DHCP lease or a router advertisement names: NM's routes take a
 *   fixed gateway only (nm-settings-nmcli(5), ipv4.routes); the one other way would be a dispatcher
 *   script adding the route from the lease (NetworkManager-dispatcher(8), DHCP4_ROUTERS), a program
 *   beside the keyfiles, which vrfgen does not write;
 * - routes or rules in an address-less family that must stay `disabled`: NM may not apply them
 *   there (nmstate refuses routes on a disabled stack); said, so that `vrfgen check` is run.
 */
export function refused(model: Model): Diagnostic[] {
  const nm = model.platform.networkManager;
  return model.vrfs.flatMap((v) => {
    const families = stuck((f) => vrfMethod(v, nm, f), v.routes, v.rules);
    return [
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
      ...(families.length
        ? [
            warning(
              'networkmanager/address-less-routes',
              v.at,
              `vrf '${v.name}': the VRF profile's ${families.map((f) => `IPv${f}`).join(' and ')} routes and rules sit in a disabled section (${whyDisabled(nm)}), which NM may not apply; check the host with vrfgen check`,
            ),
          ]
        : []),
      ...v.members
        .filter((m) => stuck((f) => memberMethod(m, nm, f), writtenRoutes(m.routes), []).includes(4))
        .map((m) =>
          warning(
            'networkmanager/address-less-routes',
            m.at,
            `member '${m.name}': its IPv4 routes sit in a disabled section (${whyDisabled(nm)}), which NM may not apply; check the host with vrfgen check`,
          ),
        ),
    ];
  });
}
