// Where Debian's archive and its security archive are reached from this machine, for everything the
// project downloads from Debian (.ci/fetch-tools, .ci/unpack-consumers, the real-boot images of
// test/e2e/image.ts): the mirror or proxy apt already uses here, so they work wherever apt does,
// and the project names no mirror of its own.
//
//   node scripts/debian-mirror.mjs archive    prints the archive's URI (it serves every suite: bookworm, trixie, sid...)
//   node scripts/debian-mirror.mjs security   prints the security archive's URI (bookworm-security...)
//
// VRFGEN_DEBIAN_MIRROR="<archive URI> [<security URI>]" overrides the lookup; without a second word,
// the security archive is still looked up. Plain JavaScript without dependencies: the shell scripts
// run it before `npm ci`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { URL, pathToFileURL } from 'node:url';

// A suite of Debian's own archive is one of these, alone or with a suffix below. Other vendors'
// repositories name suites after them too (bookworm-pgdg, cloud-sdk-bookworm), never exactly. A
// release named after duke needs adding here.
const RELEASES = new Set([
  ...['jessie', 'stretch', 'buster', 'bullseye', 'bookworm', 'trixie', 'forky', 'duke', 'sid'],
  ...['oldoldstable', 'oldstable', 'stable', 'testing', 'unstable'],
]);
const ARCHIVE_SUFFIXES = ['', '-updates', '-backports', '-backports-sloppy', '-proposed-updates'];
const SECURITY_SUFFIXES = ['-security', '/updates'];

const KINDS = {
  archive: { name: "Debian's archive", example: 'bookworm', word: 0, suffixes: ARCHIVE_SUFFIXES },
  security: { name: "Debian's security archive", example: 'bookworm-security', word: 1, suffixes: SECURITY_SUFFIXES },
};

const USAGE =
  'VRFGEN_DEBIAN_MIRROR="<archive URI> <security URI>" (e.g. "http://<mirror>/debian http://<mirror>/debian-security")';

const isSuiteOf = (suite, suffixes) =>
  suffixes.some((s) => suite.endsWith(s) && RELEASES.has(suite.slice(0, suite.length - s.length)));

/** `key=value` options of a one-line entry, as in `deb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] ...`. */
function options(text) {
  const out = {};
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf('=');
    if (eq > 0) out[word.slice(0, eq).toLowerCase()] = word.slice(eq + 1);
  }
  return out;
}

/** The entries of a sources.list(5) file in the one-line style. */
function oneLineEntries(text, file) {
  const out = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s*)?(\S+)\s+(\S+)(.*)$/.exec(line);
    if (!m) return;
    out.push({
      where: `${file}:${i + 1}`,
      types: [m[1]],
      uris: [m[3]],
      suites: [m[4]],
      components: m[5].trim().split(/\s+/).filter(Boolean),
      signedBy: options(m[2] ?? '')['signed-by'] ?? '',
      enabled: true,
    });
  });
  return out;
}

/**
 * The entries of a deb822 `.sources` file: stanzas apart by blank lines, `Field: value`, a line
 * starting with a blank continues the field before it, `#` lines are comments wherever they are.
 */
function deb822Entries(text, file) {
  const stanzas = [];
  let fields;
  let last;
  text.split('\n').forEach((raw, i) => {
    if (/^\s*#/.test(raw)) return;
    if (raw.trim() === '') {
      fields = undefined;
      return;
    }
    if (/^\s/.test(raw)) {
      if (fields && last) fields[last] += ` ${raw.trim()}`;
      return;
    }
    const m = /^([^:\s]+):(.*)$/.exec(raw);
    if (!m) return;
    if (!fields) {
      fields = {};
      stanzas.push({ line: i + 1, fields });
    }
    last = m[1].toLowerCase();
    fields[last] = m[2].trim();
  });
  const words = (value) => (value ?? '').split(/\s+/).filter(Boolean);
  return stanzas.map(({ line, fields: f }) => ({
    where: `${file}:${line}`,
    types: words(f.types),
    uris: words(f.uris),
    suites: words(f.suites),
    components: words(f.components),
    signedBy: f['signed-by'] ?? '',
    enabled: !/^(no|false|0)$/i.test(f.enabled ?? 'yes'),
  }));
}

/** apt's sources in the order apt reads them: sources.list, then sources.list.d by name. */
function aptSources(aptDir) {
  const files = [];
  const entries = [];
  const read = (path, parse) => {
    let text;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return;
    }
    files.push(path);
    entries.push(...parse(text, path));
  };
  read(join(aptDir, 'sources.list'), oneLineEntries);
  let parts = [];
  try {
    parts = readdirSync(join(aptDir, 'sources.list.d')).sort();
  } catch {
    // no sources.list.d: only sources.list
  }
  for (const name of parts) {
    const path = join(aptDir, 'sources.list.d', name);
    if (name.endsWith('.list')) read(path, oneLineEntries);
    else if (name.endsWith('.sources')) read(path, deb822Entries);
  }
  return { files, entries };
}

