import { error, warning } from '../src/diagnostics/diagnostics.ts';
import type { Member, Model, Vrf } from '../src/model/model.ts';
import type { OutputFile, RenderContext, Target } from '../src/render/target.ts';
import { acceptRa, DHCLIENT_HOOKS, dhclientHooks, refuseRaGateways, staticRoutes } from './ifupdown/dhcp.ts';
import { INTERFACES, INTERFACES_D_FILE, ipRoute, ruleDown, ruleUp, sources } from './ifupdown/stanzas.ts';
import { ifupdownForeign } from './ifupdown/foreign.ts';

/**
 * ifupdown2 refuses `vrf-table` outside its reserved range (1001–5000 in 3.0) and then creates no
 * VRF at all, unless a policy file widens the range; the values must be JSON integers (strings
 * crash its range check). User policy files are merged module by module in unsorted glob order, so
 * another file that sets `vrf` module_globals replaces this one's: keep VRF policy in one file.
 */
const POLICY = '/etc/network/ifupdown2/policy.d/vrfgen.json';

/**
 * ifupdown2 creates no VRF at all when it cannot write its VRF map into /etc/iproute2/rt_tables.d,
 * a folder iproute2 ≥ 6.5 no longer ships (see Iproute2Profile): this file makes the folder exist.
 * It holds comments only, so iproute2 reads no table names from it.
 */
const RT_TABLES_D = '/etc/iproute2/rt_tables.d/vrfgen.conf';

const vrfStanza = (v: Vrf) => ({
  name: v.name,
  iface: v.name,
  lines: [
    `vrf-table ${v.table}`,
    // As ifupdown2's own mgmt-vrf example does: localhost inside the VRF, for its daemons.
    ...v.addresses.map((a) => `address ${a}`),
    // No `vrf-default-route`: removed from ifupdown2 in 2016 (commit 6369e774); the isolation
    // routes are explicit commands like every other route.
    ...v.routes.map((r) => `post-up ${ipRoute('replace', r)}`),
    ...v.rules.flatMap(ruleUp).map((c) => `post-up ${c}`),
    ...v.rules.flatMap(ruleDown).map((c) => `pre-down ${c}`),
    ...v.routes.map((r) => `pre-down ${ipRoute('del', r)} || true`),
  ],
});

/**
 * The keywords of the addon that creates each kind (addons/bridge.py, bond.py, link.py, vxlan.py),
 * each setting given even where it is the addon's default: ifupdown2's defaults (bond-miimon 0,
 * vxlan-learning yes) are not vrfgen's, and a policy file may change them.
 */
function kindLines(m: Member): string[] {
  if (m.bridge)
    return [
      // No `bridge-ports` for a bridge without ports: its syntax check refuses `none`, and
      // `bridge-vlan-aware` alone makes the stanza a bridge (addons/bridge.py _is_bridge).
      ...(m.bridge.ports.length ? [`bridge-ports ${m.bridge.ports.join(' ')}`] : []),
      `bridge-stp ${m.bridge.stp ? 'on' : 'off'}`,
      // A plain bridge, as ip(8) makes one, whatever default a policy file gives the keyword.
      'bridge-vlan-aware no',
    ];
  if (m.bond) {
    const b = m.bond;
    return [
      `bond-slaves ${b.ports.join(' ')}`,
      `bond-mode ${b.mode}`,
      `bond-miimon ${b.miimon}`,
      ...(b.primary ? [`bond-primary ${b.primary}`] : []),
      ...(b.lacpRate ? [`bond-lacp-rate ${b.lacpRate}`] : []),
      ...(b.transmitHashPolicy ? [`bond-xmit-hash-policy ${b.transmitHashPolicy}`] : []),
    ];
  }
  if (m.vxlan) {
    const x = m.vxlan;
    return [
      `vxlan-id ${x.vni}`,
      ...(x.local ? [`vxlan-local-tunnelip ${x.local}`] : []),
      // The link's own remote (IFLA_VXLAN_GROUP, `remote` in `ip -d link`), as every other stack
      // sets it: the addon sends a unicast `vxlan-svcnodeip` there, while `vxlan-remoteip` only
      // appends an all-zeros forwarding entry (`bridge fdb`) and leaves the link without one.
      ...(x.remote ? [`vxlan-svcnodeip${x.remote.includes(':') ? '6' : ''} ${x.remote}`] : []),
      ...(x.group ? [`vxlan-mcastgrp${x.group.includes(':') ? '6' : ''} ${x.group}`] : []),
      ...(x.dev ? [`vxlan-physdev ${x.dev}`] : []),
      `vxlan-port ${x.port}`,
      `vxlan-learning ${x.learning ? 'yes' : 'no'}`,
    ];
  }
  if (m.kind === 'dummy')
    return [
      'link-type dummy',
      // ifupdown2 3.0's link addon creates the dummy with ip(8) and goes on without waiting for its
      // netlink cache to see it (3.3 waits: upstream commit f8ed3768); the vrf addon, next at
      // pre-up, looks the link up in that cache, and when it is not there yet it skips the link
      // ("device not found"), and the address addon after it too: the dummy stays down, outside
      // the VRF, without addresses. A user pre-up runs between the two (addons.conf) and blocks
      // ifupdown2's main thread while the command runs, so its netlink listener records the new
      // link first; the command itself only brings the dummy up, which the vrf addon does anyway.
      `pre-up ip link set dev ${m.name} up`,
    ];
  return [];
}

