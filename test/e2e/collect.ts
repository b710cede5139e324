/**
 * What the guest records, as a POSIX sh script run inside it: a stand-in for
 * `vrfgen collect --script` until the checker exists. It writes the same state DIR layout the
 * checker reads — per probe NAME (stdout), NAME.rc (exit status), NAME.err (stderr, if any) —
 * under the same names, so `vrfgen check INTENT --state DIR` can replace expect-state.ts as is.
 */
import type { Model } from '../../src/model.ts';

/** One command and the file its output goes to. */
export interface Probe {
  readonly file: string;
  readonly argv: readonly string[];
}

/** The probes for a model: links, addresses, rules and routes of every VRF table, sysctls. */
export function probesFor(model: Model): Probe[] {
  const tables = ['main', ...model.vrfs.map((v) => String(v.table))];
  return [
    // linkinfo (kind, VRF table, VLAN id) is only printed with -d.
    { file: 'links.json', argv: ['ip', '-j', '-d', 'link', 'show'] },
    { file: 'addr.json', argv: ['ip', '-j', 'addr', 'show'] },
    { file: 'rule.json', argv: ['ip', '-j', 'rule', 'show'] },
    { file: 'rule6.json', argv: ['ip', '-j', '-6', 'rule', 'show'] },
    // `ip route show table N` is IPv4 only; the IPv6 half of a table needs -6.
    ...tables.flatMap((t) => {
      const name = t === 'main' ? 'main' : `table${t}`;
      return [
        { file: `route-${name}.json`, argv: ['ip', '-j', 'route', 'show', 'table', t] },
        { file: `route6-${name}.json`, argv: ['ip', '-j', '-6', 'route', 'show', 'table', t] },
      ];
    }),
    ...(model.sysctls.length ? [{ file: 'sysctl-l3mdev.txt', argv: ['sysctl', ...model.sysctls.map((s) => s.key)] }] : []),
  ];
}

/** `sh collect.sh DIR` fills DIR. Probe words are names and numbers vrfgen validated: no quoting needed. */
export function collectScript(model: Model): string {
  return [
    '#!/bin/sh',
    'dir=${1:?usage: collect.sh DIR}',
    'mkdir -p "$dir" || exit 2',
    'probe() {',
    '\tname=$1; shift',
    '\terr=$( { "$@" >"$dir/$name"; echo $? >"$dir/$name.rc"; } 2>&1 )',
    '\t[ -z "$err" ] || printf \'%s\\n\' "$err" >"$dir/$name.err"',
    '}',
    ...probesFor(model).map((p) => `probe ${p.file} ${p.argv.join(' ')}`),
    '',
  ].join('\n');
}
