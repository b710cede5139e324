/**
 * `npm run bench`: vrfgen against netplan's own generator, from 1 to 8000 VRFs, and vrfgen's
 * start-up against bare node. Writes bench/results.md and prints it. Not part of `npm test`: the
 * numbers depend on the machine, and a loaded machine makes them noisy (the medians and the
 * run-by-run interleaving of commands keep the ratios fair, not the absolute times).
 *
 *   npm run bench [-- --sizes 1,100,4000] [--runs 5] [--out bench/results.md]
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { MAX_INTENT_BYTES } from '../src/intent/limits.ts';
import { targetNames } from '../targets/index.ts';
import { measure, summarise, TIME, type Command, type Sample, type Summary } from './measure.ts';
import { syntheticIntent, syntheticState, syntheticUnits } from './synthetic.ts';

const ROOT = join(import.meta.dirname, '../..');
/** The package's bin: what `npx vrfgen` runs. */
const CLI = join(
  ROOT,
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { vrfgen: string } }).bin.vrfgen,
);
const EXAMPLE = join(ROOT, 'examples/mgmt-and-production.yaml');
const NETPLAN = '/usr/sbin/netplan';
/** The generator `netplan generate` runs (and systemd runs at boot): C, no Python start-up. */
const NETPLAN_C = '/lib/netplan/generate';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const SIZES = option('sizes', '1,10,100,1000,4000,8000').split(',').map(Number);
const RUNS = Number(option('runs', '5'));
const START_RUNS = 21;
const OUT = option('out', join(ROOT, 'bench/results.md'));

const loud = (s: string) => console.error(`\n*** ${s} ***\n`);

