import type { Path } from '../diagnostics/diagnostics.ts';
import { compareCidr, parseCidr, type Cidr, type Family } from '../model/ip.ts';
import type { Member, Model, Port, Route, Vrf } from '../model/model.ts';
import type { OutputFile } from '../render/target.ts';
import { daemonChecks } from './daemon.ts';

/**
 * The checker's one vocabulary. The model (what should be) and the probe outputs (what is) both
 * become flat facts under the same keys, normalised the same way (canonical addresses, sorted
 * lists, numbers for tables), so one function can compare them (nmstate's verify, without its
 * stop-at-the-first-difference). Only keys the model produces are compared: an observed key the
 * model does not mention is "don't care", except inside the lists below.
 */
export type Value = string | number | readonly string[];

export interface Fact {
  readonly key: string;
  /** A list means "no others than these": observed items outside it are reported as extra. */
  readonly value: Value;
  /** For a list the model can only describe (the prefixes an `accept` filter lets in): which observed
   *  items it allows besides those listed, `value` then saying in words what that is; for a single
   *  value (a route through the gateway a DHCP lease names): which observed values match besides `value`. */
  readonly allows?: (item: string) => boolean;
  /** For a list the model enumerates but that may hold more (what a DHCP client adds): what `allows`
   *  lets in besides `value`, in words. Such a list is reported like any other, by its extras. */
  readonly besides?: string;
  /** Where the intent asks for it. */
  readonly at?: Path;
}

/**
 * Every key the checker itself knows; a daemon's keys are its target's (src/check/daemon.ts). A key
 * names its subject; its value is what the subject is.
 */
export const keys = {
  link: (name: string, attr: 'kind' | 'table' | 'state' | 'master' | 'vlan' | 'members' | LinkSetting) =>
    `link ${name} ${attr}`,
  address: (link: string, cidr: string) => `addr ${link} ${cidr}`,
  /** Every address on a link; one obtained by DHCP or SLAAC is listed as `CIDR dynamic`. */
  addresses: (link: string) => `addr ${link} *`,
  /** Some address of the family that the link obtained dynamically (not permanent: it has a lifetime). */
  dynamicAddress: (link: string, family: Family) => `addr ${link} dynamic ipv${family}`,
  route: (family: Family, table: number | 'main', to: string, metric: number) =>
    `route${family} ${table} ${to} metric ${metric}`,
  /** The default route through one link, whatever its metric (a DHCP client or RA picks that). */
  defaultVia: (family: Family, table: number | 'main', dev: string) =>
    `route${family} ${table} ${family === 4 ? '0.0.0.0/0' : '::/0'} dev ${dev}`,
  /** Every route of a table that the kernel did not derive from an address. */
  routes: (family: Family, table: number | 'main') => `route${family} ${table} *`,
  /** The same, only those through one link. */
  routesVia: (family: Family, table: number | 'main', dev: string) => `route${family} ${table} dev ${dev}`,
  l3mdev: (family: Family) => `rule${family} l3mdev`,
  /** The rule that looks up the local table for every packet (the kernel's, at 0, until it is moved). */
  localLookup: (family: Family) => `rule${family} local`,
  rule: (family: Family, selector: string, priority?: number) =>
    `rule${family} ${selector}${priority === undefined ? '' : ` pref ${priority}`}`,
  sysctl: (key: string) => `sysctl ${key}`,
  service: (unit: string, attr: 'state' | 'vrf') => `service ${unit} ${attr}`,
  /** Whether the kernel can have VRFs: only reported when the host has none and the kernel says it cannot. */
  kernelVrf: () => 'kernel vrf',
  file: (path: string) => `file ${path}`,
  /** Every file vrfgen owns under the root. */
  files: () => 'file *',
};

/**
 * The settings of a bridge, bond or VXLAN the checker compares, by the names its keys use; the
 * values as `ip -d` prints them (parse.ts reads them from linkinfo.info_data).
 */
export type LinkSetting =
  | 'stp'
  | 'mode'
  | 'miimon'
  | 'primary'
  | 'lacp-rate'
  | 'xmit-hash-policy'
  | 'vni'
  | 'local'
  | 'remote'
  | 'group'
  | 'dev'
  | 'dstport'
  | 'learning';

