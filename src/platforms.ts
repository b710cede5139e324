import { DEBIAN_12_UNITS, DEBIAN_13_UNITS, UBUNTU_2204_UNITS, UBUNTU_2404_UNITS, type KnownUnits } from './known-units.ts';

/**
 * Platform profiles: what a distribution release ships, as data. Targets read version-dependent
 * choices from here (never from if-chains on the platform name), so adding a release is one entry.
 */
export interface Platform {
  /** One line for `vrfgen targets --platform` and the README. */
  readonly summary: string;
  /** systemd major version (networkd, sysctl.d, unit drop-ins). */
  readonly systemd: number;
  /** Units the distribution ships, for when the unit file is not under --root (src/known-units.ts). */
  readonly units: KnownUnits;
}

export const platforms = {
  'debian-12': { summary: 'Debian 12 "bookworm"', systemd: 252, units: DEBIAN_12_UNITS },
  'debian-13': { summary: 'Debian 13 "trixie"', systemd: 257, units: DEBIAN_13_UNITS },
  'ubuntu-22.04': { summary: 'Ubuntu 22.04 LTS "jammy"', systemd: 249, units: UBUNTU_2204_UNITS },
  'ubuntu-24.04': { summary: 'Ubuntu 24.04 LTS "noble"', systemd: 255, units: UBUNTU_2404_UNITS },
  'systemd-260': { summary: 'any distribution with systemd 260 or newer', systemd: 260, units: {} },
} as const satisfies Record<string, Platform>;

export type PlatformName = keyof typeof platforms;
export const platformNames = Object.keys(platforms) as [PlatformName, ...PlatformName[]];
export const DEFAULT_PLATFORM: PlatformName = 'debian-12';
