/**
 * The platform profile (src/platforms/platforms.ts) held against a booted release: the versions the guest
 * really runs (`dpkg-query -W` and `uname -r`, recorded by the runner in `boot/`) must be the ones
 * the profile assumes, since vrfgen's version-dependent choices are derived from them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Platform } from '../../src/platforms/platforms.ts';

export interface ProfileFact {
  /** `profile.field`, e.g. `netplan.version`. */
  readonly fact: string;
  readonly profile: string;
  /** What the boot showed, with the package it comes from. */
  readonly booted: string;
}

/**
 * Debian version → upstream version: `1:10.0p1-7+deb13u4` → `10.0p1`; a native package keeps its
 * version but loses a stable update's suffix (trixie's ifupdown `0.8.44+deb13u1` → `0.8.44`).
 */
export const upstream = (debian: string) =>
  debian
    .replace(/^\d+:/, '')
    .replace(/-[^-]*$/, '')
    .replace(/\+deb\d+u\d+$/, '');

/** `dpkg-query -W` output (`name<TAB>version`, one package per line) → name → Debian version. */
export function packagesOf(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [name, version] = line.split('\t');
    if (name && version) m.set(name.replace(/:\w+$/, ''), version);
  }
  return m;
}

/**
 * Each profile fact the boot can see, as profile value and booted value. A stack whose package
 * is not in this image (classic ifupdown beside ifupdown2) is not compared.
 */
export function profileFacts(bootDir: string, p: Platform): ProfileFact[] {
  const text = (f: string) => (existsSync(join(bootDir, f)) ? readFileSync(join(bootDir, f), 'utf8') : '');
  const pkgs = packagesOf(text('packages.txt'));
  const facts: ProfileFact[] = [];
  const add = (fact: string, profile: string | number, pkg: string, fromVersion: (v: string) => string) => {
    const v = pkgs.get(pkg);
    if (v !== undefined) facts.push({ fact, profile: String(profile), booted: `${fromVersion(v)} (${pkg} ${v})` });
  };
  add('systemd', p.systemd, 'systemd', (v) => upstream(v).split('.')[0]!);
  add('iproute2.version', p.iproute2.version, 'iproute2', (v) => upstream(v).split('.').slice(0, 2).join('.'));
  const iproute2Files = text('iproute2-files.txt');
  if (iproute2Files) {
    const ships = iproute2Files.split('\n').includes('/etc/iproute2/rt_tables.d');
    facts.push({
      fact: 'iproute2.shipsRtTablesDir',
      profile: String(p.iproute2.shipsRtTablesDir),
      booted: `${ships} (dpkg-query -L iproute2)`,
    });
  }
  add('netplan.version', p.netplan.version, 'netplan.io', upstream);
  add('ifupdown2.version', p.ifupdown2.version, 'ifupdown2', upstream);
  add('ifupdown', p.ifupdown, 'ifupdown', upstream);
  add('networkManager.version', p.networkManager.version, 'network-manager', upstream);
  add('containers.podman', p.containers.podman, 'podman', (v) => upstream(v).replace(/\+ds\d+$/, ''));
  add('containers.netavark', p.containers.netavark ?? 'none', 'netavark', upstream);
  const kernel = text('kernel.txt').trim();
  if (kernel)
    facts.push({
      fact: 'kernel',
      profile: p.kernel,
      booted: `${kernel.split('.').slice(0, 2).join('.')} (uname -r ${kernel})`,
    });
  return facts;
}

/** The facts the boot contradicts. */
export const contradicted = (facts: readonly ProfileFact[]) =>
  facts.filter((f) => f.booted.split(' ')[0] !== f.profile);

export const formatFacts = (facts: readonly ProfileFact[]) =>
  facts.map((f) => `${f.fact}: profile ${f.profile}, booted ${f.booted}`).join('\n');
