import { z } from 'zod';
import { platformNames } from '../platforms/platforms.ts';

/**
 * The intent language, format version 1: shapes, ranges and strict keys. Cross-references (a gateway
 * a member can reach, a table used twice, a name the kernel refuses) are checked in resolve.ts, which
 * can say more precisely what is wrong. The JSON Schema printed by `vrfgen schema` comes from here.
 */
const U32 = 0xffffffff;

const name = (what: string) => z.string().meta({ description: `${what}: 1-15 bytes of [A-Za-z0-9_.-]` });

const Address = z.string().meta({ description: 'address with prefix length, e.g. 192.0.2.1/24 or 2001:db8::1/64' });

const Vlan = z
  .strictObject({
    parent: name('the link the VLAN is created on'),
    id: z.number().int().min(1).max(4094).meta({ description: '802.1Q VLAN id, 1-4094' }),
  })
  .meta({ description: 'create this member as a VLAN on `parent`' });

const Member = z
  .strictObject({
    vlan: Vlan.optional(),
    addresses: z.array(Address).optional().meta({ description: 'static addresses; each subnet once per VRF' }),
  })
  .nullable()
  .meta({ description: 'a link enslaved to the VRF; `null` or `{}` for a member without addresses' });

const Route = z
  .strictObject({
    to: z.string().meta({ description: 'destination prefix, or `default` (family taken from `via`)' }),
    via: z
      .string()
      .optional()
      .meta({ description: 'gateway address; a member subnet of this VRF must contain it unless `onlink`' }),
    dev: name('member to send through').optional(),
    metric: z.number().int().min(0).max(U32).optional(),
    type: z
      .enum(['unicast', 'blackhole', 'unreachable', 'prohibit'])
      .optional()
      .meta({ description: 'default unicast; the others take no `via`/`dev`' }),
    onlink: z.boolean().optional().meta({ description: 'gateway is reachable on `dev` without a covering subnet' }),
  })
  .meta({ description: "a route in the VRF's table (the table is always the VRF's)" });

const Rule = z
  .strictObject({
    from: z.string().optional().meta({ description: 'source prefix' }),
    to: z.string().optional().meta({ description: 'destination prefix' }),
    iif: name('incoming interface').optional(),
    oif: name('outgoing interface').optional(),
    priority: z.number().int().min(1).max(U32).optional(),
  })
  .meta({ description: "a policy rule that looks up this VRF's table" });

const Service = z
  .union([
    z.string().meta({ description: 'unit name; a name without a type means the .service' }),
    z.strictObject({
      unit: z.string().meta({ description: 'unit name; a name without a type means the .service' }),
      'exec-start': z.array(z.string()).min(1).optional().meta({
        description:
          "the unit's own ExecStart= command lines, in unit-file syntax; vrfgen wraps them in `ip vrf exec` where systemd cannot bind the unit itself (before v260)",
      }),
    }),
  ])
  .meta({ description: 'a systemd unit that must run inside this VRF' });

const Container = z
  .strictObject({
    network: z.string().meta({
      description: 'Podman network name (also its file name in /etc/containers/networks); [A-Za-z0-9][A-Za-z0-9_.-]*',
    }),
    subnet: z
      .string()
      .meta({ description: "the network's prefix, e.g. 10.77.1.0/24; a member subnet of this VRF in effect" }),
    gateway: z.string().optional().meta({ description: "the bridge's address; default the subnet's first host" }),
    bridge: name('bridge interface netavark creates; default `br-` + network').optional(),
  })
  .meta({ description: 'a Podman bridge network whose bridge netavark enslaves to this VRF' });
const RemoteAs = z
  .union([z.enum(['internal', 'external']), z.number().int().min(1).max(U32)])
  .meta({ description: '`internal` (the local ASN), `external` (any other), or an ASN' });

/** Where a session's TCP MD5 key (RFC 2385) comes from; the key itself never reaches a diagnostic or a diff. */
const secretKeys = {
  'password-file': z.string().optional().meta({
    description: 'file holding the TCP MD5 password (one line); a relative path is relative to the intent file',
  }),
  password: z
    .string()
    .optional()
    .meta({ description: 'the TCP MD5 password inline; accepted with a warning (prefer password-file)' }),
};

const BgpNeighbor = z
  .strictObject({
    address: z
      .string()
      .meta({ description: 'IPv4 address of a static peer; a member subnet of this VRF must contain it' }),
    'remote-as': RemoteAs,
    ...secretKeys,
  })
  .meta({ description: 'a static BGP peer' });

