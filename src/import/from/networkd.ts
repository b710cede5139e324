import { posix } from 'node:path';
import { parseBoolean, parseUnitFile, type UnitSetting } from '../../systemd/unit-file.ts';
import { addressText, familyOf, ipText, prefixText } from '../canonical.ts';
import { addAddress, linkOf, type Host, type HostLink, type LinkKind } from '../host.ts';
import type { Notes } from '../notes.ts';
import { columnOf, type SourceTree } from '../tree.ts';

/**
 * systemd-networkd's .netdev and .network files (systemd.netdev(5), systemd.network(5)) → a Host,
 * read with vrfgen's unit-file reader. Found the way networkd finds them: the folders of
 * networkd's search path, a file hiding its namesakes of lower priority, drop-ins (`NAME.d/*.conf`)
 * applied after their file. A link is matched by `[Match] Name=` only: the intent names links.
 */
export const NETWORKD_DIRS = [
  '/etc/systemd/network',
  '/run/systemd/network',
  '/usr/local/lib/systemd/network',
  '/usr/lib/systemd/network',
  '/lib/systemd/network',
] as const;

const KINDS = new Set<string>(['vrf', 'vlan', 'bridge', 'bond', 'dummy', 'vxlan']);

/** A setting whose value is what vrfgen's own files (or the intent's defaults) imply: nothing to import, nothing lost. */
const IMPLIED: Readonly<Record<string, (v: string) => boolean>> = {
  'Link.RequiredForOnline': (v) => parseBoolean(v) === false,
  'Network.ConfigureWithoutCarrier': (v) => parseBoolean(v) === true,
  'Network.LinkLocalAddressing': (v) => ['no', 'ipv6', 'yes'].includes(v),
  'DHCPv4.RouteTable': () => true,
  'IPv6AcceptRA.RouteTable': () => true,
  'DHCPv4.UseDNS': (v) => parseBoolean(v) === false,
  'DHCPv4.UseNTP': (v) => parseBoolean(v) === false,
  'DHCPv4.UseDomains': (v) => parseBoolean(v) === false,
  'DHCPv6.UseDNS': (v) => parseBoolean(v) === false,
  'DHCPv6.UseNTP': (v) => parseBoolean(v) === false,
  'DHCPv6.UseDomains': (v) => parseBoolean(v) === false,
  'DHCPv6.WithoutRA': (v) => v === 'solicit',
  'IPv6AcceptRA.UseDNS': (v) => parseBoolean(v) === false,
  'IPv6AcceptRA.UseDomains': (v) => parseBoolean(v) === false,
  'VXLAN.Independent': () => true,
};

interface Found {
  /** File name → its path (the highest-priority namesake). */
  readonly files: Map<string, string>;
  /** File name → its drop-ins' paths, in drop-in file-name order. */
  readonly dropIns: Map<string, string[]>;
}

async function find(tree: SourceTree): Promise<Found> {
  const files = new Map<string, string>();
  const dropIns = new Map<string, Map<string, string>>();
  for (const dir of NETWORKD_DIRS) {
    for (const name of await tree.list(dir)) {
      if (/\.(network|netdev)$/.test(name)) {
        if (!files.has(name)) files.set(name, posix.join(dir, name));
      } else if (/\.(network|netdev)\.d$/.test(name)) {
        const base = name.slice(0, -2);
        const byName = dropIns.get(base) ?? new Map<string, string>();
        for (const conf of await tree.list(posix.join(dir, name)))
          if (conf.endsWith('.conf') && !byName.has(conf)) byName.set(conf, posix.join(dir, name, conf));
        dropIns.set(base, byName);
      }
    }
  }
  const sorted = new Map(
    [...dropIns].map(([base, m]) => [base, [...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, p]) => p)]),
  );
  return { files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1))), dropIns: sorted };
}

