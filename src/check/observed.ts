import type { Diagnostic } from '../diagnostics/diagnostics.ts';
import type { Family } from '../model/ip.ts';
import type { OutputFile } from '../render/target.ts';
import type { Change } from '../output/write.ts';
import {
  DYNAMIC_PROTOCOLS,
  keys,
  linkState,
  routeItem,
  routeValue,
  ruleSelector,
  type FactSink,
  type LinkSetting,
  type Value,
} from './facts.ts';
import { noVrfSupport, parseKernelVrf } from './kernel-vrf.ts';
import {
  eachRoute,
  parseAddresses,
  parseIdentify,
  parseLinks,
  parseRules,
  parseSysctl,
  unitProperties,
  type Link,
  type RouteEntry,
} from './parse.ts';
import { identifyFile, type Observation, type ProbeOutput, type ProbeResult } from './probes.ts';

/** Why nothing is known: which probe, and what went wrong with it. */
export interface Unknown {
  readonly probe: string;
  readonly why: string;
}

/** What the host showed, in the vocabulary of facts.ts. */
export interface Observed {
  readonly facts: ReadonlyMap<string, Value>;
  /** Key prefixes nothing is known about (a probe failed or was not collected), each with why. */
  readonly unknown: ReadonlyMap<string, Unknown>;
}

/** The keys one probe answers for: what becomes unknown when it fails. */
function scopeOf(o: Observation): string {
  switch (o.kind) {
    case 'links':
      return 'link ';
    case 'addresses':
      return 'addr ';
    case 'routes':
      return `route${o.family} ${o.table} `;
    case 'route-dump':
      return `route${o.family} `;
    case 'kernel-vrf':
      return 'kernel vrf';
    case 'rules':
      return `rule${o.family} `;
    case 'sysctl':
      return 'sysctl ';
    case 'unit':
      return `service ${o.unit} `;
    case 'vrf-identify':
      return keys.service(o.unit, 'vrf');
    case 'daemon':
      return o.scope;
    default: {
      const never: never = o;
      return never;
    }
  }
}

/** iproute2 ≥ 6.1 exits 2 for a table that has no route at all: that is an answer (empty), not a failure. */
const isMissingTable = (o: Observation, out: ProbeOutput) =>
  o.kind === 'routes' && out.code === 2 && /FIB table does not exist/.test(out.stderr);

/** Why a probe's output cannot be used, or undefined when it can. */
function failure(probe: string, out: ProbeOutput | undefined): Unknown | undefined {
  if (out === undefined) return { probe, why: 'not collected' };
  if (out.code === null) return { probe, why: 'no exit status recorded' };
  if (out.code === 0) return undefined;
  return { probe, why: `exit ${out.code}${out.stderr ? `: ${out.stderr.split('\n')[0]}` : ''}` };
}

/** A wanted key under which nothing has been seen yet. */
const UNSEEN = Symbol('unseen');

/**
 * Collects facts; a key seen more than once (two rules, two routes) keeps every distinct value. A
 * host with thousands of VRFs yields a hundred thousand facts, nearly all seen once: those stay a
 * plain string until a second value comes, and lists grow in place. Given the keys the check will
 * look up (`wanted`), it keeps only those: the rest of what a host shows is "don't care" (facts.ts).
 * The wanted keys are the value map's first entries, so one lookup tells both whether a key is
 * wanted and what it holds.
 */
class FactSet implements FactSink {
  private readonly values = new Map<string, Set<string> | string | number | typeof UNSEEN>();
  readonly lists = new Map<string, string[]>();
  private readonly filtered: boolean;

  constructor(wanted?: Iterable<string>) {
    this.filtered = wanted !== undefined;
    if (wanted) for (const key of wanted) this.values.set(key, UNSEEN);
  }

  set(key: string, value: string | number): void {
    const had = this.values.get(key);
    if (had === undefined && this.filtered) return;
    if (had instanceof Set && typeof value === 'string') had.add(value);
    else if (typeof had === 'string' && typeof value === 'string' && had !== value)
      this.values.set(key, new Set([had, value]));
    else if (typeof had !== 'string' || typeof value !== 'string') this.values.set(key, value);
  }

  add(key: string, item: string): void {
    if (this.filtered && !this.values.has(key)) return;
    const list = this.lists.get(key);
    if (list) list.push(item);
    else this.lists.set(key, [item]);
  }

