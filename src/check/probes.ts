import type { Family } from '../model/ip.ts';
import type { Model } from '../model/model.ts';
import { daemonChecks } from './daemon.ts';
import type { FactSink } from './facts.ts';
import { KERNEL_VRF_SCRIPT } from './kernel-vrf.ts';
import { unitProperties } from './parse.ts';

/**
 * What the checker asks the host, as data: one argv per probe, and the file its output is kept in
 * inside a state DIR. `check` runs them live, `collect` stores them, `collect --script` writes the
 * same list as POSIX sh. The names match the captures of real boots (links.json, rule.json…).
 */
export type Observation =
  | { readonly kind: 'links' }
  | { readonly kind: 'addresses' }
  /** Every table of a family in one dump; only `main` and `tables` (the VRFs') are read. */
  | { readonly kind: 'route-dump'; readonly family: Family; readonly tables: readonly number[] }
  /** One table: how states collected before the dumps hold the routes (see Probe.legacy). */
  | { readonly kind: 'routes'; readonly family: Family; readonly table: number | 'main' }
  | { readonly kind: 'rules'; readonly family: Family }
  /** What the kernel shows of its VRF support (KERNEL_VRF_SCRIPT), read when no VRF exists. */
  | { readonly kind: 'kernel-vrf' }
  | { readonly kind: 'sysctl' }
  | { readonly kind: 'unit'; readonly unit: string }
  | { readonly kind: 'vrf-identify'; readonly unit: string; readonly pid: number }
  /**
   * A daemon's answer, for the target that asks it (src/check/daemon.ts): `read` puts what it shows
   * into `facts` and throws when the output is unreadable; `scope` is the start of every key it
   * answers for, unknown when the probe fails.
   */
  | {
      readonly kind: 'daemon';
      readonly scope: string;
      readonly read: (stdout: string, facts: FactSink) => void;
    };

export interface Probe {
  /** File name in a state DIR (no directories); also how reports name the probe. */
  readonly file: string;
  readonly argv: readonly string[];
  readonly observes: Observation;
  /** Stored before the command's answer on the same line (`PID VRF`), so a stale answer shows. */
  readonly label?: string;
  /**
   * The probes a state collected by an earlier vrfgen holds the same answer in (one route file per
   * table): read from a state DIR that lacks this probe's file. A live check never needs them.
   */
  readonly legacy?: () => readonly Probe[];
}

/** A probe's result as stored in a state DIR. `code` null: the exit status was never recorded. */
export interface ProbeOutput {
  readonly code: number | null;
  readonly stdout: string;
  /** Trailing newlines folded to one; '' when the command wrote nothing to stderr. */
  readonly stderr: string;
}

/** Runs one probe (on this host, or by reading a state DIR); undefined: it was not collected. */
export type Run = (probe: Probe) => Promise<ProbeOutput | undefined>;

export interface ProbeResult {
  readonly probe: Probe;
  readonly output?: ProbeOutput;
}

/** Unit properties the checker reads. BindNetworkInterface exists from systemd 260 on; older
 *  systemctl simply prints nothing for it. BindToDevice is what binds a .socket unit. */
const UNIT_PROPERTIES = ['LoadState', 'ActiveState', 'SubState', 'MainPID', 'BindNetworkInterface', 'BindToDevice'];

const probe = (file: string, argv: readonly string[], observes: Observation): Probe => ({ file, argv, observes });

/** `ip route show table N` prints IPv4 only; `-6` is needed for the IPv6 half of a table. */
const routes = (family: Family, table: number | 'main'): Probe =>
  probe(
    `route${family === 6 ? '6' : ''}-${table === 'main' ? 'main' : `table${table}`}.json`,
    ['ip', '-j', ...(family === 6 ? ['-6'] : []), 'route', 'show', 'table', String(table)],
    { kind: 'routes', family, table },
  );

/**
 * One family's routes of every table, so that a check runs the same few commands whatever the
 * number of VRFs. `table all` without a family dumps both (iproute2 leaves the family unspecified
 * when no table is named), hence `-4`. Each route of another table than main carries `table`.
 */
const routeDump = (family: Family, tables: readonly number[]): Probe => ({
  ...probe(
    `route${family === 6 ? '6' : ''}-all.json`,
    ['ip', '-j', family === 6 ? '-6' : '-4', 'route', 'show', 'table', 'all'],
    { kind: 'route-dump', family, tables },
  ),
  legacy: () => ['main' as const, ...tables].map((t) => routes(family, t)),
});

/** The probes for a model, in a fixed order: the kernel's and systemd's, then each daemon's. The
 *  VRF of a running service needs its MainPID first: see followUps. */
export function probesFor(model: Model): Probe[] {
  const tables = model.vrfs.map((v) => v.table);
  return [
    // linkinfo (kind, VRF table, VLAN id) is only printed with -d.
    probe('links.json', ['ip', '-j', '-d', 'link', 'show'], { kind: 'links' }),
    probe('addr.json', ['ip', '-j', 'addr', 'show'], { kind: 'addresses' }),
    probe('rule.json', ['ip', '-j', 'rule', 'show'], { kind: 'rules', family: 4 }),
    probe('rule6.json', ['ip', '-j', '-6', 'rule', 'show'], { kind: 'rules', family: 6 }),
    routeDump(4, tables),
    routeDump(6, tables),
    ...(model.vrfs.length ? [probe('kernel-vrf.txt', ['sh', '-c', KERNEL_VRF_SCRIPT], { kind: 'kernel-vrf' })] : []),
    ...(model.sysctls.length
      ? [probe('sysctl-l3mdev.txt', ['sysctl', ...model.sysctls.map((s) => s.key)], { kind: 'sysctl' })]
      : []),
    ...model.vrfs
      .flatMap((v) => v.services)
      .map((s) =>
        probe(`unit-${s.unit}.txt`, ['systemctl', 'show', ...UNIT_PROPERTIES.map((p) => `--property=${p}`), s.unit], {
          kind: 'unit',
          unit: s.unit,
        }),
      ),
    ...daemonChecks().flatMap((c) => c.probes(model)),
  ];
}

/** The file of a unit's `ip vrf identify` answer, and the unit file it takes the MainPID from. */
export const identifyFile = (unit: string): string => `vrf-identify-${unit}.txt`;

/** Second round: `ip vrf identify` for the MainPID of every service a unit probe found running. */
export function followUps(results: readonly ProbeResult[]): Probe[] {
  return results.flatMap(({ probe: p, output }) => {
    if (p.observes.kind !== 'unit' || output?.code !== 0) return [];
    const pid = Number(unitProperties(output.stdout).get('MainPID'));
    if (!Number.isInteger(pid) || pid <= 0) return [];
    return [
      {
        ...probe(identifyFile(p.observes.unit), ['ip', 'vrf', 'identify', String(pid)], {
          kind: 'vrf-identify',
          unit: p.observes.unit,
          pid,
        }),
        label: String(pid),
      },
    ];
  });
}

/**
 * Normalise a command's result to its stored form, the same whether `collect` (Node) or the sh
 * script wrote it: sh's `$(…)` drops trailing newlines, so stderr and labelled answers end in one.
 */
export function stored(p: Probe, raw: { code: number | null; stdout: string; stderr: string }): ProbeOutput {
  const fold = (s: string) => s.replace(/\n+$/, '');
  const stderr = fold(raw.stderr);
  return {
    code: raw.code,
    stdout: p.label === undefined ? raw.stdout : `${p.label} ${fold(raw.stdout)}\n`,
    stderr: stderr ? `${stderr}\n` : '',
  };
}
