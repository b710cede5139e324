import { error, warning, type Diagnostic } from '../src/diagnostics/diagnostics.ts';
import type { Family } from '../src/model/ip.ts';
import type { Member, Model, Route, Rule, VlanParent, Vrf } from '../src/model/model.ts';
import type { NetworkManagerProfile } from '../src/platforms/platforms.ts';
import { uuidFromName } from '../src/render/stable-id.ts';
import type { OutputFile, Target } from '../src/render/target.ts';
import networkmanagerForeign from './networkmanager-foreign.ts';

/**
 * NetworkManager's keyfile plugin reads every `*.nmconnection` here, and ignores a file that is not
 * 0600 and owned by root (it may hold secrets). The profile id carries the vrfgen prefix too, so
 * `nmcli connection` shows whose profiles they are.
 */
const DIR = '/etc/NetworkManager/system-connections';
const PREFIX = 'vrfgen-';

type Keys = [string, string | number][];
interface Section {
  readonly name: string;
  readonly keys: Keys;
}

/** The metric the kernel gives a route without one; NM would use its per-device default instead. */
const KERNEL_METRIC: Record<Family, number> = { 4: 0, 6: 1024 };
const ANY: Record<Family, string> = { 4: '0.0.0.0', 6: '::' };

/** `routeN=DEST[,GATEWAY[,METRIC]]` plus `routeN_options=` (nm-settings-keyfile(5)); options sorted as NM writes them. */
function routeKeys(routes: readonly Route[]): Keys {
  return routes.flatMap((r, i): Keys => {
    const n = i + 1;
    const value =
      r.metric !== undefined
        ? `${r.to},${r.via ?? ANY[r.family]},${r.metric}`
        : r.via !== undefined
          ? `${r.to},${r.via}`
          : r.to;
    const options = [
      ...(r.onlink ? ['onlink=true'] : []),
      `table=${r.table}`,
      ...(r.type !== 'unicast' ? [`type=${r.type}`] : []),
    ];
    return [
      [`route${n}`, value],
      [`route${n}_options`, options.join(',')],
    ];
  });
}

/**
 * `routing-ruleN=priority P [from P] [to P] [iif X] [oif X] table T`. NM's keyfile reader drops a
 * rule without a priority without a word, so those are reported instead (see unsupported()).
 */
const ruleKeys = (family: Family, rules: readonly Rule[]): Keys =>
  rules
    .filter((r) => r.priority !== undefined)
    .map((r, i) => {
      // NM spells a rule on interfaces only with the family's any-prefix; the kernel matches the same.
      const from = r.from ?? (r.to === undefined ? `${ANY[family]}/0` : undefined);
      const words = [
        `priority ${r.priority}`,
        from && `from ${from}`,
        r.to && `to ${r.to}`,
        r.iif && `iif ${r.iif}`,
        r.oif && `oif ${r.oif}`,
        `table ${r.table}`,
      ];
      return [`routing-rule${i + 1}`, words.filter(Boolean).join(' ')];
    });

/** One [ipv4]/[ipv6] section: keys in the order NM writes them, so `nmcli` re-emits the same file. */
function ipSection(
  family: Family,
  method: string,
  addresses: readonly string[],
  routes: readonly Route[],
  rules: readonly Rule[],
): Section {
  const mine = (a: string) => (a.includes(':') ? 6 : 4) === family;
  return {
    name: `ipv${family}`,
    keys: [
      ...addresses.filter(mine).map((a, i): [string, string] => [`address${i + 1}`, a]),
      ['method', method],
      // Routes without a metric get the kernel's default, as under every other stack (NM would
      // otherwise use its per-device-type default, e.g. 100 for ethernet).
      ['route-metric', KERNEL_METRIC[family]],
      ...routeKeys(routes.filter((r) => r.family === family)),
      ...ruleKeys(
        family,
        rules.filter((r) => r.family === family || r.family === 'both'),
      ),
    ],
  };
}

/** `[connection]`: master=/slave-type= for every NM; controller=/port-type= as well where NM reads them (1.46+). */
function connection(name: string, type: string, nm: NetworkManagerProfile, vrf?: string): Section {
  return {
    name: 'connection',
    keys: [
      ['id', `${PREFIX}${name}`],
      ['uuid', uuidFromName(`networkmanager/${name}`)],
      ['type', type],
      ['interface-name', name],
      ...(vrf
        ? ([
            ['master', vrf],
            ['slave-type', 'vrf'],
            ...(nm.controllerKeys
              ? [
                  ['controller', vrf],
                  ['port-type', 'vrf'],
                ]
              : []),
          ] as Keys)
        : []),
    ],
  };
}

const routesIn = (family: Family, routes: readonly Route[]) => routes.some((r) => r.family === family);

/**
 * The method of an address-less family: `manual` where NM takes it without addresses (1.46+) and
 * the family has a route (NM 1.52: "method 'manual' requires at least an address or a route"), else
 * `disabled`, as nmcli's own VRF profiles have it (see unsupported()).
 */
const addressless = (nm: NetworkManagerProfile, routes: readonly Route[], family: Family) =>
  nm.manualWithoutAddresses && routesIn(family, routes) ? 'manual' : 'disabled';

/**
 * The VRF device has no addresses. Its routes (isolation, blackhole/unreachable/prohibit) and the
 * VRF's rules live on it, each with the table.
 */
