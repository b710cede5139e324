import { erredSince, error, quoted, warning, type Diagnostic, type Path } from '../diagnostics/diagnostics.ts';
import { bits, contains, formatCidr, formatIp, network, overlaps, parseIp, type Cidr, type Ip } from './ip.ts';
import type { ContainerNetwork } from './model.ts';
import { checkIfName, firstBad } from './names.ts';
import { parsePrefix, type MemberAddress } from './resolve-routing.ts';
import type { IntentVrf } from '../intent/schema.ts';

/** containers/common libnetwork (util.NameRegex): the names podman accepts for a network. */
const NETWORK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** The name is also the file name, `<name>.json`, which NAME_MAX (255) bounds. */
const NETWORK_NAME_MAX = 250;
/**
 * `podman run --network` reads these as network modes, not names, and `podman` is the default
 * network podman defines itself (containers.conf default_network): a file of that name replaces it.
 */
const RESERVED = new Set(['podman', 'host', 'none', 'private', 'bridge', 'slirp4netns', 'pasta', 'container', 'ns']);

/** Why podman would refuse `name`, if it would. */
function nameProblem(name: string): string | undefined {
  if (name === '') return 'the name is empty';
  if (name.length > NETWORK_NAME_MAX)
    return `podman network names are at most ${NETWORK_NAME_MAX} characters (this one has ${name.length})`;
  if (NETWORK_NAME.test(name)) return undefined;
  const detail = /^[_.-]/.test(name)
    ? 'must start with a letter or digit'
    : `character ${firstBad(name, /[A-Za-z0-9_.-]/)} is not allowed`;
  return `${detail} in a podman network name (allowed: A-Z a-z 0-9 _ . -)`;
}

/** The subnet of podman's own `podman` network (containers.conf default_subnet). */
const PODMAN_DEFAULT: Cidr = { family: 4, value: 0x0a580000n, length: 16 };

/** Default bridge interface name: podman numbers its own (podman1, …) by what exists, which is not stable. */
export const defaultBridge = (network: string): string => `br-${network}`;

/**
 * Container networks of every VRF: one resolver per intent, so names, bridges and subnets are
 * checked across VRFs. `links` are every interface the intent names (VRFs, members, VLAN parents):
 * a bridge may not take one of their names.
 */
