/**
 * The image recipe's apt sources: the mirror comes from this machine at build time and stays out of
 * the cache key, so the same recipe behind another mirror reuses its image.
 */
import { afterEach, expect, test, vi } from 'vitest';
import { mmdebstrapArgs, recipeKey, releases } from './image.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

test("mmdebstrap gets each release's suites from the machine's mirror, and the key does not depend on it", () => {
  vi.stubEnv('VRFGEN_DEBIAN_MIRROR', 'http://a.example/debian http://b.example/debian-security');
  const keys = releases.map((r) => recipeKey(r, 'ifupdown'));
  expect(mmdebstrapArgs('debian-12', 'ifupdown', '/rootfs', '/debs').slice(-5)).toEqual([
    'bookworm',
    '/rootfs',
    'deb http://a.example/debian bookworm main',
    'deb http://a.example/debian bookworm-updates main',
    'deb http://b.example/debian-security bookworm-security main',
  ]);
  expect(mmdebstrapArgs('debian-13', 'networkmanager', '/rootfs', '/debs').slice(-3)).toEqual([
    'deb http://a.example/debian trixie main',
    'deb http://a.example/debian trixie-updates main',
    'deb http://b.example/debian-security trixie-security main',
  ]);

  vi.stubEnv('VRFGEN_DEBIAN_MIRROR', 'http://c.example/debian http://c.example/debian-security');
  expect(mmdebstrapArgs('debian-12', 'ifupdown', '/rootfs', '/debs').at(-1)).toBe(
    'deb http://c.example/debian-security bookworm-security main',
  );
  expect(releases.map((r) => recipeKey(r, 'ifupdown'))).toEqual(keys);
});
