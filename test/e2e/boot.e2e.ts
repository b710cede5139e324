/**
 * The real-boot proof (`npm run test:e2e`): for each stack in stacks.ts, vrfgen's files for
 * test/e2e/intent.yaml are installed into a Debian 12 guest before systemd starts, the guest boots
 * Debian's kernel (with vrf.ko) under QEMU, runs `vrfgen collect --script`'s output, takes the
 * stack's drift and runs it again; on the host, `vrfgen check --state` judges both states. Two guests run at once (one per
 * core). Results, console logs and a summary stay in the artifacts folder printed at the end.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, test } from 'vitest';
import { describeWithFacility, probeCommand, ROOT, vrfgen } from '../helpers.ts';
import { bootFindings, formatFindings, type Finding } from './boot-findings.ts';
import { image } from './image.ts';
import { pack, stage } from './overlay.ts';
import { boot } from './qemu.ts';
import { STACKS, type Stack } from './stacks.ts';

const INTENT = join(ROOT, 'test/e2e/intent.yaml');
/** A boot takes about a minute under TCG on an idle machine; other work on the host slows it. */
const BOOT_TIMEOUT = Number(process.env.VRFGEN_E2E_BOOT_TIMEOUT ?? 900);

function probeBoot(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (mmdebstrap --mode=root builds the image)';
  for (const [cmd, args, pkg] of [
    ['qemu-system-x86_64', ['--version'], 'qemu-system-x86'],
    ['mmdebstrap', ['--version'], 'mmdebstrap'],
    ['mkfs.ext4', ['-V'], 'e2fsprogs'],
    ['setpriv', ['--version'], 'util-linux'],
  ] as const) {
    const why = probeCommand(cmd, args);
    if (why) return `${why} (Debian package ${pkg})`;
  }
  return undefined;
}

/** This boot's commands: record, drift, record again. */
function commands(stack: Stack): string {
  return [
    'out=$1',
    ...(stack.setup ? ['sh /e2e/setup.sh "$out" >"$out/setup.log" 2>&1; echo $? >"$out/setup.rc"'] : []),
    'sh /e2e/collect.sh "$out/state"',
    ...(stack.drift.length ? [...stack.drift.map((d) => d.command), 'sh /e2e/collect.sh "$out/drifted"'] : []),
    '',
  ].join('\n');
}

interface Row {
  stack: string;
  accel: string;
  build: string;
  boot: number;
  startup: string;
  clean: string;
  drifted: string;
}
const rows: Row[] = [];
let artifacts: string | undefined;
const artifactsDir = () => (artifacts ??= process.env.VRFGEN_E2E_ARTIFACTS ?? mkdtempSync(join(tmpdir(), 'vrfgen-e2e-')));
const listed = (fs: Finding[]) => (fs.length ? `\n  ${formatFindings(fs).replaceAll('\n', '\n  ')}` : ' none');

describeWithFacility('real boot of Debian 12 under QEMU', probeBoot, () => {
  test.concurrent.for(STACKS)('$name', { timeout: 90 * 60_000 }, async (stack, { expect }) => {
    const dir = join(artifactsDir(), stack.name.replace(/[^a-z0-9]+/gi, '-'));
    rmSync(dir, { recursive: true, force: true }); // a previous run's, with VRFGEN_E2E_ARTIFACTS
    mkdirSync(dir, { recursive: true });
    const intent = stack.intent ?? INTENT;
    const staged = stage(intent, stack.targets, join(dir, 'root'), stack.before);
    expect([...staged.stderr.matchAll(/^(?:\S+ )?(?:warning|error) ([a-z0-9-]+\/[a-z0-9-]+):/gm)].map((m) => m[1]).sort(), staged.stderr).toEqual([...(stack.warnings ?? [])].sort());
    stack.tamper?.edit(staged.root);
    const overlay = join(dir, 'overlay.tar');
    pack(
      staged,
      { '/e2e/collect.sh': vrfgen('collect', intent, '--script').stdout, '/e2e/commands.sh': commands(stack), ...(stack.setup ? { '/e2e/setup.sh': stack.setup } : {}) },
      overlay,
    );

    const img = await image(stack.image);
    const booted = await boot({
      image: img,
      overlay,
      dir,
      cmdline: ['systemd.wants=e2e-runner.service', ...stack.mask.map((u) => `systemd.mask=${u}`)],
      nics: 3,
      timeout: BOOT_TIMEOUT,
    });
    const read = (f: string) => (existsSync(join(booted.out, f)) ? readFileSync(join(booted.out, f), 'utf8') : '');
    expect(read('commands.rc').trim(), read('commands.log')).toBe('0');
    if (stack.setup) expect(read('setup.rc').trim(), read('setup.log')).toBe('0');

    // The verdict is vrfgen's own: `check --state` on what the guest collected, before and after the drift.
    const check = (state: string) => {
      const r = vrfgen('check', intent, '--state', join(booted.out, state), '--json');
      const report = JSON.parse(r.stdout) as { exitCode: number; counts: Record<string, number>; findings: { item: string; status: string; expected: unknown; actual: unknown }[] };
      writeFileSync(join(dir, `check-${state}.json`), r.stdout);
      return { code: r.code, counts: report.counts, findings: report.findings, wrong: report.findings.filter((f) => f.status !== 'ok') };
    };
    const journal = bootFindings(join(booted.out, 'boot'));
    const clean = check('state');
    const drifted = stack.drift.length ? check('drifted') : undefined;
    const summary = (c: ReturnType<typeof check>) =>
      `exit ${c.code}, ${Object.entries(c.counts).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ')}` +
      c.wrong.map((f) => `\n    ${f.item}: ${f.status}, expected ${JSON.stringify(f.expected)}, got ${JSON.stringify(f.actual ?? 'absent')}`).join('');
    rows.push({
      stack: stack.name,
      accel: booted.accel,
      build: img.buildSeconds ? `${img.buildSeconds} s` : 'cached',
      boot: booted.seconds,
      startup: read('boot/analyze-time.txt').match(/^Startup finished .* = (.+?)\s*$/m)?.[1] ?? '?',
      clean: `${listed(journal)}\n  vrfgen check: ${summary(clean)}`,
      drifted: drifted ? ` vrfgen check: ${summary(drifted)}\n  (drift injected: ${stack.drift.map((d) => d.command).join('; ')})` : ' (no drift in this boot)',
    });

    if (stack.tamper) {
      const items = [...(journal.length ? ['journal'] : []), ...clean.wrong.map((f) => f.item)];
      expect(items.sort(), summary(clean)).toEqual([...stack.tamper.findings].sort());
      return;
    }
    expect(formatFindings(journal)).toBe('');
    expect(clean.code, summary(clean)).toBe(0);
    stack.verify?.(read, clean.findings);
    if (!drifted) return;
    expect(drifted.code, summary(drifted)).toBe(1);
    for (const d of stack.drift) expect(drifted.wrong.map((f) => f.item), d.command).toContain(d.finding);
  });
});

afterAll(() => {
  if (!rows.length) return;
  const table = [
    `artifacts in ${artifactsDir()}`,
    'stack | image build | accel | boot (s, host) | guest startup',
    ...rows.map((r) => `${r.stack} | ${r.build} | ${r.accel} | ${r.boot} | ${r.startup}`),
    ...rows.map((r) => `\n${r.stack}\nclean boot, findings:${r.clean}\ndrifted, findings:${r.drifted}`),
  ].join('\n');
  writeFileSync(join(artifactsDir(), 'summary.txt'), `${table}\n`);
  console.log(`\n${table}\n`);
});