  /** The facts, made from the values in place (a second map of 40000 entries was a copy); the set is spent. */
  result(): Map<string, Value> {
    const out = this.values as Map<string, Value | Set<string> | typeof UNSEEN>;
    for (const [k, v] of out) {
      if (v === UNSEEN) out.delete(k);
      else if (v instanceof Set) out.set(k, [...v].sort().join(', '));
    }
    for (const [k, v] of this.lists) out.set(k, [...new Set(v)].sort());
    return out as Map<string, Value>;
  }
}

/** Rule tables print as numbers or as rt_tables names: the built-in ones, or (ifupdown2) a VRF's own name. */
const RT_TABLES: Record<string, number> = { default: 253, main: 254, local: 255 };

/** What the host shows besides its facts. */
export interface ObservedHost extends Observed {
  readonly facts: Map<string, Value>;
  readonly unknown: Map<string, Unknown>;
  /** Why this kernel cannot have a VRF (kernel-vrf.ts), when the host has none and its kernel says so. */
  readonly noVrfSupport?: Unknown;
}

/**
 * Turns probe outputs into facts, one result at a time, so that a check can drop each output once
 * it is read (a state of 4000 VRFs is 16000 files). Rules wait for the links (they may name their
 * table after a VRF), and units for their `ip vrf identify` answer: those few are kept until
 * finish(). What a failed probe would have said is unknown, never ok or drift.
 */
export class FactCollector {
  private readonly facts: FactSet;
  private readonly unknown = new Map<string, Unknown>();
  /** The table of each VRF among the links, for rules that name theirs. */
  private readonly vrfTables = new Map<string, number>();
  private readonly later: ProbeResult[] = [];
  /** A VRF device was seen: the kernel has VRF support, whatever kernel-vrf.txt says. */
  private sawVrf = false;
  private kernel?: Unknown;

  /** `wanted`: the only keys that will be looked up; without it, every fact is kept. */
  constructor(wanted?: Iterable<string>) {
    this.facts = new FactSet(wanted);
  }

  take(result: ProbeResult): void {
    const kind = result.probe.observes.kind;
    if (kind === 'rules' || kind === 'unit' || kind === 'vrf-identify') this.later.push(result);
    else this.read(result);
  }

  /** The unit results taken so far: the follow-up probes need their MainPIDs (probes.ts). */
  units(): ProbeResult[] {
    return this.later.filter((r) => r.probe.observes.kind === 'unit');
  }

  finish(): ObservedHost {
    const identify = new Map(
      this.later.flatMap((r) =>
        r.probe.observes.kind === 'vrf-identify' ? [[r.probe.observes.unit, r] as const] : [],
      ),
    );
    for (const r of this.later) if (r.probe.observes.kind !== 'vrf-identify') this.read(r, identify);
    const facts = this.facts.result();
    return !this.sawVrf && this.kernel
      ? { facts, unknown: this.unknown, noVrfSupport: this.kernel }
      : { facts, unknown: this.unknown };
  }

  private read({ probe, output }: ProbeResult, identify?: ReadonlyMap<string, ProbeResult>): void {
    const { facts, unknown } = this;
    const o = probe.observes;
    const why = output && isMissingTable(o, output) ? undefined : failure(probe.file, output);
    if (why !== undefined) {
      unknown.set(scopeOf(o), why);
      return;
    }
    const stdout = output!.code === 0 ? output!.stdout : '[]';
    try {
      switch (o.kind) {
        case 'links': {
          const links = parseLinks(stdout);
          for (const l of links) {
            if (l.kind !== 'vrf') continue;
            this.sawVrf = true;
            if (l.table !== undefined) this.vrfTables.set(l.name, l.table);
          }
          linkFacts(links, facts);
          break;
        }
        case 'addresses':
          for (const a of parseAddresses(stdout)) {
            facts.set(keys.address(a.link, a.cidr), a.state);
            facts.add(keys.addresses(a.link), a.dynamic ? `${a.cidr} dynamic` : a.cidr);
            if (a.dynamic && a.state === 'present')
              facts.set(keys.dynamicAddress(a.link, a.cidr.includes(':') ? 6 : 4), 'present');
          }
          break;
        case 'routes':
          eachRoute(stdout, o.family, (r) => routeFact(r, o.family, o.table, facts), { skip: ADDRESS_ROUTE_TYPES });
          break;
        case 'route-dump':
          this.routeDump(stdout, probe.file, o.family, o.tables);
          break;
        case 'kernel-vrf': {
          const why = noVrfSupport(parseKernelVrf(stdout));
          if (why) this.kernel = { probe: probe.file, why };
          break;
        }
        case 'rules':
          ruleFacts(stdout, o.family, this.vrfTables, facts);
          break;
        case 'sysctl':
          for (const [k, v] of parseSysctl(stdout)) facts.set(keys.sysctl(k), /^-?\d+$/.test(v) ? Number(v) : v);
          break;
        case 'unit':
          unitFacts(o.unit, stdout, identify?.get(o.unit), facts, unknown);
          break;
        case 'vrf-identify':
          break; // read with its unit
        case 'daemon':
          o.read(stdout, facts);
          break;
      }
    } catch (e) {
      unknown.set(scopeOf(o), { probe: probe.file, why: `unreadable output (${(e as Error).message})` });
    }
  }