/** A file and its drop-ins as one list of settings, each with the text it came from for columns. */
async function settingsOf(tree: SourceTree, paths: readonly string[]): Promise<Setting[]> {
  const out: Setting[] = [];
  for (const p of paths) {
    const text = await tree.read(p);
    if (text === undefined) continue;
    // The reader does not keep section headers; two [Route] sections in a row are told apart by the
    // header line each setting follows.
    const headers = text.split('\n').flatMap((l, i) => (/^\s*\[[^\]]+\]\s*$/.test(l) ? [i + 1] : []));
    for (const s of parseUnitFile(text, tree.shown(p))) {
      const header = headers.filter((h) => h < s.line).at(-1) ?? 0;
      out.push({ ...s, col: columnOf(text, s.line, s.key), instance: `${p}:${header}` });
    }
  }
  return out;
}

interface Setting extends UnitSetting {
  readonly col: number;
  /** Which section it is in: file and header line. */
  readonly instance: string;
}

/** Read networkd's files into `host`; `owned` tells which .network drop-in folders belong to another reader (netplan's). */
export async function readNetworkd(tree: SourceTree, host: Host, notes: Notes): Promise<number> {
  const { files, dropIns } = await find(tree);
  const at = (s: Setting) => ({ file: s.file, line: s.line, col: s.col });
  const unknown = (s: Setting, what?: string) => {
    const implied = IMPLIED[`${s.section}.${s.key}`];
    if (implied?.(s.value)) return;
    notes.warn('import/not-expressible', at(s), what ?? `[${s.section}] ${s.key}=${s.value}`);
  };

  for (const [name, path] of files) {
    if (!name.endsWith('.netdev')) continue;
    const settings = await settingsOf(tree, [path, ...(dropIns.get(name) ?? [])]);
    netdev(settings, host, notes, at, unknown, tree.shown(path));
  }
  for (const [name, path] of files) {
    if (!name.endsWith('.network')) continue;
    const settings = await settingsOf(tree, [path, ...(dropIns.get(name) ?? [])]);
    const names = matchNames(settings, notes, at, tree.shown(path));
    for (const link of names) network(settings, linkOf(host, link.name, at(link.setting)), host, notes, unknown);
  }
  await daemonSettings(tree, host, notes);
  // Drop-ins of a .network that is not under the root: netplan generates its files at boot
  // (10-netplan-NAME.network), and vrfgen adds VLANs to a parent another file configures.
  for (const [base, paths] of dropIns) {
    if (files.has(base) || !base.endsWith('.network')) continue;
    const settings = await settingsOf(tree, paths);
    const link = linkOfDropIn(base, settings, (await tree.read(paths[0]!)) ?? '');
    if (!link) {
      for (const s of settings.slice(0, 1))
        notes.warn(
          'import/not-expressible',
          at(s),
          `a drop-in for ${base}, which is not under the root: the link it configures is unknown`,
        );
      continue;
    }
    if (!base.startsWith('10-netplan-')) host.parentFiles.push({ link, networkdFile: base });
    network(settings, linkOf(host, link, at(settings[0]!)), host, notes, unknown);
  }
  return files.size + dropIns.size;
}

/** networkd's own settings: networkd.conf, then its drop-ins in file-name order across the folders. */
const CONF = '/etc/systemd/networkd.conf';
const CONF_DIRS = NETWORKD_DIRS.map((d) => d.replace(/network$/, 'networkd.conf.d'));
/** What vrfgen's drop-in sets for FRR (ManageForeignNextHops= from systemd 256 on). */
const ROUTING_DAEMON: Readonly<Record<string, string>> = {
  'Network.ManageForeignRoutes': 'no',
  'Network.ManageForeignNextHops': 'no',
};

/**
 * networkd.conf and networkd.conf.d: the keys vrfgen's routing-daemon drop-in sets are accounted for
 * (generate writes them again when a VRF has BGP); any other key of the daemon's is not the
 * intent's to say, and is a warning at its line.
 */
