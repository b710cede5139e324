import type { Model } from '../model/model.ts';
import type { Target } from '../render/target.ts';
import { targets } from '../../targets/index.ts';
import type { Fact } from './facts.ts';
import type { Probe } from './probes.ts';

/**
 * What a target adds to the checker for a daemon it configures (targets/frr/check.ts): the facts
 * the model expects the daemon to show, and the probes that ask it. The checker itself observes the
 * kernel (iproute2, sysctl) and systemd, which every platform has whatever the targets.
 */
export interface DaemonCheck {
  /** The daemon's facts the model implies, in the model's order, each where the intent asks for it. */
  readonly expected: (model: Model) => readonly Fact[];
  /** The probes that ask the daemon, in a fixed order; each observes `{ kind: 'daemon' }` (probes.ts). */
  readonly probes: (model: Model) => readonly Probe[];
}

/**
 * Every registered target's daemon check, in registry order. All of them, not only a run's: a
 * daemon runs whether or not this run writes its files, and `--target` picks only which files a
 * check compares.
 */
export const daemonChecks = (): DaemonCheck[] =>
  (Object.values(targets) as Target[]).flatMap((t) => (t.check ? [t.check] : []));
