/**
 * docs/diagnostics.md, written from the registry of codes (src/diagnostics/codes.ts) and from a run
 * of the validator on an example, so the page cannot promise a code, a meaning or an output format
 * vrfgen does not have. test/docs/diagnostics.test.ts fails when the committed page is stale;
 * `npm run docs:update` rewrites it.
 */
import { CODES, type CodeInfo, type DiagnosticCode } from '../../src/diagnostics/codes.ts';
import { diagnosticJson, formatDiagnostic, hasErrors } from '../../src/diagnostics/diagnostics.ts';
import { MAX_SHOWN_DIAGNOSTICS } from '../../src/intent/limits.ts';
import { validateText } from '../../src/index.ts';

type Area = DiagnosticCode extends `${infer A}/${string}` ? A : never;

/** What each area covers, one paragraph; a new area does not compile until it has one. */
const AREAS = {
  intent: 'The intent file as a whole: its size, its `version`, and how many of its problems are described.',
  yaml:
    "YAML syntax, before the schema: vrfgen's own limits and key checks, then the YAML library's problems, each " +
    "named after the library's kind of problem. A syntax error stops vrfgen here; a YAML warning does not.",
  schema:
    'The shape of the intent: its keys, their types, the words and ranges they allow (`vrfgen schema` prints it as a ' +
    'JSON Schema). An entry with a schema problem is left out of the checks below; the others are still checked.',
  name: 'Interface names: VRFs, members and VLAN parents.',
  table: "VRFs' routing tables.",
  member: 'Members of VRFs.',
  port: 'The ports of bridge and bond members.',
  bond: 'Members that are bonds.',
  vxlan: 'Members that are VXLAN tunnels.',
  vlan: 'Members that are VLANs.',
  'vlan-parent': 'The `vlan-parents` section: the links that VLAN members sit on.',
  address: 'The addresses of members and of VRF devices.',
  prefix: 'Prefixes, wherever the intent takes one.',
  route: 'Routes.',
  rule: 'Routing rules.',
  sysctl: 'The `sysctl` section.',
  service:
    'Services bound to a VRF. Some are found in the intent alone (names, `exec-start` lines, a service listed ' +
    'twice or in two VRFs); the others need the unit files, so the services target finds them when generating ' +
    "(from the units under `--root`) and points at the unit's entry in the intent.",
  container: 'Podman container networks attached to a VRF.',
  bgp: 'The `bgp` section of a VRF (written by the frr target).',
  ospf: 'The `ospf` section of a VRF (written by the frr target).',
  bfd: 'The `bfd-profiles` section, and `bfd:` of BGP neighbours and OSPF interfaces.',
  generate:
    "When generating: what the run's choice of targets leaves out, a stack that would not read vrfgen's file, and the admin's own files of the stack that declare vrfgen's links too.",
  networkmanager: 'When generating for the networkmanager target.',
  netavark: 'When generating for the netavark target.',
  ifupdown: 'When generating for the ifupdown target (classic ifupdown).',
  ifupdown2: 'When generating for the ifupdown2 target.',
  import:
    "`vrfgen import`: another stack's files or a host's state that the intent cannot hold, or that cannot be read. Each points at the source file's line.",
  write:
    'When writing the tree under `--root` (`generate` without `--format`); nothing is written when one is an error.',
  io: 'Files and folders vrfgen cannot read or write. The command stops and exits with 2.',
} satisfies Record<Area, string>;

/** The example the page shows: two errors and a warning, as the validator reports them today. */
const EXAMPLE = `version: 1
vrfs:
  red:
    table: 10
    interfaces:
      eth1: {addresses: [192.0.2.1/24]}
  blue:
    table: 10
    interfaces:
      eth1: {}
sysctl:
  tcp_l3mdev_accept: true
`;

const SEVERITY: Record<CodeInfo['severity'], string> = {
  error: 'error',
  warning: 'warning',
  either: 'error or warning',
};

/** A Markdown table with its columns padded to one width, as prettier lays tables out. */
function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  // A `|` ends a cell even inside a code span, unless escaped (GFM tables).
  const cells = [head, ...rows].map((r) => r.map((c) => c.replace(/\|/g, '\\|')));
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

