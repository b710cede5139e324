import { posix } from 'node:path';
import type { Family } from '../../model/ip.ts';
import { addressText, familyOf, ipText, prefixText } from '../canonical.ts';
import { addAddress, linkOf, type Host, type HostLink, type LinkKind, type Origin } from '../host.ts';
import type { Notes } from '../notes.ts';
import type { SourceTree } from '../tree.ts';
import { parseKeyfile, type Keyfile, type KeyfileValue } from './keyfile.ts';

/**
 * NetworkManager's keyfiles (nm-settings-keyfile(5)) → a Host: /etc/NetworkManager/system-connections
 * and /usr/lib/NetworkManager/system-connections, one profile per file, read with the `ini` package
 * (./keyfile.ts). A profile is a link by its `interface-name`. Where NM's defaults differ from the
 * intent's, the default is NM's: a VXLAN's port 8472 and learning on, a bridge's STP on, a bond's
 * mode balance-rr.
 */
const DIRS = ['/etc/NetworkManager/system-connections', '/usr/lib/NetworkManager/system-connections'];

const TYPES: Readonly<Record<string, LinkKind>> = {
  vrf: 'vrf',
  ethernet: 'ethernet',
  '802-3-ethernet': 'ethernet',
  vlan: 'vlan',
  bridge: 'bridge',
  bond: 'bond',
  dummy: 'dummy',
  vxlan: 'vxlan',
};

/** Keys whose value says nothing the intent holds (an identity, NM's bookkeeping) or what vrfgen's profiles imply. */
const IMPLIED: Readonly<Record<string, (v: string) => boolean>> = {
  'connection.id': () => true,
  'connection.uuid': () => true,
  'connection.type': () => true,
  'connection.interface-name': () => true,
  'connection.master': () => true,
  'connection.controller': () => true,
  'connection.slave-type': () => true,
  'connection.port-type': () => true,
  'connection.autoconnect': (v) => v !== 'false',
  'connection.timestamp': () => true,
  'connection.permissions': (v) => v === '',
  'vlan.flags': (v) => v === '1',
  'vlan.parent': () => true,
  'vlan.id': () => true,
  'ipv4.route-metric': (v) => v === '0' || v === '-1',
  'ipv6.route-metric': (v) => v === '1024' || v === '-1',
  'ipv4.ignore-auto-dns': (v) => v === 'true',
  'ipv6.ignore-auto-dns': (v) => v === 'true',
  'ipv4.route-table': () => true,
  'ipv6.route-table': () => true,
  'ipv6.addr-gen-mode': () => true,
  'ipv4.dns-search': (v) => v === '',
  'ipv6.dns-search': (v) => v === '',
  'ipv4.may-fail': () => true,
  'ipv6.may-fail': () => true,
};

export async function readNetworkManager(tree: SourceTree, host: Host, notes: Notes): Promise<number> {
  let files = 0;
  const seen = new Set<string>();
  for (const dir of DIRS) {
    for (const entry of await tree.list(dir)) {
      if (!entry.endsWith('.nmconnection') || seen.has(entry)) continue;
      seen.add(entry);
      const path = posix.join(dir, entry);
      const text = await tree.read(path);
      if (text === undefined) continue;
      files++;
      const parsed = parseKeyfile(text);
      if (!(parsed instanceof Map)) {
        notes.error(
          'import/unparsable',
          tree.at(path, parsed.badLine),
          `not a key file, so NetworkManager ignores the whole profile: line ${parsed.badLine} is no [group], key=value or comment`,
        );
        continue;
      }
      profile(parsed, (v) => tree.at(path, v.line, v.col), tree.at(path, 1), host, notes);
    }
  }
  return files;
}

