/**
 * What a booted guest must show for an intent, read from a state DIR (collect.ts's layout). A
 * stand-in for `vrfgen check INTENT --state DIR` until the checker exists; the suite only uses
 * `stateFindings` and `bootFindings`, so swapping in the checker touches this module alone.
 *
 * A finding is a difference: `key` names the item (`link:eth2.master`), `expected` and `actual`
 * say what differs. No findings: the state matches. Only what the intent says is compared; the
 * kernel's own routes (connected, local) and anything else on the host are not findings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Model, Route, Rule } from '../../src/model.ts';

export interface Finding {
  readonly key: string;
  readonly expected: string;
  readonly actual: string;
}

/** The fields of `ip -j` output read here; iproute2 prints many more. */
interface Link {
  ifname?: string;
  master?: string;
  link?: string;
  flags?: string[];
  linkinfo?: { info_kind?: string; info_data?: { table?: number; id?: number } };
}
interface Addr {
  ifname?: string;
  addr_info?: { local?: string; prefixlen?: number }[];
}
interface IpRoute {
  type?: string;
  dst?: string;
  gateway?: string;
  dev?: string;
  metric?: number;
}
interface IpRule {
  priority?: number;
  src?: string;
  srclen?: number;
  dst?: string;
  dstlen?: number;
  iif?: string;
  oif?: string;
  table?: string;
  l3mdev?: null;
}

/** Reads probe outputs; a probe that failed, was not run or printed garbage is itself a finding. */
function reader(dir: string, findings: Finding[]) {
  const text = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : undefined);
  return <T>(file: string): T | undefined => {
    const rc = text(`${file}.rc`)?.trim();
    const fail = (actual: string) => void findings.push({ key: `probe:${file}`, expected: 'exit 0', actual });
    // iproute2 exits 2 and prints a lone "[" for a table that does not exist: status first.
    if (rc !== '0') {
      const err = text(`${file}.err`)?.trim();
      return fail(rc === undefined ? 'not run' : `exit ${rc}${err ? `: ${err}` : ''}`);
    }
    const out = text(file) ?? '';
    if (!file.endsWith('.json')) return out as T;
    try {
      return JSON.parse(out) as T;
    } catch {
      return fail(`exit 0 with output that is not JSON: ${out.slice(0, 60)}`);
    }
  };
}

/** `default` and host routes as the model writes them: 0.0.0.0/0, ::/0, 192.0.2.1/32. */
function prefixOf(dst: string, family: 4 | 6): string {
  if (dst === 'default') return family === 4 ? '0.0.0.0/0' : '::/0';
  return dst.includes('/') ? dst : `${dst}/${family === 4 ? 32 : 128}`;
}

const routeKey = (r: Route) =>
  `route:table${r.table} ${r.type === 'unicast' ? '' : `${r.type} `}${r.to}${r.via ? ` via ${r.via}` : ''}${r.metric !== undefined ? ` metric ${r.metric}` : ''}`;

const routeMatches = (r: Route) => (ip: IpRoute) =>
  prefixOf(ip.dst ?? '', r.family) === r.to &&
  (ip.type ?? 'unicast') === r.type &&
  (r.via === undefined || ip.gateway === r.via) &&
  (r.dev === undefined || ip.dev === r.dev) &&
  (r.metric === undefined || ip.metric === r.metric);

const ruleKey = (r: Rule, family: 4 | 6) =>
  `rule:v${family}${r.priority !== undefined ? ` ${r.priority}` : ''}${r.from ? ` from ${r.from}` : ''}${r.to ? ` to ${r.to}` : ''}` +
  `${r.iif ? ` iif ${r.iif}` : ''}${r.oif ? ` oif ${r.oif}` : ''} table ${r.table}`;

/** ifupdown2 names VRF tables in rt_tables.d, so `ip rule` may print the VRF's name for its table. */
const ruleMatches = (r: Rule, vrfName: string) => (ip: IpRule) =>
  (ip.table === String(r.table) || ip.table === vrfName) &&
  (r.priority === undefined || ip.priority === r.priority) &&
  (ip.src === undefined || ip.src === 'all' ? undefined : `${ip.src}/${ip.srclen}`) === r.from &&
  (ip.dst === undefined ? undefined : `${ip.dst}/${ip.dstlen}`) === r.to &&
  ip.iif === r.iif &&
  ip.oif === r.oif;