/** Where a probe's reader puts what the host shows: a key's value, or one more item of a key's list. */
export interface FactSink {
  set(key: string, value: string | number): void;
  add(key: string, item: string): void;
}

/** The metric the kernel gives a route added without one (IPv6: IP6_RT_PRIO_USER). */
export const DEFAULT_METRIC: Record<Family, number> = { 4: 0, 6: 1024 };

/** The l3mdev rule the kernel adds (both families) when the first VRF is created (vrf.rst). */
export const L3MDEV_PRIORITY = 1000;

/**
 * Where the local table is looked up once it is moved behind the l3mdev rule: 127.0.0.1 and the
 * default VRF's addresses then answer a process inside a VRF only through that VRF's table (vrf.rst;
 * the sysctl target's unit, ifupdown2 by itself).
 */
export const LOCAL_LOOKUP_PRIORITY = 32765;

/** What a route does, minus where it goes: `via GW dev LINK`, `dev LINK`, or its type. */
export const routeValue = (type: string, via?: string, dev?: string): string =>
  type === 'unicast' ? [via && `via ${via}`, dev && `dev ${dev}`].filter(Boolean).join(' ') || 'unicast' : type;

/** A route as one list item: `TO metric M VALUE`. */
export const routeItem = (to: string, metric: number, value: string): string => `${to} metric ${metric} ${value}`;

/** The protocols (rtnetlink RTPROT_*) of routes a DHCP client or the RA handler installed: networkd,
 *  NetworkManager and the kernel's own RA code tag their routes so. A list item ends in `proto P` for them. */
export const DYNAMIC_PROTOCOLS: ReadonlySet<string> = new Set(['dhcp', 'ra']);

/** A rule's selectors in a fixed order; `other` for those vrfgen never writes. */
export const ruleSelector = (
  r: { from?: string; to?: string; iif?: string; oif?: string },
  other: readonly string[] = [],
): string =>
  [r.from && `from ${r.from}`, r.to && `to ${r.to}`, r.iif && `iif ${r.iif}`, r.oif && `oif ${r.oif}`, ...other]
    .filter(Boolean)
    .join(' ');

export const linkState = (flags: readonly string[]): string =>
  flags.includes('UP') ? (flags.includes('LOWER_UP') ? 'up' : 'up (no carrier)') : 'down';

export interface ExpectOptions {
  /** Also expect nothing but the intent's members, addresses and routes inside each VRF. */
  readonly strict?: boolean;
  /** The files vrfgen would write, when the tree is checked too. */
  readonly files?: readonly OutputFile[];
}

/** The model's addresses are canonical text (model.ts): only IPv6 has a colon. */
const familyOf = (cidr: string): Family => (cidr.includes(':') ? 6 : 4);

/**
 * What a member learns by itself, per family: the protocol of the routes its DHCP client or RA
 * handler installs (DYNAMIC_PROTOCOLS), and the words a report uses for it. The IPv6 gateway comes
 * with router advertisements; DHCPv6 brings addresses.
 */
function learnedBy(m: Member, family: Family): { protocol: 'dhcp' | 'ra'; what: string }[] {
  if (family === 4) return m.dhcp4 ? [{ protocol: 'dhcp', what: 'DHCP' }] : [];
  return [
    ...(m.dhcp6 ? [{ protocol: 'dhcp' as const, what: 'DHCPv6' }] : []),
    ...(m.acceptRa ? [{ protocol: 'ra' as const, what: 'RA' }] : []),
  ];
}

/** The families a member has addresses, routes or a DHCP client/RA handler in. */
const familiesOf = (m: Member): Family[] =>
  ([4, 6] as const).filter(
    (f) => m.addresses.some((a) => familyOf(a) === f) || m.routes.some((r) => r.family === f) || learnedBy(m, f).length,
  );

/** Link kinds vrfgen creates (an `ethernet` member exists already; a VLAN's kind is its `vlan` fact). */
const CREATED_KINDS: ReadonlySet<string> = new Set(['bridge', 'bond', 'dummy', 'vxlan']);

/** fe80::/10, as a list item (`fe80::…/64`). */
const LINK_LOCAL = /^fe[89ab][0-9a-f]:/;

const onOff = (b: boolean) => (b ? 'on' : 'off');

