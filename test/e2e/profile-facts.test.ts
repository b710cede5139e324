/**
 * The platform profiles of the booted releases, pinned to what real boots recorded
 * (test/e2e/captures/versions/<release>-<image>/: `dpkg-query -W` and `uname -r` in the guest):
 * `npm test` fails when src/platforms/platforms.ts drifts from what Debian 12 and 13 really ship.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { platforms, type Platform } from '../../src/platforms/platforms.ts';
import { ROOT } from '../support/helpers.ts';
import { releases } from './image.ts';
import { STACKS } from './stacks.ts';
import { contradicted, formatFacts, profileFacts, upstream } from './profile-facts.ts';

const VERSIONS = join(ROOT, 'test/e2e/captures/versions');
const captured = readdirSync(VERSIONS).sort();

/** The facts each image can show: what every image has, and what its variant adds. */
const COMMON = ['kernel', 'iproute2.version', 'iproute2.shipsRtTablesDir', 'netplan.version', 'systemd'];
const BY_VARIANT: Record<string, string[]> = {
  ifupdown: ['ifupdown'],
  ifupdown2: ['ifupdown2.version'],
  networkmanager: ['networkManager.version'],
};
/** Debian 13's NetworkManager image carries podman and netavark too, for the container network. */
const BY_IMAGE: Record<string, string[]> = {
  'debian-13-networkmanager': ['containers.podman', 'containers.netavark'],
};

test('every release and image the suite boots has captured versions', () => {
  const booted = new Set(STACKS.flatMap((s) => (s.releases ?? releases).map((r) => `${r}-${s.image}`)));
  expect(captured).toEqual([...booted].sort());
});

test.for(captured)('%s: the platform profile is what the boot ran', (name) => {
  const release = releases.find((r) => name.startsWith(`${r}-`))!;
  const facts = profileFacts(join(VERSIONS, name), platforms[release]);
  expect(facts.map((f) => f.fact).sort()).toEqual(
    [...COMMON, ...BY_VARIANT[name.slice(release.length + 1)]!, ...(BY_IMAGE[name] ?? [])].sort(),
  );
  expect(formatFacts(contradicted(facts))).toBe('');
});

test('a profile the boot contradicts is reported, fact by fact', () => {
  const wrong: Platform = {
    ...platforms['debian-13'],
    systemd: 252,
    netplan: platforms['debian-12'].netplan,
    kernel: '6.1',
  };
  expect(
    formatFacts(contradicted(profileFacts(join(VERSIONS, 'debian-13-ifupdown'), wrong))).replace(/\(.*\)/g, '(…)'),
  ).toBe(
    [
      'systemd: profile 252, booted 257 (…)',
      'netplan.version: profile 0.106, booted 1.1.2 (…)',
      'kernel: profile 6.1, booted 6.12 (…)',
    ].join('\n'),
  );
});

test('Debian versions to upstream versions', () => {
  expect(
    ['1:10.0p1-7+deb13u4', '0.8.41', '0.8.44+deb13u1', '252.39-1~deb12u1', '3.0.0-1.1', '1:1.2-3-4'].map(upstream),
  ).toEqual(['10.0p1', '0.8.41', '0.8.44', '252.39', '3.0.0', '1.2-3']);
});
