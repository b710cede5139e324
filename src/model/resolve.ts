import { basename } from 'node:path';
import {
  error,
  hasErrors,
  printable,
  quoted,
  warning,
  type Diagnostic,
  type Path,
} from '../diagnostics/diagnostics.ts';
import { execLineProblem } from '../systemd/exec-command.ts';
import { checkIfName, checkUnitName } from './names.ts';
import { DEFAULT_PLATFORM, platforms, type PlatformName } from '../platforms/platforms.ts';
import { resolveBgp, resolveBgpLinks } from './resolve-bgp.ts';
import { resolveBfdProfiles, resolveOspf, unusedProfiles } from './resolve-ospf.ts';
import { resolveLinks } from './resolve-links.ts';
import { containerResolver } from './resolve-containers.ts';
import { resolveAddresses, resolveRoutes, resolveRules } from './resolve-routing.ts';
import type { Intent } from '../intent/schema.ts';
import type { Member, Model, Service, Sysctl, Vrf, VlanParent } from './model.ts';

export interface ResolveOptions {
  /** Intent file name; only its base name goes into headers. */
  readonly file: string;
  /** `--platform`, which wins over the intent's `platform:`. */
  readonly platform?: PlatformName;
}

/** Table ids the kernel reserves (rtnetlink.h: RT_TABLE_UNSPEC, _DEFAULT, _MAIN, _LOCAL). */
const RESERVED_TABLES: Record<number, string> = { 0: 'unspec', 253: 'default', 254: 'main', 255: 'local' };

/**
 * Intent → Model. Applies defaults, adopts VRF tables, checks every cross-reference and sorts.
 * Reports every problem it finds (never stops at the first); returns a model only when there is no error.
 */