/** The highest `vxlan-id` ifupdown2's syntax check takes (addons/vxlan.py `validrange`), one below the kernel's. */
const MAX_VNI = 16777214;

/**
 * What the vxlan addon of ifupdown2 3.0 cannot make of a VXLAN (addons/vxlan.py): an IPv6 tunnel,
 * since `vxlan-local-tunnelip` takes IPv4 only (an IPv6 one stops the addon before the link is
 * created), and a VXLAN without one gets the first VXLAN's local address, or fails the syntax
 * check when there is none; and the VNI 16777215, outside the `vxlan-id` range of its syntax check
 * (`ifup -s`, `ifreload -s`). The stanza is still rendered, so the error is the only difference.
 * An IPv4 VXLAN without `local` is written, and said: it gets another VXLAN's local address, or,
 * when none has one, the file fails that syntax check, though the boot makes the link.
 */
function refuseVxlans(model: Model, report: RenderContext['report']): void {
  const version = model.platform.ifupdown2.version;
  const members = model.vrfs.flatMap((v) => v.members);
  // The local address the addon gives every VXLAN without one: the first it reads (stanza order).
  const shared = members.find((m) => m.vxlan?.local !== undefined && !m.vxlan.local.includes(':'));
  for (const m of members) {
    const x = m.vxlan;
    if (!x) continue;
    const v6 = (['local', 'remote', 'group'] as const).find((k) => x[k]?.includes(':'));
    if (!v6 && x.local === undefined)
      report(
        warning(
          'ifupdown2/vxlan-no-local',
          [...m.at, 'vxlan'],
          shared
            ? `member '${m.name}': without local, ifupdown2 ${version} gives this VXLAN the vxlan-local-tunnelip of '${shared.name}' (${shared.vxlan!.local}), not the address the kernel would pick; give local`
            : `member '${m.name}': without local, ifupdown2's syntax check (ifup -s, ifreload -s) refuses the file when no VXLAN in it has a vxlan-local-tunnelip, though ifup makes the link; give local`,
        ),
      );
    if (v6)
      report(
        error(
          'ifupdown2/vxlan-ipv6',
          [...m.at, 'vxlan', v6],
          `member '${m.name}': ifupdown2 ${version} makes IPv4 VXLANs only: its vxlan-local-tunnelip takes an IPv4 address, and a VXLAN without one gets another VXLAN's; use IPv4 addresses, or another network target`,
        ),
      );
    if (x.vni > MAX_VNI)
      report(
        error(
          'ifupdown2/vxlan-vni',
          [...m.at, 'vxlan', 'vni'],
          `member '${m.name}': VNI ${x.vni}: ifupdown2's syntax check takes vxlan-id 1-${MAX_VNI} and refuses the file; use another VNI, or another network target`,
        ),
      );
  }
}

/**
 * A member's stanzas. ifupdown2's address addon leaves a `dhcp` stanza's `address` lines alone
 * (addons/address.py), so a member with a lease and addresses of its own keeps a static stanza and
 * gets the `inet dhcp` one beside it; DHCPv6 is always a stanza of its own (`inet6 dhcp`). Each
 * DHCP stanza names the VRF: addons/dhcp.py runs dhclient inside the VRF of the stanza at hand.
 */