  /**
   * One family's routes of every table: those of main and of `tables` become facts, the rest
   * (the local table, other tables) is dropped as it is read. ip prints a table by its rt_tables
   * name when it has one: ifupdown2 names each VRF's table after the VRF (read through the links,
   * as for rules). A name that is neither a VRF's nor built in could be any table, so each VRF table
   * not seen by number is then unknown rather than empty.
   */
  private routeDump(stdout: string, file: string, family: Family, tables: readonly number[]): void {
    const tableOf = new Map<string, number | 'main'>([
      ['main', 'main'],
      ['254', 'main'],
    ]);
    for (const t of tables) tableOf.set(String(t), t);
    for (const [name, t] of this.vrfTables) if (tableOf.get(String(t)) === t) tableOf.set(name, t);
    const printed = new Set<string>();
    eachRoute(
      stdout,
      family,
      (r) => routeFact(r, family, r.table === undefined ? 'main' : tableOf.get(r.table)!, this.facts),
      {
        skip: ADDRESS_ROUTE_TYPES,
        table: (t) => {
          if (t === undefined) return true;
          printed.add(t);
          return tableOf.has(t);
        },
      },
    );
    const unnamed = [...printed].filter((t) => !/^\d+$/.test(t) && !tableOf.has(t) && !Object.hasOwn(RT_TABLES, t));
    if (unnamed.length === 0) return;
    const why = `routes in table ${unnamed.sort().join(', ')} (a name from rt_tables, not a VRF's)`;
    const seen = new Set([...printed].map((name) => tableOf.get(name)));
    for (const t of tables) if (!seen.has(t)) this.unknown.set(`route${family} ${t} `, { probe: file, why });
  }
}

/** Turn probe outputs into facts: every fact the host shows. */
export function observedFacts(results: readonly ProbeResult[]): ObservedHost {
  const collector = new FactCollector();
  for (const r of results) collector.take(r);
  return collector.finish();
}

function linkFacts(links: readonly Link[], facts: FactSet): void {
  for (const l of links) {
    facts.set(keys.link(l.name, 'kind'), l.kind ?? 'none');
    if (l.table !== undefined) facts.set(keys.link(l.name, 'table'), l.table);
    facts.set(keys.link(l.name, 'state'), linkState(l.flags));
    facts.set(keys.link(l.name, 'master'), l.master ?? 'none');
    facts.set(keys.link(l.name, 'vlan'), l.vlan ? `${l.vlan.parent ?? '?'} id ${l.vlan.id ?? '?'}` : 'none');
    if (l.master) facts.add(keys.link(l.master, 'members'), l.name);
    if (l.settings)
      for (const [attr, value] of Object.entries(l.settings))
        if (value !== undefined) facts.set(keys.link(l.name, attr as LinkSetting), value);
  }
}

/** Local, broadcast, multicast and anycast routes are the kernel's bookkeeping for addresses. */
const ADDRESS_ROUTE_TYPES = new Set(['local', 'broadcast', 'multicast', 'anycast']);

function routeFact(r: RouteEntry, family: Family, table: number | 'main', facts: FactSet): void {
  const value = r.multipath ? 'multipath' : routeValue(r.type, r.via, r.type === 'unicast' ? r.dev : undefined);
  facts.set(keys.route(family, table, r.to, r.metric), value);
  if (r.type === 'unicast' && r.dev && !r.multipath && (r.to === '0.0.0.0/0' || r.to === '::/0'))
    facts.set(keys.defaultVia(family, table, r.dev), r.via ? `via ${r.via}` : 'no gateway');
  // The prefix route of an address (proto kernel, no gateway) is the kernel's, not anyone's config.
  if (r.protocol === 'kernel' && r.type === 'unicast' && !r.via) return;
  // A DHCP client's or RA handler's route says so: strict lists allow those through its member.
  const learned = r.protocol !== undefined && DYNAMIC_PROTOCOLS.has(r.protocol);
  const item = learned ? `${routeItem(r.to, r.metric, value)} proto ${r.protocol}` : routeItem(r.to, r.metric, value);
  facts.add(keys.routes(family, table), item);
  if (r.type === 'unicast' && r.dev) facts.add(keys.routesVia(family, table, r.dev), item);
}