function profile(k: Keyfile, at: (v: KeyfileValue) => Origin, start: Origin, host: Host, notes: Notes): void {
  const get = (g: string, key: string) => k.get(g)?.get(key);
  const name = get('connection', 'interface-name');
  const type = get('connection', 'type');
  if (!name) {
    notes.omit(
      `a profile without an interface-name (${start.file}): NetworkManager applies it to whatever link it is activated on`,
    );
    return;
  }
  const link = linkOf(host, name.value, at(name));
  const kind = TYPES[type?.value ?? ''];
  if (kind && kind !== 'ethernet') {
    link.kind = kind;
    link.origin = at(name);
  } else if (!kind && type)
    notes.warn('import/not-expressible', at(type), `${name.value}: a profile of type ${type.value}`);
  const warn = (v: KeyfileValue, what: string) => notes.warn('import/not-expressible', at(v), `${name.value}: ${what}`);
  const master = get('connection', 'controller') ?? get('connection', 'master');
  if (master) link.master = master.value;
  const autoconnect = get('connection', 'autoconnect');
  if (autoconnect?.value === 'false') warn(autoconnect, 'autoconnect=false: the profile comes up only by hand');

  // Defaults of NM that the intent states otherwise.
  if (link.kind === 'bridge') link.bridge = { stp: true };
  if (link.kind === 'bond') link.bond = { mode: 'balance-rr', miimon: 100 };
  if (link.kind === 'vxlan') link.vxlan = { port: 8472, learning: true };

  for (const [group, keys] of k) {
    for (const [key, v] of keys) {
      if (IMPLIED[`${group}.${key}`]?.(v.value)) continue;
      if (!setting(link, group, key, v.value, at(v), (what) => warn(v, what))) warn(v, `[${group}] ${key}=${v.value}`);
    }
  }
  // NM puts the routes (and the gateway) of a VRF's port into the VRF's table by itself, and those of
  // the VRF's own profile too (nm-device.c, _prop_get_ipvx_route_table), unless route-table says otherwise.
  const portType = (get('connection', 'port-type') ?? get('connection', 'slave-type'))?.value;
  const vrfTable = link.kind === 'vrf' ? link.name : portType === 'vrf' && master ? master.value : 'main';
  routesAndRules(k, link, at, host, notes, vrfTable);
  // A VLAN's settings come in [vlan] parent= and id=.
  if (link.kind === 'vlan') {
    const parent = get('vlan', 'parent');
    const id = get('vlan', 'id');
    link.vlan = { ...(parent ? { parent: parent.value } : {}), ...(id ? { id: Number(id.value) } : {}) };
  }
}

/** One key: true when it was taken. */
function setting(
  link: HostLink,
  group: string,
  key: string,
  value: string,
  origin: Origin,
  warn: (what: string) => void,
): boolean {
  switch (group) {
    case 'vrf':
      if (key !== 'table') return false;
      if (/^\d+$/.test(value) && value !== '0') link.table = Number(value);
      return true;
    case 'bridge':
      if (key === 'stp') link.bridge = { stp: value === 'true' };
      return key === 'stp';
    case 'bond':
      link.bond ??= {};
      if (key === 'mode') link.bond.mode = value;
      else if (key === 'miimon') link.bond.miimon = Number(value);
      else if (key === 'primary') link.bond.primary = value;
      else if (key === 'lacp_rate') link.bond.lacpRate = value === '1' ? 'fast' : value === '0' ? 'slow' : value;
      else if (key === 'xmit_hash_policy') link.bond.transmitHashPolicy = value;
      else return false;
      return true;
    case 'vxlan': {
      const x = (link.vxlan ??= {});
      if (key === 'id') x.vni = Number(value);
      else if (key === 'local') x.local = ipText(value);
      else if (key === 'remote') {
        // NM takes a multicast `remote` for the group.
        const ip = ipText(value);
        if (ip && isMulticast(ip)) x.group = ip;
        else x.remote = ip;
      } else if (key === 'parent') x.dev = value;
      else if (key === 'destination-port') x.port = Number(value);
      else if (key === 'learning') x.learning = value === 'true';
      else return false;
      return true;
    }
    case 'ipv4':
    case 'ipv6':
      return ip(link, group === 'ipv4' ? 4 : 6, key, value, origin, warn);
  }
  return false;
}

function ip(
  link: HostLink,
  family: Family,
  key: string,
  value: string,
  origin: Origin,
  warn: (what: string) => void,
): boolean {
  if (key === 'method') {
    if (value === 'auto') {
      if (family === 4) link.dhcp4 = true;
      else link.acceptRa = true;
    } else if (value === 'dhcp' && family === 6) link.dhcp6 = true;
    else if (!['manual', 'disabled', 'ignore', 'link-local'].includes(value)) warn(`ipv${family} method ${value}`);
    return true;
  }
  if (/^address\d+$/.test(key)) {
    const [a] = value.split(',');
    const cidr = addressText(a ?? '');
    if (!cidr) return false;
    addAddress(link, { cidr, origin });
    return true; // its gateway is read with the routes
  }
  if (key === 'gateway') return true; // read with the routes
  // Read together by routesAndRules.
  return /^(route\d+|route\d+_options|routing-rule\d+)$/.test(key);
}