const memberStanzas = (m: Member) => {
  const lease = m.dhcp4 && m.addresses.length === 0;
  return [
    {
      name: m.name,
      iface: lease ? `${m.name} inet dhcp` : m.name,
      lines: [
        ...(m.vlan ? [`vlan-raw-device ${m.vlan.parent}`, `vlan-id ${m.vlan.id}`] : []),
        ...kindLines(m),
        ...m.addresses.map((a) => `address ${a}`),
        `vrf ${m.vrf}`,
        // The addon order (addons.conf) runs a user pre-up after bond, vlan, vxlan and link (dummy)
        // made the link, but before bridge makes a bridge.
        ...acceptRa(m).map((c) => `${m.bridge ? 'post-up' : 'pre-up'} ${c}`),
        // The addon order (addons.conf) enslaves at pre-up and adds addresses after it; a user
        // pre-up would run before the enslaving, so routes go in at post-up, which the kernel
        // would otherwise drop again when enslaving.
        ...staticRoutes(m).map((r) => `post-up ${ipRoute('replace', r)}`),
      ],
    },
    ...(m.dhcp4 && !lease
      ? [{ name: m.name, iface: `${m.name} inet dhcp`, lines: [`vrf ${m.vrf}`], sibling: true }]
      : []),
    ...(m.dhcp6 ? [{ name: m.name, iface: `${m.name} inet6 dhcp`, lines: [`vrf ${m.vrf}`], sibling: true }] : []),
  ];
};

export default {
  name: 'ifupdown2',
  kind: 'network',
  summary: 'ifupdown2 stanzas in /etc/network/interfaces.d (native vrf-table/vrf), plus its VRF table policy',
  owns: [INTERFACES_D_FILE, POLICY, RT_TABLES_D, ...DHCLIENT_HOOKS],
  // Brings every stanza to what the files say: new ones up, changed ones reconfigured.
  reload: () => [['ifreload', '-a']],
  foreign: ifupdownForeign('ifupdown2'),
  render(model: Model, { template, report }) {
    const members = model.vrfs.flatMap((v) => v.members);
    refuseRaGateways(model, 'ifupdown2/ra-gateway', report);
    refuseVxlans(model, report);
    // ifupdown2 orders stanzas by their dependencies itself; this order reads naturally.
    const stanzas = [
      ...model.vrfs.map(vrfStanza),
      // A parent another file configures keeps its own stanza; ifupdown2 finds it as a dependency.
      ...model.vlanParents.filter((p) => !p.networkdFile).map((p) => ({ name: p.name, iface: p.name, lines: [] })),
      ...members.filter((m) => !m.vlan).flatMap(memberStanzas),
      ...members.filter((m) => m.vlan).flatMap(memberStanzas),
    ];
    const [start, end] = model.platform.ifupdown2.vrfTableRange;
    const tables = model.vrfs.map((v) => v.table);
    const widen = tables.some((t) => t < start || t > end);
    const leased = members.some((m) => m.dhcp4 || m.dhcp6);
    const globals = {
      ...(widen
        ? {
            // reduce, not Math.min(...tables): spreading thousands of arguments overflows the stack.
            'vrf-table-id-start': tables.reduce((a, t) => Math.min(a, t), start),
            'vrf-table-id-end': tables.reduce((a, t) => Math.max(a, t), end),
          }
        : {}),
      // What addons/dhcp.py puts before dhclient for a member of a VRF (modulebase.py reads it from
      // the vrf module's globals); without it dhclient runs outside the VRF.
      ...(leased ? { 'vrf-exec-cmd-prefix': '/sbin/ip vrf exec' } : {}),
    };
    return [
      { path: INTERFACES_D_FILE, mode: 0o644, content: template('ifupdown2/interfaces.njk', { stanzas }) },
      ...(widen || leased
        ? [
            {
              path: POLICY,
              mode: 0o644,
              content: template('ifupdown2/policy.json.njk', { globals }),
            } satisfies OutputFile,
          ]
        : []),
      ...(model.platform.iproute2.shipsRtTablesDir
        ? []
        : [{ path: RT_TABLES_D, mode: 0o644, content: template('ifupdown2/rt_tables.conf.njk', {}) }]),
      ...dhclientHooks(model, template),
    ];
  },
  platformNotes({ ifupdown2: p, iproute2 }) {
    return [
      `ifupdown2 ${p.version}: tables outside ${p.vrfTableRange.join('–')} get a policy file that widens the range`,
      ...(iproute2.shipsRtTablesDir
        ? []
        : [
            `iproute2 ${iproute2.version} ships no /etc/iproute2/rt_tables.d, where ifupdown2 must write its VRF map: ${RT_TABLES_D} makes the folder exist (ifupdown2 PR #348)`,
          ]),
    ];
  },
  includedBy: {
    path: INTERFACES,
    file: INTERFACES_D_FILE,
    // ifupdown2 has no source-directory: it would read the line as an option of the stanza above.
    includes: (content: string) => sources(content, INTERFACES_D_FILE, false),
    fix: () => 'source /etc/network/interfaces.d/*',
  },
} satisfies Target;
