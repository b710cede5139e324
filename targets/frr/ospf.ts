import type { BfdProfile, Model, Ospf, OspfInterface, Vrf } from '../../src/model/model.ts';
import { BFD_DEFAULTS } from '../../src/model/resolve-ospf.ts';

/**
 * OSPF's and bfdd's parts of frr.conf, in the order FRR's `show running-config` prints them: the
 * interface blocks (ospfd's config_write_interface_one, then ospf6d's), the `router ospf vrf` and
 * `router ospf6 vrf` blocks (ospf_config_write_one, config_write_ospf6), and the `bfd` block with
 * its profiles (bfdd's northbound, only what differs from the defaults).
 */

/** ospfd's and ospf6d's hello default; a dead interval is four of them unless set. */
const HELLO = 10;
const DEAD = 40;

/**
 * With VRF-lite, FRR names an interface alone: `interface IF vrf X` is read as `interface IF` (lib/if.c
 * interface_cmd ignores the VRF unless the netns backend runs), and the running config of 8.4 and
 * 10.3 prints `interface IF`. The interface's VRF is the kernel's.
 */
function ospfLines(i: OspfInterface, passiveDefault: boolean): string[] {
  return [
    ...(i.network === 'point-to-point' ? ['ip ospf network point-to-point'] : []),
    ...(i.cost !== undefined ? [`ip ospf cost ${i.cost}`] : []),
    ...(i.helloInterval !== HELLO ? [`ip ospf hello-interval ${i.helloInterval}`] : []),
    ...(i.deadGiven ? [`ip ospf dead-interval ${i.deadInterval}`] : []),
    `ip ospf area ${i.area}`,
    ...(i.bfd ? ['ip ospf bfd'] : []),
    ...(i.bfdProfile !== undefined ? [`ip ospf bfd profile ${i.bfdProfile}`] : []),
    // Only what differs from `passive-interface default` (or its absence) is the interface's own.
    ...(i.passive !== passiveDefault ? [`${i.passive ? '' : 'no '}ip ospf passive`] : []),
  ];
}

/** ospf6d has no passive default: each passive interface says so (config_write_ospf6_interface). */
function ospf6Lines(i: OspfInterface): string[] {
  return [
    `ipv6 ospf6 area ${i.area}`,
    ...(i.cost !== undefined ? [`ipv6 ospf6 cost ${i.cost}`] : []),
    ...(i.helloInterval !== HELLO ? [`ipv6 ospf6 hello-interval ${i.helloInterval}`] : []),
    ...(i.deadInterval !== DEAD ? [`ipv6 ospf6 dead-interval ${i.deadInterval}`] : []),
    ...(i.passive ? ['ipv6 ospf6 passive'] : []),
    ...(i.network === 'point-to-point' ? ['ipv6 ospf6 network point-to-point'] : []),
    ...(i.bfd ? ['ipv6 ospf6 bfd'] : []),
    ...(i.bfdProfile !== undefined ? [`ipv6 ospf6 bfd profile ${i.bfdProfile}`] : []),
  ];
}

export interface InterfaceView {
  readonly name: string;
  readonly lines: readonly string[];
}

/**
 * The interface blocks: by VRF name, then by interface as FRR sorts them (resolve-ospf.ts). vtysh
 * merges the daemons' lines of an interface and prints them sorted as text (seen in the running
 * config of 8.4.4 and 10.3: `ip ospf area` before `ip ospf cost`, `no ip ospf passive` last).
 */
export function interfaceViews(model: Model): InterfaceView[] {
  return model.vrfs.flatMap((v) =>
    (v.ospf?.interfaces ?? []).map((i) => ({
      name: i.name,
      lines: [...ospfLines(i, v.ospf!.passiveDefault), ...(i.ipv6 ? ospf6Lines(i) : [])].sort((a, b) =>
        a < b ? -1 : a > b ? 1 : 0,
      ),
    })),
  );
}

export interface OspfRouterView {
  readonly header: string;
  readonly lines: readonly string[];
}

/**
 * The redistributed route types, in FRR's order of them (kernel, connected, …, bgp); the VRF's own
 * routes only where it has some of the instance's family.
 */
function redistributeLines(vrf: string, o: Ospf, family: 4 | 6): string[] {
  const own = o.staticRoutes.some((p) => p.includes(':') === (family === 6));
  return [
    ...(own ? [`redistribute kernel route-map vrfgen-${vrf}-static`] : []),
    ...(o.redistribute.includes('connected') ? ['redistribute connected'] : []),
    ...(o.redistribute.includes('bgp') ? ['redistribute bgp'] : []),
  ];
}

const originate = (o: Ospf): string[] =>
  o.defaultOriginate === 'no'
    ? []
    : [`default-information originate${o.defaultOriginate === 'always' ? ' always' : ''}`];

/** `router ospf vrf X` blocks (ospfd's), then `router ospf6 vrf X` blocks (ospf6d's), by VRF name. */
export function ospfRouterViews(model: Model): OspfRouterView[] {
  const ospf = model.vrfs.filter((v): v is Vrf & { ospf: Ospf } => v.ospf !== undefined);
  return [
    ...ospf.map((v) => ({
      header: `router ospf vrf ${v.name}`,
      lines: [
        `ospf router-id ${v.ospf.routerId}`,
        ...redistributeLines(v.name, v.ospf, 4),
        ...(v.ospf.passiveDefault ? ['passive-interface default'] : []),
        ...originate(v.ospf),
      ],
    })),
    ...ospf
      .filter((v) => v.ospf.interfaces.some((i) => i.ipv6))
      .map((v) => ({
        header: `router ospf6 vrf ${v.name}`,
        lines: [`ospf6 router-id ${v.ospf.routerId}`, ...redistributeLines(v.name, v.ospf, 6), ...originate(v.ospf)],
      })),
  ];
}

export interface BfdProfileView {
  readonly name: string;
  readonly lines: readonly string[];
}

/** bfdd prints a profile's timers in its YANG order, and only those that differ from the defaults. */
export function bfdProfileViews(profiles: readonly BfdProfile[]): BfdProfileView[] {
  return profiles.map((p) => ({
    name: p.name,
    lines: [
      ...(p.detectMultiplier !== BFD_DEFAULTS.detectMultiplier ? [`detect-multiplier ${p.detectMultiplier}`] : []),
      ...(p.transmitInterval !== BFD_DEFAULTS.transmitInterval ? [`transmit-interval ${p.transmitInterval}`] : []),
      ...(p.receiveInterval !== BFD_DEFAULTS.receiveInterval ? [`receive-interval ${p.receiveInterval}`] : []),
    ],
  }));
}
