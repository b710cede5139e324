import type { Family } from '../model/ip.ts';
import { noVrfSupport, parseKernelVrf } from '../check/kernel-vrf.ts';
import {
  parseAddresses,
  parseIdentify,
  parseLinks,
  parseRoutes,
  parseRules,
  parseSysctl,
  unitProperties,
  type Link,
} from '../check/parse.ts';
import type { ProbeOutput, ProbeResult } from '../check/probes.ts';
import { identifyFile, UNITS_FILE, vrfPidsFile } from '../check/probes.ts';
import { emptyHost, linkOf, type Host, type HostLink, type LinkKind, type Origin } from './host.ts';
import type { Notes } from './notes.ts';

/**
 * The kernel's state, as `collect` stores it (or `import --live` runs it), → a Host. The probes are
 * the checker's and `collect --all`'s, run by its runner (src/check/inventory.ts) and read with its
 * readers (src/check/parse.ts): what they leave out (a field of the wrong shape) is absent here
 * too. The routes come from each family's dump of every table (route-all.json, route6-all.json), or,
 * in a state of the per-table layout, from each table's own file; the units from each
 * `unit-UNIT.txt` with its `vrf-identify-UNIT.txt` (what `collect` with an intent stores), and
 * from units.txt with `vrf-pids-VRF.txt` (what `collect --all` adds).
 */
export interface StateResults {
  /** What each probe answered (a probe without `output`: its file is not in the state). */
  readonly results: readonly ProbeResult[];
  /** How a file is named in comments and diagnostics (the folder's path joined, or `--live`). */
  label(name: string): string;
}

const CREATED_KINDS = new Set<string>(['vrf', 'vlan', 'bridge', 'bond', 'dummy', 'vxlan']);

/** The kernel's own tables in a dump: the local table holds each address's local and broadcast routes. */
const KERNEL_TABLES = new Set(['local', '255']);

export function hostFromState(state: StateResults, notes: Notes): Host {
  const host = emptyHost();
  const byFile = new Map<string, ProbeOutput | undefined>(state.results.map((r) => [r.probe.file, r.output]));
  const at = (name: string): Origin => ({ file: state.label(name), line: 0, col: 0 });
  /** A probe's stdout when it answered, else a left-out note (a table that does not exist is empty). */
  const output = (name: string): string | undefined => {
    const o = byFile.get(name);
    if (!o) return undefined;
    if (o.code === 2 && /FIB table does not exist/.test(o.stderr)) return '[]';
    if (o.code !== 0) {
      notes.omit(
        `${name}: the probe failed (${o.code === null ? 'no exit status' : `exit ${o.code}`}${o.stderr ? `: ${o.stderr.split('\n')[0]}` : ''}), so nothing it would show is imported`,
      );
      return undefined;
    }
    return o.stdout;
  };
  const parsed = <T>(name: string, read: (s: string) => T): T | undefined => {
    const text = output(name);
    if (text === undefined) return undefined;
    try {
      return read(text);
    } catch (e) {
      notes.error('import/unparsable', at(name), `${name} cannot be read (${(e as Error).message})`);
      return undefined;
    }
  };

  const links = parsed('links.json', parseLinks);
  if (!links) {
    notes.error(
      'import/no-files',
      at('links.json'),
      'the state has no readable links.json: without the links nothing can be imported',
    );
    return host;
  }
  for (const l of links) addLink(host, l, at('links.json'));

  for (const a of parsed('addr.json', parseAddresses) ?? []) {
    const l = host.links.get(a.link);
    if (l && a.state !== 'dadfailed') l.addresses.push({ cidr: a.cidr, dynamic: a.dynamic, origin: at('addr.json') });
  }

  for (const { probe, output: answered } of state.results) {
    const o = probe.observes;
    if (o.kind !== 'route-dump' && o.kind !== 'routes') continue;
    const what = o.kind === 'routes' ? `table ${o.table}'s IPv${o.family} routes` : `the IPv${o.family} routes`;
    if (!answered) {
      notes.omit(`${probe.file}: not in the state, so ${what} are unknown`);
      continue;
    }
    const family: Family = o.family;
    // A dump prints each table by number, or by its rt_tables name (assemble.ts reads both).
    const only = o.kind === 'route-dump' ? { table: (t: string | undefined) => !KERNEL_TABLES.has(t ?? '') } : {};
    for (const r of parsed(probe.file, (s) => parseRoutes(s, family, only)) ?? []) {
      const table =
        o.kind === 'routes'
          ? o.table
          : r.table === undefined
            ? 'main'
            : /^\d+$/.test(r.table)
              ? Number(r.table)
              : r.table;
      host.routes.push({
        table,
        family,
        to: r.to,
        type: r.type,
        ...(r.via ? { via: r.via } : {}),
        ...(r.dev ? { dev: r.dev } : {}),
        // The kernel shows every route's metric; the family's default is left unsaid.
        ...(r.metric !== (family === 4 ? 0 : 1024) ? { metric: r.metric } : {}),
        ...(r.protocol ? { protocol: r.protocol } : {}),
        ...(r.multipath ? { multipath: true } : {}),
        onlink: r.onlink === true && r.via !== undefined,
        origin: at(probe.file),
      });
    }
  }

  for (const [file, family] of [
    ['rule.json', 4],
    ['rule6.json', 6],
  ] as const)
    for (const r of parsed(file, parseRules) ?? [])
      host.rules.push({
        family,
        ...(r.from ? { from: r.from } : {}),
        ...(r.to ? { to: r.to } : {}),
        ...(r.iif ? { iif: r.iif } : {}),
        ...(r.oif ? { oif: r.oif } : {}),
        ...(r.priority !== undefined ? { priority: r.priority } : {}),
        ...(r.table !== undefined ? { table: /^\d+$/.test(r.table) ? Number(r.table) : r.table } : {}),
        l3mdev: r.l3mdev,
        other: r.other,
        origin: at(file),
      });

  const sysctls = parsed('sysctl-l3mdev.txt', parseSysctl);
  for (const [k, v] of sysctls ?? []) {
    const key = k.replace(/^net\.ipv4\./, '');
    if (key === 'tcp_l3mdev_accept' || key === 'udp_l3mdev_accept' || key === 'raw_l3mdev_accept')
      host.sysctls.push({ key, value: v !== '0', origin: at('sysctl-l3mdev.txt') });
  }
  if (sysctls)
    notes.omit(
      'sysctl: each l3mdev key as the state shows it, its kernel default included (tcp 0, udp 0, raw 1), since a state cannot tell a value set on purpose from a default',
    );

  // A host without VRFs whose kernel cannot have any: said once, as the checker says it.
  const kernel = byFile.has('kernel-vrf.txt') ? output('kernel-vrf.txt') : undefined;
  const why = kernel === undefined ? undefined : noVrfSupport(parseKernelVrf(kernel));
  if (why && ![...host.links.values()].some((l) => l.kind === 'vrf'))
    notes.omit(`this kernel has no VRF support (${why}): there is no VRF to import`, at('kernel-vrf.txt'));

  services(state.results, host, output, at);
  return host;
}