async function daemonSettings(tree: SourceTree, host: Host, notes: Notes): Promise<void> {
  const dropIns = new Map<string, string>();
  for (const dir of CONF_DIRS)
    for (const name of await tree.list(dir))
      if (name.endsWith('.conf') && !dropIns.has(name)) dropIns.set(name, posix.join(dir, name));
  const paths = [CONF, ...[...dropIns].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, p]) => p)];
  for (const s of await settingsOf(tree, paths)) {
    const origin = { file: s.file, line: s.line, col: s.col };
    if (ROUTING_DAEMON[`${s.section}.${s.key}`] === s.value)
      host.daemonSettings.push({ text: `${s.key}=${s.value}`, origin });
    else
      notes.warn(
        'import/not-expressible',
        origin,
        `[${s.section}] ${s.key}=${s.value}: a setting of networkd itself, which the intent does not hold`,
      );
  }
}

/**
 * The link a drop-in configures when its file is elsewhere: netplan's name (10-netplan-NAME.network),
 * else the name the file is called by (30-eth0.network), else the parent its dotted VLANs are named
 * after (eth0.100). vrfgen names nothing else in such a drop-in.
 */
function linkOfDropIn(base: string, settings: readonly Setting[], header: string): string | undefined {
  const netplan = base.match(/^10-netplan-(.+)\.network$/);
  if (netplan) return netplan[1];
  const named = base.match(/^\d+-(.+)\.network$/);
  if (named) return named[1];
  // vrfgen's own drop-in names the link in its header.
  const own = header.match(/^# Adds vrfgen's VLANs to (\S+), whose configuration another file owns\.$/m);
  if (own) return own[1];
  const parents = new Set(
    settings
      .filter((s) => s.section === 'Network' && s.key === 'VLAN' && s.value.includes('.'))
      .map((s) => s.value.replace(/\.[^.]*$/, '')),
  );
  return parents.size === 1 ? [...parents][0] : undefined;
}

function matchNames(
  settings: readonly Setting[],
  notes: Notes,
  at: (s: Setting) => ReturnType<SourceTree['at']>,
  file: string,
): { name: string; setting: Setting }[] {
  let list: Setting[] = [];
  for (const s of settings.filter((x) => x.section === 'Match' && x.key === 'Name'))
    list = s.value === '' ? [] : [...list, s];
  for (const s of settings.filter((x) => x.section === 'Match' && x.key !== 'Name'))
    notes.warn(
      'import/not-expressible',
      at(s),
      `[Match] ${s.key}=${s.value}: the intent names links, it does not match them by ${s.key}`,
    );
  const out: { name: string; setting: Setting }[] = [];
  for (const s of list)
    for (const n of s.value.split(/\s+/).filter(Boolean)) {
      if (/[*?[!]/.test(n))
        notes.warn('import/not-expressible', at(s), `[Match] Name=${n}: a pattern; the intent names each link`);
      else out.push({ name: n, setting: s });
    }
  if (list.length === 0 && settings.length) notes.omit(`${file}: matches no link by name`);
  return out;
}

function netdev(
  settings: readonly Setting[],
  host: Host,
  notes: Notes,
  at: (s: Setting) => ReturnType<SourceTree['at']>,
  unknown: (s: Setting, what?: string) => void,
  file: string,
): void {
  const name = settings.filter((s) => s.section === 'NetDev' && s.key === 'Name').at(-1);
  const kind = settings.filter((s) => s.section === 'NetDev' && s.key === 'Kind').at(-1);
  if (!name) {
    notes.omit(`${file}: a .netdev without [NetDev] Name=`);
    return;
  }
  const link = linkOf(host, name.value, at(name));
  link.origin = at(name);
  if (kind && KINDS.has(kind.value)) link.kind = kind.value as LinkKind;
  else if (kind) {
    link.otherKind = kind.value;
    notes.warn(
      'import/not-expressible',
      at(kind),
      `${name.value}: Kind=${kind.value}, which vrfgen does not create (imported as a link that exists already)`,
    );
  }
  for (const s of settings) {
    const v = s.value;
    switch (`${s.section}.${s.key}`) {
      case 'NetDev.Name':
      case 'NetDev.Kind':
        break;
      case 'VRF.Table':
      case 'VRF.TableId':
        if (/^\d+$/.test(v)) link.table = Number(v);
        else unknown(s, `${name.value}: VRF table ${v} is not a number`);
        break;
      case 'VLAN.Id':
        link.vlan = { ...link.vlan, id: Number(v) };
        break;
      case 'Bridge.STP':
        link.bridge = { stp: parseBoolean(v) === true };
        break;
      case 'Bond.Mode':
        (link.bond ??= {}).mode = v;
        break;
      case 'Bond.MIIMonitorSec':
        (link.bond ??= {}).miimon = milliseconds(v);
        break;
      case 'Bond.LACPTransmitRate':
        (link.bond ??= {}).lacpRate = v;
        break;
      case 'Bond.TransmitHashPolicy':
        (link.bond ??= {}).transmitHashPolicy = v;
        break;
      case 'VXLAN.VNI':
      case 'VXLAN.Id':
        (link.vxlan ??= {}).vni = Number(v);
        break;
      case 'VXLAN.Local':
        (link.vxlan ??= {}).local = ipText(v);
        break;
      case 'VXLAN.Remote':
        (link.vxlan ??= {}).remote = ipText(v);
        break;
      case 'VXLAN.Group':
        (link.vxlan ??= {}).group = ipText(v);
        break;
      case 'VXLAN.DestinationPort':
        (link.vxlan ??= {}).port = Number(v);
        break;
      case 'VXLAN.MacLearning':
        (link.vxlan ??= {}).learning = parseBoolean(v) === true;
        break;
      default:
        unknown(s);
    }
  }
  if (link.kind === 'bridge') link.bridge ??= {};
  if (link.kind === 'bond') link.bond ??= {};
}

/** `100ms`, `0.1s`, `1` (seconds): milliseconds. */
function milliseconds(v: string): number | undefined {
  const m = v.trim().match(/^(\d+(?:\.\d+)?)\s*(ms|msec|s|sec)?$/);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' || m[2] === 'msec' ? n : n * 1000);
}

function network(
  settings: readonly Setting[],
  link: HostLink,
  host: Host,
  notes: Notes,
  unknown: (s: Setting, what?: string) => void,
): void {
  const origin = (s: Setting) => ({ file: s.file, line: s.line, col: s.col });
  // [Route] and [RoutingPolicyRule] sections: a new one starts at each header, which the reader does not keep; a key seen twice starts the next.
  let route: Map<string, Setting> | undefined;
  let rule: Map<string, Setting> | undefined;
  const flush = () => {
    if (route) routeOf(route, link, host, notes, unknown);
    if (rule) ruleOf(rule, host, notes, unknown);
    route = rule = undefined;
  };
  let last: Setting | undefined;
  for (const s of settings) {
    if (last?.instance !== s.instance) flush();
    last = s;
    if (s.section === 'Route') {
      (route ??= new Map()).set(s.key, s);
      continue;
    }
    if (s.section === 'RoutingPolicyRule') {
      (rule ??= new Map()).set(s.key, s);
      continue;
    }
    const v = s.value;
    if (s.section === 'Match') continue; // matchNames() has said what it makes of them
    switch (`${s.section}.${s.key}`) {
      case 'Network.VRF':
      case 'Network.Bridge':
      case 'Network.Bond':
        link.master = v;
        break;
      case 'Network.VLAN': {
        const vlan = linkOf(host, v, origin(s));
        vlan.vlan = { ...vlan.vlan, parent: link.name };
        break;
      }
      case 'Network.VXLAN': {
        const x = linkOf(host, v, origin(s));
        x.vxlan = { ...x.vxlan, dev: link.name };
        break;
      }
      case 'Network.PrimarySlave':
        if (parseBoolean(v) && link.master) {
          const bond = linkOf(host, link.master, origin(s));
          bond.bond = { ...bond.bond, primary: link.name };
        }
        break;
      case 'Network.Address':
      case 'Address.Address': {
        const a = addressText(v);
        if (a) addAddress(link, { cidr: a, origin: origin(s) });
        else unknown(s, `${link.name}: address ${v} is no address`);
        break;
      }
      case 'Network.DHCP':
        if (v === 'yes' || v === 'ipv4') link.dhcp4 = true;
        if (v === 'yes' || v === 'ipv6') link.dhcp6 = true;
        if (v === 'no') link.dhcp4 = link.dhcp6 = false;
        break;
      case 'Network.IPv6AcceptRA':
        link.acceptRa = parseBoolean(v) === true;
        break;
      case 'Network.KeepConfiguration':
        // What vrfgen writes on the links of a VRF with BGP; networkd's default (no) says nothing.
        if (v === 'static') host.daemonSettings.push({ text: `${s.key}=${v}`, link: link.name, origin: origin(s) });
        else if (v !== 'no') unknown(s);
        break;
      default:
        unknown(s);
    }
  }
  flush();
}

const GATEWAYS: Readonly<Record<string, string>> = { _dhcp4: 'dhcp', _ipv6ra: 'ra' };

function routeOf(
  r: ReadonlyMap<string, Setting>,
  link: HostLink,
  host: Host,
  notes: Notes,
  unknown: (s: Setting, what?: string) => void,
): void {
  const first = [...r.values()][0]!;
  const origin = { file: first.file, line: first.line, col: first.col };
  for (const s of r.values())
    if (!['Destination', 'Gateway', 'Table', 'Metric', 'Type', 'GatewayOnLink'].includes(s.key)) unknown(s);
  const gw = r.get('Gateway')?.value;
  const via = gw === undefined ? undefined : (GATEWAYS[gw] ?? ipText(gw));
  const dest = r.get('Destination')?.value;
  const family = familyOf(dest ?? '') ?? (gw === '_ipv6ra' ? 6 : gw === '_dhcp4' ? 4 : familyOf(gw ?? ''));
  const to = family === undefined ? undefined : prefixText(dest ?? 'default', family);
  if (to === undefined || family === undefined || (gw !== undefined && via === undefined)) {
    notes.warn(
      'import/not-expressible',
      origin,
      `${link.name}: a [Route] vrfgen cannot read (Destination=${dest ?? ''} Gateway=${gw ?? ''})`,
    );
    return;
  }
  const table = r.get('Table')?.value;
  const metric = r.get('Metric')?.value;
  host.routes.push({
    table: table === undefined ? 'main' : /^\d+$/.test(table) ? Number(table) : table,
    family,
    to,
    type: r.get('Type')?.value ?? 'unicast',
    ...(via ? { via } : {}),
    dev: link.name,
    ...(metric !== undefined ? { metric: Number(metric) } : {}),
    onlink: parseBoolean(r.get('GatewayOnLink')?.value ?? 'no') === true,
    origin,
  });
}

function ruleOf(
  r: ReadonlyMap<string, Setting>,
  host: Host,
  notes: Notes,
  unknown: (s: Setting, what?: string) => void,
): void {
  const first = [...r.values()][0]!;
  const origin = { file: first.file, line: first.line, col: first.col };
  const other: string[] = [];
  for (const s of r.values())
    if (!['From', 'To', 'IncomingInterface', 'OutgoingInterface', 'Priority', 'Table', 'Family'].includes(s.key)) {
      other.push(`${s.key}=${s.value}`);
      unknown(s);
    }
  const from = r.get('From')?.value;
  const to = r.get('To')?.value;
  const fam = r.get('Family')?.value;
  const family = familyOf(from ?? to ?? '') ?? (fam === 'ipv4' ? 4 : fam === 'ipv6' ? 6 : 'both');
  const table = r.get('Table')?.value;
  const priority = r.get('Priority')?.value;
  void notes;
  host.rules.push({
    family,
    ...(from ? { from: prefixText(from) ?? from } : {}),
    ...(to ? { to: prefixText(to) ?? to } : {}),
    ...(r.get('IncomingInterface') ? { iif: r.get('IncomingInterface')!.value } : {}),
    ...(r.get('OutgoingInterface') ? { oif: r.get('OutgoingInterface')!.value } : {}),
    ...(priority !== undefined ? { priority: Number(priority) } : {}),
    ...(table !== undefined ? { table: /^\d+$/.test(table) ? Number(table) : table } : {}),
    other,
    origin,
  });
}
