/**
 * A writer killed at any point leaves every file either complete as it was or complete as it should
 * be — never half of one that stops the network from coming up — and the next run finishes the job.
 *
 * The tree: 40 VRFs as systemd-networkd and sysctl files (200 files, some in drop-in folders), then an intent that
 * changes half of the tables, drops ten VRFs, adds ten and flips a sysctl: files are updated, created and
 * removed in one run. Two ways to kill the writer:
 *  - at a chosen file-system call (test/support/kill-writer.mjs counts them): every kind of call (mkdir, the
 *    temporary file's open, write — killed half-way through it —, chmod, sync, close, the rename, a
 *    folder's sync, unlink, rmdir) and a seeded sample spread over the whole run;
 *  - SIGKILL from outside, after a seeded random delay from the moment the writer starts changing
 *    the tree (it says so on stdout) within the time a whole write takes.
 * The seed is printed; VRFGEN_KILL_SEED=<seed> repeats a run. Trees live in /dev/shm when there is
 * one: a kill is not a power cut, so the page cache does not matter, and syncs cost nothing there.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { generate } from '../../src/index.ts';
import { ROOT, treeOf } from '../support/helpers.ts';

const SEED = Number(process.env.VRFGEN_KILL_SEED ?? Date.now() % 2 ** 31);
/** Kill points per run (VRFGEN_KILL_POINTS=<calls>,<signals> for a longer one): ~40 s on two cores. */
const [CALL_KILLS, SIGNAL_KILLS] = (process.env.VRFGEN_KILL_POINTS ?? '80,40').split(',').map(Number) as [
  number,
  number,
];
const TARGETS = 'networkd,sysctl';
const CHILD = join(ROOT, 'test/support/kill-writer.mjs');

/** mulberry32: small, seeded, good enough to spread kill points. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const work = mkdtempSync(join(base, 'vrfgen-kill-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function intent(name: string, vrfs: number[], tableOf: (i: number) => number, tcp: boolean): string {
  const lines = ['version: 1', 'vrfs:'];
  for (const i of vrfs) {
    lines.push(`  v${i}:`, `    table: ${tableOf(i)}`, '    interfaces:');
    lines.push(
      `      e${i}: {addresses: [10.${i}.0.1/24]}`,
      `      e${i}.7: {vlan: {parent: e${i}, id: 7}, addresses: [10.${i}.7.1/24]}`,
    );
    // A VLAN on a link another file configures: a drop-in folder, emptied and removed when the VRF goes.
    if (i % 10 === 0) lines.push(`      b${i}.9: {vlan: {parent: bond${i}, id: 9}}`);
    lines.push('    routes:', `      - {to: 192.168.${i}.0/24, via: 10.${i}.0.254}`);
  }
  lines.push(
    'vlan-parents:',
    ...vrfs.filter((i) => i % 10 === 0).map((i) => `  bond${i}: {networkd-file: 30-bond${i}.network}`),
  );
  lines.push('sysctl:', `  tcp_l3mdev_accept: ${tcp}`, '  raw_l3mdev_accept: true');
  const file = join(work, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const OLD = intent('old.yaml', range(0, 40), (i) => 100 + i, false);
const NEW = intent('new.yaml', range(10, 50), (i) => (i % 2 ? 100 + i : 2000 + i), true);

type Tree = Map<string, { content: string; mode: number }>;
const TEMP = /\/\.[^/]+\.vrfgen-[0-9a-f]{12}\.tmp$/;

function read(root: string): Tree {
  return new Map(
    treeOf(root).map((p) => [
      p,
      { content: readFileSync(join(root, p), 'utf8'), mode: lstatSync(join(root, p)).mode & 0o7777 },
    ]),
  );
}

async function written(file: string, root: string): Promise<void> {
  const g = await generate(file, { root, targets: TARGETS.split(',') });
  expect(g.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(g.written).toBe(true);
}

const oldRoot = join(work, 'old');
const newRoot = join(work, 'new');
await written(OLD, oldRoot);
await written(NEW, newRoot);
const before = read(oldRoot);
const after = read(newRoot);

/** Every file old-complete or new-complete (or absent where one side has none); nothing else but temporary files. */
function assertEachFileWhole(root: string, what: string): { mixed: boolean; temps: number } {
  const now = read(root);
  let temps = 0;
  let olds = 0;
  let news = 0;
  for (const [path, file] of now) {
    if (TEMP.test(path)) {
      temps++;
      continue;
    }
    const old = before.get(path);
    const neu = after.get(path);
    expect(old !== undefined || neu !== undefined, `${what}: ${path} belongs to neither tree`).toBe(true);
    const isOld = old?.content === file.content && old.mode === file.mode;
    const isNew = neu?.content === file.content && neu.mode === file.mode;
    expect(isOld || isNew, `${what}: ${path} is neither the old nor the new file`).toBe(true);
    if (isOld && !isNew) olds++;
    if (isNew && !isOld) news++;
  }
  for (const path of before.keys()) {
    if (!now.has(path)) expect(after.has(path), `${what}: ${path} vanished although it stays`).toBe(false);
  }
  return { mixed: olds > 0 && news > 0, temps };
}

