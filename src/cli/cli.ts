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
  .description(
    'run the probes `check` needs and store their raw outputs in DIR, or print them as a POSIX sh script; without an intent (or with --all), every VRF the host has',
  )
  .argument(
    '[intent]',
    'intent YAML file (it decides which tables and units are probed); leave it out to record every VRF',
  )
  .argument('[dir]', 'folder to write the outputs to')
  .option('--script', 'print a sh script (iproute2, procps and systemctl only) that writes the same DIR')
  .option('--all', 'also record every VRF the host has, its tables, and the units bound to it (what `import` reads)')
  .addOption(platformOption())
  .addHelpText(
    'after',
    examples(
      'vrfgen collect mgmt.yaml host1-state',
      'vrfgen collect mgmt.yaml --script > collect.sh',
      'vrfgen collect host1-state',
      'vrfgen collect --all --script > collect-all.sh',
    ),
  )
  .action(
    async (
      first: string | undefined,
      second: string | undefined,
      o: { script?: boolean; all?: boolean; platform?: string },
    ) => {
      const { runCollect } = await import('./commands.ts');
      process.exitCode = await runCollect(first, second, { ...o, quiet: quiet() });
    },
  );

program
  .command('import')
  .description(
    "write an intent from what a host has: its kernel state (--live, or a --state DIR from `collect`), or another stack's files (--from STACK --root DIR)",
  )
  .option('--live', 'probe this host, as `collect --all` does')
  .option('--state <dir>', 'read a state DIR written by `vrfgen collect` or its --script')
  .option(
    '--from <list>',
    'comma-separated stacks whose files are read: networkd, netplan, ifupdown2, ifupdown, networkmanager, frr',
    list,
  )
  .option('--root <dir>', 'root of the tree the stack files are read from (with --from; default: /)')
  .option('-o, --output <file>', 'write the intent to FILE instead of stdout')
  .option('--json', 'print diagnostics as JSON on stdout (the intent then goes to -o FILE only)')
  .addHelpText(
    'after',
    examples(
      'vrfgen import --state host1-state -o host1.yaml',
      'vrfgen import --from networkd --root /mnt/image -o image.yaml',
      'vrfgen import --live',
    ),
  )
  .action(
    async (o: { live?: boolean; state?: string; from?: string[]; root?: string; output?: string; json?: boolean }) => {
      const { runImport } = await import('./import-command.ts');
      process.exitCode = await runImport({ ...o, quiet: quiet() });
    },
  );

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
