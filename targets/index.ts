import type { Target } from '../src/render/target.ts';
import frr from './frr/index.ts';
import ifupdown from './ifupdown/index.ts';
import ifupdown2 from './ifupdown2.ts';
import netavark from './netavark.ts';
import netplan from './netplan.ts';
import networkmanager from './networkmanager/index.ts';
import networkd from './networkd/index.ts';
import services from './services/index.ts';
import sysctl from './sysctl.ts';

/** Every target vrfgen knows, and the only list of them: adding one is a module in this folder and a line
 *  here (docs/dev/adding-a-target.md has the rest of the checklist). */
export const targets = {
  networkd,
  netplan,
  ifupdown2,
  ifupdown,
  networkmanager,
  netavark,
  sysctl,
  services,
  frr,
} satisfies Record<string, Target>;

export type TargetName = keyof typeof targets;
export const targetNames = Object.keys(targets) as TargetName[];