/**
 * A `mirror+file:` URI (Debian's cloud images use them) names a list of mirrors: its first one, so
 * that tools which get the URI outside apt (mmdebstrap's chroot) reach the same mirror.
 */
function resolveMirrorList(uri, where) {
  const m = /^mirror\+file:(?:\/\/)?(\/.*)$/.exec(uri);
  if (!m) return uri;
  let text;
  try {
    text = readFileSync(m[1], 'utf8');
  } catch (e) {
    throw new Error(`${where}: cannot read the mirror list of ${uri} (${e.code ?? e.message}); set ${USAGE}`, {
      cause: e,
    });
  }
  const first = text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim().split(/\s+/)[0])
    .find(Boolean);
  if (!first) throw new Error(`${where}: the mirror list of ${uri} names no mirror; set ${USAGE}`);
  return first;
}

/**
 * How likely a source is Debian's own rather than another vendor's with Debian-like suite names:
 * signed by Debian's keyring, then unsigned (apt's trusted keys, Debian's on a Debian machine),
 * then signed by another key; a URI whose path names debian before one that does not.
 */
function rank(entry, uri) {
  const key = /debian-archive-keyring/.test(entry.signedBy) ? 0 : entry.signedBy ? 2 : 1;
  let path = uri;
  try {
    path = new URL(uri).pathname;
  } catch {
    // not a URL apt would take either; ranked by the whole text
  }
  return key * 2 + (/debian/i.test(path) ? 0 : 1);
}

/**
 * The URI of Debian's archive (`kind` 'archive') or of its security archive ('security'), from
 * VRFGEN_DEBIAN_MIRROR or else from apt's sources under `aptDir`; without a trailing slash.
 */
export function debianMirror(kind, { env = process.env, aptDir = '/etc/apt' } = {}) {
  const k = Object.hasOwn(KINDS, kind) ? KINDS[kind] : undefined;
  if (!k) throw new Error(`no such archive ${JSON.stringify(kind)}: archive or security`);
  const override = (env.VRFGEN_DEBIAN_MIRROR ?? '').trim().split(/\s+/).filter(Boolean);
  if (override.length > 2 || override.some((u) => !/^[a-z][a-z0-9+.-]*:\S+$/i.test(u)))
    throw new Error(`VRFGEN_DEBIAN_MIRROR=${JSON.stringify(env.VRFGEN_DEBIAN_MIRROR)}: want ${USAGE}`);
  if (override[k.word]) return override[k.word].replace(/\/+$/, '');

  const { files, entries } = aptSources(aptDir);
  const found = [];
  for (const e of entries) {
    if (!e.enabled || !e.types.includes('deb') || !e.components.includes('main')) continue;
    if (!e.suites.some((s) => isSuiteOf(s, k.suffixes))) continue;
    for (const uri of e.uris.filter((u) => !u.startsWith('cdrom:'))) found.push({ e, uri, rank: rank(e, uri) });
  }
  const best = found.reduce((a, b) => (b.rank < a.rank ? b : a), found[0]);
  if (!best) {
    const read = files.length ? files.join(', ') : `no sources.list or sources.list.d/*.{list,sources} in ${aptDir}`;
    throw new Error(
      `no apt source serves ${k.name} (a "deb" entry of suite ${k.example} or the like, component main) in ${read}; ` +
        `set ${USAGE}`,
    );
  }
  return resolveMirrorList(best.uri, best.e.where).replace(/\/+$/, '');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const kind = process.argv[2];
  if (process.argv.length !== 3 || !Object.hasOwn(KINDS, kind)) {
    console.error('usage: node scripts/debian-mirror.mjs archive|security');
    process.exit(2);
  }
  try {
    console.log(debianMirror(kind));
  } catch (e) {
    console.error(`debian-mirror: ${e.message}`);
    process.exit(1);
  }
}
