/**
 * No silent drops (fast-check): every entry of an intent that resolves — VRF, member (VLANs too),
 * address, route, rule, l3mdev sysctl, service, container network, BGP neighbour, listen range — ends
 * up in the files of each chosen target that handles it, or in a diagnostic that says it does not: an
 * error at the entry (or inside it), or a warning that says the entry is not written. A warning about
 * an entry that is then left out is exactly the drop this test is for. The entries are read from the
 * intent itself, not from the model, so a drop anywhere from resolving to rendering shows.
 *
 * Which target handles what is what each is documented to do (README, Targets): the network stacks
 * the VRFs, members, addresses, routes and rules; sysctl the l3mdev keys; services the units; netavark
 * the container networks; frr the BGP sessions. Every target is run alone, and the default set
 * (networkd plus every system target) together. The services target runs with no tree read (files
 * for another machine) or with a tree that holds some of the listed units and not others.
 *
 * An entry is found by its identifying text as the targets print it (normalised: `default` is
 * 0.0.0.0/0 or ::/0, addresses compressed); an entry with several (a route's destination, gateway and
 * metric) needs them all in one record: a section, a stanza, a YAML list item, a line.
 *
 * 2 000 intents per run by default (VRFGEN_NO_DROPS_RUNS to change it); the seed is printed with any
 * failure: VRFGEN_NO_DROPS_SEED=<seed> repeats the run.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { expect, test } from 'vitest';
import type { Diagnostic, Path } from '../src/diagnostics/diagnostics.ts';
import { loadIntent } from '../src/intent/load.ts';
import type { Intent } from '../src/intent/schema.ts';
import { formatCidr, formatIp, parseCidr, parseIp } from '../src/model/ip.ts';
import { ISOLATION_METRIC, type Model } from '../src/model/model.ts';
import { validated } from '../src/pipeline/validate.ts';
import { renderTargets, selectTargets } from '../src/render/render.ts';
import type { OutputFile, Target } from '../src/render/target.ts';
import type { UnitFile, UnitFiles } from '../src/systemd/read-units.ts';
import { unitsToRead } from '../src/systemd/unit-facts.ts';
import { parseUnitFile, templateOf } from '../src/systemd/unit-file.ts';
import { targetNames, targets, type TargetName } from '../targets/index.ts';
import { intentDataAt } from './support/fuzz/intents.ts';

const RUNS = Number(process.env.VRFGEN_NO_DROPS_RUNS ?? 2_000);
const SEED = Number(process.env.VRFGEN_NO_DROPS_SEED ?? Date.now() % 2 ** 31);

type Kind =
  'vrf' | 'member' | 'port' | 'address' | 'route' | 'rule' | 'sysctl' | 'service' | 'container' | 'neighbor' | 'listen';

const NETWORK: readonly Kind[] = ['vrf', 'member', 'port', 'address', 'route', 'rule'];

/** What each target is documented to write. */
const HANDLES: Record<TargetName, readonly Kind[]> = {
  networkd: NETWORK,
  netplan: NETWORK,
  ifupdown2: NETWORK,
  ifupdown: NETWORK,
  networkmanager: NETWORK,
  netavark: ['container'],
  sysctl: ['sysctl'],
  services: ['service'],
  frr: ['neighbor', 'listen'],
};

/** Warnings that say an entry is not written by this run; any other warning leaves it to be written. */
const NOT_WRITTEN = new Set(['generate/service-not-bound', 'generate/containers-not-attached']);

interface Entry {
  readonly kind: Kind;
  /** Where the entry is in the intent, as diagnostics name it. */
  readonly at: Path;
  /** Its identifying text as the targets print it; all of it in one record of the output. */
  readonly texts: readonly string[];
  /** Text that record must not hold: it would be another entry's (an isolation route's metric). */
  readonly unlike?: readonly string[];
  /** Output for it would never be read (a unit that exists nowhere): only a diagnostic will do. */
  readonly unreadable?: boolean;
}

/** A prefix as targets print it; an address alone is a host prefix. */
const cidr = (text: string): string => {
  const host = text.includes('/') ? undefined : parseIp(text);
  return host ? `${formatIp(host)}/${host.family === 4 ? 32 : 128}` : formatCidr(parseCidr(text)!);
};
const ip = (text: string): string => formatIp(parseIp(text)!);

/**
 * `ssh` → ssh.service; a unit file of that name in the tree is that unit, else an alias in the
 * platform's table is the unit it names (whose drop-in binds it). Whether it exists: in the tree, in
 * the table (as itself, its template, or the socket a table service is started by); a unit nowhere
 * has a drop-in systemd never loads. Without a tree there is no telling.
 */
function unitOf(name: string, model: Model, units: UnitFiles | undefined): { unit: string; exists: boolean } {
  const unit = /\.(service|socket)$/.test(name) ? name : `${name}.service`;
  const table = model.platform.units;
  const onDisk = units?.get(unit);
  const exists =
    !units ||
    onDisk !== undefined ||
    table[unit] !== undefined ||
    table[templateOf(unit)] !== undefined ||
    Object.values(table).some((u) => u.activatedBy === unit);
  return { unit: onDisk?.id ?? table[unit]?.aliasOf ?? unit, exists };
}

