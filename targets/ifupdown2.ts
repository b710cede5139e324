import type { Member, Model, Vrf } from '../src/model/model.ts';
import type { OutputFile, Target } from '../src/render/target.ts';
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
    // No `vrf-default-route`: removed from ifupdown2 in 2016 (commit 6369e774); the isolation
    // routes are explicit commands like every other route.
    ...v.routes.map((r) => `post-up ${ipRoute('replace', r)}`),
    ...v.rules.flatMap(ruleUp).map((c) => `post-up ${c}`),
    ...v.rules.flatMap(ruleDown).map((c) => `pre-down ${c}`),
    ...v.routes.map((r) => `pre-down ${ipRoute('del', r)} || true`),
  ],
});

const memberStanza = (m: Member) => ({
  name: m.name,
  iface: m.name,
  lines: [
    ...(m.vlan ? [`vlan-raw-device ${m.vlan.parent}`, `vlan-id ${m.vlan.id}`] : []),
    ...m.addresses.map((a) => `address ${a}`),
    `vrf ${m.vrf}`,
    // The addon order (addons.conf) enslaves at pre-up and adds addresses after it; a user
    // pre-up would run before the enslaving, so routes go in at post-up, which the kernel
    // would otherwise drop again when enslaving.
    ...m.routes.map((r) => `post-up ${ipRoute('replace', r)}`),
  ],
});

export default {
  name: 'ifupdown2',
  kind: 'network',
  summary: 'ifupdown2 stanzas in /etc/network/interfaces.d (native vrf-table/vrf), plus its VRF table policy',
  owns: [INTERFACES_D_FILE, POLICY, RT_TABLES_D],
  // Brings every stanza to what the files say: new ones up, changed ones reconfigured.
  reload: () => [['ifreload', '-a']],
  foreign: ifupdownForeign('ifupdown2'),
  render(model: Model, { template }) {
    const members = model.vrfs.flatMap((v) => v.members);
    // ifupdown2 orders stanzas by their dependencies itself; this order reads naturally.
    const stanzas = [
      ...model.vrfs.map(vrfStanza),
      // A parent another file configures keeps its own stanza; ifupdown2 finds it as a dependency.
      ...model.vlanParents.filter((p) => !p.networkdFile).map((p) => ({ name: p.name, iface: p.name, lines: [] })),
      ...members.filter((m) => !m.vlan).map(memberStanza),
      ...members.filter((m) => m.vlan).map(memberStanza),
    ];
    const [start, end] = model.platform.ifupdown2.vrfTableRange;
    const tables = model.vrfs.map((v) => v.table);
    const widen = tables.some((t) => t < start || t > end);
    // reduce, not Math.min(...tables): spreading thousands of arguments overflows the stack.
    const globals = {
      'vrf-table-id-start': tables.reduce((a, t) => Math.min(a, t), start),
      'vrf-table-id-end': tables.reduce((a, t) => Math.max(a, t), end),
    };
    return [
      { path: INTERFACES_D_FILE, mode: 0o644, content: template('ifupdown2/interfaces.njk', { stanzas }) },
      ...(widen
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
    fix: 'source /etc/network/interfaces.d/*',
  },
} satisfies Target;
