/**
 * Strict re-parsers for what vrfgen writes, each reading a file the way its consumer does, so that a
 * byte that would start a new line, section, key or stanza in the consumer shows up as one here too.
 * Anything the consumer would complain about is an error. (YAML and JSON go through the `yaml`
 * package and JSON.parse.)
 */

export interface IniSection {
  readonly name: string;
  readonly entries: [string, string][];
}

/**
 * systemd's unit-file syntax (systemd.syntax(7); src/shared/conf-parser.c): `#` and `;` comment lines
 * are skipped, even between continued lines; a line ending in an unescaped backslash continues on the
 * next (the backslash becomes a space); `[Section]`; `Key=Value` with both sides trimmed.
 */
export function systemdIni(text: string): { sections: IniSection[]; errors: string[] } {
  const sections: IniSection[] = [];
  const errors: string[] = [];
  let continued: string | undefined;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, i) => {
    if (/^[ \t]*[#;]/.test(raw)) return;
    let line = continued === undefined ? raw : continued + raw;
    let escaped = false;
    for (const c of line) escaped = escaped ? false : c === '\\';
    if (escaped) {
      continued = `${line.slice(0, -1)} `;
      return;
    }
    continued = undefined;
    line = line.trim();
    if (line === '') return;
    if (line.startsWith('[')) {
      if (!line.endsWith(']') || line.length < 3)
        errors.push(`${i + 1}: invalid section header ${JSON.stringify(line)}`);
      else sections.push({ name: line.slice(1, -1), entries: [] });
      return;
    }
    const eq = line.indexOf('=');
    if (sections.length === 0) errors.push(`${i + 1}: assignment outside of a section`);
    else if (eq < 0) errors.push(`${i + 1}: missing '=' in ${JSON.stringify(line)}`);
    else sections.at(-1)!.entries.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  });
  if (continued !== undefined) errors.push('the last line continues past the end of the file');
  return { sections, errors };
}

/** sysctl.d(5) as systemd-sysctl reads it: `#`/`;` comments, `key = value`, an optional leading `-`. */
export function sysctlConf(text: string): { entries: [string, string][]; errors: string[] } {
  const entries: [string, string][] = [];
  const errors: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const eq = line.indexOf('=');
    if (eq < 0) errors.push(`${i + 1}: not an assignment: ${JSON.stringify(line)}`);
    else entries.push([line.slice(0, eq).trim().replace(/^-/, ''), line.slice(eq + 1).trim()]);
  });
  return { entries, errors };
}

export interface Stanza {
  readonly name: string;
  /** The words after the name on the `iface` line (`inet manual`). */
  readonly method: string;
  readonly options: [string, string][];
}

/**
 * interfaces(5): a line ending in a backslash continues on the next (joined before comments are
 * dropped, the stricter reading); `#` comment lines; `auto NAME…`; `iface NAME …` starts a stanza whose
 * options are the lines up to the next stanza. Any other top-level keyword is an error here, since
 * vrfgen writes none.
 */
export function ifupdownStanzas(text: string): { auto: string[]; stanzas: Stanza[]; errors: string[] } {
  const auto: string[] = [];
  const stanzas: Stanza[] = [];
  const errors: string[] = [];
  const joined = text.replace(/\\\n/g, '');
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [word, ...rest] = line.split(/\s+/);
    if (word === 'auto') auto.push(...rest);
    else if (word === 'iface') stanzas.push({ name: rest[0] ?? '', method: rest.slice(1).join(' '), options: [] });
    else if (/^(allow-|mapping$|source|rename$|no-)/.test(word!)) errors.push(`unexpected ${JSON.stringify(line)}`);
    else if (stanzas.length === 0) errors.push(`option outside a stanza: ${JSON.stringify(line)}`);
    else stanzas.at(-1)!.options.push([word!, line.slice(word!.length).trim()]);
  }
  return { auto, stanzas, errors };
}

/**
 * NetworkManager keyfiles as GLib's GKeyFile reads them (g_key_file_load_from_data): `#` comment
 * lines, `[Group]`, `key=value` with blanks around `=` dropped. GKeyFile keeps the last of a key given
 * twice, which would silently override vrfgen's value, so a repeated key is an error here. Not an
 * INI package: those read `#`/`;` after a value, quotes, a lone CR or a line without `=` otherwise
 * than GKeyFile (test/consumers/networkmanager.test.ts holds this reader to nmcli on each).
 */
