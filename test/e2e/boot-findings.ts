/**
 * How a boot went, read from the runner's `boot/` folder: the system state, failed units, and the
 * journal's complaints about vrfgen's files. (The state itself is `vrfgen check --state`'s job.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Finding {
  readonly key: string;
  readonly expected: string;
  readonly actual: string;
}

/**
 * Journal lines that mean a file was not taken as written: a daemon ignoring a key, section or
 * value, failing to parse or to apply it, a unit failing. "Failed" is matched with its capital,
 * as systemd and its daemons print it; ifupdown2 starts its errors with "error:" (on Debian 13 it
 * created no VRF at all and said only "error: [Errno 2] No such file or directory: …") and its
 * warnings with "warning:", which it also uses for a stanza it skipped ("warning: anycast0: device
 * not found - please check your configuration", and the dummy stayed outside its VRF). NetworkManager
 * says a route or address of a profile was refused with "failure to add" (a `<warn>` of its platform
 * code: "route-sync: failure to add IPv6 route: … Permission denied", seen with 1.42.4).
 */
const COMPLAINT =
  /Unknown (key|section)|[Ii]gnoring|\bFailed\b|Could not|\b[Ii]nvalid\b|segfault|core dumped|^error:|^warning:|failure to add/;

/**
 * Whose complaints count: the programs that read vrfgen's files, and any line naming one of them
 * (systemd names a drop-in it rejects). Others are about the virtual machine, not the files: e.g.
 * a sandboxed unit that times out setting up its private loopback on a busy host.
 */
const READERS =
  /^(systemd-networkd|systemd-sysctl|networking|ifup|ifdown|ifreload|ifquery|netplan|systemd-netplan|NetworkManager)$/;

/** `[  27.69] host IDENT[PID]: MESSAGE` → IDENT, MESSAGE. */
const JOURNAL_LINE = /^\[\s*[\d.]+\]\s+\S+\s+([^\s:[]+)(?:\[\d+\])?:\s(.*)$/;

/** How the boot went (the runner's `boot/` folder): system state, failed units, journal complaints. */
export function bootFindings(dir: string): Finding[] {
  const text = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
  const findings: Finding[] = [];
  const state = text('system-state.txt').trim() || 'unknown';
  if (state !== 'running') findings.push({ key: 'boot:system-state', expected: 'running', actual: state });
  for (const unit of text('failed-units.txt')
    .split('\n')
    .map((l) => l.replace(/^[^\w@.-]+/, '').split(/\s+/)[0])
    .filter(Boolean)) {
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
export const formatFindings = (fs: readonly Finding[]) =>
  fs.map((f) => `${f.key}: expected ${f.expected}, got ${f.actual}`).join('\n');