function addLink(host: Host, l: Link, origin: Origin): void {
  const link: HostLink = linkOf(host, l.name, origin);
  if (l.kind && CREATED_KINDS.has(l.kind)) link.kind = l.kind as LinkKind;
  else if (l.kind) link.otherKind = l.kind;
  if (l.table !== undefined) link.table = l.table;
  if (l.master) link.master = l.master;
  if (l.vlan)
    link.vlan = {
      ...(l.vlan.parent ? { parent: l.vlan.parent } : {}),
      ...(l.vlan.id !== undefined ? { id: l.vlan.id } : {}),
    };
  const s = l.settings ?? {};
  const str = (v: string | number | undefined) => (v === undefined || v === 'none' ? undefined : String(v));
  const num = (v: string | number | undefined) => (typeof v === 'number' ? v : undefined);
  if (l.kind === 'bridge') link.bridge = { stp: s.stp === 'on' };
  if (l.kind === 'bond')
    link.bond = {
      mode: str(s.mode),
      miimon: num(s.miimon),
      primary: str(s.primary),
      // The kernel shows every setting; its defaults are the intent's, left unsaid.
      lacpRate: s['lacp-rate'] === 'slow' ? undefined : str(s['lacp-rate']),
      transmitHashPolicy: s['xmit-hash-policy'] === 'layer2' ? undefined : str(s['xmit-hash-policy']),
    };
  if (l.kind === 'vxlan') {
    const remote = str(s.remote);
    link.vxlan = {
      vni: num(s.vni),
      local: str(s.local),
      remote,
      group: str(s.group),
      dev: str(s.dev),
      port: num(s.dstport),
      learning: s.learning === 'on',
    };
  }
}

/** Units bound to a VRF: from the unit probes `collect` stores for an intent, and from `collect --all`'s inventory. */
function services(
  results: readonly ProbeResult[],
  host: Host,
  output: (name: string) => string | undefined,
  at: (name: string) => Origin,
): void {
  const vrfs = new Set([...host.links.values()].filter((l) => l.kind === 'vrf').map((l) => l.name));
  const found = new Set<string>();
  for (const { probe } of results) {
    if (probe.observes.kind !== 'unit') continue;
    const { unit } = probe.observes;
    const name = probe.file;
    const text = output(name);
    if (text === undefined) continue;
    const props = unitProperties(text);
    const pid = Number(props.get('MainPID') ?? 0);
    const bound = unit.endsWith('.socket') ? props.get('BindToDevice') : props.get('BindNetworkInterface');
    const identify = output(identifyFile(unit));
    const answer = identify === undefined ? undefined : parseIdentify(identify);
    const vrf = answer && answer.pid === pid && answer.vrf ? answer.vrf : bound || undefined;
    if (vrf && vrfs.has(vrf)) {
      found.add(unit);
      host.services.push({
        unit,
        vrf,
        how: answer?.vrf ? `its main process ${pid} runs in ${vrf} (ip vrf identify)` : `bound to ${vrf} by systemd`,
        origin: at(name),
      });
    } else
      host.unseenServices.push({
        unit,
        why:
          pid > 0
            ? 'it runs in the default VRF'
            : `not running (${props.get('ActiveState') ?? 'unknown'}), so its VRF cannot be seen`,
      });
  }

  const inventory = output(UNITS_FILE);
  if (inventory === undefined) return;
  const pidVrf = new Map<number, string>();
  for (const vrf of vrfs)
    for (const m of (output(vrfPidsFile(vrf)) ?? '').matchAll(/^\s*(\d+)\s/gm)) pidVrf.set(Number(m[1]), vrf);
  for (const block of inventory.split(/\n\s*\n/)) {
    const props = unitProperties(block);
    const unit = props.get('Id');
    if (!unit || found.has(unit)) continue;
    const pid = Number(props.get('MainPID') ?? 0);
    const bound = unit.endsWith('.socket') ? props.get('BindToDevice') : props.get('BindNetworkInterface');
    const vrf = pidVrf.get(pid) ?? (bound && vrfs.has(bound) ? bound : undefined);
    if (!vrf) continue;
    found.add(unit);
    host.services.push({
      unit,
      vrf,
      how: pidVrf.has(pid) ? `its main process ${pid} runs in ${vrf} (ip vrf pids)` : `bound to ${vrf} by systemd`,
      origin: at(UNITS_FILE),
    });
  }
}