export function containerResolver(links: ReadonlySet<string>) {
  const networks = new Map<string, string>(); // network → vrf
  const bridges = new Map<string, string>(); // bridge → network
  const subnets: { cidr: Cidr; network: string }[] = [];

  return (vrf: string, v: IntentVrf, addrs: readonly MemberAddress[], diags: Diagnostic[]): ContainerNetwork[] => {
    const out: ContainerNetwork[] = [];
    (v.containers ?? []).forEach((c, i) => {
      const at: Path = ['vrfs', vrf, 'containers', i];
      const what = `vrf '${vrf}' container network ${quoted(c.network)}`;
      const before = diags.length;
      // Only an error keeps a network out (erredSince): podman's default subnet is only a warning.
      const refused = () => erredSince(diags, before);

      const badName = nameProblem(c.network);
      if (badName) {
        diags.push(error('container/invalid-name', [...at, 'network'], `${what}: ${badName}`));
      } else if (RESERVED.has(c.network)) {
        diags.push(
          error(
            'container/invalid-name',
            [...at, 'network'],
            `${what}: the name is podman's own (a network mode or its default network)`,
          ),
        );
      } else if (networks.has(c.network)) {
        diags.push(
          error(
            'container/duplicate-network',
            [...at, 'network'],
            `${what}: already attached to vrf '${networks.get(c.network)}'; a network has one file and one bridge`,
          ),
        );
      }

      const bridge = c.bridge ?? defaultBridge(c.network);
      if (c.bridge !== undefined) diags.push(...checkIfName(c.bridge, [...at, 'bridge'], 'bridge', false));
      else if (Buffer.byteLength(bridge) > 15 && !refused()) {
        diags.push(
          error(
            'container/bridge-too-long',
            [...at, 'network'],
            `${what}: the default bridge name ${quoted(bridge)} is longer than 15 bytes; set bridge: to a shorter interface name`,
          ),
        );
      }
      const usedBy = links.has(bridge)
        ? 'an interface of the intent'
        : bridges.has(bridge)
          ? `network '${bridges.get(bridge)}'`
          : undefined;
      if (usedBy)
        diags.push(
          error(
            'container/bridge-in-use',
            [...at, c.bridge !== undefined ? 'bridge' : 'network'],
            `${what}: bridge ${quoted(bridge)} is already ${usedBy}`,
          ),
        );

      const subnet = parsePrefix(c.subnet, [...at, 'subnet'], what, diags);
      let gateway: Ip | undefined;
      if (subnet) {
        // A /31 or /32 (/127, /128) leaves no address beside the gateway for a container.
        if (bits(subnet.family) - subnet.length < 2) {
          diags.push(
            error(
              'container/subnet-too-small',
              [...at, 'subnet'],
              `${what}: ${c.subnet} has no room for a gateway and containers`,
            ),
          );
        } else {
          gateway = gatewayOf(c.gateway, subnet, [...at, 'gateway'], what, diags);
          const member = addrs.find((a) => overlaps(network(a.cidr), subnet));
          const other = subnets.find((s) => overlaps(s.cidr, subnet));
          if (overlaps(PODMAN_DEFAULT, subnet)) {
            diags.push(
              warning(
                'container/podman-default-subnet',
                [...at, 'subnet'],
                `${what}: ${formatCidr(subnet)} overlaps ${formatCidr(PODMAN_DEFAULT)}, the subnet of podman's default network, which podman network create refuses ("already used on the host or by another config")`,
              ),
            );
          }
          if (member) {
            diags.push(
              error(
                'container/subnet-overlap',
                [...at, 'subnet'],
                `${what}: ${formatCidr(subnet)} overlaps ${formatCidr(network(member.cidr))} of member '${member.member}' in the same vrf`,
              ),
            );
          } else if (other) {
            // podman refuses overlapping subnets itself (network create), whatever their VRF.
            diags.push(
              error(
                'container/subnet-overlap',
                [...at, 'subnet'],
                `${what}: ${formatCidr(subnet)} overlaps ${formatCidr(other.cidr)} of network '${other.network}'`,
              ),
            );
          }
        }
      }
      if (refused() || !subnet || !gateway) return;
      networks.set(c.network, vrf);
      bridges.set(bridge, c.network);
      subnets.push({ cidr: subnet, network: c.network });
      out.push({
        network: c.network,
        vrf,
        subnet: formatCidr(subnet),
        family: subnet.family,
        gateway: formatIp(gateway),
        bridge,
        at,
      });
    });
    return out.sort((a, b) => (a.network < b.network ? -1 : a.network > b.network ? 1 : 0));
  };
}

/** The given gateway, checked, or the subnet's first host (what podman picks when none is given). */
function gatewayOf(
  text: string | undefined,
  subnet: Cidr,
  at: Path,
  what: string,
  diags: Diagnostic[],
): Ip | undefined {
  if (text === undefined) return { family: subnet.family, value: subnet.value + 1n };
  const ip = parseIp(text);
  const last = subnet.value | ((1n << BigInt(bits(subnet.family) - subnet.length)) - 1n);
  if (!ip) diags.push(error('container/invalid-gateway', at, `${what}: gateway ${quoted(text)} is not an IP address`));
  else if (!contains(subnet, ip))
    diags.push(
      error('container/invalid-gateway', at, `${what}: gateway ${formatIp(ip)} is not in ${formatCidr(subnet)}`),
    );
  else if (ip.value === subnet.value || (subnet.family === 4 && ip.value === last)) {
    diags.push(
      error(
        'container/invalid-gateway',
        at,
        `${what}: gateway ${formatIp(ip)} is the network or broadcast address of ${formatCidr(subnet)}`,
      ),
    );
  } else return ip;
  return undefined;
}