/** Install a Debian package the benchmark needs, when we may; false when it stays missing. */
function ensurePackage(pkg: string, file: string): boolean {
  if (existsSync(file)) return true;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return false;
  console.error(`installing ${pkg} (${file} is missing)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', pkg], {
    stdio: 'inherit',
    env,
  });
  return existsSync(file);
}

/** The mount a path lives on, from /proc/self/mounts (the longest mount point that prefixes it). */
function fsTypeOf(path: string): string {
  let best = { at: '', type: '?' };
  for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const [, at, type] = line.split(' ');
    if (at && type && (path === at || path.startsWith(at === '/' ? '/' : `${at}/`)) && at.length > best.at.length)
      best = { at, type };
  }
  return best.type;
}

const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).stdout.trim();

function main(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm run bench does)`);
  if (!ensurePackage('time', TIME)) throw new Error(`${TIME} is missing (Debian package time): it measures peak RSS`);
  const anchor = ensurePackage('netplan.io', NETPLAN);
  if (!anchor) loud('netplan.io is not installed and cannot be installed here: the netplan anchor column is SKIPPED');
  const netplanVersion = anchor ? sh('dpkg-query', ['-W', '-f', '${Version}', 'netplan.io']) || '?' : undefined;

  // Everything the commands read and write lives on tmpfs, so the disk is not what is measured.
  const base = process.env.VRFGEN_BENCH_TMPFS ?? '/dev/shm';
  if (fsTypeOf(base) !== 'tmpfs') throw new Error(`${base} is not a tmpfs; set VRFGEN_BENCH_TMPFS to a tmpfs folder`);
  const work = mkdtempSync(join(base, 'vrfgen-bench-'));
  const load = {
    before: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    after: '',
  };

  // The bin as users run it: executed, so that its #! line (and the node flags there) applies, with
  // this node first on PATH for `env` to find.
  process.env.PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`;
  const vrfgen = (...args: string[]) => [CLI, ...args];
  const fresh =
    (dir: string, files: Record<string, string> = {}) =>
    () => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      for (const [p, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, p)), { recursive: true });
        writeFileSync(join(dir, p), content);
      }
    };
  const exitZero = (what: string, quiet: boolean) => (r: { code: number; stderr: string }) => {
    if (r.code !== 0 || (quiet && r.stderr !== ''))
      throw new Error(`${what}: exit ${r.code}\n${r.stderr.slice(0, 2000)}`);
  };
  // ifupdown reads vrfgen's file through Debian's default include line.
  const interfaces = { 'etc/network/interfaces': 'source /etc/network/interfaces.d/*\n' };

  interface Row {
    readonly name: string;
    readonly n?: number;
    readonly cmd: Command;
    readonly anchor?: boolean;
    /** What the command wrote: files, and their bytes. */
    readonly files?: () => Written;
    samples: Sample[];
    summary?: Summary;
    written?: Written;
  }
  const rows: Row[] = [];
  const add = (row: Omit<Row, 'samples'>) => rows.push({ ...row, samples: [] });

  // Start-up: a 2-VRF intent, the whole CLI, against bare node.
  add({ name: 'node -e 0', cmd: { argv: [process.execPath, '-e', '0'] } });
  add({ name: 'validate (2 VRFs)', cmd: { argv: vrfgen('validate', EXAMPLE), verify: exitZero('validate', true) } });
  const small = join(work, 'example-root');
  add({
    name: 'generate (2 VRFs)',
    cmd: {
      argv: vrfgen('generate', EXAMPLE, '--root', small),
      prepare: fresh(small),
      verify: exitZero('generate', true),
    },
  });

  const refused: { n: number; bytes: number }[] = [];
  for (const n of SIZES) {
    const text = syntheticIntent(n);
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_INTENT_BYTES) {
      // vrfgen would only say intent/too-large: measuring that is not measuring vrfgen at this size.
      console.error(
        `N=${n}: NOT MEASURED, the synthetic intent is ${bytes} bytes, over vrfgen's intent cap of ${MAX_INTENT_BYTES} (src/intent/limits.ts)`,
      );
      refused.push({ n, bytes });
      continue;
    }
    const dir = join(work, `n${n}`);
    mkdirSync(dir);
    const intent = join(dir, 'intent.yaml');
    writeFileSync(intent, text);
    const state = join(dir, 'state');
    mkdirSync(state);
    for (const [name, content] of syntheticState(n)) writeFileSync(join(state, name), content);
    // The services target binds the units it finds under the root, as systemd would.
    const units = Object.fromEntries(syntheticUnits(n));

    for (const t of targetNames) {
      const root = join(dir, `root-${t}`);
      const seeded = t === 'services' ? units : t.startsWith('ifupdown') ? interfaces : {};
      // Debian 12's netavark (1.4) has no vrf option, so container networks are a Debian 13 matter.
      const platform = t === 'netavark' ? ['--platform', 'debian-13'] : [];
      // --quiet: a target's warnings for this platform (networkmanager's on Debian 12) are not errors.
      add({
        name: `generate -t ${t}`,
        n,
        cmd: {
          argv: vrfgen('generate', intent, '--target', t, ...platform, '--root', root, '--quiet'),
          prepare: fresh(root, seeded),
          verify: exitZero(`generate ${t} n=${n}`, true),
        },
        files: () => written(root, Object.keys(seeded)),
      });
    }
    add({
      name: 'check --state',
      n,
      cmd: { argv: vrfgen('check', intent, '--state', state), verify: exitZero(`check n=${n}`, false) },
    });

    if (anchor) {
      // netplan reads vrfgen's own netplan YAML for this N; its output goes to ROOT/run.
      const root = join(dir, 'root-netplan-anchor');
      const yaml = join(dir, 'root-netplan/etc/netplan/90-vrfgen.yaml');
      const prepare = () => {
        if (!existsSync(yaml)) throw new Error(`${yaml} missing: generate -t netplan runs first`);
        fresh(root, { 'etc/netplan/90-vrfgen.yaml': readFileSync(yaml, 'utf8') })();
        spawnSync('chmod', ['600', join(root, 'etc/netplan/90-vrfgen.yaml')]);
      };
      add({
        name: 'netplan generate',
        n,
        anchor: true,
        cmd: { argv: [NETPLAN, 'generate', '--root-dir', root], prepare, verify: exitZero(`netplan n=${n}`, true) },
        files: () => written(join(root, 'run')),
      });
      add({
        name: `${NETPLAN_C} (C only)`,
        n,
        cmd: { argv: [NETPLAN_C, '--root-dir', root], prepare, verify: exitZero(`netplan C n=${n}`, true) },
      });
    }
  }

  // One warm-up, then RUNS rounds; each round runs every command of a size once, so a burst of
  // load from elsewhere lands on vrfgen and netplan alike. The start-up commands take some 0.1 s and
  // their goal is a ratio of two such times, so they get at least START_RUNS rounds.
  const groups = [...new Set(rows.map((r) => r.n))];
  for (const n of groups) {
    const group = rows.filter((r) => r.n === n);
    const runs = n === undefined ? Math.max(RUNS, START_RUNS) : RUNS;
    console.error(`measuring ${n === undefined ? 'start-up' : `N=${n}`}: ${group.length} commands × (1 + ${runs})`);
    for (const r of group) {
      measure(r.cmd, work);
      if (r.files) r.written = r.files();
    }
    for (let i = 0; i < runs; i++) for (const r of group) r.samples.push(measure(r.cmd, work));
    for (const r of group) r.summary = summarise(r.samples);
  }
  load.after = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  rmSync(work, { recursive: true, force: true });

  const md = report(rows, { anchor, netplanVersion, base, load, refused });
  writeFileSync(OUT, md);
  process.stdout.write(md);
  console.error(`\nwrote ${relative(process.cwd(), OUT)}`);
}

