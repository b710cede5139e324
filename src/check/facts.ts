import type { Path } from '../diagnostics/diagnostics.ts';
import { compareCidr, parseCidr, type Cidr, type Family } from '../model/ip.ts';
import type { Model, Route } from '../model/model.ts';
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
   *  items it allows besides those listed; `value` then says in words what that is. */
  readonly allows?: (item: string) => boolean;
  /** Where the intent asks for it. */
  readonly at?: Path;
}

/**
 * Every key the checker itself knows; a daemon's keys are its target's (src/check/daemon.ts). A key
 * names its subject; its value is what the subject is.
 */
export const keys = {
  link: (name: string, attr: 'kind' | 'table' | 'state' | 'master' | 'vlan' | 'members') => `link ${name} ${attr}`,
  address: (link: string, cidr: string) => `addr ${link} ${cidr}`,
  /** Every address on a link. */
  addresses: (link: string) => `addr ${link} *`,
  route: (family: Family, table: number | 'main', to: string, metric: number) =>
    `route${family} ${table} ${to} metric ${metric}`,
  /** Every route of a table that the kernel did not derive from an address. */
  routes: (family: Family, table: number | 'main') => `route${family} ${table} *`,
  /** The same, only those through one link. */
  routesVia: (family: Family, table: number | 'main', dev: string) => `route${family} ${table} dev ${dev}`,
  l3mdev: (family: Family) => `rule${family} l3mdev`,
  rule: (family: Family, selector: string, priority?: number) =>
    `rule${family} ${selector}${priority === undefined ? '' : ` pref ${priority}`}`,
  sysctl: (key: string) => `sysctl ${key}`,
  service: (unit: string, attr: 'state' | 'vrf') => `service ${unit} ${attr}`,
  file: (path: string) => `file ${path}`,
  /** Every file vrfgen owns under the root. */
  files: () => 'file *',
};

/** Where a probe's reader puts what the host shows: a key's value, or one more item of a key's list. */
export interface FactSink {
  set(key: string, value: string | number): void;
  add(key: string, item: string): void;
}

/** The metric the kernel gives a route added without one (IPv6: IP6_RT_PRIO_USER). */
export const DEFAULT_METRIC: Record<Family, number> = { 4: 0, 6: 1024 };

/** The l3mdev rule the kernel adds (both families) when the first VRF is created (vrf.rst). */
export const L3MDEV_PRIORITY = 1000;

/** What a route does, minus where it goes: `via GW dev LINK`, `dev LINK`, or its type. */
export const routeValue = (type: string, via?: string, dev?: string): string =>
  type === 'unicast' ? [via && `via ${via}`, dev && `dev ${dev}`].filter(Boolean).join(' ') || 'unicast' : type;

/** A route as one list item: `TO metric M VALUE`. */
export const routeItem = (to: string, metric: number, value: string): string => `${to} metric ${metric} ${value}`;

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

const familiesOf = (addresses: readonly string[], routes: readonly Route[]): Family[] =>
  ([4, 6] as const).filter((f) => addresses.some((a) => familyOf(a) === f) || routes.some((r) => r.family === f));

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

/** What the model says the host should look like, VRF by VRF, in the model's order. */
export function expectedFacts(model: Model, opts: ExpectOptions = {}): Fact[] {
  const facts: Fact[] = [];
  const expect = (key: string, value: Value, at?: Path) => facts.push(at ? { key, value, at } : { key, value });
  const destinations = new Map<string, Cidr>();

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

    for (const m of vrf.members) {
      expect(keys.link(m.name, 'master'), vrf.name, m.at);
      expect(keys.link(m.name, 'state'), 'up', m.at);
      if (m.vlan) expect(keys.link(m.name, 'vlan'), `${m.vlan.parent} id ${m.vlan.id}`, [...m.at, 'vlan']);
      for (const a of m.addresses) expect(keys.address(m.name, a), 'present', [...m.at, 'addresses']);
      if (opts.strict) expect(keys.addresses(m.name), m.addresses, m.at);
      // systemd #14940: a route through a member but without the VRF's table lands in main.
      for (const f of familiesOf(m.addresses, m.routes)) expect(keys.routesVia(f, 'main', m.name), [], m.at);
    }

    const routes = byDestination([...vrf.routes, ...vrf.members.flatMap((m) => m.routes)], destinations);
    const metric = (r: Route) => r.metric ?? DEFAULT_METRIC[r.family];
    for (const r of routes)
      expect(keys.route(r.family, r.table, r.to, metric(r)), routeValue(r.type, r.via, r.dev), r.at);
    if (opts.strict) {
      for (const f of [4, 6] as const) {
        const items = routes
          .filter((r) => r.family === f)
          .map((r) => routeItem(r.to, metric(r), routeValue(r.type, r.via, r.dev)));
        expect(keys.routes(f, vrf.table), items.sort(), [...vrf.at, 'routes']);
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
    for (const f of [4, 6] as const) expect(keys.l3mdev(f), `pref ${L3MDEV_PRIORITY}`, ['vrfs']);
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
