import { erredSince, error, quoted, type Diagnostic, type Path } from '../diagnostics/diagnostics.ts';
import type { Intent, IntentMember } from '../intent/schema.ts';
import { formatIp, parseIp, type Ip } from './ip.ts';
import type { Bond, MemberKind, Port, Vxlan } from './model.ts';
import { checkIfName } from './names.ts';

/** The kinds a member can be created as, in the order messages list them. */
const CREATED = ['vlan', 'bridge', 'bond', 'dummy', 'vxlan'] as const;

/** What a member is and the settings of its kind, ready for the model. */
export interface MemberLink {
  readonly kind: MemberKind;
  readonly bridge?: { readonly ports: readonly string[]; readonly stp: boolean };
  readonly bond?: Bond;
  readonly vxlan?: Vxlan;
}

const ETHERNET: MemberLink = { kind: 'ethernet' };

/** Kernel bonding options and the modes that use them (Documentation/networking/bonding.rst). */
const BOND_OPTION_MODES = {
  primary: ['active-backup', 'balance-tlb', 'balance-alb'],
  'lacp-rate': ['802.3ad'],
  'transmit-hash-policy': ['balance-xor', '802.3ad', 'balance-tlb'],
} as const;

/** The kernel's defaults: miimon 0 would leave a dead port in the bond, so vrfgen monitors by default. */
const DEFAULT_MIIMON = 100;
/** IANA's VXLAN port; Linux's own default (8472) predates it and matches no other implementation. */
const VXLAN_PORT = 4789;

const isMulticast = (ip: Ip): boolean => (ip.family === 4 ? ip.value >> 28n === 0xen : ip.value >> 120n === 0xffn);

/**
 * Member kinds and the ports of bridges and bonds. A port is a plain link that belongs to its
 * bridge or bond alone: never a member, a VRF, another master's port or a VLAN parent. Ports are
 * returned sorted by name; every error is positioned at the port in its list.
 */