export function keyfileIni(text: string): { sections: IniSection[]; errors: string[] } {
  const sections: IniSection[] = [];
  const errors: string[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('[')) {
      if (!line.endsWith(']') || line.length < 3) errors.push(`${i + 1}: invalid group ${JSON.stringify(line)}`);
      else if (sections.some((s) => s.name === line.slice(1, -1))) errors.push(`${i + 1}: group ${line} twice`);
      else sections.push({ name: line.slice(1, -1), entries: [] });
      return;
    }
    const eq = line.indexOf('=');
    const section = sections.at(-1);
    if (!section) errors.push(`${i + 1}: key outside of a group`);
    else if (eq < 0) errors.push(`${i + 1}: missing '=' in ${JSON.stringify(line)}`);
    else {
      const key = line.slice(0, eq).trim();
      if (section.entries.some(([k]) => k === key)) errors.push(`${i + 1}: ${key}= twice in [${section.name}]`);
      section.entries.push([key, line.slice(eq + 1).trim()]);
    }
  });
  return { sections, errors };
}

/**
 * FRR's config as vtysh reads it: one command per line, a block opened by `router bgp`/`route-map`
 * and closed by `exit`, an address-family inside one closed by `exit-address-family`. Each line is
 * returned with the block it is in (`''` at the top level); a line no known command matches, or a
 * block left open, is an error.
 */
const FRR_COMMANDS: readonly RegExp[] = [
  /^frr version [0-9.]+$/,
  /^frr defaults traditional$/,
  /^service integrated-vtysh-config$/,
  /^no zebra nexthop kernel enable$/,
  /^vrf \S+$/,
  /^ ip(v6)? nht resolve-via-default$/,
  /^exit-vrf$/,
  /^!$/,
  /^ !$/,
  /^router bgp \d+( vrf \S+)?$/,
  /^ bgp router-id \S+$/,
  /^ neighbor \S+ peer-group$/,
  /^ neighbor \S+ remote-as \S+$/,
  /^ neighbor \S+ password \S+$/,
  /^ neighbor \S+ (bfd|ebgp-multihop \d+|update-source \S+)$/,
  /^ bgp listen limit \d+$/,
  /^ bgp listen range \S+ peer-group \S+$/,
  /^ address-family ipv(4|6) unicast$/,
  /^ {2}network \S+$/,
  /^ {2}redistribute (connected|kernel route-map \S+)$/,
  /^ {2}(no )?neighbor \S+ activate$/,
  /^ {2}neighbor \S+ (route-reflector-client|default-originate)$/,
  /^ {2}neighbor \S+ (prefix-list|route-map) \S+ (in|out)$/,
  /^ {2}import vrf \S+$/,
  /^ exit-address-family$/,
  /^exit$/,
  /^ip(v6)? prefix-list \S+ seq \d+ (permit|deny) \S+( ge \d+)?( le \d+)?$/,
  /^route-map \S+ (permit|deny) \d+$/,
  /^ match ip(v6)? address prefix-list \S+$/,
  /^ match source-vrf \S+$/,
  /^ {2}redistribute (ospf6?)$/,
  /^ {2}import vrf route-map \S+$/,
  /^ neighbor \S+ bfd profile \S+$/,
  /^interface \S+$/,
  /^ ip ospf (area \S+|cost \d+|hello-interval \d+|dead-interval \d+|network point-to-point|bfd|bfd profile \S+)$/,
  /^ (no )?ip ospf passive$/,
  /^ ipv6 ospf6 (area \S+|cost \d+|hello-interval \d+|dead-interval \d+|network point-to-point|bfd|bfd profile \S+|passive)$/,
  /^router ospf6? vrf \S+$/,
  /^ ospf6? router-id \S+$/,
  /^ redistribute (kernel route-map \S+|connected|bgp)$/,
  /^ passive-interface default$/,
  /^ default-information originate( always)?$/,
  /^bfd$/,
  /^ profile \S+$/,
  /^ {2}(detect-multiplier|transmit-interval|receive-interval) \d+$/,
  /^ exit$/,
];

export function frrLines(text: string): { lines: { block: string; line: string }[]; errors: string[] } {
  const lines: { block: string; line: string }[] = [];
  const errors: string[] = [];
  let block = '';
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '' || line.startsWith('#')) continue;
    if (!FRR_COMMANDS.some((re) => re.test(line)))
      errors.push(`frr.conf line ${i + 1}: no command reads ${JSON.stringify(line)}`);
    if (/^(router bgp|router ospf6?|route-map|vrf|interface) |^bfd$/.test(line)) {
      if (block) errors.push(`frr.conf line ${i + 1}: a block inside ${block}`);
      block = line;
    } else if (line === (block.startsWith('vrf ') ? 'exit-vrf' : 'exit')) block = '';
    lines.push({ block, line });
  }
  if (block) errors.push(`frr.conf: ${block} is not closed`);
  return { lines, errors };
}
