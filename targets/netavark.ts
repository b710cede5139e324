import { error, warning } from '../src/diagnostics/diagnostics.ts';
import type { ContainersProfile } from '../src/platforms/platforms.ts';
import { hexIdFromName } from '../src/render/stable-id.ts';
import type { OutputFile, Target } from '../src/render/target.ts';

/**
 * Podman reads every `<name>.json` here as the network `<name>` (the name must equal the file name).
 * The names are the user's, so the files cannot carry the vrfgen prefix: vrfgen recognises its own
 * by the header it puts in the first label, and the writer never prunes a file without it.
 */
const DIR = '/etc/containers/networks';

/**
 * Podman stamps `created` with the time of `network create`; vrfgen writes the Unix epoch so the
 * same intent always gives the same bytes (podman only displays it).
 */
const CREATED = '1970-01-01T00:00:00Z';

const why = (platform: string, c: ContainersProfile): string =>
  c.netavark === null
    ? `podman ${c.podman} on ${platform} uses CNI, which has no vrf option`
    : `netavark ${c.netavark} on ${platform} ignores the vrf option (added in netavark 1.8) and podman ${c.podman} loads the file without a word, so the bridge would stay outside the VRF`;

export default {
  name: 'netavark',
  kind: 'system',
  default: true,
  summary:
    'Podman bridge networks in /etc/containers/networks whose bridge netavark enslaves to a VRF (netavark >= 1.8)',
  owns: [`${DIR}/*.json`],
  // netavark enslaves the bridge when it creates it, as the first container on the network starts;
  // nothing reloads a bridge that exists already (restart its containers), so no command here.
  reload: () => [],
  render(model, { template, report }) {
    const c = model.platform.containers;
    const networks = model.vrfs.flatMap((v) => v.containers);
    if (!c.netavarkVrf) {
      for (const n of networks)
        report(
          error(
            'netavark/vrf-unsupported',
            n.at,
            `vrf '${n.vrf}' container network '${n.network}': ${why(model.platformName, c)}; use a platform with netavark >= 1.8 (debian-13)`,
          ),
        );
      return [];
    }
    return networks.map((n): OutputFile => ({
      path: `${DIR}/${n.network}.json`,
      // As podman writes them; they hold nothing secret.
      mode: 0o644,
      content: template('netavark/network.json.njk', {
        name: n.network,
        id: hexIdFromName(`netavark/${n.network}`),
        bridge: n.bridge,
        created: CREATED,
        subnet: n.subnet,
        gateway: n.gateway,
        ipv6: n.family === 6,
        vrf: n.vrf,
      }),
    }));
  },
  // Said rather than the networks dropped silently: the containers would start on a bridge outside their VRF.
  notChosen: (model) =>
    model.vrfs
      .flatMap((v) => v.containers)
      .map((c) =>
        warning(
          'generate/containers-not-attached',
          c.at,
          `vrf '${c.vrf}': container network '${c.network}' is not written by this run (no netavark target chosen)`,
        ),
      ),
  platformNotes({ containers: c }) {
    return [
      c.netavarkVrf
        ? `netavark ${c.netavark}: bridges join their VRF (options.vrf)`
        : `podman ${c.podman}, netavark ${c.netavark ?? 'none (CNI)'}: container networks in a VRF are refused`,
    ];
  },
} satisfies Target;