/** Every entry of the intent, with what identifies it. */
function entriesOf(intent: Intent, model: Model, units: UnitFiles | undefined): Entry[] {
  const out: Entry[] = [];
  for (const [k, on] of Object.entries(intent.sysctl ?? {}))
    if (on !== undefined) out.push({ kind: 'sysctl', at: ['sysctl', k], texts: [`net.ipv4.${k}`] });
  for (const [name, v] of Object.entries(intent.vrfs)) {
    const at: Path = ['vrfs', name];
    out.push({ kind: 'vrf', at, texts: [name] });
    (v.addresses ?? []).forEach((a, i) => out.push({ kind: 'address', at: [...at, 'addresses', i], texts: [cidr(a)] }));
    for (const [m, cfg] of Object.entries(v.interfaces ?? {})) {
      const mAt: Path = [...at, 'interfaces', m];
      out.push({ kind: 'member', at: mAt, texts: [m] });
      for (const kind of ['bridge', 'bond'] as const)
        (cfg?.[kind]?.ports ?? []).forEach((p, i) =>
          out.push({ kind: 'port', at: [...mAt, kind, 'ports', i], texts: [p] }),
        );
      (cfg?.addresses ?? []).forEach((a, i) =>
        out.push({ kind: 'address', at: [...mAt, 'addresses', i], texts: [cidr(a)] }),
      );
    }
    (v.routes ?? []).forEach((r, i) => {
      // A gateway a member learns (dhcp, ra) is written in each stack's own words: the
      // destination and metric identify the route.
      const learned = r.via === 'dhcp' || r.via === 'ra';
      const via = r.via === undefined || learned ? undefined : ip(r.via);
      const v6 = () => (learned ? r.via === 'ra' : via!.includes(':'));
      const to = r.to !== 'default' ? cidr(r.to) : v6() ? '::/0' : '0.0.0.0/0';
      const texts = [
        to,
        ...(r.type !== undefined && r.type !== 'unicast' ? [r.type] : []),
        ...(via !== undefined ? [via] : []),
        ...(r.metric !== undefined ? [String(r.metric)] : []),
      ];
      // The VRF's own unreachable defaults have the same destination: theirs is not this one.
      const unlike = r.metric === undefined ? [String(ISOLATION_METRIC)] : [];
      out.push({ kind: 'route', at: [...at, 'routes', i], texts, unlike });
    });
    (v.rules ?? []).forEach((r, i) => {
      const texts = [
        ...(r.from !== undefined ? [cidr(r.from)] : []),
        ...(r.to !== undefined ? [cidr(r.to)] : []),
        ...(r.iif !== undefined ? [r.iif] : []),
        ...(r.oif !== undefined ? [r.oif] : []),
        ...(r.priority !== undefined ? [String(r.priority)] : []),
      ];
      out.push({ kind: 'rule', at: [...at, 'rules', i], texts });
    });
    (v.services ?? []).forEach((s, i) => {
      const { unit, exists } = unitOf(typeof s === 'string' ? s : s.unit, model, units);
      out.push({ kind: 'service', at: [...at, 'services', i], texts: [unit], unreadable: !exists });
    });
    (v.containers ?? []).forEach((c, i) =>
      out.push({ kind: 'container', at: [...at, 'containers', i], texts: [c.network] }),
    );
    (v.bgp?.neighbors ?? []).forEach((n, i) =>
      out.push({ kind: 'neighbor', at: [...at, 'bgp', 'neighbors', i], texts: [ip(n.address)] }),
    );
    (v.bgp?.listen ?? []).forEach((l, i) =>
      out.push({ kind: 'listen', at: [...at, 'bgp', 'listen', i], texts: [cidr(l.range)] }),
    );
  }
  return out;
}

/**
 * The records of the output: each section, stanza and YAML list item (a new one at every blank line,
 * `[Section]` header and `- ` item), each line, and each pair of lines (NetworkManager gives a route's
 * type on the line after it); and each file's path, whose folders and names count as words.
 */
function recordsOf(files: readonly OutputFile[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    out.push(f.path.replaceAll('/', ' ').replace(/\.(d|json) /g, ' '));
    const lines = f.content.split('\n');
    let record: string[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '' || line.startsWith('[') || /^\s*- /.test(line)) {
        out.push(record.join('\n'));
        record = [];
      }
      record.push(line);
      out.push(line, `${line}\n${lines[i + 1] ?? ''}`);
    });
    out.push(record.join('\n'));
  }
  return out;
}

const WORD = /[A-Za-z0-9_]/;
const JOINS = /[.:/@-]/;

/**
 * `text` in `record` as a whole: not run on into more of a name, address or number on either side
 * (`eth0` is not in `eth0.7`, `10.0.0.1` not in `10.0.0.1/24`, `1` not in `10`).
 */