interface Written {
  readonly files: number;
  readonly bytes: number;
}

/** The files under `dir` and their bytes, but for those the run was given (`seeded`, relative paths). */
function written(dir: string, seeded: readonly string[] = []): Written {
  if (!existsSync(dir)) return { files: 0, bytes: 0 };
  const given = new Set(seeded.map((p) => join(dir, p)));
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(e.parentPath, e.name);
    if (!e.isFile() || given.has(path)) continue;
    files++;
    bytes += statSync(path).size;
  }
  return { files, bytes };
}

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const mb = (x: number) => x.toFixed(0);
const ratio = (x: number) => x.toFixed(2);

interface Context {
  readonly anchor: boolean;
  readonly netplanVersion?: string | undefined;
  readonly base: string;
  readonly load: { before: string; after: string };
  /** Sizes whose synthetic intent vrfgen refuses as too large (src/intent/limits.ts). */
  readonly refused: readonly { n: number; bytes: number }[];
}

function report(
  rows: readonly { name: string; n?: number; anchor?: boolean; summary?: Summary; written?: Written }[],
  ctx: Context,
): string {
  const s = (name: string, n?: number) => rows.find((r) => r.name === name && r.n === n)?.summary;
  const sizes = [...new Set(rows.flatMap((r) => (r.n === undefined ? [] : [r.n])))];
  const vrfgenRows = (n: number) =>
    rows.filter((r) => r.n === n && (r.name.startsWith('generate') || r.name.startsWith('check')));
  const generateNames = [
    ...new Set(rows.filter((r) => r.n !== undefined && r.name.startsWith('generate')).map((r) => r.name)),
  ];
  const anchorAt = (n: number) => rows.find((r) => r.n === n && r.anchor)?.summary;
  const out: string[] = [];
  const line = (...cells: string[]) => out.push(`| ${cells.join(' | ')} |`);

  out.push(
    '# vrfgen benchmark',
    '',
    `Written by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}: node ${process.version}, ` +
      `${cpus()[0]?.model.trim() ?? 'unknown CPU'} × ${cpus().length}, load average ${ctx.load.before} before and ${ctx.load.after} after ` +
      `(1, 5, 15 min). Anchor: ${ctx.anchor ? `netplan.io ${ctx.netplanVersion}, the real \`netplan generate --root-dir\` on vrfgen's own netplan output for the same N` : '**SKIPPED** (netplan.io missing)'}.`,
    '',
    `Every input and output is on tmpfs (\`${ctx.base}\`, a fresh folder per run). Wall times are medians of ` +
      `${rows.find((r) => r.n !== undefined)?.summary?.runs ?? '?'} runs (the start-up commands: ${rows[0]?.summary?.runs ?? '?'}) after one warm-up, the commands of one size interleaved run by run; CPU is the median ` +
      'user + system time; RSS the highest peak resident set seen (GNU time %M). Each vrfgen run is checked: exit 0, nothing on ' +
      'stderr, and `check` must report a match. The intents and states come from bench/synthetic.ts: one VRF per VLAN tenant ' +
      '(one member, one address, one default route), plus the isolation routes vrfgen adds; every tenth VRF also has a ' +
      "service bound to it (its unit file in the services target's root), a Podman network (netavark: `--platform debian-13`, " +
      'the first with netavark ≥ 1.8) and BGP with a static neighbour and a listen range. Files: what the command wrote. ' +
      'What the profiles show, and what the missed goals would take: bench/notes.md.',
    '',
  );

  // Goals.
  const at = (n: number) => sizes.includes(n);
  const goals: [string, string, boolean | undefined][] = [];
  const node0 = s('node -e 0');
  if (at(4000) && anchorAt(4000)) {
    const worst = vrfgenRows(4000)
      .filter((r) => r.name.startsWith('generate'))
      .map((r) => ({ name: r.name, x: r.summary!.wall / anchorAt(4000)!.wall }))
      .sort((a, b) => b.x - a.x)[0]!;
    goals.push([
      'every target, 4000 VRFs: vrfgen / netplan ≤ 1.0',
      `worst ${ratio(worst.x)} (${worst.name})`,
      worst.x <= 1,
    ]);
    const c = s(`${NETPLAN_C} (C only)`, 4000);
    if (c) {
      const worstC = vrfgenRows(4000)
        .filter((r) => r.name.startsWith('generate'))
        .map((r) => ({ name: r.name, x: r.summary!.wall / c.wall }))
        .sort((a, b) => b.x - a.x)[0]!;
      goals.push([
        'the same against the C generator alone',
        `worst ${ratio(worstC.x)} (${worstC.name})`,
        worstC.x <= 1,
      ]);
    }
  }
  if (at(8000) && anchorAt(8000)) {
    const worst = vrfgenRows(8000)
      .filter((r) => r.name.startsWith('generate'))
      .map((r) => ({ name: r.name, x: r.summary!.wall / anchorAt(8000)!.wall }))
      .sort((a, b) => b.x - a.x)[0]!;
    goals.push([
      'every target, 8000 VRFs: well below netplan (read as ≤ 0.75)',
      `worst ${ratio(worst.x)} (${worst.name})`,
      worst.x <= 0.75,
    ]);
  }
  if (at(4000) && at(8000)) {
    const worst = vrfgenRows(8000)
      .map((r) => ({ name: r.name, x: r.summary!.wall / s(r.name, 4000)!.wall }))
      .sort((a, b) => b.x - a.x)[0]!;
    goals.push(['growth 4000 → 8000 ≤ 2.1×', `worst ${ratio(worst.x)}× (${worst.name})`, worst.x <= 2.1]);
  }
  if (at(4000)) {
    const worst = vrfgenRows(4000)
      .map((r) => ({ name: r.name, x: r.summary!.rss }))
      .sort((a, b) => b.x - a.x)[0]!;
    goals.push(['peak RSS at 4000 VRFs ≤ 100 MB', `worst ${mb(worst.x)} MiB (${worst.name})`, worst.x <= 100]);
  }
  for (const name of ['validate (2 VRFs)', 'generate (2 VRFs)']) {
    const x = s(name)!.wall / node0!.wall;
    goals.push([
      `${name.replace(' (2 VRFs)', '')} of a 2-VRF intent ≤ 1.5 × \`node -e 0\``,
      `${ratio(x)}× (${ms(s(name)!.wall)} ms vs ${ms(node0!.wall)} ms)`,
      x <= 1.5,
    ]);
  }
  if (at(4000)) {
    const c = s('check --state', 4000)!;
    goals.push(['check --state at 4000 VRFs ≤ 0.4 s', `${ms(c.wall)} ms`, c.wall <= 400]);
  }
  for (const { n, bytes } of ctx.refused) {
    goals.push([
      `N = ${n}`,
      `not measured: its intent is ${(bytes / 2 ** 20).toFixed(2)} MiB, over vrfgen's ${MAX_INTENT_BYTES / 2 ** 20} MiB intent cap (src/intent/limits.ts)`,
      undefined,
    ]);
  }
  out.push('## Goals', '');
  line('goal', 'measured', 'met');
  line('---', '---', '---');
  for (const [goal, got, ok] of goals) line(goal, got, ok === undefined ? '?' : ok ? 'yes' : '**no**');
  out.push('');

  out.push('## Start-up', '', 'The shipped example (2 VRFs, 3 members, a service), whole CLI, against bare node.', '');
  line('command', 'wall ms', 'CPU ms', 'peak RSS MiB', '× node -e 0');
  line('---', '---:', '---:', '---:', '---:');
  for (const r of rows.filter((r) => r.n === undefined)) {
    line(r.name, ms(r.summary!.wall), ms(r.summary!.cpu), mb(r.summary!.rss), ratio(r.summary!.wall / node0!.wall));
  }
  out.push('');

  out.push(
    '## By size',
    '',
    'vrfgen / netplan: wall time against `netplan generate` (the CLI an admin runs: Python, then the C generator) for the same N, ' +
      'measured in the same rounds; vrfgen / C: against the C generator alone (what systemd runs at boot).',
    '',
  );
  line('N', 'command', 'files', 'KiB', 'wall ms', 'CPU ms', 'peak RSS MiB', 'vrfgen / netplan', 'vrfgen / C');
  line('---:', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:');
  for (const n of sizes) {
    const a = anchorAt(n);
    const c = s(`${NETPLAN_C} (C only)`, n);
    for (const r of rows.filter((r) => r.n === n)) {
      const x = r.summary!;
      const isVrfgen = r.name.startsWith('generate') || r.name.startsWith('check');
      const files = r.written === undefined ? '' : String(r.written.files);
      const kib = r.written === undefined ? '' : (r.written.bytes / 1024).toFixed(0);
      line(
        String(n),
        r.anchor ? `**${r.name}**` : r.name,
        files,
        kib,
        ms(x.wall),
        ms(x.cpu),
        mb(x.rss),
        isVrfgen && a ? ratio(x.wall / a.wall) : '',
        isVrfgen && c ? ratio(x.wall / c.wall) : '',
      );
    }
  }
  out.push('');

  out.push(
    '## Growth per doubling',
    '',
    'Wall time factor per doubling of N between neighbouring sizes, (t₂ / t₁)^(1 / log₂(N₂ / N₁)): 2.0 is linear. ' +
      'At small N the fixed start-up cost dominates, so the factor stays near 1.',
    '',
  );
  const pairs = sizes.slice(1).map((n, i) => [sizes[i]!, n] as const);
  line('command', ...pairs.map(([a, b]) => `${a} → ${b}`));
  line('---', ...pairs.map(() => '---:'));
  for (const name of [
    ...generateNames,
    'check --state',
    ...(ctx.anchor ? ['netplan generate', `${NETPLAN_C} (C only)`] : []),
  ]) {
    line(
      name,
      ...pairs.map(([a, b]) => {
        const [x, y] = [s(name, a), s(name, b)];
        return x && y ? ratio((y.wall / x.wall) ** (1 / Math.log2(b / a))) : '';
      }),
    );
  }
  out.push('');
  return `${out.join('\n')}\n`;
}

main();