function example(): { text: string; json: string } {
  const v = validateText(EXAMPLE, 'intent.yaml');
  return {
    text: v.diagnostics.map((d) => formatDiagnostic(d, v.source?.lines)).join('\n'),
    // As `vrfgen validate --json` prints it (src/cli/commands.ts).
    json: JSON.stringify({ ok: !hasErrors(v.diagnostics), diagnostics: v.diagnostics.map(diagnosticJson) }, null, 2),
  };
}

export function diagnosticsMarkdown(): string {
  const codes = Object.keys(CODES) as DiagnosticCode[];
  const areas = [...new Set(codes.map((c) => c.split('/')[0] as Area))];
  const shown = example();
  const sections = areas.map((area) => {
    const rows = codes
      .filter((c) => c.startsWith(`${area}/`))
      .sort()
      .map((c) => [`\`${c}\``, SEVERITY[CODES[c].severity], CODES[c].meaning]);
    return `### ${area}\n\n${AREAS[area]}\n\n${table(['code', 'severity', 'meaning'], rows)}\n`;
  });
  return `<!-- Written by scripts/docs/diagnostics.ts from src/diagnostics/codes.ts: edit those, then run npm run docs:update. -->

# Diagnostics

Every problem vrfgen finds is a diagnostic: a severity, a stable code, a message and, when it has one, a place
in the intent. A run reports all it finds at once, schema problems and semantic ones together, sorted by file,
line, column and code (a YAML syntax error stops it before the schema). Codes are stable, messages are not:
scripts should match on the code.

An **error** stops the command's work: the intent is invalid, or \`generate\` cannot write the tree, or
\`check\` cannot compare; the exit code is not 0. A **warning** is printed and changes nothing else.

## Output

\`vrfgen validate\`, \`generate\`, \`check\` and \`collect\` print diagnostics on stderr, one per problem:
\`file:line:col: severity code: message\`, then the line of the intent and a caret under the place. For this
intent:

\`\`\`yaml
${EXAMPLE}\`\`\`

\`vrfgen validate intent.yaml\` prints:

\`\`\`
${shown.text}
\`\`\`

A problem that has no place in the intent (a file vrfgen cannot read or write, a refusal to overwrite one) is
printed without the position and the excerpt: \`error io/read: message\`.

- The severity is coloured only when stderr is a terminal, and never when \`NO_COLOR\` is set or \`TERM=dumb\`.
- \`-q\`/\`--quiet\` leaves out the warnings.
- At most ${MAX_SHOWN_DIAGNOSTICS} are printed, the first by position, then how many more there are.

### \`--json\`

With \`--json\`, \`validate\`, \`generate\` and \`check\` print the diagnostics on stdout instead, in one JSON
object: \`ok\` (false when there is an error), \`diagnostics\` (each with \`severity\`, \`code\`, \`message\`,
\`path\` in the intent, and \`file\`, \`line\`, \`col\` when it has a place), and \`omitted\`, the number left
out past the first ${MAX_SHOWN_DIAGNOSTICS}. \`generate\` adds \`written\` and \`changes\`, \`check\` its report.
For the intent above:

\`\`\`json
${shown.json}
\`\`\`

### Exit codes

${table(
  ['exit', '`validate`, `generate`, `collect`', '`check`'],
  [
    ['0', 'no error (warnings allowed)', 'every item matches'],
    ['1', 'an error: the intent is invalid, or a write was refused', 'an item differs, is missing or is extra'],
    [
      '2',
      'an `io/*` diagnostic, or a usage error',
      'nothing differs but something could not be checked, or the check could not run: a usage error, an invalid intent, an `io/*` diagnostic',
    ],
    ['3', 'an internal error: a bug, please report it with the intent', 'the same'],
  ],
)}

## Codes

${codes.length} codes in ${areas.length} areas, the areas in the order vrfgen comes to them, the codes of each in
alphabetical order:
${areas.map((a) => `[${a}](#${a})`).join(' · ')}.

${sections.join('\n')}`;
}
