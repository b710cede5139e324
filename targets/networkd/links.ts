import type { Model } from '../../src/model/model.ts';

/**
 * Which link carries which VXLAN. networkd creates a VXLAN with an underlay only through a `VXLAN=`
 * line in the underlay's .network (systemd.netdev(5), Independent=), as it does a VLAN through its
 * parent's `VLAN=`; so whatever file vrfgen writes for the underlay (member, port, VLAN parent's trunk
 * or drop-in) lists it; resolve makes sure there is one (vxlan/underlay-unconfigured).
 */
export interface Underlays {
  /** Link → the VXLAN members that use it as `dev`, sorted. */
  readonly vxlansOn: ReadonlyMap<string, readonly string[]>;
}

export function underlays(model: Model): Underlays {
  const vxlansOn = new Map<string, string[]>();
  for (const v of model.vrfs)
    for (const m of v.members)
      if (m.vxlan?.dev !== undefined) vxlansOn.set(m.vxlan.dev, [...(vxlansOn.get(m.vxlan.dev) ?? []), m.name]);
  for (const list of vxlansOn.values()) list.sort();
  return { vxlansOn };
}
