import { execFile } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stored, type Probe, type ProbeOutput, type ProbeResult, type Run } from './probes.ts';

/**
 * Where probe outputs come from and go to. A state DIR holds, per probe, NAME (its stdout),
 * NAME.rc (its exit status) and NAME.err (its stderr, when there was any) — the layout the real
 * boot captures use, so a captured folder and a collected one read the same.
 */

/** ip, sysctl and systemctl live in sbin on Debian, which a non-root PATH often lacks. */
export const PROBE_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

/** Run probes on this host: no shell, the C locale (stable messages), and a bound on a hung command. */
export const liveRun: Run = (p) =>
  new Promise((resolve) => {
    // Never an empty PATH element: that would mean the current directory.
    const env = { ...process.env, LC_ALL: 'C', PATH: [PROBE_PATH, process.env.PATH].filter(Boolean).join(':') };
    execFile(
      p.argv[0]!,
      p.argv.slice(1),
      { env, encoding: 'utf8', maxBuffer: 256 << 20, timeout: 120_000 },
      (err, stdout, stderr) => {
        let code: number | null = 0;
        if (err) {
          const why = err as NodeJS.ErrnoException & { code?: unknown; killed?: boolean };
          if (typeof why.code === 'number') code = why.code;
          else if (why.code === 'ENOENT')
            [code, stderr] = [127, `${p.argv[0]}: not found`]; // what sh says, with sh's status
          else [code, stderr] = [null, `${stderr}\n${why.killed ? 'timed out' : why.message}`];
        }
        resolve(stored(p, { code, stdout, stderr }));
      },
    );
  });

/**
 * Reads whole files, one after another, into one buffer kept between calls: a state of 4000 VRFs
 * is 16000 files of a few hundred bytes, and readFileSync allocates a buffer for each after a stat.
 * A file that fills the buffer (links.json of a large host) is read again by readFileSync as text, which
 * frees its bytes at once; a buffer of that size lived until the garbage collector came.
 */
function wholeFileReader(): (path: string) => string {
  const shared = Buffer.allocUnsafe(1 << 16);
  return (path) => {
    const fd = openSync(path, 'r');
    let len = 0;
    try {
      for (let n; len < shared.length && (n = readSync(fd, shared, len, shared.length - len, null)) > 0;) len += n;
    } finally {
      closeSync(fd);
    }
    return len < shared.length ? shared.toString('utf8', 0, len) : readFileSync(path, 'utf8');
  };
}

/**
 * Read probe outputs from a state DIR instead of running them. The folder is listed once and only
 * the files in it are read, one after another: a state of 4000 VRFs holds 16000 probe files, and
 * reading them all at once ran out of file descriptors (EMFILE), while asking for every absent
 * NAME.err cost an exception each.
 */
export function stateRun(dir: string): Run {
  let listed: ReadonlySet<string> | undefined;
  const readFile = wholeFileReader();
  return async (p: Probe): Promise<ProbeOutput | undefined> => {
    try {
      listed ??= new Set(readdirSync(dir));
      const read = (suffix: string) =>
        listed!.has(`${p.file}${suffix}`) ? readFile(join(dir, `${p.file}${suffix}`)) : undefined;
      const stdout = read('');
      const rc = read('.rc');
      const stderr = read('.err');
      if (stdout === undefined && rc === undefined) return undefined;
      const code = rc !== undefined && /^\s*\d+\s*$/.test(rc) ? Number(rc) : null;
      return { code, stdout: stdout ?? '', stderr: stderr ?? '' };
    } catch (e) {
      return { code: null, stdout: '', stderr: `cannot read ${p.file}: ${(e as Error).message}` };
    }
  };
}

/** Store probe results in DIR in the state layout (what `collect` does; the sh script does the same). */
export async function writeState(dir: string, results: readonly ProbeResult[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const { probe, output } of results) {
    if (!output) continue;
    const put = async (name: string, content: string) => {
      await writeFile(join(dir, name), content);
      written.push(name);
    };
    await put(probe.file, output.stdout);
    if (output.code !== null) await put(`${probe.file}.rc`, `${output.code}\n`);
    if (output.stderr) await put(`${probe.file}.err`, output.stderr);
  }
  return written;
}
