import { createRequire } from 'node:module';
import { posix } from 'node:path';
import type * as Yaml from 'yaml';
import { parseIp } from '../../model/ip.ts';
import { addressText, familyOf, ipText, prefixText } from '../canonical.ts';
import { addAddress, linkOf, type Host, type HostLink, type LinkKind, type Origin } from '../host.ts';
import type { Notes } from '../notes.ts';
import type { SourceTree } from '../tree.ts';
import { readNetworkd } from './networkd.ts';

const require = createRequire(import.meta.url);

/**
 * netplan's YAML (netplan(5)) → a Host, read with the yaml library, every key with its position.
 * netplan reads /{lib,etc,run}/netplan/*.yaml, a file in /run hiding a namesake in /etc, which hides
 * one in /lib, and merges them in file-name order: a later file wins each key, addresses add up. The
 * networkd files beside it are read too: what netplan cannot express is written as networkd drop-ins
 * for the files netplan generates (vrfgen's netplan target does so), or as .netdev files.
 */
const DIRS = ['/run/netplan', '/etc/netplan', '/lib/netplan'] as const;

/** netplan's device sections → the kind of link they create. */
const SECTIONS: Readonly<Record<string, LinkKind>> = {
  ethernets: 'ethernet',
  vlans: 'vlan',
  bridges: 'bridge',
  bonds: 'bond',
  tunnels: 'vxlan',
  vrfs: 'vrf',
  'dummy-devices': 'dummy',
};

/** Keys whose value is what vrfgen's files (or the intent's defaults) imply. */
const IMPLIED: Readonly<Record<string, (v: unknown) => boolean>> = {
  renderer: (v) => v === 'networkd',
  optional: () => true,
  // vrfgen's trunk (a VLAN or VXLAN parent), as networkd's ConfigureWithoutCarrier=yes.
  'ignore-carrier': (v) => v === true,
  'link-local': (v) => Array.isArray(v) && v.length === 0,
  'dhcp4-overrides': () => true,
  'dhcp6-overrides': () => true,
  'ra-overrides': () => true,
  critical: () => true,
};

/** The YAML files netplan reads, each once, in the order it merges them. */
async function files(tree: SourceTree): Promise<string[]> {
  const byName = new Map<string, string>();
  for (const dir of DIRS)
    for (const name of await tree.list(dir))
      if (name.endsWith('.yaml') && !byName.has(name)) byName.set(name, posix.join(dir, name));
  return [...byName].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, p]) => p);
}

export async function readNetplan(tree: SourceTree, host: Host, notes: Notes): Promise<number> {
  const yaml = require('yaml') as typeof Yaml;
  const paths = await files(tree);
  for (const path of paths) {
    const text = await tree.read(path);
    if (text === undefined) continue;
    const lc = new yaml.LineCounter();
    const doc = yaml.parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
    const at = (node: unknown): Origin => {
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      const p = range ? lc.linePos(range[0]) : { line: 1, col: 1 };
      return tree.at(path, p.line, p.col);
    };
    const problem = doc.errors[0];
    if (problem) {
      const p = lc.linePos(problem.pos[0]);
      notes.error(
        'import/unparsable',
        tree.at(path, p.line, p.col),
        `not YAML netplan can read: ${problem.message.split('\n')[0]}`,
      );
      continue;
    }
    new File(yaml, doc, at, host, notes).read();
  }
  await readNetworkd(tree, host, notes);
  return paths.length;
}

class File {
  constructor(
    private readonly yaml: typeof Yaml,
    private readonly doc: Yaml.Document.Parsed,
    private readonly at: (node: unknown) => Origin,
    private readonly host: Host,
    private readonly notes: Notes,
  ) {}

  private warn(node: unknown, what: string): void {
    this.notes.warn('import/not-expressible', this.at(node), what);
  }

