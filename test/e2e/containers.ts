/**
 * What the container boot must show (stacks.ts, START_CONTAINER): podman started the container,
 * netavark enslaved the network's bridge to the VRF, the bridge's subnet is routed in the VRF's
 * table and not in main, and inside the container the default route goes to the gateway on that
 * bridge. vrfgen's checker has no vocabulary for container networks, so these are read here, from
 * `ip -j` and busybox's `ip` in the guest.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTAINERS } from './stacks.ts';

interface Link {
  readonly ifname?: string;
  readonly master?: string;
  readonly linkinfo?: { readonly info_slave_kind?: string };
}
interface Route {
  readonly dst?: string;
  readonly dev?: string;
}

/** One line per way the container network differs from CONTAINERS; empty when it is right. */
export function containerFindings(dir: string): string[] {
  const text = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
  const json = <T>(f: string): T[] => {
    try {
      return JSON.parse(text(f)) as T[];
    } catch {
      return [];
    }
  };
  const c = CONTAINERS;
  const out: string[] = [];
  if (text('podman-run.rc').trim() !== '0')
    out.push(`podman run exited ${text('podman-run.rc').trim() || '(not run)'}: ${text('podman-run.txt').trim()}`);
  const bridge = json<Link>('bridge.json').find((l) => l.ifname === c.bridge);
  if (!bridge) out.push(`bridge ${c.bridge}: absent (${text('bridge.json').trim()})`);
  else if (bridge.master !== c.vrf || bridge.linkinfo?.info_slave_kind !== 'vrf') {
    out.push(
      `bridge ${c.bridge}: master ${bridge.master ?? 'none'} (${bridge.linkinfo?.info_slave_kind ?? 'no slave kind'}), expected VRF ${c.vrf}`,
    );
  }
  const onBridge = (f: string) => json<Route>(f).some((r) => r.dst === c.subnet && r.dev === c.bridge);
  if (!onBridge(`route-table${c.table}.json`)) out.push(`route ${c.subnet} dev ${c.bridge}: not in table ${c.table}`);
  if (onBridge('route-main.json')) out.push(`route ${c.subnet} dev ${c.bridge}: in table main too`);
  if (
    !new RegExp(`^default via ${c.gateway.replaceAll('.', '\\.')} dev eth0`, 'm').test(text('container-routes.txt'))
  ) {
    out.push(`container: no default route via ${c.gateway} (${text('container-routes.txt').trim()})`);
  }
  return out;
}