export function resolve(intent: Intent, opts: ResolveOptions): { model?: Model; diagnostics: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const vrfNames = new Set(Object.keys(intent.vrfs));
  const memberOf = new Map<string, string>(); // member → vrf, first claim wins
  const tableOwner = new Map<number, string>();
  const unitOwner = new Map<string, string>();
  const vlanIds = new Map<string, string>(); // "parent/id" → member

  // Pass 1: names, tables, membership — everything later passes rely on.
  for (const [name, v] of Object.entries(intent.vrfs)) {
    const at: Path = ['vrfs', name];
    diags.push(...checkIfName(name, at, 'vrf'));
    const reserved = RESERVED_TABLES[v.table];
    if (reserved)
      diags.push(
        error(
          'table/reserved',
          [...at, 'table'],
          `vrf '${name}': table ${v.table} is the kernel's '${reserved}' table`,
        ),
      );
    const owner = tableOwner.get(v.table);
    if (owner)
      diags.push(
        error('table/duplicate', [...at, 'table'], `vrf '${name}': table ${v.table} is already used by vrf '${owner}'`),
      );
    else tableOwner.set(v.table, name);
    for (const m of Object.keys(v.interfaces ?? {})) {
      const mAt: Path = [...at, 'interfaces', m];
      diags.push(...checkIfName(m, mAt, 'member'));
      const other = memberOf.get(m);
      if (vrfNames.has(m))
        diags.push(error('member/is-vrf', mAt, `vrf '${name}': member '${m}' is the name of a vrf`, true));
      else if (other)
        diags.push(
          error('member/in-two-vrfs', mAt, `vrf '${name}': member '${m}' already belongs to vrf '${other}'`, true),
        );
      else memberOf.set(m, name);
    }
  }

  // Pass 2: member kinds and the ports of bridges and bonds, then VLANs; both need every member known.
  const { links: memberLinks, ports } = resolveLinks(intent, memberOf, diags);
  const vlansOn = new Map<string, string[]>(); // parent → VLAN members on it
  for (const [name, v] of Object.entries(intent.vrfs)) {
    for (const [m, cfg] of Object.entries(v.interfaces ?? {})) {
      const vlan = cfg?.vlan;
      if (!vlan) continue;
      const mAt: Path = ['vrfs', name, 'interfaces', m, 'vlan'];
      const parentAt: Path = [...mAt, 'parent'];
      diags.push(...checkIfName(vlan.parent, parentAt, 'vlan parent', false));
      const key = `${vlan.parent}/${vlan.id}`;
      const parentVrf = memberOf.get(vlan.parent);
      if (vlan.parent === m)
        diags.push(error('vlan/parent-is-self', parentAt, `member '${m}': a VLAN cannot be its own parent`));
      else if (vrfNames.has(vlan.parent))
        diags.push(
          error(
            'vlan/parent-is-vrf',
            parentAt,
            `member '${m}': parent '${vlan.parent}' is a vrf device; VLANs go on a physical link or bond`,
          ),
        );
      else if (parentVrf && intent.vrfs[parentVrf]?.interfaces?.[vlan.parent]?.vlan)
        diags.push(
          error(
            'vlan/stacked',
            parentAt,
            `member '${m}': parent '${vlan.parent}' is itself a VLAN; stacked VLANs are not supported`,
          ),
        );
      else if (vlanIds.has(key))
        diags.push(
          error(
            'vlan/duplicate-id',
            [...mAt, 'id'],
            `member '${m}': VLAN ${vlan.id} on '${vlan.parent}' already exists as '${vlanIds.get(key)}'`,
          ),
        );
      else {
        vlanIds.set(key, m);
        const onParent = vlansOn.get(vlan.parent);
        if (onParent) onParent.push(m);
        else vlansOn.set(vlan.parent, [m]);
      }
    }
  }
  // Sorted once: a trunk carries up to 4094 VLANs, and sorting after every one was quadratic.
  for (const names of vlansOn.values()) names.sort();

  // Pass 3: addresses, routes, rules, services, container networks of each VRF.
  const vrfs: Vrf[] = [];
  const links = new Set([
    ...vrfNames,
    ...memberOf.keys(),
    ...vlansOn.keys(),
    ...ports.map((p) => p.name),
    ...Object.keys(intent['vlan-parents'] ?? {}),
  ]);
  const resolveContainers = containerResolver(links);
  const bfdProfiles = resolveBfdProfiles(intent['bfd-profiles'], diags);
  const profileNames = new Set(Object.keys(intent['bfd-profiles'] ?? {}));
  const usedProfiles = new Set<string>();
  for (const [name, v] of Object.entries(intent.vrfs)) {
    const at: Path = ['vrfs', name];
    const members = Object.entries(v.interfaces ?? {}).map(([m, cfg]) => ({
      name: m,
      cfg,
      at: [...at, 'interfaces', m] as Path,
    }));
    // The VRF device's own addresses count as one more member's, named as the VRF.
    const addrs = resolveAddresses(
      name,
      [...members, { name, cfg: v.addresses ? { addresses: v.addresses } : null, at }],
      diags,
    );
    const addressesOf = new Map<string, string[]>(); // member → its addresses, in the sorted order of addrs
    for (const a of addrs)
      addressesOf
        .set(a.member, addressesOf.get(a.member) ?? [])
        .get(a.member)!
        .push(a.text);
    const { memberRoutes, vrfRoutes } = resolveRoutes(name, v, addrs, diags);
    const rules = resolveRules(name, v, diags);
    const bgp =
      v.bgp &&
      resolveBgp(
        name,
        v.bgp,
        addrs,
        [...vrfRoutes, ...[...memberRoutes.values()].flat()],
        [
          ...members.map(({ name: m, cfg }) => ({
            name: m,
            dynamic: [...(cfg?.dhcp4 ? [4 as const] : []), ...(cfg?.dhcp6 || cfg?.['accept-ra'] ? [6 as const] : [])],
          })),
          { name, dynamic: [] },
        ],
        { intentFile: opts.file },
        { hasOspf: v.ospf !== undefined, profiles: profileNames, usedProfiles },
        diags,
      );
    const ospf =
      v.ospf &&
      resolveOspf(
        name,
        v.ospf,
        members.map(({ name: m, cfg }) => ({
          name: m,
          ipv4: (cfg?.dhcp4 ?? false) || addrs.some((a) => a.member === m && a.cidr.family === 4),
          ipv6:
            (cfg?.dhcp6 ?? false) ||
            (cfg?.['accept-ra'] ?? false) ||
            addrs.some((a) => a.member === m && a.cidr.family === 6),
        })),
        memberOf,
        [...vrfRoutes, ...[...memberRoutes.values()].flat()],
        v.bgp !== undefined,
        profileNames,
        usedProfiles,
        diags,
      );
    const containers = resolveContainers(name, v, addrs, diags);

    const services: Service[] = [];
    (v.services ?? []).forEach((s, i) => {
      const entry = typeof s === 'string' ? { unit: s } : s;
      const sAt: Path = [...at, 'services', i];
      const { unit, diags: d } = checkUnitName(entry.unit, typeof s === 'string' ? sAt : [...sAt, 'unit']);
      diags.push(...d);
      const execStart = entry['exec-start'];
      execStart?.forEach((line, j) => {
        const problem = execLineProblem(line);
        if (problem)
          diags.push(
            error(
              'service/exec-start-invalid',
              [...sAt, 'exec-start', j],
              `service '${entry.unit}': exec-start line ${quoted(line)} ${problem}`,
            ),
          );
      });
      if (!unit) return;
      const owner = unitOwner.get(unit);
      if (owner === name)
        diags.push(error('service/duplicate', sAt, `vrf '${name}': service '${unit}' is listed twice`));
      else if (owner)
        diags.push(
          error(
            'service/two-vrfs',
            sAt,
            `vrf '${name}': service '${unit}' is already bound to vrf '${owner}'; a process runs in one VRF`,
          ),
        );
      else {
        unitOwner.set(unit, name);
        services.push({
          unit,
          kind: unit.endsWith('.socket') ? 'socket' : 'service',
          vrf: name,
          ...(execStart ? { execStart } : {}),
          at: sAt,
        });
      }
    });

    vrfs.push({
      name,
      table: v.table,
      isolate: v.isolate ?? true,
      addresses: addressesOf.get(name) ?? [],
      members: members
        .map(({ name: m, cfg, at: mAt }): Member => ({
          name: m,
          vrf: name,
          ...(memberLinks.get(m) ?? { kind: 'ethernet' }),
          ...(cfg?.vlan ? { kind: 'vlan', vlan: { parent: cfg.vlan.parent, id: cfg.vlan.id } } : {}),
          addresses: addressesOf.get(m) ?? [],
          dhcp4: cfg?.dhcp4 ?? false,
          dhcp6: cfg?.dhcp6 ?? false,
          acceptRa: cfg?.['accept-ra'] ?? false,
          routes: memberRoutes.get(m) ?? [],
          vlans: vlansOn.get(m) ?? [],
          at: mAt,
        }))
        .sort(byName),
      routes: vrfRoutes,
      rules,
      services: services.sort((a, b) => a.unit.localeCompare(b.unit)),
      ...(bgp ? { bgp } : {}),
      ...(ospf ? { ospf } : {}),
      containers,
      at,
    });
  }

  const underlays = new Map<string, { member: string; at: Path }[]>(); // VXLAN dev → the VXLANs on it
  for (const [name, v] of Object.entries(intent.vrfs))
    for (const [m, cfg] of Object.entries(v.interfaces ?? {}))
      if (cfg?.vxlan?.dev !== undefined && memberLinks.get(m)?.kind === 'vxlan')
        underlays
          .set(cfg.vxlan.dev, underlays.get(cfg.vxlan.dev) ?? [])
          .get(cfg.vxlan.dev)!
          .push({ member: m, at: ['vrfs', name, 'interfaces', m, 'vxlan', 'dev'] });
  const vlanParents = resolveVlanParents(
    intent,
    vlansOn,
    underlays,
    memberOf,
    new Set(ports.map((p) => p.name)),
    diags,
  );
  unusedProfiles(bfdProfiles, usedProfiles, diags);
  const platformName = opts.platform ?? intent.platform ?? DEFAULT_PLATFORM;
  const { bgpDefault, forwarding } = resolveBgpLinks(vrfs, platforms[platformName].frr, diags);
  // Code-unit order: for these lowercase ASCII keys it is localeCompare's order, without starting
  // ICU's collator, a noticeable share of a small `vrfgen generate`.
  const sysctls = [...resolveSysctls(intent, diags), ...forwarding].sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
  if (hasErrors(diags)) return { diagnostics: diags };

  return {
    model: {
      // The name goes into a comment line of every file: a newline in it must not start a new line.
      source: printable(basename(opts.file)),
      platformName,
      platform: platforms[platformName],
      vrfs: vrfs.sort(byName),
      sysctls,
      vlanParents,
      ports,
      ...(bgpDefault ? { bgpDefault } : {}),
      bfdProfiles,
    },
    diagnostics: diags,
  };
}

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Parents that are not members: vrfgen brings them up as trunks, or adds a drop-in to a named foreign
 * file. A VXLAN's underlay that is not a member, a port or a VLAN parent must be named here: it
 * carries the tunnel's local address, which a trunk of vrfgen's (no addresses) would take away.
 */