function holds(record: string, text: string): boolean {
  const joined = (c: string, next: string) => WORD.test(c) || (JOINS.test(c) && WORD.test(next));
  for (let i = record.indexOf(text); i >= 0; i = record.indexOf(text, i + 1)) {
    const j = i + text.length;
    if (!joined(record[i - 1] ?? '', record[i - 2] ?? '') && !joined(record[j] ?? '', record[j + 1] ?? '')) return true;
  }
  return false;
}

/** Whether `path` is `at` or inside it. */
const within = (path: Path, at: Path): boolean => at.every((k, i) => path[i] === k);

/** Whether a diagnostic says the entry is not written: an error at it, or a not-written warning. */
const said = (e: Entry, diags: readonly Diagnostic[]): boolean =>
  diags.some(
    (d) =>
      (d.severity === 'error' || NOT_WRITTEN.has(d.code)) &&
      (within(d.path, e.at) || (d.path.length === 0 && e.texts.every((t) => d.message.includes(t)))),
  );

/** What became of each entry `chosen` handle: in their files, said to be left out, or dropped. */
function fates(
  entries: readonly Entry[],
  chosen: readonly Target[],
  files: readonly OutputFile[],
  diags: readonly Diagnostic[],
): { entry: Entry; fate: 'written' | 'said' | 'dropped' }[] {
  const kinds = new Set(chosen.flatMap((t) => HANDLES[t.name as TargetName]));
  const records = recordsOf(files);
  const written = (e: Entry) =>
    !e.unreadable &&
    records.some((r) => e.texts.every((t) => holds(r, t)) && !(e.unlike ?? []).some((t) => holds(r, t)));
  return entries
    .filter((e) => kinds.has(e.kind))
    .map((entry) => ({ entry, fate: written(entry) ? 'written' : said(entry, diags) ? 'said' : 'dropped' }));
}

/** A unit file as the units stage reads one from a tree: the unit's file and nothing else. */
function unitFile(name: string): UnitFile {
  const fragment = `/usr/lib/systemd/system/${name}`;
  const text = name.endsWith('.socket') ? '[Socket]\nListenStream=2222\n' : '[Service]\nExecStart=/usr/bin/agent\n';
  return {
    name,
    id: name,
    fragment,
    masked: false,
    dropIns: [],
    settings: parseUnitFile(text, fragment),
    enabled: false,
  };
}

/** No tree read, or a tree holding the listed units whose bit in `present` is set (and no others). */
function unitsFor(model: Model, tree: boolean, present: number): UnitFiles | undefined {
  if (!tree) return undefined;
  const names = [...new Set(unitsToRead(model))];
  return new Map(names.filter((_, i) => (present >> i) & 1).map((n) => [n, unitFile(n)]));
}

const runs = [
  ...targetNames.map((n) => ({ name: n, chosen: [targets[n] as Target] })),
  { name: 'default', chosen: selectTargets() },
];

const tally = { intents: 0, valid: 0, trees: 0 };
/** Per kind of entry, over every target run: how often written, how often said to be left out. */
const fateTally = new Map<Kind, { written: number; said: number }>();

test(`${RUNS} generated intents: every entry is written by each target that handles it, or said not to be (seed ${SEED})`, () => {
  fc.assert(
    fc.property(intentDataAt(0), fc.boolean(), fc.nat(), (data, tree, present) => {
      tally.intents++;
      const text = stringify(data, { aliasDuplicateObjects: false, lineWidth: 0 });
      const loaded = loadIntent(text, 'intent.yaml');
      const v = validated(loaded, 'intent.yaml', {});
      if (!v.model || !loaded.intent) return;
      tally.valid++;
      const units = unitsFor(v.model, tree, present);
      const entries = entriesOf(loaded.intent, v.model, units);
      if (units) tally.trees++;
      for (const { name, chosen } of runs) {
        const r = renderTargets(v.model, chosen, units);
        const diags = [...v.diagnostics, ...r.diagnostics];
        const seen = fates(entries, chosen, r.files, diags);
        expect(
          seen.filter((x) => x.fate === 'dropped').map((x) => x.entry),
          `target ${name}`,
        ).toEqual([]);
        for (const { entry, fate } of seen) {
          const t = fateTally.get(entry.kind) ?? { written: 0, said: 0 };
          if (fate !== 'dropped') t[fate]++;
          fateTally.set(entry.kind, t);
        }
      }
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: false },
  );
  const kinds = [...fateTally].map(([k, t]) => `${k} ${t.written}/${t.said}`).join(', ');
  console.log(
    `no silent drops, seed ${SEED}: ${tally.intents} intents, ${tally.valid} resolved (${tally.trees} with a tree of units); entries written/said, over every target run: ${kinds}`,
  );
  // A run where (almost) nothing resolves, or some kind of entry never reaches a target, proves little.
  expect(tally.valid).toBeGreaterThan(RUNS / 4);
  for (const k of new Set(Object.values(HANDLES).flat())) expect(fateTally.get(k)?.written ?? 0, k).toBeGreaterThan(0);
}, 300_000);