/** Every difference between the model and the state in `dir`. */
export function stateFindings(model: Model, dir: string): Finding[] {
  const findings: Finding[] = [];
  const read = reader(dir, findings);
  const want = (key: string, expected: string, actual: string) => {
    if (expected !== actual) findings.push({ key, expected, actual });
  };

  const links = new Map((read<Link[]>('links.json') ?? []).map((l) => [l.ifname, l]));
  const addrs = new Map((read<Addr[]>('addr.json') ?? []).map((a) => [a.ifname, a]));
  const rules: Record<4 | 6, IpRule[] | undefined> = { 4: read<IpRule[]>('rule.json'), 6: read<IpRule[]>('rule6.json') };
  const up = (l: Link | undefined) => (l ? (l.flags?.includes('UP') ? 'up' : 'down') : 'absent');
  for (const vrf of model.vrfs) {
    const l = links.get(vrf.name);
    want(`vrf:${vrf.name}.table`, String(vrf.table), !l ? 'absent' : l.linkinfo?.info_kind !== 'vrf' ? `not a vrf (${l.linkinfo?.info_kind})` : String(l.linkinfo.info_data?.table));
    want(`link:${vrf.name}.state`, 'up', up(l));
    for (const m of vrf.members) {
      const ml = links.get(m.name);
      want(`link:${m.name}.master`, vrf.name, ml ? (ml.master ?? 'none') : 'absent');
      want(`link:${m.name}.state`, 'up', up(ml));
      if (m.vlan) {
        const kind = ml?.linkinfo?.info_kind;
        want(`link:${m.name}.vlan`, `${m.vlan.parent} id ${m.vlan.id}`, kind === 'vlan' ? `${ml?.link} id ${ml?.linkinfo?.info_data?.id}` : String(kind));
      }
      const has = new Set((addrs.get(m.name)?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`));
      for (const a of m.addresses) want(`addr:${m.name} ${a}`, 'present', has.has(a) ? 'present' : 'absent');
    }
    const routes: Record<4 | 6, IpRoute[] | undefined> = {
      4: read<IpRoute[]>(`route-table${vrf.table}.json`),
      6: read<IpRoute[]>(`route6-table${vrf.table}.json`),
    };
    for (const r of [...vrf.routes, ...vrf.members.flatMap((m) => m.routes)]) {
      const got = routes[r.family];
      if (got) want(routeKey(r), 'present', got.some(routeMatches(r)) ? 'present' : 'absent');
    }
    for (const r of vrf.rules) {
      for (const f of r.family === 'both' ? ([4, 6] as const) : [r.family]) {
        const got = rules[f];
        if (got) want(ruleKey(r, f), 'present', got.some(ruleMatches(r, vrf.name)) ? 'present' : 'absent');
      }
    }
  }
  // The kernel adds this rule with the first VRF; without it no lookup reaches a VRF table.
  for (const f of [4, 6] as const) {
    const got = rules[f];
    if (got && model.vrfs.length) want(`rule:v${f} l3mdev`, 'present', got.some((r) => 'l3mdev' in r) ? 'present' : 'absent');
  }
  const sysctl = model.sysctls.length ? read<string>('sysctl-l3mdev.txt') : undefined;
  if (sysctl !== undefined) {
    const got = new Map([...sysctl.matchAll(/^(\S+) = (\S+)$/gm)].map((m) => [m[1], m[2]]));
    for (const s of model.sysctls) want(`sysctl:${s.key}`, String(s.value), got.get(s.key) ?? 'absent');
  }
  return findings;
}

/**
 * Journal lines that mean a file was not taken as written: a daemon ignoring a key, section or
 * value, failing to parse or to apply it, a unit failing. "Failed" is matched with its capital,
 * as systemd and its daemons print it.
 */
const COMPLAINT = /Unknown (key|section)|[Ii]gnoring|\bFailed\b|Could not|\b[Ii]nvalid\b|segfault|core dumped/;

/**
 * Whose complaints count: the programs that read vrfgen's files, and any line naming one of them
 * (systemd names a drop-in it rejects). Others are about the virtual machine, not the files: e.g.
 * a sandboxed unit that times out setting up its private loopback on a busy host.
 */
const READERS = /^(systemd-networkd|systemd-sysctl|networking|ifup|ifdown|ifreload|ifquery|netplan|systemd-netplan)$/;

/** `[  27.69] host IDENT[PID]: MESSAGE` → IDENT, MESSAGE. */
const JOURNAL_LINE = /^\[\s*[\d.]+\]\s+\S+\s+([^\s:[]+)(?:\[\d+\])?:\s(.*)$/;

/** How the boot went (the runner's `boot/` folder): system state, failed units, journal complaints. */
export function bootFindings(dir: string): Finding[] {
  const text = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
  const findings: Finding[] = [];
  const state = text('system-state.txt').trim() || 'unknown';
  if (state !== 'running') findings.push({ key: 'boot:system-state', expected: 'running', actual: state });
  for (const unit of text('failed-units.txt').split('\n').map((l) => l.replace(/^[^\w@.-]+/, '').split(/\s+/)[0]).filter(Boolean)) {
    findings.push({ key: `unit:${unit}`, expected: 'not failed', actual: 'failed' });
  }
  for (const line of text('journal.txt').split('\n')) {
    const [, ident = '', message = ''] = JOURNAL_LINE.exec(line) ?? [];
    if (COMPLAINT.test(message) && (READERS.test(ident) || message.includes('vrfgen'))) {
      findings.push({ key: 'journal', expected: 'no complaint', actual: `${ident}: ${message}` });
    }
  }
  return findings;
}

/** One line per finding, for failure messages and the run's summary. */
export const formatFindings = (fs: readonly Finding[]) => fs.map((f) => `${f.key}: expected ${f.expected}, got ${f.actual}`).join('\n');
