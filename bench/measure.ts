/**
 * One measurement: a command run under /usr/bin/time (peak RSS and CPU of the child, which Node
 * cannot ask the kernel for), with the wall time taken around it here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const TIME = '/usr/bin/time';

export interface Sample {
  /** Elapsed, in milliseconds. */
  readonly wall: number;
  /** User + system CPU of the command, in milliseconds. */
  readonly cpu: number;
  /** Peak resident set size, in MiB. */
  readonly rss: number;
}

export interface Command {
  readonly argv: readonly string[];
  /** Runs before each measurement, untimed (a fresh root, say). */
  readonly prepare?: () => void;
  /** Throws when the command's result is not what a correct run gives. */
  readonly verify?: (r: { code: number; stdout: string; stderr: string }) => void;
}

/** Run `cmd` once and measure it; a result `verify` refuses stops the benchmark. */
export function measure(cmd: Command, scratch: string): Sample {
  cmd.prepare?.();
  const dir = mkdtempSync(join(scratch, 'time-'));
  const out = join(dir, 'rusage');
  const start = process.hrtime.bigint();
  const r = spawnSync(TIME, ['-f', '%U %S %M', '-o', out, ...cmd.argv], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error) throw r.error;
  const result = { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  if (cmd.verify) cmd.verify(result);
  else if (result.code !== 0)
    throw new Error(`${cmd.argv.join(' ')} exited ${result.code}: ${result.stderr.slice(0, 2000)}`);
  // time(1) prints "Command exited with non-zero status N" first when the command fails.
  const [user, sys, rss] = readFileSync(out, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  rmSync(dir, { recursive: true });
  return { wall, cpu: (user! + sys!) * 1000, rss: rss! / 1024 };
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export interface Summary {
  readonly wall: number;
  readonly cpu: number;
  readonly rss: number;
  readonly runs: number;
}

/** Medians over samples; RSS is the largest seen (a peak is a peak). */
export const summarise = (samples: readonly Sample[]): Summary => ({
  wall: median(samples.map((s) => s.wall)),
  cpu: median(samples.map((s) => s.cpu)),
  rss: Math.max(...samples.map((s) => s.rss)),
  runs: samples.length,
});