const isMulticast = (ip: string): boolean =>
  ip.includes(':') ? /^ff/i.test(ip) : Number(ip.split('.')[0]) >= 224 && Number(ip.split('.')[0]) <= 239;

/** The routes and rules of a profile's [ipv4]/[ipv6] groups (routeN with routeN_options, routing-ruleN). */
function routesAndRules(
  k: Keyfile,
  link: HostLink,
  at: (v: KeyfileValue) => Origin,
  host: Host,
  notes: Notes,
  vrfTable: string,
): void {
  for (const family of [4, 6] as const) {
    const g = k.get(`ipv${family}`);
    if (!g) continue;
    const routeTable = g.get('route-table')?.value;
    const defaultTable = routeTable && routeTable !== '0' ? Number(routeTable) : vrfTable;
    for (const [key, v] of g) {
      const gateway = key === 'gateway' ? v.value : /^address\d+$/.test(key) ? v.value.split(',')[1] : undefined;
      const via = gateway ? ipText(gateway) : undefined;
      if (via) {
        host.routes.push({
          table: defaultTable,
          family,
          to: family === 4 ? '0.0.0.0/0' : '::/0',
          type: 'unicast',
          via,
          dev: link.name,
          origin: at(v),
        });
        continue;
      }
      const r = key.match(/^route(\d+)$/);
      if (r) {
        const opts = new Map(
          (g.get(`route${r[1]}_options`)?.value ?? '')
            .split(',')
            .filter(Boolean)
            .map((o) => o.split('=') as [string, string]),
        );
        const [dest = '', gw, metric] = v.value.split(',');
        const to = prefixText(dest, family);
        const any = gw === undefined || gw === '0.0.0.0' || gw === '::' || gw === '';
        const via = any ? undefined : ipText(gw);
        const other = [...opts.keys()].filter((o) => !['table', 'type', 'onlink'].includes(o));
        if (!to || (!any && !via) || other.length) {
          notes.warn(
            'import/not-expressible',
            at(v),
            `${link.name}: route ${v.value}${other.length ? ` with ${other.join(', ')}` : ''}`,
          );
          continue;
        }
        const table = opts.get('table');
        host.routes.push({
          table: table === undefined ? defaultTable : Number(table),
          family,
          to,
          type: opts.get('type') ?? 'unicast',
          ...(via ? { via } : {}),
          dev: link.name,
          ...(metric !== undefined && metric !== '' ? { metric: Number(metric) } : {}),
          onlink: opts.get('onlink') === 'true',
          origin: at(v),
        });
        continue;
      }
      const rr = key.match(/^routing-rule(\d+)$/);
      if (rr) {
        const words = v.value.trim().split(/\s+/);
        const o = new Map<string, string>();
        for (let i = 0; i < words.length; i += 2) o.set(words[i]!, words[i + 1] ?? '');
        // NM spells a rule on interfaces only with `from` the family's /0: that is no selector of the intent's.
        const onInterface = o.has('iif') || o.has('oif');
        const given = o.get('from');
        const from = given === undefined || (onInterface && /\/0$/.test(given)) ? undefined : prefixText(given);
        const to = o.has('to') ? prefixText(o.get('to')!) : undefined;
        const other = [...o.keys()].filter((x) => !['priority', 'from', 'to', 'iif', 'oif', 'table'].includes(x));
        host.rules.push({
          family: from || to ? (familyOf(from ?? to!) ?? family) : family,
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
          ...(o.has('iif') ? { iif: o.get('iif') } : {}),
          ...(o.has('oif') ? { oif: o.get('oif') } : {}),
          ...(o.has('priority') ? { priority: Number(o.get('priority')) } : {}),
          ...(o.has('table') ? { table: Number(o.get('table')) } : {}),
          other: other.map((x) => `${x}=${o.get(x)}`),
          origin: at(v),
        });
      }
    }
  }
}