/** A bridge's, bond's or VXLAN's settings the checker compares, each with its intent key; one the
 *  intent leaves unset (a bond's primary, a VXLAN's remote) is undefined and not compared. */
function settingsOf(m: Member): (readonly [LinkSetting, string | number | undefined, string])[] {
  if (m.bridge) return [['stp', onOff(m.bridge.stp), 'stp']];
  const b = m.bond;
  if (b)
    return [
      ['mode', b.mode, 'mode'],
      ['miimon', b.miimon, 'miimon'],
      ['primary', b.primary, 'primary'],
      ['lacp-rate', b.lacpRate, 'lacp-rate'],
      ['xmit-hash-policy', b.transmitHashPolicy, 'transmit-hash-policy'],
    ];
  const v = m.vxlan;
  if (v)
    return [
      ['vni', v.vni, 'vni'],
      ['local', v.local, 'local'],
      ['remote', v.remote, 'remote'],
      ['group', v.group, 'group'],
      ['dev', v.dev, 'dev'],
      ['dstport', v.port, 'port'],
      ['learning', onOff(v.learning), 'learning'],
    ];
  return [];
}

/** A route whose gateway a member learns reads `via dhcp dev eth0`; ip shows the one it learned. */
const gatewayOf = (r: Route): string | undefined => r.dynamicGateway ?? r.via;

/** `via GW dev DEV` for any one gateway GW: what a route through a learned gateway shows. */
const viaAnyGatewayDev =
  (dev: string) =>
  (value: string): boolean =>
    value.startsWith('via ') &&
    value.endsWith(` dev ${dev}`) &&
    value.indexOf(' ', 4) === value.length - dev.length - 5;

/** `via GW` for any gateway, seen once or more (two default routes through one link, two metrics). */
const VIA_ANY = /^via [^ ,]+(?:, via [^ ,]+)*$/;

/**
 * The strict list of a VRF table's routes, when some member learns routes: besides the intent's,
 * the routes the members' DHCP clients and RA handlers install (`… dev eth0 proto dhcp`), and the
 * intent's routes through a learned gateway, with whatever gateway was learned.
 */
function learnedRoutesAllowed(
  family: Family,
  learned: readonly Route[],
  members: readonly Member[],
): ((item: string) => boolean) | undefined {
  const byProtocol = new Set(members.flatMap((m) => learnedBy(m, family).map((l) => `${m.name} proto ${l.protocol}`)));
  const throughLearned = new Map(learned.map((r) => [`${r.to} metric ${r.metric ?? DEFAULT_METRIC[family]}`, r.dev]));
  if (byProtocol.size === 0 && throughLearned.size === 0) return undefined;
  return (item) => {
    const dev = item.lastIndexOf(' dev ');
    if (dev < 0) return false;
    if (byProtocol.has(item.slice(dev + 5))) return true;
    const m = /^(\S+ metric \d+) via \S+ dev (\S+)(?: proto \S+)?$/.exec(item);
    return m !== null && throughLearned.get(m[1]!) === m[2];
  };
}

/** Routes by family, destination and metric; `parsed` remembers each destination (most are the defaults). */
function byDestination(routes: Route[], parsed: Map<string, Cidr>): Route[] {
  if (routes.length < 2) return routes;
  const cidr = (to: string) => {
    let c = parsed.get(to);
    if (c === undefined) parsed.set(to, (c = parseCidr(to)!));
    return c;
  };
  return routes.sort(
    (a, b) => a.family - b.family || compareCidr(cidr(a.to), cidr(b.to)) || (a.metric ?? -1) - (b.metric ?? -1),
  );
}

/**
 * One member: in its VRF and up; its kind and the settings that matter; its addresses, those it
 * learns (an address with a lifetime, the default route into the VRF's table, never one in main);
 * and its ports, each enslaved to it and up.
 */
