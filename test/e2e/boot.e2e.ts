/**
 * The real-boot proof (`npm run test:e2e`): for each release (Debian 12 and 13) and each stack in
 * stacks.ts, vrfgen's files for test/e2e/intent.yaml, generated for that release's platform
 * profile, are installed into a guest of that release before systemd starts; the guest boots
 * Debian's kernel (with vrf.ko) under QEMU, runs `vrfgen collect --script`'s output, takes the
 * stack's drift and runs it again; on the host, `vrfgen check --state` judges both states and the
 * versions the guest runs are held against the profile. One guest per core runs at once.
 * Results, console logs and a summary stay in the artifacts folder printed at the end.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, test } from 'vitest';
import { parseDocument } from 'yaml';
import { describeWithFacility, probeCommand, ROOT, vrfgen } from '../support/helpers.ts';
import { bootFindings, formatFindings, type Finding } from './boot-findings.ts';
import { platforms } from '../../src/platforms/platforms.ts';
import { image, releases } from './image.ts';
import { pack, stage } from './overlay.ts';
import { contradicted, formatFacts, profileFacts } from './profile-facts.ts';
import { boot } from './qemu.ts';
import { containerFindings } from './containers.ts';
import { STACKS, type Stack } from './stacks.ts';

const INTENT = join(ROOT, 'test/e2e/intent.yaml');
/**
 * A boot takes about a minute under TCG on an idle machine; other work on the host slows it many
 * times. Longer than the guest's own bound on its commands (guest/…/e2e-runner, 1500 s) plus a slow
 * boot, so that a hung command still leaves the guest's results rather than only a killed QEMU.
 */
const BOOT_TIMEOUT = Number(process.env.VRFGEN_E2E_BOOT_TIMEOUT ?? 2100);

/** Every stack on every release, releases interleaved: the first boots of both start early. */
const MATRIX = STACKS.flatMap((stack) =>
  (stack.releases ?? releases).map((release) => ({ release, stack, name: `${release} ${stack.name}` })),
);

/**
 * One guest per core (each has -smp 1 and TCG keeps its core busy). The tests themselves all run
 * at once: one waiting for its image (builds run one at a time, image.ts) holds no core.
 */
const cores = availableParallelism();
let booting = 0;
const waiting: (() => void)[] = [];
async function withCore<T>(f: () => Promise<T>): Promise<T> {
  if (booting >= cores) await new Promise<void>((r) => waiting.push(r));
  booting++;
  try {
    return await f();
  } finally {
    booting--;
    waiting.shift()?.();
  }
}

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

/** This boot's commands: record, the stack's extra commands, drift, record again. */
function commands(stack: Stack): string {
  return [
    'out=$1',
    ...(stack.setup ? ['sh /e2e/setup.sh "$out" >"$out/setup.log" 2>&1; echo $? >"$out/setup.rc"'] : []),
    'sh /e2e/collect.sh "$out/state"',
    ...(stack.extra ? [stack.extra] : []),
    ...(stack.again
      ? ['sh /e2e/again.sh "$out" >"$out/again.log" 2>&1; echo $? >"$out/again.rc"', 'sh /e2e/collect.sh "$out/again"']
      : []),
    ...(stack.drift.length ? [...stack.drift.map((d) => d.command), 'sh /e2e/collect.sh "$out/drifted"'] : []),
    // The whole boot's journal, for reading a failed run (boot/journal.txt ends before the commands).
    'journalctl -b -o short-monotonic --no-pager >"$out/journal-end.txt" 2>&1',
    '',
  ].join('\n');
}

/** The intent of a boot: its own file or test/e2e/intent.yaml, or a copy of that with the stack's changes in its folder. */
function intentFor(stack: Stack, dir: string): string {
  const base = stack.intentFile ?? INTENT;
  if (!stack.intent) return base;
  const doc = parseDocument(readFileSync(base, 'utf8'));
  stack.intent(doc);
  const file = join(dir, 'intent.yaml');
  writeFileSync(file, doc.toString());
  return file;
}

