import { error } from '../../src/diagnostics/diagnostics.ts';
import type { Member, Model, Vrf } from '../../src/model/model.ts';
import type { Target } from '../../src/render/target.ts';
import { acceptRa, DHCLIENT_HOOKS, dhclientHooks, refuseRaGateways, staticRoutes } from './dhcp.ts';
import { linkAdd, portCommands } from './links.ts';
import { INTERFACES, INTERFACES_D_FILE, ipRoute, ruleDown, ruleUp, sources } from './stanzas.ts';
import { ifupdownForeign } from './foreign.ts';

/**
 * Classic Debian ifupdown (0.8) knows nothing of VRFs: unknown options such as `vrf` only become
 * IF_VRF variables for hook scripts. So every stanza is `inet manual` and ip(8) does the work, in
 * the order the kernel needs (Documentation/networking/vrf.rst): the VRF exists before a member is
 * enslaved, and enslaving comes before addresses and routes, because it drops the member's routes
 * and IPv6 addresses. A failing pre-up aborts the stanza, so a member whose VRF is missing never
 * gets its addresses in the default VRF.
 */
const vrfStanza = (v: Vrf) => ({
  name: v.name,
  iface: `${v.name} inet manual`,
  lines: [
    // Not guarded: if a device of that name exists (with another table, say), ifup must fail.
    `pre-up ip link add dev ${v.name} type vrf table ${v.table}`,
    ...v.addresses.map((a) => `up ip addr replace ${a} dev ${v.name}`),
    ...v.routes.map((r) => `up ${ipRoute('replace', r)}`),
    ...v.rules.flatMap(ruleUp).map((c) => `up ${c}`),
    ...v.rules.flatMap(ruleDown).map((c) => `down ${c}`),
    ...v.routes.map((r) => `down ${ipRoute('del', r)} || true`),
    `post-down ip link del dev ${v.name} || true`,
  ],
});

/**
 * dhclient as ifupdown's own `dhcp` methods run it (inet.defn, inet6.defn; the same files as
 * ifupdown2's), inside the VRF: unbound, its UDP socket would neither send a renewal nor, for
 * DHCPv6, receive a reply through a VRF port (net.ipv4.udp_l3mdev_accept is off by default).
 */
const dhclient = (m: Member, family: 4 | 6, release: boolean) => {
  const six = family === 6 ? '6' : '';
  return `ip vrf exec ${m.vrf} dhclient -${family}${release ? ' -r' : ''} -pf /run/dhclient${six}.${m.name}.pid -lf /var/lib/dhcp/dhclient${six}.${m.name}.leases ${m.name}`;
};

const memberStanza = (m: Member) => ({
  name: m.name,
  iface: `${m.name} inet manual`,
  lines: [
    ...(m.vlan
      ? [
          `pre-up ip link set dev ${m.vlan.parent} up`,
          // Guarded: for a PARENT.ID name ifupdown's own VLAN support may have created it already.
          `pre-up ip link show dev ${m.name} >/dev/null 2>&1 || ip link add link ${m.vlan.parent} name ${m.name} type vlan id ${m.vlan.id}`,
        ]
      : []),
    // Not guarded, like the VRF: a link of that name made by someone else must make ifup fail.
    ...[...linkAdd(m), ...portCommands(m), ...acceptRa(m)].map((c) => `pre-up ${c}`),
    `pre-up ip link set dev ${m.name} master ${m.vrf}`,
    // `replace`, not `add`: an address left on a downed link would make the next ifup fail.
    ...m.addresses.map((a) => `up ip addr replace ${a} dev ${m.name}`),
    ...(m.dhcp4 ? [`up ${dhclient(m, 4, false)}`] : []),
    // DHCPv6 is sent from the link-local address, tentative for a while after the link comes up.
    ...(m.dhcp6 ? ['up /lib/ifupdown/wait-for-ll6.sh', `up ${dhclient(m, 6, false)}`] : []),
    ...staticRoutes(m).map((r) => `up ${ipRoute('replace', r)}`),
    ...(m.dhcp6 ? [`down ${dhclient(m, 6, true)} || true`] : []),
    ...(m.dhcp4 ? [`down ${dhclient(m, 4, true)} || true`] : []),
    `post-down ip link set dev ${m.name} nomaster || true`,
    ...(m.kind !== 'ethernet' ? [`post-down ip link del dev ${m.name} || true`] : []),
  ],
});

/** ifupdown creates PARENT.ID names as VLANs by itself (interfaces(5), VLAN INTERFACES), from the name. */
const DOTTED = /^(.+)\.(\d+)$/;

export default {
  name: 'ifupdown',
  kind: 'network',
  summary: 'classic ifupdown stanzas in /etc/network/interfaces.d (ip commands; it has no VRF support)',
  owns: [INTERFACES_D_FILE, ...DHCLIENT_HOOKS],
  // What networking.service runs at boot: every `auto` stanza not up yet, in file order. Classic
  // ifupdown has no reload: a stanza already up keeps its old settings until ifdown/ifup.
  reload: () => [['ifup', '-a']],
  foreign: ifupdownForeign('ifupdown'),
  render(model: Model, { template, report }) {
    const members = model.vrfs.flatMap((v) => v.members);
    for (const m of members) {
      const dotted = DOTTED.exec(m.name);
      if (m.vlan && dotted && (dotted[1] !== m.vlan.parent || Number(dotted[2]) !== m.vlan.id)) {
        const message = `member '${m.name}': classic ifupdown creates '${m.name}' itself as VLAN ${Number(dotted[2])} on '${dotted[1]}', not VLAN ${m.vlan.id} on '${m.vlan.parent}'; name it '${m.vlan.parent}.${m.vlan.id}' or give it a name without a dot`;
        report(error('ifupdown/vlan-name', [...m.at, 'vlan'], message));
      }
    }
    refuseRaGateways(model, 'ifupdown/ra-gateway', report);
    // ifup -a works through the stanzas in file order: VRFs, then trunks, then the members that
    // sit on them (a VLAN's parent must be up before the VLAN is added, and a bond or bridge with
    // VLANs on it is a member of the first kind). Ports have no stanza: their master's enslaves them.
    const stanzas = [
      ...model.vrfs.map(vrfStanza),
      ...model.vlanParents
        .filter((p) => !p.networkdFile)
        .map((p) => ({ name: p.name, iface: `${p.name} inet manual`, lines: [] })),
      ...members.filter((m) => !m.vlan).map(memberStanza),
      ...members.filter((m) => m.vlan).map(memberStanza),
    ];
    return [
      { path: INTERFACES_D_FILE, mode: 0o644, content: template('ifupdown/interfaces.njk', { stanzas }) },
      ...dhclientHooks(model, template),
    ];
  },
  platformNotes({ ifupdown }) {
    return [`ifupdown ${ifupdown}: no VRF keywords; the same ip commands on every platform`];
  },
  includedBy: {
    path: INTERFACES,
    file: INTERFACES_D_FILE,
    includes: (content: string) => sources(content, INTERFACES_D_FILE, true),
    fix: () => 'source /etc/network/interfaces.d/*',
  },
} satisfies Target;
