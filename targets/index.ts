import type { Target } from '../src/target.ts';
import networkd from './networkd.ts';
import services from './services.ts';
import sysctl from './sysctl.ts';

/** Every target vrfgen knows. Adding one is a file in this folder and a line here. */
export const targets = { networkd, sysctl, services } satisfies Record<string, Target>;

export type TargetName = keyof typeof targets;
export const targetNames = Object.keys(targets) as TargetName[];
