/**
 * systemd unit files as data: a parser for the syntax (systemd.syntax(7)) and the few evaluations
 * vrfgen needs, each following how systemd itself folds repeated assignments. Pure: the text comes
 * from src/systemd/read-units.ts (a tree under --root) or from vrfgen's table of well-known units.
 */

/** The template of an instance (`foo@bar.baz.service` → `foo@.service`); other names unchanged. */
export const templateOf = (name: string): string => name.replace(/@.*(\.[a-z]+)$/, '@$1');

/** One `Key=value` line, with where it was written (for messages that point at it). */
export interface UnitSetting {
  readonly section: string;
  readonly key: string;
  readonly value: string;
  /** Root-relative path of the file (or a description of where the text came from). */
  readonly file: string;
  readonly line: number;
}

/**
 * Parse unit-file text. Comment lines start with `#` or `;`; a line ending in a backslash continues on
 * the next one, the backslash becoming a space (comment lines inside the continuation are skipped).
 */
export function parseUnitFile(text: string, file: string): UnitSetting[] {
  const out: UnitSetting[] = [];
  const lines = text.split(/\r?\n/);
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1;
    let line = lines[i]!.trim();
    while (line.endsWith('\\') && i + 1 < lines.length) {
      line = `${line.slice(0, -1)} `;
      let next = lines[++i]!.trim();
      while (/^[#;]/.test(next) && i + 1 < lines.length) next = lines[++i]!.trim();
      line += next;
    }
    if (line === '' || /^[#;]/.test(line)) continue;
    const header = line.match(/^\[([^\]]+)\]$/);
    if (header) {
      section = header[1]!;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) continue; // systemd ignores it too, with a warning
    out.push({ section, key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim(), file, line: first });
  }
  return out;
}

/** Every assignment of `section`/`key`, in the order systemd applies them. */
export const assignments = (settings: readonly UnitSetting[], section: string, key: string): UnitSetting[] =>
  settings.filter((s) => s.section === section && s.key === key);

/** A single-valued setting: the last assignment wins, an empty one resets to the default (undefined). */
export function lastValue(settings: readonly UnitSetting[], section: string, key: string): UnitSetting | undefined {
  const last = assignments(settings, section, key).at(-1);
  return last && last.value !== '' ? last : undefined;
}

/** A list setting such as ExecStart=: assignments add up, an empty one clears what came before. */
export function listValue(settings: readonly UnitSetting[], section: string, key: string): UnitSetting[] {
  let list: UnitSetting[] = [];
  for (const s of assignments(settings, section, key)) list = s.value === '' ? [] : [...list, s];
  return list;
}

/** systemd's boolean words (parse_boolean()); undefined for anything else. */
export function parseBoolean(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(v)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(v)) return false;
  return undefined;
}

/** A capability set that may be "everything except …" (systemd keeps it as a bit mask). */
interface CapSet {
  readonly except: boolean;
  readonly names: ReadonlySet<string>;
}

const capNames = (value: string): string[] =>
  value
    .split(/\s+/)
    .filter(Boolean)
    .map((c) => c.toUpperCase());

/**
 * Whether the capability bounding set keeps `cap`, folding CapabilityBoundingSet= as systemd's
 * config_parse_capability_set() does: it starts as the full set; an assignment to a still-full set
 * or an empty list replaces it (`~` inverts the list); later ones OR in (or, with `~`, mask out).
 */
export function boundingSetHas(settings: readonly UnitSetting[], cap: string): boolean {
  const all: CapSet = { except: true, names: new Set() };
  let set = all;
  for (const s of assignments(settings, 'Service', 'CapabilityBoundingSet')) {
    const invert = s.value.startsWith('~');
    const names = capNames(invert ? s.value.slice(1) : s.value);
    const full = set.except && set.names.size === 0;
    if (names.length === 0 || full) {
      set = { except: invert, names: new Set(names) };
    } else if (invert === set.except) {
      set = { except: set.except, names: new Set([...set.names, ...names]) };
    } else {
      set = { except: set.except, names: new Set([...set.names].filter((n) => !names.includes(n))) };
    }
  }
  return set.except !== set.names.has(cap.toUpperCase());
}

/**
 * Whether sockets of `family` (e.g. AF_NETLINK) may be created, folding RestrictAddressFamilies= as
 * systemd's config_parse_address_families() does: the first assignment decides allow- or deny-list
 * (`~`), later ones add to or take from it, an empty one lifts the restriction, `none` allows nothing.
 */
export function addressFamilyAllowed(settings: readonly UnitSetting[], family: string): boolean {
  let allow = false;
  let set: Set<string> | undefined;
  for (const s of assignments(settings, 'Service', 'RestrictAddressFamilies')) {
    if (s.value === '') {
      set = undefined;
      allow = false;
      continue;
    }
    if (s.value === 'none') {
      set = new Set();
      allow = true;
      continue;
    }
    const invert = s.value.startsWith('~');
    if (set === undefined) {
      set = new Set();
      allow = !invert;
    }
    for (const f of capNames(invert ? s.value.slice(1) : s.value)) {
      if (!invert === allow) set.add(f);
      else set.delete(f);
    }
  }
  return set === undefined || allow === set.has(family.toUpperCase());
}
