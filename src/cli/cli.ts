#!/usr/bin/env node
/**
 * The command line: option parsing only. Each command loads its code when it runs, so
 * `vrfgen validate` never pays for the template engine.
 *
 * Exit codes: 0 ok · 1 invalid intent, refused write, or drift found by check · 2 usage or I/O error,
 * or (check) not everything could be checked · 3 internal bug.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { packageRoot } from '../package-root.ts';

const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };

const program = new Command('vrfgen')
  .description('Persistent Linux VRF configuration from one intent file: validate, generate, check.')
  .version(version)
  .option('-q, --quiet', 'print only errors and the output asked for (no warnings, no summaries)')
  .configureHelp({ showGlobalOptions: true })
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const platformOption = () => new Option('--platform <name>', "platform profile (overrides the intent's platform:)");
const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const quiet = () => program.opts<{ quiet?: boolean }>().quiet;
/** The "Examples:" block every command's --help ends with; test/cli/cli.test.ts runs each line. */
const examples = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

program.addHelpText(
  'after',
  examples('vrfgen validate mgmt.yaml', 'vrfgen generate mgmt.yaml --root /mnt/image', 'vrfgen check mgmt.yaml'),
);

program
  .command('validate')
  .description('check an intent file; print every problem with file:line:col')
  .argument('<intent>', 'intent YAML file')
  .option('--json', 'print diagnostics as JSON on stdout')
  .addOption(platformOption())
  .addHelpText(
    'after',
    examples('vrfgen validate mgmt.yaml', 'vrfgen validate mgmt.yaml --platform ubuntu-24.04 --json'),
  )
  .action(async (intent: string, o: { json?: boolean; platform?: string }) => {
    const { runValidate } = await import('./commands.ts');
    process.exitCode = await runValidate(intent, { ...o, quiet: quiet() });
  });

program
  .command('generate')
  .description('write the persistent configuration files for the chosen targets, or hand them over in another format')
  .argument('<intent>', 'intent YAML file')
  .option('-t, --target <list>', 'comma-separated targets (default: networkd and every system target)', list)
  .option(
    '--root <dir>',
    'root of the tree to write into (default: /); with --format, the tree whose unit files are read (default: none)',
  )
  .option(
    '--format <format>',
    'tree: write under --root; json: a manifest for Ansible; cloud-init: #cloud-config user-data; tar: an archive of the tree (the last three on stdout)',
    'tree',
  )
  .option('--dry-run', 'write nothing; print a unified diff of what would change')
  .option('--force', 'overwrite files at vrfgen paths that vrfgen did not write')
  .option('--json', 'print diagnostics as JSON on stdout')
  .addOption(platformOption())
  .addHelpText(
    'after',
    examples(
      'vrfgen generate mgmt.yaml --target networkd,sysctl,services --root /mnt/image',
      'vrfgen generate mgmt.yaml --dry-run',
      'vrfgen generate mgmt.yaml --format cloud-init > user-data',
      'vrfgen generate mgmt.yaml --format tar | tar -C /mnt/image -xpf -',
    ),
  )
  .action(
    async (
      intent: string,
      o: {
        target?: string[];
        root?: string;
        format: string;
        dryRun?: boolean;
        force?: boolean;
        json?: boolean;
        platform?: string;
      },
    ) => {
      const { runGenerate } = await import('./commands.ts');
      process.exitCode = await runGenerate(intent, { ...o, quiet: quiet() });
    },
  );

program
  .command('check')
  .description(
    'check this host, or a state collected from one, against the intent: exit 0 match, 1 drift, 2 could not check',
  )
  .argument('<intent>', 'intent YAML file')
  .option(
    '--state <dir>',
    'read the probe outputs from DIR (written by `vrfgen collect` or its --script) instead of probing this host',
  )
  .option(
    '--root <dir>',
    "compare vrfgen's files under DIR (default: / on a live check; not compared with --state unless given)",
  )
  .option('-t, --target <list>', 'targets whose files are compared (default: networkd and every system target)', list)
  .option('--strict', 'also report members, addresses and routes inside the VRFs that the intent does not mention')
  .option('--json', 'print the findings as JSON on stdout')
  .addOption(platformOption())
  .addHelpText('after', examples('vrfgen check mgmt.yaml', 'vrfgen check mgmt.yaml --state host1-state --json'))
  .action(
    async (
      intent: string,
      o: { state?: string; root?: string; target?: string[]; strict?: boolean; json?: boolean; platform?: string },
    ) => {
      const { runCheck } = await import('./commands.ts');
      process.exitCode = await runCheck(intent, { ...o, quiet: quiet() });
    },
  );

program
  .command('collect')
  .description('run the probes `check` needs and store their raw outputs in DIR, or print them as a POSIX sh script')
  .argument('<intent>', 'intent YAML file (it decides which tables and units are probed)')
  .argument('[dir]', 'folder to write the outputs to')
  .option('--script', 'print a sh script (iproute2, procps and systemctl only) that writes the same DIR')
  .addOption(platformOption())
  .addHelpText(
    'after',
    examples('vrfgen collect mgmt.yaml host1-state', 'vrfgen collect mgmt.yaml --script > collect.sh'),
  )
  .action(async (intent: string, dir: string | undefined, o: { script?: boolean; platform?: string }) => {
    const { runCollect } = await import('./commands.ts');
    process.exitCode = await runCollect(intent, dir, { ...o, quiet: quiet() });
  });

program
  .command('targets')
  .description('list the targets with a one-line summary; with --platform, what each does differently there')
  .addOption(platformOption())
  .addHelpText('after', examples('vrfgen targets', 'vrfgen targets --platform debian-12'))
  .action(async (o: { platform?: string }) => {
    const { runTargets } = await import('./commands.ts');
    process.exitCode = await runTargets(o);
  });

program
  .command('schema')
  .description('print the JSON Schema of the intent format')
  .addHelpText('after', examples('vrfgen schema > vrfgen.schema.json'))
  .action(async () => {
    const { intentJsonSchema } = await import('../intent/schema.ts');
    process.stdout.write(`${JSON.stringify(intentJsonSchema(), null, 2)}\n`);
  });

// Not a top-level await: the bin is this file bundled as CommonJS (scripts/bundle.mjs).
program.parseAsync().catch(async (e: unknown) => {
  if (e instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else {
    const { UsageError } = await import('./commands.ts');
    if (e instanceof UsageError) {
      process.stderr.write(`vrfgen: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(
        `vrfgen: internal error — this is a bug, please report it with the intent that caused it:\n${(e as Error)?.stack ?? String(e)}\n`,
      );
      process.exitCode = 3;
    }
  }
});