function ruleFacts(stdout: string, family: Family, vrfTables: ReadonlyMap<string, number>, facts: FactSet): void {
  const tableOf = (t: string) => (/^\d+$/.test(t) ? Number(t) : (RT_TABLES[t] ?? vrfTables.get(t) ?? t));
  for (const r of parseRules(stdout)) {
    if (r.l3mdev) {
      facts.set(keys.l3mdev(family), `pref ${r.priority ?? '?'}`);
      continue;
    }
    const value = `table ${r.table === undefined ? '?' : tableOf(r.table)}`;
    const selector = ruleSelector(r, r.other);
    if (!selector) {
      // Of the `from all` rules only the local lookup's place matters; main and default match no intent rule.
      if (r.table === 'local' || r.table === '255') facts.set(keys.localLookup(family), `pref ${r.priority ?? '?'}`);
      continue;
    }
    facts.set(keys.rule(family, selector), value);
    if (r.priority !== undefined) facts.set(keys.rule(family, selector, r.priority), value);
  }
}

/**
 * A service's state, and the VRF it really runs in: the VRF `ip vrf identify` finds for its
 * MainPID, else its BindNetworkInterface= (systemd ≥ 260, which identify cannot see). A socket
 * unit is bound by BindToDevice=.
 */
function unitFacts(
  unit: string,
  stdout: string,
  identified: ProbeResult | undefined,
  facts: FactSet,
  unknown: Map<string, Unknown>,
): void {
  const props = unitProperties(stdout);
  const active = props.get('ActiveState');
  if (!active) throw new Error('no ActiveState');
  const load = props.get('LoadState');
  const detail = load && load !== 'loaded' ? load : props.get('SubState');
  facts.set(keys.service(unit, 'state'), active === 'active' || !detail ? active : `${active} (${detail})`);

  const vrfKey = keys.service(unit, 'vrf');
  if (unit.endsWith('.socket')) {
    facts.set(vrfKey, props.get('BindToDevice') || 'none');
    return;
  }
  const bound = props.get('BindNetworkInterface') || undefined;
  const pid = Number(props.get('MainPID') ?? 0);
  if (!(pid > 0)) {
    facts.set(vrfKey, bound ?? 'none (not running)');
    return;
  }
  const file = identified?.probe.file ?? identifyFile(unit);
  const why = failure(file, identified?.output);
  const answer = why === undefined ? parseIdentify(identified!.output!.stdout) : undefined;
  if (why !== undefined) unknown.set(vrfKey, why);
  else if (!answer) unknown.set(vrfKey, { probe: file, why: 'unreadable output' });
  else if (answer.pid !== pid)
    unknown.set(vrfKey, { probe: file, why: `answers for PID ${answer.pid}, but MainPID is ${pid}` });
  else facts.set(vrfKey, answer.vrf || bound || 'none');
}

const REFUSED: Record<string, string> = {
  'write/foreign-file': 'not written by vrfgen',
  'write/outside-root': 'behind a link out of the root',
};

/**
 * The tree, as the writer's own plan sees it (no second comparison): a file vrfgen would keep is
 * as generated; one it would update was edited (or only its mode changed); one it would create is
 * missing; one it would remove is stale; one it refuses to touch belongs to someone else.
 */
export function fileFacts(
  files: readonly OutputFile[],
  changes: readonly Change[],
  refusals: readonly Diagnostic[],
): Map<string, Value> {
  const facts = new Map<string, Value>();
  const byPath = new Map(changes.map((c) => [c.path, c]));
  for (const f of files) {
    const c = byPath.get(f.path);
    if (c?.action === 'keep') facts.set(keys.file(f.path), 'as generated');
    else if (c?.action === 'update') {
      // Same content: the mode differs, or else the owner (a file with its own owner, src/output/write.ts).
      const attrs = c.beforeMode === c.mode ? 'owner' : `mode ${c.beforeMode!.toString(8).padStart(4, '0')}`;
      facts.set(keys.file(f.path), c.before === c.after ? attrs : 'edited');
    } else if (!c) {
      // planWrite names the file first in each refusal it reports.
      const refusal = refusals.find((d) => d.message.startsWith(`${f.path}: `));
      facts.set(keys.file(f.path), REFUSED[refusal?.code ?? ''] ?? 'unreadable');
    }
  }
  facts.set(
    keys.files(),
    changes
      .filter((c) => c.action !== 'create')
      .map((c) => c.path)
      .sort(),
  );
  return facts;
}