function vrfProfile(v: Vrf, nm: NetworkManagerProfile): Section[] {
  return [
    connection(v.name, 'vrf', nm),
    { name: 'vrf', keys: [['table', v.table]] },
    ipSection(4, addressless(nm, v.routes, 4), [], v.routes, v.rules),
    ipSection(6, addressless(nm, v.routes, 6), [], v.routes, v.rules),
    { name: 'proxy', keys: [] },
  ];
}

/**
 * A member: ethernet, or a VLAN on its parent. Without IPv4 addresses IPv4 is `disabled`; without
 * IPv6 addresses IPv6 is `link-local` — as networkd leaves a member (link-local, no RA). `manual`
 * takes no router advertisements either. Routes name the VRF's table, although NM would adopt it
 * for a VRF port by itself (nm-device.c _prop_get_ipvx_route_table), so the file says what it does.
 */
function memberProfile(m: Member, nm: NetworkManagerProfile): Section[] {
  const has = (f: Family) => m.addresses.some((a) => (a.includes(':') ? 6 : 4) === f);
  return [
    connection(m.name, m.vlan ? 'vlan' : 'ethernet', nm, m.vrf),
    { name: 'ethernet', keys: [] },
    // flags=1 (REORDER_HEADERS) is NM's default; it writes it, so the file is written as NM would.
    ...(m.vlan
      ? [
          {
            name: 'vlan',
            keys: [
              ['flags', 1],
              ['id', m.vlan.id],
              ['parent', m.vlan.parent],
            ] as Keys,
          },
        ]
      : []),
    ipSection(4, has(4) ? 'manual' : addressless(nm, m.routes, 4), m.addresses, m.routes, []),
    ipSection(6, has(6) ? 'manual' : 'link-local', m.addresses, m.routes, []),
    { name: 'proxy', keys: [] },
  ];
}

/**
 * A VLAN parent that is not a member, as the networkd target's trunk: up, no addresses, no IPv6.
 * Without a profile NM would start its automatic DHCP profile on it. A parent another tool
 * configures (named under vlan-parents) keeps that tool's profile; NM finds it by name.
 */
const trunkProfile = (p: VlanParent, nm: NetworkManagerProfile): Section[] => [
  connection(p.name, 'ethernet', nm),
  { name: 'ethernet', keys: [] },
  { name: 'ipv4', keys: [['method', 'disabled']] },
  { name: 'ipv6', keys: [['method', 'disabled']] },
  { name: 'proxy', keys: [] },
];

/** Why an address-less family with routes or rules stays `disabled` on this NM. */
const whyDisabled = (nm: NetworkManagerProfile) =>
  nm.manualWithoutAddresses
    ? `NetworkManager ${nm.version} takes method=manual without an address only with a route`
    : `NetworkManager ${nm.version} takes method=manual only with an address before 1.46`;

/**
 * What NM cannot express: a routing rule without a priority (the keyfile reader drops it without a
 * word). And routes or rules in an address-less family that must stay `disabled`: NM may not apply
 * them there (nmstate refuses routes on a disabled stack); said, so that `vrfgen check` is run.
 */
function unsupported(model: Model): Diagnostic[] {
  const nm = model.platform.networkManager;
  const stuck = (routes: readonly Route[], rules: readonly Rule[], family: Family) =>
    addressless(nm, routes, family) === 'disabled' &&
    (routesIn(family, routes) || rules.some((r) => r.family === family || r.family === 'both'));
  return model.vrfs.flatMap((v) => {
    const families = ([4, 6] as const).filter((f) => stuck(v.routes, v.rules, f));
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
        .filter((m) => !m.addresses.some((a) => !a.includes(':')) && stuck(m.routes, [], 4))
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

export default {
  name: 'networkmanager',
  kind: 'network',
  summary: 'NetworkManager keyfiles in /etc/NetworkManager/system-connections (VRF, members, VLAN trunks)',
  owns: [`${DIR}/${PREFIX}*.nmconnection`],
  foreign: networkmanagerForeign,
  // `reload` re-reads the keyfiles; `up` activates each profile: VRFs and trunks before the ports
  // that need them (files come sorted by path, which would put eth1 before its VRF mgmt).
  reload: (files) => [
    ['nmcli', 'connection', 'reload'],
    ...[...files.filter((f) => !/^master=/m.test(f.content)), ...files.filter((f) => /^master=/m.test(f.content))].map(
      (f) => ['nmcli', 'connection', 'up', f.path.slice(DIR.length + 1, -'.nmconnection'.length)],
    ),
  ],
  render(model, { template, report }) {
    const nm = model.platform.networkManager;
    unsupported(model).forEach(report);
    const file = (name: string, sections: Section[]): OutputFile => ({
      path: `${DIR}/${PREFIX}${name}.nmconnection`,
      mode: 0o600,
      content: template('networkmanager/profile.nmconnection.njk', { sections }),
    });
    return [
      ...model.vrfs.flatMap((v) => [
        file(v.name, vrfProfile(v, nm)),
        ...v.members.map((m) => file(m.name, memberProfile(m, nm))),
      ]),
      ...model.vlanParents.filter((p) => !p.networkdFile).map((p) => file(p.name, trunkProfile(p, nm))),
    ];
  },
  platformNotes({ networkManager: nm }) {
    return [
      nm.controllerKeys
        ? `NetworkManager ${nm.version}: ports carry controller=/port-type= (1.46+) beside master=/slave-type=`
        : `NetworkManager ${nm.version}: ports carry master=/slave-type= only (controller=/port-type= came in 1.46)`,
    ];
  },
} satisfies Target;
