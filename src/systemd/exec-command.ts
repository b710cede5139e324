/**
 * ExecStart= command lines (systemd.service(5), "Command lines"): an optional run of prefix
 * characters, then the command in unit-file syntax. vrfgen never splits the command itself: it puts
 * `ip vrf exec VRF` between the prefixes and the command, so quoting, `$VAR` expansion and `%`
 * specifiers keep exactly the meaning they had in the unit.
 */

/** One command line split into its prefixes and the rest. */
export interface ExecCommand {
  /** `@`, `-`, `:`, `+`, `!`, `!!` (and `|`, systemd 258+) in the order written; '' for none. */
  readonly prefix: string;
  readonly command: string;
}

export function splitExecPrefix(line: string): ExecCommand {
  const prefix = line.match(/^[@\-:+!|]*/)![0];
  return { prefix, command: line.slice(prefix.length).trimStart() };
}

/**
 * Why a command cannot be run through `ip vrf exec`, or undefined. `@` gives the executable a
 * different argv[0], which `ip vrf exec` (it calls execvp with the command's own words) cannot pass
 * on; `|` runs the line through a shell (systemd 258), which the wrapper would bypass.
 */
export function unwrappableReason(cmd: ExecCommand): string | undefined {
  if (/[\u0000-\u001f\u007f]/.test(cmd.command))
    return 'it contains a control character (a tab?), which vrfgen does not copy into a unit file';
  // A binding made by hand (a drop-in of one's own, as many guides show): wrapping it again would nest
  // two `ip vrf exec`, and the inner one, possibly for another VRF, would win.
  if (/^(\S*\/)?ip\s+(-\S+\s+)*vrf\s+exec\s/.test(cmd.command))
    return 'it already runs through `ip vrf exec`; remove that binding (vrfgen writes its own)';
  // `ExecStart=/sbin/ip vrf exec VRF a ; b` would run b outside the VRF (or, unless Type=oneshot,
  // make systemd refuse the unit: "more than one ExecStart= setting").
  if (wordsOf(cmd.command).separator)
    return "a lone ';' starts a second command, which would run outside `ip vrf exec`; give each command as a line of its own";
  if (cmd.prefix.includes('@')) return "the '@' prefix sets argv[0], which `ip vrf exec` cannot pass on";
  if (cmd.prefix.includes('|')) return "the '|' prefix runs the line through a shell, which `ip vrf exec` would bypass";
  return undefined;
}

/** Whether the line keeps full privileges for `what`: `+` for everything, `!`/`!!` for User=/Group= only. */
export const privileged = (cmd: ExecCommand, what: 'all' | 'user'): boolean =>
  cmd.prefix.includes('+') || (what === 'user' && cmd.prefix.includes('!'));

/**
 * Specifiers every supported systemd (249 and later) resolves: systemd.unit(5) v252 minus %d %q %y %Y,
 * which arrived in v251 (NEWS). systemd refuses a unit whose command has any other one ("Failed to
 * resolve unit specifiers").
 */
const SPECIFIERS = new Set('aAbBCEfgGhHiIjJlLmMnNopPsStTuUvVwW%');

/**
 * Why a command line written in the intent cannot go into a unit file, or undefined. A control
 * character would end the line (and could start a new setting); a trailing backslash would join the
 * next line of the drop-in onto it.
 */
export function execLineProblem(line: string): string | undefined {
  const ctl = line.match(/[\u0000-\u001f\u007f]/);
  if (ctl) return `contains the control character ${JSON.stringify(ctl[0])}; a command is one line`;
  const { command } = splitExecPrefix(line);
  if (command.trim() === '') return 'has no command';
  if (/\\$/.test(line.trimEnd())) return 'ends with a backslash, which would continue it onto the next line';
  if (!wordsOf(command).balanced)
    return 'has a quote that is not closed, so systemd would ignore the line and the unit would have no command';
  for (const m of line.matchAll(/%(.?)/g)) {
    if (m[1] === '%') continue;
    if (!SPECIFIERS.has(m[1]!))
      return `has '%${m[1]}', which is not a specifier systemd resolves (write %% for a percent sign)`;
  }
  return undefined;
}

/**
 * What matters of systemd's word splitting (systemd.service(5), "Command lines"; systemd.syntax(7),
 * "Quoting"): whether an unquoted ';' stands alone as a word before more words, which systemd takes
 * for the start of another command, and whether every quote is closed, without which systemd ignores
 * the whole line ("Unbalanced quoting, ignoring"). A backslash escapes the next character, inside
 * quotes and out (`\;` is a plain semicolon), and a quote opens anywhere in a word (`it's`).
 */
export function wordsOf(command: string): { readonly separator: boolean; readonly balanced: boolean } {
  const space = (c: string | undefined) => c === ' ' || c === '\t';
  let quote: string | undefined;
  let wordStart = true;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (space(c)) {
      wordStart = true;
    } else {
      // A lone ';' ends the command. systemd then reads the next one's first word unquoted, and
      // skips it when that is ';' again (an empty command): only a word that is something else
      // starts a second command.
      if (wordStart && c === ';' && (i + 1 === command.length || space(command[i + 1]))) {
        const rest = unquotedWords(command.slice(i + 1));
        if (rest === undefined) return { separator: false, balanced: false };
        if (rest.some((w) => w !== ';')) return { separator: true, balanced: true };
        return { separator: false, balanced: true };
      }
      wordStart = false;
      if (c === '\\') i++;
      else if (c === '"' || c === "'") quote = c;
    }
  }
  return { separator: false, balanced: quote === undefined };
}

/**
 * The words of a command line with their quotes taken off (`"";` is `;`), or undefined when a quote
 * is left open. An escaped character keeps its backslash: systemd never reads `\;` as a lone ';'
 * (as a command's first word it refuses it).
 */
function unquotedWords(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === undefined && (c === ' ' || c === '\t')) {
      if (word !== undefined) words.push(word);
      word = undefined;
      continue;
    }
    word ??= '';
    if (c === '\\') word += c + (text[++i] ?? '');
    else if (quote !== undefined && c === quote) quote = undefined;
    else if (quote === undefined && (c === '"' || c === "'")) quote = c;
    else word += c;
  }
  if (quote !== undefined) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}