export function resolveLinks(
  intent: Intent,
  memberOf: ReadonlyMap<string, string>,
  diags: Diagnostic[],
): { links: Map<string, MemberLink>; ports: Port[] } {
  const vrfNames = new Set(Object.keys(intent.vrfs));
  const vlanParents = new Set<string>();
  for (const v of Object.values(intent.vrfs))
    for (const cfg of Object.values(v.interfaces ?? {})) if (cfg?.vlan) vlanParents.add(cfg.vlan.parent);

  const links = new Map<string, MemberLink>();
  const portOwner = new Map<string, string>(); // port → its bridge or bond
  const ports: Port[] = [];
  const vnis = new Map<string, string>(); // `vni/port` → member

  for (const [vrf, v] of Object.entries(intent.vrfs)) {
    for (const [m, cfg] of Object.entries(v.interfaces ?? {})) {
      const at: Path = ['vrfs', vrf, 'interfaces', m];
      const kinds = CREATED.filter((k) => cfg?.[k] !== undefined);
      if (kinds.length > 1) {
        diags.push(
          error(
            'member/two-kinds',
            [...at, kinds[1]!],
            `member '${m}': ${kinds.join(' and ')} are different kinds of link; give one`,
            true,
          ),
        );
        continue;
      }
      if (!cfg || kinds.length === 0) {
        links.set(m, ETHERNET);
        continue;
      }
      const before = diags.length;
      const claimPorts = (kind: 'bridge' | 'bond', list: readonly string[]) => {
        list.forEach((p, i) => {
          const pAt: Path = [...at, kind, 'ports', i];
          const bad = checkIfName(p, pAt, 'port', false);
          diags.push(...bad);
          if (bad.length) return;
          const owner = portOwner.get(p);
          const problem =
            p === m
              ? `a ${kind} cannot be its own port`
              : vrfNames.has(p)
                ? `port '${p}' is a vrf`
                : memberOf.has(p)
                  ? `port '${p}' is a member of vrf '${memberOf.get(p)}'; a port belongs to its ${kind} and to no VRF`
                  : owner === m
                    ? `port '${p}' is listed twice`
                    : owner
                      ? `port '${p}' is already a port of '${owner}'`
                      : vlanParents.has(p)
                        ? `port '${p}' carries VLAN members; put the VLANs on '${m}' instead`
                        : undefined;
          if (problem) diags.push(error('port/conflict', pAt, `member '${m}': ${problem}`));
          else {
            portOwner.set(p, m);
            ports.push({ name: p, master: m, masterKind: kind, vrf, at: pAt });
          }
        });
      };
      if (cfg.bridge) {
        claimPorts('bridge', cfg.bridge.ports);
        links.set(m, { kind: 'bridge', bridge: { ports: [...cfg.bridge.ports].sort(), stp: cfg.bridge.stp ?? false } });
      } else if (cfg.bond) {
        claimPorts('bond', cfg.bond.ports);
        const bond = resolveBond(m, cfg.bond, [...at, 'bond'], diags);
        if (!erredSince(diags, before)) links.set(m, { kind: 'bond', bond });
      } else if (cfg.vxlan) {
        const vxlan = resolveVxlan(m, cfg.vxlan, [...at, 'vxlan'], vrfNames, diags);
        if (vxlan) {
          const key = `${vxlan.vni}/${vxlan.port}`;
          const other = vnis.get(key);
          if (other)
            diags.push(
              error(
                'vxlan/duplicate-vni',
                [...at, 'vxlan', 'vni'],
                `member '${m}': VNI ${vxlan.vni} on UDP port ${vxlan.port} is already '${other}'; the kernel takes each once`,
              ),
            );
          else {
            vnis.set(key, m);
            links.set(m, { kind: 'vxlan', vxlan });
          }
        }
      } else links.set(m, { kind: kinds[0]! });
    }
  }
  return { links, ports: ports.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

function resolveBond(m: string, b: NonNullable<IntentMember['bond']>, at: Path, diags: Diagnostic[]): Bond {
  for (const option of Object.keys(BOND_OPTION_MODES) as (keyof typeof BOND_OPTION_MODES)[]) {
    const modes: readonly string[] = BOND_OPTION_MODES[option];
    if (b[option] !== undefined && !modes.includes(b.mode))
      diags.push(
        error(
          'bond/option-for-mode',
          [...at, option],
          `member '${m}': ${option} applies to bonding modes ${modes.join(', ')}, not ${b.mode}`,
          true,
        ),
      );
  }
  if (b.primary !== undefined && !b.ports.includes(b.primary))
    diags.push(
      error(
        'bond/primary-not-port',
        [...at, 'primary'],
        `member '${m}': primary '${b.primary}' is not one of its ports`,
      ),
    );
  return {
    mode: b.mode,
    ports: [...b.ports].sort(),
    miimon: b.miimon ?? DEFAULT_MIIMON,
    ...(b.primary !== undefined ? { primary: b.primary } : {}),
    ...(b['lacp-rate'] !== undefined ? { lacpRate: b['lacp-rate'] } : {}),
    ...(b['transmit-hash-policy'] !== undefined ? { transmitHashPolicy: b['transmit-hash-policy'] } : {}),
  };
}

function resolveVxlan(
  m: string,
  x: NonNullable<IntentMember['vxlan']>,
  at: Path,
  vrfNames: ReadonlySet<string>,
  diags: Diagnostic[],
): Vxlan | undefined {
  const before = diags.length;
  const ip = (key: 'local' | 'remote' | 'group'): Ip | undefined => {
    const text = x[key];
    if (text === undefined) return undefined;
    const parsed = parseIp(text);
    if (!parsed)
      diags.push(
        error('vxlan/invalid-address', [...at, key], `member '${m}': ${key} ${quoted(text)} is not an IP address`),
      );
    else if (key === 'group' ? !isMulticast(parsed) : isMulticast(parsed))
      diags.push(
        error(
          'vxlan/invalid-address',
          [...at, key],
          key === 'group'
            ? `member '${m}': group ${formatIp(parsed)} is not a multicast address`
            : `member '${m}': ${key} ${formatIp(parsed)} is a multicast address; a group goes under group`,
        ),
      );
    return parsed;
  };
  const local = ip('local');
  const remote = ip('remote');
  const group = ip('group');
  if (remote && group)
    diags.push(
      error(
        'vxlan/remote-and-group',
        [...at, 'group'],
        `member '${m}': a VXLAN floods to a remote or to a group, not both`,
        true,
      ),
    );
  const peer = remote ?? group;
  if (local && peer && local.family !== peer.family)
    diags.push(
      error(
        'vxlan/family-mismatch',
        [...at, 'local'],
        `member '${m}': local ${formatIp(local)} is IPv${local.family} but ${remote ? 'remote' : 'group'} ${formatIp(peer)} is IPv${peer.family}`,
      ),
    );
  if (x.dev !== undefined) {
    diags.push(...checkIfName(x.dev, [...at, 'dev'], 'vxlan dev', false));
    if (x.dev === m || vrfNames.has(x.dev))
      diags.push(
        error(
          'vxlan/invalid-dev',
          [...at, 'dev'],
          `member '${m}': the underlay '${x.dev}' is ${x.dev === m ? 'the VXLAN itself' : 'a vrf device'}`,
        ),
      );
  } else if (group)
    diags.push(
      error(
        'vxlan/group-needs-dev',
        [...at, 'group'],
        `member '${m}': a multicast group needs dev, the link it joins the group on`,
      ),
    );
  if (erredSince(diags, before)) return undefined;
  return {
    vni: x.vni,
    ...(local ? { local: formatIp(local) } : {}),
    ...(remote ? { remote: formatIp(remote) } : {}),
    ...(group ? { group: formatIp(group) } : {}),
    ...(x.dev !== undefined ? { dev: x.dev } : {}),
    port: x.port ?? VXLAN_PORT,
    learning: x.learning ?? false,
  };
}
