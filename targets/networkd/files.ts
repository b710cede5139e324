import { daemonRouted, type Member, type Model, type Port, type VlanParent, type Vrf } from '../../src/model/model.ts';
import type { OutputFile, RenderContext } from '../../src/render/target.ts';
import type { Underlays } from './links.ts';
import { dhcpMode, dhcpSections, routeView, ruleView } from './sections.ts';

export const DIR = '/etc/systemd/network';

/**
 * `10-` sorts before every distribution default (Debian ships 73-, 80-, 99- files) and before any
 * admin file from 11- on, so vrfgen's file is the one networkd applies to a link vrfgen manages
 * ("the first matching .network wins"). netplan's `10-netplan-*` still sorts first: a link that
 * netplan also configures keeps netplan's file — use the netplan target on such hosts.
 */
export const PREFIX = '10-vrfgen-';

type Template = RenderContext['template'];

/** networkd.conf's drop-ins: the daemon's own settings, read once when it starts. */
export const CONF_DIR = '/etc/systemd/networkd.conf.d';

/**
 * With BGP or OSPF in a VRF, FRR installs routes (`proto bgp` or `ospf`, and kernel nexthop objects `proto zebra`)
 * into the VRF tables on links networkd manages; networkd deletes every such foreign route (all
 * but `proto kernel`) whenever it configures the link, at each start and after a reload that
 * changed the link's .network (networkd-route.c, link_drop_foreign_routes in 252,
 * link_drop_routes in 257). Its global switches are the only way to keep them; nexthops have
 * theirs from systemd 256 on.
 */
export function routingDaemonFiles(template: Template, model: Model): OutputFile[] {
  if (!model.vrfs.some(daemonRouted)) return [];
  return [
    file(template, `${CONF_DIR}/${PREFIX}routing-daemon.conf`, 'networkd/routing-daemon.conf.njk', {
      nextHops: model.platform.systemd >= 256,
    }),
  ];
}

/**
 * The links of a VRF with BGP or OSPF (the VRF device and its members) carry FRR's kernel nexthop objects and
 * the addresses its routes go through. networkd removes both on a start or a reload that changes the
 * link's .network: nexthops it learnt while running whatever ManageForeignNextHops= says (257,
 * link_drop_nexthops), and on 252 an IPv4 address it configured itself, to add it again (its broadcast
 * is not yet computed when it compares). The kernel then deletes FRR's routes through them and tells
 * no one; zebra goes on believing them installed. KeepConfiguration=static skips both (252 and 257).
 */
export const keepsForeign = (vrf: Vrf) => daemonRouted(vrf);

/** Whether `files` hold a networkd.conf.d drop-in, which networkd reads only when it starts. */
export const readsOwnSettings = (files: readonly OutputFile[]) => files.some((f) => f.path.startsWith(`${CONF_DIR}/`));

export const RESTART = ['systemctl', 'restart', 'systemd-networkd.service'];

const file = (template: Template, path: string, name: string, view: object): OutputFile => ({
  path,
  mode: 0o644,
  content: template(name, view),
});

export const vrfFiles = (template: Template, vrf: Vrf): OutputFile[] => [
  file(template, `${DIR}/${PREFIX}${vrf.name}.netdev`, 'networkd/vrf.netdev.njk', { name: vrf.name, table: vrf.table }),
  file(template, `${DIR}/${PREFIX}${vrf.name}.network`, 'networkd/vrf.network.njk', {
    name: vrf.name,
    keepForeign: keepsForeign(vrf),
    addresses: vrf.addresses,
    routes: vrf.routes.map(routeView),
    rules: vrf.rules.map(ruleView),
  }),
];

/** The .netdev of a member vrfgen creates, by its kind; none for an ethernet (it exists already). */
function netdev(template: Template, m: Member): OutputFile[] {
  const at = `${DIR}/${PREFIX}${m.name}.netdev`;
  if (m.vlan) return [file(template, at, 'networkd/vlan.netdev.njk', { name: m.name, id: m.vlan.id })];
  if (m.bridge) return [file(template, at, 'networkd/bridge.netdev.njk', { name: m.name, stp: m.bridge.stp })];
  if (m.bond)
    return [
      file(template, at, 'networkd/bond.netdev.njk', {
        name: m.name,
        mode: m.bond.mode,
        lacpRate: m.bond.lacpRate ?? null,
        hashPolicy: m.bond.transmitHashPolicy ?? null,
        miimon: m.bond.miimon,
      }),
    ];
  if (m.vxlan)
    return [
      file(template, at, 'networkd/vxlan.netdev.njk', {
        name: m.name,
        vni: m.vxlan.vni,
        local: m.vxlan.local ?? null,
        remote: m.vxlan.remote ?? null,
        group: m.vxlan.group ?? null,
        port: m.vxlan.port,
        learning: m.vxlan.learning,
        independent: m.vxlan.dev === undefined,
      }),
    ];
  if (m.kind === 'dummy') return [file(template, at, 'networkd/dummy.netdev.njk', { name: m.name })];
  return [];
}

/**
 * A member's .netdev (when vrfgen creates it) and .network. Bridges, bonds and VXLANs are configured
 * without carrier, as netplan writes them: a bridge or bond has none until a port is up (a bridge
 * with STP not for its forwarding delay either), and its addresses should be there before.
 */
export const memberFiles = (template: Template, vrf: Vrf, m: Member, u: Underlays): OutputFile[] => [
  ...netdev(template, m),
  file(template, `${DIR}/${PREFIX}${m.name}.network`, 'networkd/member.network.njk', {
    name: m.name,
    vrf: vrf.name,
    dhcp: dhcpMode(m),
    acceptRa: m.acceptRa,
    withoutCarrier: m.kind === 'bridge' || m.kind === 'bond' || m.kind === 'vxlan',
    keepForeign: keepsForeign(vrf),
    portless: m.bridge !== undefined && m.bridge.ports.length === 0,
    addresses: m.addresses,
    vlans: m.vlans,
    vxlans: u.vxlansOn.get(m.name) ?? [],
    dhcpSections: dhcpSections(m, vrf.table),
    routes: m.routes.map(routeView),
    rules: [],
  }),
];

export const portFile = (template: Template, model: Model, p: Port, u: Underlays): OutputFile => {
  const master = model.vrfs.find((v) => v.name === p.vrf)?.members.find((m) => m.name === p.master);
  return file(template, `${DIR}/${PREFIX}${p.name}.network`, 'networkd/port.network.njk', {
    name: p.name,
    master: p.master,
    key: p.masterKind === 'bridge' ? 'Bridge' : 'Bond',
    primary: master?.bond?.primary === p.name,
    vxlans: u.vxlansOn.get(p.name) ?? [],
  });
};

/** A VLAN parent or VXLAN underlay that is not a member: a trunk of vrfgen's, or a drop-in for the file named. */
export const parentFile = (
  template: Template,
  name: string,
  vlans: readonly string[],
  u: Underlays,
  p?: VlanParent,
) => {
  const view = { name, vlans, vxlans: u.vxlansOn.get(name) ?? [] };
  return p?.networkdFile
    ? file(template, `${DIR}/${p.networkdFile}.d/${PREFIX}vlans.conf`, 'networkd/vlans.conf.njk', view)
    : file(template, `${DIR}/${PREFIX}${name}.network`, 'networkd/trunk.network.njk', view);
};
