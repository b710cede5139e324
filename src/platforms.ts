/**
 * Platform profiles: what a distribution release ships, as data. Targets read version-dependent
 * choices from here (never from if-chains on the platform name), so adding a release is one entry.
 */
export interface Platform {
  /** One line for `vrfgen targets --platform` and the README. */
  readonly summary: string;
  /** systemd major version (networkd, sysctl.d, unit drop-ins). */
  readonly systemd: number;
}

export const platforms = {
  'debian-12': { summary: 'Debian 12 "bookworm"', systemd: 252 },
  'debian-13': { summary: 'Debian 13 "trixie"', systemd: 257 },
  'ubuntu-22.04': { summary: 'Ubuntu 22.04 LTS "jammy"', systemd: 249 },
  'ubuntu-24.04': { summary: 'Ubuntu 24.04 LTS "noble"', systemd: 255 },
  'systemd-260': { summary: 'any distribution with systemd 260 or newer', systemd: 260 },
} as const satisfies Record<string, Platform>;

export type PlatformName = keyof typeof platforms;
export const platformNames = Object.keys(platforms) as [PlatformName, ...PlatformName[]];
export const DEFAULT_PLATFORM: PlatformName = 'debian-12';