function memberFacts(m: Member, vrf: Vrf, ports: readonly Port[], facts: Fact[], opts: ExpectOptions): void {
  const expect = (key: string, value: Value, at: Path) => facts.push({ key, value, at });
  expect(keys.link(m.name, 'master'), vrf.name, m.at);
  // A bridge without ports (one that VMs' taps or containers' veths join later) has no carrier
  // until a port forwards (net/bridge/br_stp.c br_port_state_selection), and IPv6 DAD waits for
  // carrier: its addresses stay tentative (addrconf_dad_begin). Both are as they should be.
  const portless = m.bridge !== undefined && m.bridge.ports.length === 0;
  if (portless)
    facts.push({ key: keys.link(m.name, 'state'), value: 'up', allows: (v) => v === 'up (no carrier)', at: m.at });
  else expect(keys.link(m.name, 'state'), 'up', m.at);
  if (CREATED_KINDS.has(m.kind)) expect(keys.link(m.name, 'kind'), m.kind, [...m.at, m.kind]);
  if (m.vlan) expect(keys.link(m.name, 'vlan'), `${m.vlan.parent} id ${m.vlan.id}`, [...m.at, 'vlan']);
  for (const [attr, value, key] of settingsOf(m))
    if (value !== undefined) expect(keys.link(m.name, attr), value, [...m.at, m.kind, key]);

  for (const a of m.addresses) {
    const key = keys.address(m.name, a);
    if (portless) facts.push({ key, value: 'present', allows: (v) => v === 'tentative', at: [...m.at, 'addresses'] });
    else expect(key, 'present', [...m.at, 'addresses']);
  }
  const learnsIn = ([4, 6] as const).filter((f) => learnedBy(m, f).length);
  const flagOf = (f: Family) => (f === 4 ? 'dhcp4' : m.dhcp6 ? 'dhcp6' : 'accept-ra');
  if (opts.strict) {
    if (learnsIn.length === 0) expect(keys.addresses(m.name), m.addresses, m.at);
    else
      facts.push({
        key: keys.addresses(m.name),
        value: m.addresses,
        // IPv6 autoconfiguration and DHCPv6 speak from the link-local address, so an IPv6 learner has one.
        allows: (item) =>
          learnsIn.includes(familyOf(item)) &&
          (item.endsWith(' dynamic') || (familyOf(item) === 6 && LINK_LOCAL.test(item))),
        besides: [
          ...learnsIn.map(
            (f) =>
              `IPv${f} by ${learnedBy(m, f)
                .map((l) => l.what)
                .join(' or ')}`,
          ),
          ...(learnsIn.includes(6) ? ['link-local'] : []),
        ].join(', '),
        at: m.at,
      });
  }
  for (const f of learnsIn) expect(keys.dynamicAddress(m.name, f), 'present', [...m.at, flagOf(f)]);
  // The default route comes with the DHCPv4 lease's router and with router advertisements.
  if (m.dhcp4)
    facts.push({
      key: keys.defaultVia(4, vrf.table, m.name),
      value: 'via dhcp',
      allows: (v) => VIA_ANY.test(v),
      at: [...m.at, 'dhcp4'],
    });
  if (m.acceptRa)
    facts.push({
      key: keys.defaultVia(6, vrf.table, m.name),
      value: 'via ra',
      allows: (v) => VIA_ANY.test(v),
      at: [...m.at, 'accept-ra'],
    });
  // systemd #14940: a route through a member but without the VRF's table lands in main; so does a
  // DHCP client's or RA handler's without a route table set.
  for (const f of familiesOf(m)) expect(keys.routesVia(f, 'main', m.name), [], m.at);

  if (opts.strict && (m.bridge || m.bond))
    expect(keys.link(m.name, 'members'), (m.bridge ?? m.bond)!.ports, [...m.at, m.kind, 'ports']);
  for (const p of ports) {
    expect(keys.link(p.name, 'master'), m.name, p.at);
    expect(keys.link(p.name, 'state'), 'up', p.at);
  }
}