interface Row {
  stack: string;
  profile: string;
  accel: string;
  build: string;
  boot: number;
  startup: string;
  clean: string;
  drifted: string;
}
const rows: Row[] = [];
let artifacts: string | undefined;
const artifactsDir = () =>
  (artifacts ??= process.env.VRFGEN_E2E_ARTIFACTS ?? mkdtempSync(join(tmpdir(), 'vrfgen-e2e-')));
const listed = (fs: Finding[]) => (fs.length ? `\n  ${formatFindings(fs).replaceAll('\n', '\n  ')}` : ' none');

describeWithFacility('real boot of Debian 12 and 13 under QEMU', probeBoot, () => {
  // One test per boot, named in full (`test.for` would quote and shorten the names).
  for (const { release, stack, name } of MATRIX)
    test.concurrent(name, { timeout: 90 * 60_000 }, async ({ expect }) => {
      const dir = join(artifactsDir(), name.replace(/[^a-z0-9]+/gi, '-'));
      rmSync(dir, { recursive: true, force: true }); // a previous run's, with VRFGEN_E2E_ARTIFACTS
      mkdirSync(dir, { recursive: true });
      // The intent's own platform is debian-12; --platform makes the files the release's.
      const platform = ['--platform', release];
      const intent = intentFor(stack, dir);
      const staged = stage(intent, stack.targets, join(dir, 'root'), stack.before, platform);
      expect(
        [...staged.stderr.matchAll(/^(?:\S+ )?(?:warning|error) ([a-z0-9-]+\/[a-z0-9-]+):/gm)].map((m) => m[1]).sort(),
        staged.stderr,
      ).toEqual([...(stack.warnings ?? [])].sort());
      stack.tamper?.edit(staged.root);
      const overlay = join(dir, 'overlay.tar');
      pack(
        staged,
        {
          '/e2e/collect.sh': vrfgen('collect', intent, '--script', ...platform).stdout,
          '/e2e/commands.sh': commands(stack),
          ...(stack.setup ? { '/e2e/setup.sh': stack.setup } : {}),
          ...(stack.early ? { '/e2e/early.sh': stack.early } : {}),
          ...(stack.again ? { '/e2e/again.sh': stack.again } : {}),
        },
        overlay,
      );

      const img = await image(release, stack.image);
      const booted = await withCore(() =>
        boot({
          image: img,
          overlay,
          dir,
          // A busy host slows an emulated guest down many times: ifupdown2 once took a minute to
          // create a VRF, and the services drop-in's wait for the VRF's device (After=/BindsTo=)
          // gave up (DefaultDeviceTimeoutSec, 90 s) before it, failing ssh.service.
          cmdline: [
            'systemd.wants=e2e-runner.service',
            ...(stack.early ? ['systemd.wants=e2e-early.service'] : []),
            'systemd.default_device_timeout_sec=600',
            ...stack.mask.map((u) => `systemd.mask=${u}`),
          ],
          hubs: stack.hubs ?? [0, 1, 2],
          timeout: BOOT_TIMEOUT,
        }),
      );
      const read = (f: string) => (existsSync(join(booted.out, f)) ? readFileSync(join(booted.out, f), 'utf8') : '');
      expect(read('commands.rc').trim(), read('commands.log')).toBe('0');
      if (stack.setup) expect(read('setup.rc').trim(), read('setup.log')).toBe('0');

      // The verdict is vrfgen's own: `check --state` on what the guest collected, before and after the drift.
      const check = (state: string) => {
        const r = vrfgen('check', intent, '--state', join(booted.out, state), '--json', ...platform);
        const report = JSON.parse(r.stdout) as {
          exitCode: number;
          counts: Record<string, number>;
          findings: { item: string; status: string; expected: unknown; actual: unknown }[];
        };
        writeFileSync(join(dir, `check-${state}.json`), r.stdout);
        return {
          code: r.code,
          counts: report.counts,
          findings: report.findings,
          wrong: report.findings.filter((f) => f.status !== 'ok'),
        };
      };
      const journal = bootFindings(join(booted.out, 'boot'));
      const facts = profileFacts(join(booted.out, 'boot'), platforms[release]);
      const clean = check('state');
      const again = stack.again ? check('again') : undefined;
      const drifted = stack.drift.length ? check('drifted') : undefined;
      const summary = (c: ReturnType<typeof check>) =>
        `exit ${c.code}, ${Object.entries(c.counts)
          .filter(([, n]) => n)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')}` +
        c.wrong
          .map(
            (f) =>
              `\n    ${f.item}: ${f.status}, expected ${JSON.stringify(f.expected)}, got ${JSON.stringify(f.actual ?? 'absent')}`,
          )
          .join('');
      rows.push({
        stack: name,
        profile: contradicted(facts).length
          ? `contradicted:\n  ${formatFacts(contradicted(facts)).replaceAll('\n', '\n  ')}`
          : `confirmed (${facts.map((f) => f.fact).join(', ')})`,
        accel: booted.accel,
        build: img.buildSeconds ? `${img.buildSeconds} s` : 'cached',
        boot: booted.seconds,
        startup: read('boot/analyze-time.txt').match(/^Startup finished .* = (.+?)\s*$/m)?.[1] ?? '?',
        clean:
          `${listed(journal)}\n  vrfgen check: ${summary(clean)}` +
          (again ? `\n  again (after again.sh): vrfgen check: ${summary(again)}` : ''),
        drifted: drifted
          ? ` vrfgen check: ${summary(drifted)}\n  (drift injected: ${stack.drift.map((d) => d.command).join('; ')})`
          : ' (no drift in this boot)',
      });

      expect(facts.length, 'the guest recorded no versions').toBeGreaterThan(0);
      expect(formatFacts(contradicted(facts)), 'src/platforms/platforms.ts against the boot').toBe('');
      if (stack.tamper) {
        const items = [...(journal.length ? ['journal'] : []), ...clean.wrong.map((f) => f.item)];
        expect(items.sort(), summary(clean)).toEqual([...stack.tamper.findings].sort());
        return;
      }
      const known = stack.complaints ?? [];
      expect(formatFindings(journal.filter((f) => !known.some((k) => k.test(f.actual))))).toBe('');
      for (const k of known) expect(journal.map((f) => f.actual).filter((a) => k.test(a)).length, String(k)).toBe(1);
      expect(clean.code, summary(clean)).toBe(0);
      if (stack.extra) expect(containerFindings(join(booted.out, 'extra')), read('commands.log')).toEqual([]);
      stack.verify?.(read, clean.findings, 'state');
      if (again) {
        expect(read('again.rc').trim(), read('again.log')).toBe('0');
        expect(again.code, summary(again)).toBe(0);
        stack.verify?.(read, again.findings, 'again');
      }
      if (!drifted) return;
      expect(drifted.code, summary(drifted)).toBe(1);
      for (const d of stack.drift)
        expect(
          drifted.wrong.map((f) => f.item),
          d.command,
        ).toContain(d.finding);
    });
});

afterAll(() => {
  if (!rows.length) return;
  const table = [
    `artifacts in ${artifactsDir()}`,
    'stack | image build | accel | boot (s, host) | guest startup',
    ...rows.map((r) => `${r.stack} | ${r.build} | ${r.accel} | ${r.boot} | ${r.startup}`),
    ...rows.map(
      (r) =>
        `\n${r.stack}\nplatform profile: ${r.profile}\nclean boot, findings:${r.clean}\ndrifted, findings:${r.drifted}`,
    ),
  ].join('\n');
  writeFileSync(join(artifactsDir(), 'summary.txt'), `${table}\n`);
  console.log(`\n${table}\n`);
});