const BgpListen = z
  .strictObject({
    range: z.string().meta({
      description: 'IPv4 prefix peers may connect from (dynamic neighbours); inside a member subnet of this VRF',
    }),
    'remote-as': RemoteAs,
    ...secretKeys,
    accept: z
      .strictObject({
        prefix: z.string().meta({ description: 'the range announced prefixes must fall in' }),
        'min-length': z.number().int().min(0).max(32),
        'max-length': z.number().int().min(0).max(32),
      })
      .optional()
      .meta({
        description:
          'take only prefixes inside `prefix` with a length from min-length to max-length; everything else is filtered',
      }),
    limit: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .meta({ description: 'most dynamic neighbours at once (FRR counts them per VRF instance)' }),
  })
  .meta({ description: 'accept BGP sessions from a range of addresses: the route-server pattern' });

const Bgp = z
  .strictObject({
    asn: z.number().int().min(1).max(U32).meta({ description: 'local AS number, 1-4294967294 (not 23456 or 65535)' }),
    'router-id': z.string().meta({ description: 'BGP identifier, an IPv4 address' }),
    neighbors: z.array(BgpNeighbor).optional(),
    listen: z.array(BgpListen).optional(),
    redistribute: z
      .array(z.enum(['connected', 'static']))
      .optional()
      .meta({
        description: "announce over BGP the member subnets (connected) and this VRF's own IPv4 routes (static)",
      }),
    'import-vrfs': z.array(z.string()).optional().meta({
      description: 'route leaking: the BGP routes of these VRFs (which need a bgp section) are imported into this one',
    }),
  })
  .meta({ description: 'an FRRouting BGP instance in this VRF (the frr target)' });

const Vrf = z
  .strictObject({
    table: z
      .number()
      .int()
      .min(0)
      .max(U32)
      .meta({ description: 'routing table id; unique; not 0 or 253-255 (reserved by the kernel)' }),
    isolate: z.boolean().optional().meta({
      description:
        'default true: unreachable default routes (IPv4+IPv6, metric 4278198272) so lookups never fall through to main',
    }),
    interfaces: z.record(z.string(), Member).optional().meta({ description: 'members, by interface name' }),
    routes: z.array(Route).optional(),
    rules: z.array(Rule).optional(),
    services: z
      .array(Service)
      .optional()
      .meta({ description: 'systemd units (.service or .socket) that must run inside this VRF' }),
    containers: z
      .array(Container)
      .optional()
      .meta({ description: 'Podman bridge networks attached to this VRF (netavark >= 1.8)' }),
    bgp: Bgp.optional(),
  })
  .meta({ description: 'a VRF; the mapping key is its kernel device name' });

const Sysctl = z
  .strictObject({
    tcp_l3mdev_accept: z.boolean().optional(),
    udp_l3mdev_accept: z.boolean().optional(),
    raw_l3mdev_accept: z.boolean().optional(),
  })
  .meta({ description: 'net.ipv4.*_l3mdev_accept (they cover IPv6 too); omitted keys are not written' });

const VlanParent = z
  .strictObject({
    'networkd-file': z.string().meta({
      description:
        'name of the .network file that already configures this parent; vrfgen adds its VLAN= lines as a drop-in for it',
    }),
  })
  .meta({ description: 'a VLAN parent that another tool configures' });

export const IntentSchema = z
  .strictObject({
    version: z.literal(1).meta({ description: 'intent format version' }),
    platform: z.enum(platformNames).optional().meta({ description: 'target platform profile; default debian-12' }),
    vrfs: z.record(z.string(), Vrf),
    sysctl: Sysctl.optional(),
    'vlan-parents': z.record(z.string(), VlanParent).optional(),
  })
  .meta({ title: 'vrfgen intent', description: 'Linux VRFs to persist, format version 1' });

/** The sections of named entries, and the schema of one entry of each. */
export const ENTRY_SCHEMAS = { vrfs: Vrf, 'vlan-parents': VlanParent } as const;

export type Intent = z.infer<typeof IntentSchema>;
export type IntentVrf = z.infer<typeof Vrf>;
export type IntentRoute = z.infer<typeof Route>;
export type IntentRule = z.infer<typeof Rule>;
export type IntentService = z.infer<typeof Service>;
export type IntentContainer = z.infer<typeof Container>;
export type IntentBgp = z.infer<typeof Bgp>;

/** The JSON Schema (draft 2020-12) of the intent, for editors and `vrfgen schema`. */
export const intentJsonSchema = (): object => z.toJSONSchema(IntentSchema, { io: 'input' });