/** What the model says the host should look like, VRF by VRF, in the model's order. */
export function expectedFacts(model: Model, opts: ExpectOptions = {}): Fact[] {
  const facts: Fact[] = [];
  const expect = (key: string, value: Value, at?: Path) => facts.push(at ? { key, value, at } : { key, value });
  const destinations = new Map<string, Cidr>();
  const portsOf = new Map<string, Port[]>();
  for (const p of model.ports) {
    const list = portsOf.get(p.master);
    if (list) list.push(p);
    else portsOf.set(p.master, [p]);
  }

  for (const vrf of model.vrfs) {
    expect(keys.link(vrf.name, 'kind'), 'vrf', vrf.at);
    expect(keys.link(vrf.name, 'table'), vrf.table, [...vrf.at, 'table']);
    expect(keys.link(vrf.name, 'state'), 'up', vrf.at);
    if (opts.strict)
      expect(
        keys.link(vrf.name, 'members'),
        vrf.members.map((m) => m.name),
        vrf.at,
      );
    for (const a of vrf.addresses) expect(keys.address(vrf.name, a), 'present', [...vrf.at, 'addresses']);
    if (opts.strict) expect(keys.addresses(vrf.name), vrf.addresses, vrf.at);

    for (const m of vrf.members) memberFacts(m, vrf, portsOf.get(m.name) ?? [], facts, opts);

    const routes = byDestination([...vrf.routes, ...vrf.members.flatMap((m) => m.routes)], destinations);
    const metric = (r: Route) => r.metric ?? DEFAULT_METRIC[r.family];
    for (const r of routes) {
      const value = routeValue(r.type, gatewayOf(r), r.dev);
      const key = keys.route(r.family, r.table, r.to, metric(r));
      if (r.dynamicGateway && r.dev) facts.push({ key, value, allows: viaAnyGatewayDev(r.dev), at: r.at });
      else expect(key, value, r.at);
    }
    if (opts.strict) {
      for (const f of [4, 6] as const) {
        const own = routes.filter((r) => r.family === f);
        const items = own.map((r) => routeItem(r.to, metric(r), routeValue(r.type, gatewayOf(r), r.dev))).sort();
        const at = [...vrf.at, 'routes'];
        const allows = learnedRoutesAllowed(
          f,
          own.filter((r) => r.dynamicGateway),
          vrf.members,
        );
        if (!allows) expect(keys.routes(f, vrf.table), items, at);
        else {
          const besides = vrf.members
            .flatMap((m) => learnedBy(m, f).map((l) => `routes by ${l.what} through ${m.name}`))
            .join(', ');
          facts.push({ key: keys.routes(f, vrf.table), value: items, allows, besides, at });
        }
      }
    }

    for (const rule of vrf.rules) {
      for (const f of rule.family === 'both' ? ([4, 6] as const) : [rule.family]) {
        expect(keys.rule(f, ruleSelector(rule), rule.priority), `table ${rule.table}`, rule.at);
      }
    }
    for (const s of vrf.services) {
      expect(keys.service(s.unit, 'state'), 'active', s.at);
      expect(keys.service(s.unit, 'vrf'), vrf.name, s.at);
    }
  }

  for (const p of model.vlanParents) {
    const member = model.vrfs.flatMap((v) => v.members).find((m) => m.vlan?.parent === p.name);
    expect(keys.link(p.name, 'state'), 'up', p.at.length ? p.at : member && [...member.at, 'vlan', 'parent']);
  }
  if (model.vrfs.length) {
    for (const f of [4, 6] as const) {
      expect(keys.l3mdev(f), `pref ${L3MDEV_PRIORITY}`, ['vrfs']);
      expect(keys.localLookup(f), `pref ${LOCAL_LOOKUP_PRIORITY}`, ['vrfs']);
    }
  }
  for (const s of model.sysctls) expect(keys.sysctl(s.key), s.value, s.at);
  for (const c of daemonChecks()) facts.push(...c.expected(model));
  if (opts.files) {
    for (const f of opts.files) expect(keys.file(f.path), 'as generated');
    expect(
      keys.files(),
      opts.files.map((f) => f.path),
    );
  }
  return facts;
}

/**
 * What only a kernel with VRF support can show: the VRF devices (every key of theirs), their
 * members' master, the l3mdev rule, the VRF a service runs in. As keys, and as key prefixes ending
 * in a space (compare.ts). Routes and rules of the VRFs' tables are not among them: tables exist
 * without VRFs.
 */
export function vrfDeviceScopes(model: Model): string[] {
  const scopes = model.vrfs.flatMap((v) => [
    `link ${v.name} `,
    `addr ${v.name} `,
    ...v.members.map((m) => keys.link(m.name, 'master')),
    ...v.services.map((s) => keys.service(s.unit, 'vrf')),
  ]);
  return model.vrfs.length ? [...scopes, keys.l3mdev(4), keys.l3mdev(6)] : scopes;
}