function resolveVlanParents(
  intent: Intent,
  vlansOn: ReadonlyMap<string, string[]>,
  underlays: ReadonlyMap<string, readonly { member: string; at: Path }[]>,
  memberOf: Map<string, string>,
  ports: ReadonlySet<string>,
  diags: Diagnostic[],
): VlanParent[] {
  const declared = intent['vlan-parents'] ?? {};
  const fileOwner = new Map<string, string>();
  for (const [p, cfg] of Object.entries(declared)) {
    const at: Path = ['vlan-parents', p];
    diags.push(...checkIfName(p, at, 'vlan parent'));
    if (memberOf.has(p))
      diags.push(
        error(
          'vlan-parent/is-member',
          at,
          `vlan parent '${p}' is a member of vrf '${memberOf.get(p)}'; vrfgen already owns its configuration`,
          true,
        ),
      );
    else if (!vlansOn.has(p) && !underlays.has(p))
      diags.push(error('vlan-parent/unused', at, `vlan parent '${p}' carries no VLAN or VXLAN member`, true));
    const file = cfg['networkd-file'];
    if (!/^[A-Za-z0-9][A-Za-z0-9_.@-]*\.network$/.test(file) || file.length > 255) {
      diags.push(
        error(
          'vlan-parent/invalid-file',
          [...at, 'networkd-file'],
          `vlan parent '${p}': networkd-file must be a plain .network file name (no directories), got ${quoted(file)}`,
        ),
      );
    } else if (fileOwner.has(file)) {
      // One drop-in per file: it would add both parents' VLAN= lines to every link the file matches.
      diags.push(
        error(
          'vlan-parent/shared-file',
          [...at, 'networkd-file'],
          `vlan parent '${p}': networkd-file ${file} is already named for vlan parent '${fileOwner.get(file)}'; each parent needs the file that configures it alone`,
        ),
      );
    } else fileOwner.set(file, p);
  }
  const foreignUnderlays: [string, string[]][] = [];
  for (const [dev, vxlans] of underlays) {
    if (memberOf.has(dev) || ports.has(dev) || vlansOn.has(dev)) continue;
    if (declared[dev]) foreignUnderlays.push([dev, []]);
    else
      for (const x of vxlans)
        diags.push(
          error(
            'vxlan/underlay-unconfigured',
            x.at,
            `member '${x.member}': underlay '${dev}' is neither a member, a port nor a vlan parent; name the file that configures it (and the tunnel's local address) under vlan-parents`,
          ),
        );
  }
  return [...vlansOn, ...foreignUnderlays]
    .filter(([name]) => !memberOf.has(name))
    .map(([name, vlans]): VlanParent => {
      const file = declared[name]?.['networkd-file'];
      return { name, vlans, ...(file ? { networkdFile: file } : {}), at: declared[name] ? ['vlan-parents', name] : [] };
    })
    .sort(byName);
}

/** The l3mdev_accept keys the intent sets; warns where a setting weakens isolation. */
function resolveSysctls(intent: Intent, diags: Diagnostic[]): Sysctl[] {
  return Object.entries(intent.sysctl ?? {})
    .filter((e): e is [string, boolean] => e[1] !== undefined)
    .map(([k, on]): Sysctl => {
      const at: Path = ['sysctl', k];
      if (on && k !== 'raw_l3mdev_accept') {
        diags.push(
          warning(
            'sysctl/accept-all-vrfs',
            at,
            `sysctl ${k}: true lets sockets in the default VRF accept traffic arriving in every VRF; bind services to their VRF instead unless this is the intended trade-off`,
          ),
        );
      }
      return { key: `net.ipv4.${k}`, value: on ? 1 : 0, at };
    });
}