/** After a kill: the tree is whole file by file, and one more run leaves exactly the new tree. */
async function checkAndRecover(root: string, what: string): Promise<{ mixed: boolean; temps: number }> {
  const state = assertEachFileWhole(root, what);
  await written(NEW, root);
  const recovered = read(root);
  expect([...recovered.keys()], `${what}: recovery`).toEqual([...after.keys()]);
  for (const [p, f] of after) expect(recovered.get(p), `${what}: recovery of ${p}`).toEqual(f);
  return state;
}

function freshRoot(name: string): string {
  const root = join(work, name);
  rmSync(root, { recursive: true, force: true });
  cpSync(oldRoot, root, { recursive: true });
  return root;
}

function runChild(
  killAt: number,
  root: string,
): Promise<{ signal: NodeJS.Signals | null; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CHILD, NEW, root, TARGETS], {
      env: { ...process.env, KILL_AT: String(killAt) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.on('close', (code, signal) => resolve({ signal, code, stdout, stderr }));
  });
}

/** Run `jobs` two at a time (the CI machines have two cores). */
async function pool<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}

test('the old and new trees differ in every way a run can change a file', () => {
  const both = [...before.keys()].filter((p) => after.has(p));
  expect(both.filter((p) => before.get(p)!.content !== after.get(p)!.content).length).toBeGreaterThan(50); // updated
  expect([...after.keys()].filter((p) => !before.has(p)).length).toBeGreaterThan(30); // created
  expect([...before.keys()].filter((p) => !after.has(p)).length).toBeGreaterThan(30); // removed
  expect(before.size).toBeGreaterThan(190);
});

test(`killed at chosen file-system calls (${CALL_KILLS} kill points), seed ${SEED}`, async () => {
  const counted = await runChild(0, freshRoot('count'));
  expect(counted.stderr).toBe('');
  const calls = counted.stdout.trim().split('\n');
  const kind = (c: string) => c.split(' ')[0]!;
  // Every kind of call once (its first occurrence), then a seeded sample spread over the whole run.
  const points = new Set<number>();
  for (const k of new Set(calls.map(kind))) points.add(calls.findIndex((c) => kind(c) === k) + 1);
  const rnd = random(SEED);
  const rest = CALL_KILLS - points.size;
  for (let b = 0; b < rest; b++) points.add(1 + Math.floor(((b + rnd()) * calls.length) / rest));
  while (points.size < Math.min(CALL_KILLS, calls.length)) points.add(1 + Math.floor(rnd() * calls.length)); // where two fell together
  expect(new Set([...points].map((n) => kind(calls[n - 1]!)))).toEqual(
    new Set(['mkdir', 'open', 'writeFile', 'chmod', 'sync', 'close', 'rename', 'unlink', 'rmdir']),
  );

  const results = await pool(
    [...points]
      .sort((a, b) => a - b)
      .map((n) => async () => {
        const root = freshRoot(`call-${n}`);
        const r = await runChild(n, root);
        const what = `seed ${SEED}, killed at call ${n}/${calls.length} (${calls[n - 1]})`;
        expect(r.signal, `${what}: ${r.stderr}`).toBe('SIGKILL');
        const state = await checkAndRecover(root, what);
        rmSync(root, { recursive: true, force: true });
        return state;
      }),
  );
  const halfWritten = results.filter((s) => s.temps > 0).length;
  console.log(
    `kill test, seed ${SEED}: ${points.size} kill points over ${calls.length} calls; ${results.filter((s) => s.mixed).length} left old and new files side by side, ${halfWritten} left a temporary file`,
  );
  expect(halfWritten).toBeGreaterThan(0); // the writeFile kills leave half-written temporary files, which must not count
}, 600_000);

test(`killed by SIGKILL from outside at random moments while it writes (${SIGNAL_KILLS} runs), seed ${SEED}`, async () => {
  /** The writer with MARK=1; `kill(p)` is called once it says it has started writing. */
  const marked = (root: string, onWriting: (p: ReturnType<typeof spawn>) => void) =>
    new Promise<{ signal: NodeJS.Signals | null; ms: number }>((resolve) => {
      const p = spawn(process.execPath, [CHILD, NEW, root, TARGETS], {
        env: { ...process.env, KILL_AT: '0', MARK: '1' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let started = 0n;
      p.stdout.once('data', () => {
        started = process.hrtime.bigint();
        onWriting(p);
      });
      p.on('close', (_code, signal) => resolve({ signal, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
  const whole = await marked(freshRoot('timing'), () => undefined);
  expect(whole.signal).toBe(null);
  const rnd = random(SEED ^ 0x5bd1e995);
  const results = await pool(
    range(0, SIGNAL_KILLS).map((i) => async () => {
      const root = freshRoot(`signal-${i}`);
      const delay = rnd() * whole.ms;
      let timer: NodeJS.Timeout | undefined;
      await marked(root, (p) => (timer = setTimeout(() => p.kill('SIGKILL'), delay)));
      clearTimeout(timer);
      const state = await checkAndRecover(root, `seed ${SEED}, SIGKILL ${delay.toFixed(1)} ms into the writing`);
      rmSync(root, { recursive: true, force: true });
      return state;
    }),
  );
  console.log(
    `kill test, seed ${SEED}: ${SIGNAL_KILLS} SIGKILLs within the ${whole.ms.toFixed(0)} ms a write takes; ${results.filter((s) => s.mixed).length} left old and new files side by side, ${results.filter((s) => s.temps > 0).length} left a temporary file`,
  );
}, 600_000);