  read(): void {
    const { yaml } = this;
    const network = this.doc.get('network', true);
    if (!yaml.isMap(network)) {
      if (network !== undefined) this.warn(network, 'a netplan file whose `network` is not a mapping');
      return;
    }
    for (const section of network.items) {
      const key = yaml.isScalar(section.key) ? String(section.key.value) : '';
      if (
        key === 'version' ||
        (key === 'renderer' && yaml.isScalar(section.value) && section.value.value === 'networkd')
      )
        continue;
      const kind = SECTIONS[key];
      if (!kind || !yaml.isMap(section.value)) {
        this.warn(section.key, `network: ${key}: ${kind ? 'not a mapping' : 'a section the intent has no words for'}`);
        continue;
      }
      for (const def of section.value.items) {
        if (!yaml.isScalar(def.key)) continue;
        const name = String(def.key.value);
        const link = linkOf(this.host, name, this.at(def.key));
        if (kind !== 'ethernet') {
          link.kind = kind;
          link.origin = this.at(def.key);
        }
        if (yaml.isMap(def.value)) this.definition(link, key, def.value);
      }
    }
  }

  private definition(link: HostLink, section: string, body: Yaml.YAMLMap): void {
    const { yaml } = this;
    for (const item of body.items) {
      const key = yaml.isScalar(item.key) ? String(item.key.value) : '';
      const node = item.value;
      const value: unknown = yaml.isNode(node) ? node.toJS(this.doc) : node;
      const bad = () => this.warn(item.key, `${link.name}: ${key}: ${JSON.stringify(value)}`);
      switch (key) {
        case 'addresses':
          if (!yaml.isSeq(node)) bad();
          else
            for (const a of node.items) {
              const text = yaml.isScalar(a) ? addressText(String(a.value)) : undefined;
              if (text) addAddress(link, { cidr: text, origin: this.at(a) });
              else
                this.warn(
                  a,
                  `${link.name}: an address with options, or none: ${JSON.stringify(yaml.isNode(a) ? a.toJS(this.doc) : a)}`,
                );
            }
          break;
        case 'dhcp4':
          link.dhcp4 = value === true;
          break;
        case 'dhcp6':
          link.dhcp6 = value === true;
          break;
        case 'accept-ra':
          link.acceptRa = value === true;
          break;
        case 'interfaces':
          if (!yaml.isSeq(node)) bad();
          else
            for (const i of node.items)
              if (yaml.isScalar(i)) linkOf(this.host, String(i.value), this.at(i)).master = link.name;
          break;
        case 'table':
          if (section === 'vrfs' && typeof value === 'number') link.table = value;
          else bad();
          break;
        case 'id':
          if (section === 'vlans') link.vlan = { ...link.vlan, id: Number(value) };
          else if (section === 'tunnels') link.vxlan = { ...link.vxlan, vni: Number(value) };
          else bad();
          break;
        case 'link':
          if (section === 'vlans') link.vlan = { ...link.vlan, parent: String(value) };
          else if (section === 'tunnels') link.vxlan = { ...link.vxlan, dev: String(value) };
          else bad();
          break;
        case 'mode':
          if (section === 'tunnels' && value !== 'vxlan') {
            link.kind = 'ethernet';
            link.otherKind = `${String(value)} tunnel`;
            bad();
          } else if (section !== 'tunnels') bad();
          break;
        case 'local':
        case 'remote': {
          if (section !== 'tunnels') {
            bad();
            break;
          }
          const ip = ipText(String(value));
          // netplan writes Group= for a multicast `remote`.
          const multicast = ip !== undefined && isMulticast(ip);
          link.vxlan = { ...link.vxlan, [key === 'local' ? 'local' : multicast ? 'group' : 'remote']: ip };
          break;
        }
        case 'port':
          if (section === 'tunnels') link.vxlan = { ...link.vxlan, port: Number(value) };
          else bad();
          break;
        case 'mac-learning':
          if (section === 'tunnels') link.vxlan = { ...link.vxlan, learning: value === true };
          else bad();
          break;
        case 'parameters':
          if (yaml.isMap(node)) this.parameters(link, section, node);
          else bad();
          break;
        case 'routes':
          if (yaml.isSeq(node)) for (const r of node.items) this.route(link, section, r);
          else bad();
          break;
        case 'routing-policy':
          if (yaml.isSeq(node)) for (const r of node.items) this.rule(link, r);
          else bad();
          break;
        default:
          if (!IMPLIED[key]?.(value)) bad();
      }
    }
    if (link.kind === 'bridge') link.bridge ??= {};
    if (link.kind === 'bond') link.bond ??= {};
  }

  private parameters(link: HostLink, section: string, body: Yaml.YAMLMap): void {
    const { yaml } = this;
    for (const item of body.items) {
      const key = yaml.isScalar(item.key) ? String(item.key.value) : '';
      const value: unknown = yaml.isNode(item.value) ? item.value.toJS(this.doc) : item.value;
      if (section === 'bridges' && key === 'stp') link.bridge = { stp: value === true };
      else if (section === 'bonds' && key === 'mode') link.bond = { ...link.bond, mode: String(value) };
      else if (section === 'bonds' && key === 'mii-monitor-interval')
        link.bond = { ...link.bond, miimon: typeof value === 'number' ? value : Number.parseInt(String(value), 10) };
      else if (section === 'bonds' && key === 'primary') link.bond = { ...link.bond, primary: String(value) };
      else if (section === 'bonds' && key === 'lacp-rate') link.bond = { ...link.bond, lacpRate: String(value) };
      else if (section === 'bonds' && key === 'transmit-hash-policy')
        link.bond = { ...link.bond, transmitHashPolicy: String(value) };
      else this.warn(item.key, `${link.name}: parameters: ${key}: ${JSON.stringify(value)}`);
    }
  }

  private route(link: HostLink, section: string, node: unknown): void {
    const { yaml } = this;
    if (!yaml.isMap(node)) return this.warn(node, `${link.name}: a route that is not a mapping`);
    const r = node.toJS(this.doc) as Record<string, unknown>;
    for (const k of Object.keys(r))
      if (!['to', 'via', 'table', 'metric', 'type', 'on-link'].includes(k))
        this.warn(node.get(k, true) ?? node, `${link.name}: route ${String(r.to)}: ${k}: ${JSON.stringify(r[k])}`);
    const via = r.via === undefined ? undefined : ipText(str(r.via));
    const family = familyOf(str(r.to)) ?? (via ? parseIp(via)!.family : undefined);
    const to = family === undefined ? undefined : prefixText(str(r.to), family);
    if (to === undefined || family === undefined || (r.via !== undefined && via === undefined))
      return this.warn(node, `${link.name}: a route vrfgen cannot read: ${JSON.stringify(r)}`);
    // A route under a VRF is on the VRF device, in its table unless it says otherwise.
    const table = typeof r.table === 'number' ? r.table : section === 'vrfs' ? (link.table ?? link.name) : 'main';
    this.host.routes.push({
      table,
      family,
      to,
      type: typeof r.type === 'string' ? r.type : 'unicast',
      ...(via ? { via } : {}),
      dev: link.name,
      ...(typeof r.metric === 'number' ? { metric: r.metric } : {}),
      onlink: r['on-link'] === true,
      origin: this.at(node),
    });
  }

  private rule(link: HostLink, node: unknown): void {
    const { yaml } = this;
    if (!yaml.isMap(node)) return this.warn(node, `${link.name}: a rule that is not a mapping`);
    const r = node.toJS(this.doc) as Record<string, unknown>;
    const other = Object.keys(r)
      .filter((k) => !['from', 'to', 'table', 'priority'].includes(k))
      .map((k) => `${k}=${JSON.stringify(r[k])}`);
    const from = r.from === undefined ? undefined : prefixText(str(r.from));
    const to = r.to === undefined ? undefined : prefixText(str(r.to));
    this.host.rules.push({
      family: familyOf(from ?? to ?? '') ?? 'both',
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(typeof r.priority === 'number' ? { priority: r.priority } : {}),
      table: typeof r.table === 'number' ? r.table : (link.table ?? link.name),
      other,
      origin: this.at(node),
    });
  }
}

const isMulticast = (ip: string): boolean => {
  const p = parseIp(ip)!;
  return p.family === 4 ? p.value >> 28n === 0xen : p.value >> 120n === 0xffn;
};

/** A scalar's text; '' for anything else (which no reader takes for an address). */
const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
