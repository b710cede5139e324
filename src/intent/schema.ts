import { z } from 'zod';
import { platformNames } from '../platforms/platforms.ts';

/**
 * The intent language, format version 1: shapes, ranges and strict keys. Cross-references (a gateway
 * a member can reach, a table used twice, a name the kernel refuses) are checked in resolve.ts, which
 * can say more precisely what is wrong. The JSON Schema printed by `vrfgen schema` comes from here,
 * and so does the key reference in docs/intent.md (scripts/docs/intent-reference.ts): a description
 * is what an editor shows on hover and what the reference says, and a default is stated as its last
 * clause, `; default X`, which the reference puts in a column of its own.
 */
const U32 = 0xffffffff;

const name = (what: string, more = '') =>
  z.string().meta({ description: `${what}: an interface name, 1-15 bytes of \`[A-Za-z0-9_.-]\`${more}` });

const Address = z.string().meta({ description: 'address with prefix length, e.g. 192.0.2.1/24 or 2001:db8::1/64' });

const Vlan = z
  .strictObject({
    parent: name('the link the VLAN is created on', '; not a VRF, the VLAN itself or another VLAN member'),
    id: z
      .number()
      .int()
      .min(1)
      .max(4094)
      .meta({ description: '802.1Q VLAN id, 1-4094; each (parent, id) once in the intent' }),
  })
  .meta({ description: 'create this member as an 802.1Q VLAN on `parent`' });

const ports = (what: string) =>
  z
    .array(name('a port', `; a plain link that belongs to this ${what} and to no VRF, listed once in the intent`))
    .meta({ description: `the links enslaved to the ${what}; may be empty` });

const Bridge = z
  .strictObject({
    ports: ports('bridge'),
    stp: z.boolean().optional().meta({ description: 'run the spanning tree protocol; default `false`' }),
  })
  .meta({ description: 'create this member as a Linux bridge over `ports`' });

const BOND_MODES = [
  'balance-rr',
  'active-backup',
  'balance-xor',
  'broadcast',
  '802.3ad',
  'balance-tlb',
  'balance-alb',
] as const;

const Bond = z
  .strictObject({
    mode: z.enum(BOND_MODES).meta({ description: 'bonding mode, as the kernel names it' }),
    ports: ports('bond').min(1),
    miimon: z
      .number()
      .int()
      .min(0)
      .max(10000)
      .optional()
      .meta({ description: 'link monitoring interval in milliseconds, 0 to turn it off; default `100`' }),
    primary: name('the port preferred while it is up', '; one of `ports`, active-backup only').optional(),
    'lacp-rate': z
      .enum(['slow', 'fast'])
      .optional()
      .meta({ description: 'how often the partner sends LACPDUs (802.3ad only); default `slow`' }),
    'transmit-hash-policy': z
      .enum(['layer2', 'layer2+3', 'layer3+4', 'encap2+3', 'encap3+4'])
      .optional()
      .meta({ description: 'which header fields pick the port (balance-xor and 802.3ad only); default `layer2`' }),
  })
  .meta({ description: 'create this member as a bond over `ports`' });

const Dummy = z.strictObject({}).meta({
  description: 'create this member as a dummy device: a loopback-like link for anycast and service addresses',
});

const Vxlan = z
  .strictObject({
    vni: z.number().int().min(1).max(16777215).meta({ description: 'VXLAN network identifier, 1-16777215' }),
    local: z.string().optional().meta({ description: 'source address of the tunnel (an address of this host)' }),
    remote: z.string().optional().meta({ description: 'unicast address of the other end; either `remote` or `group`' }),
    group: z
      .string()
      .optional()
      .meta({ description: 'multicast group the tunnel floods to; needs `dev`; either `remote` or `group`' }),
    dev: name(
      'the underlay link the tunnel sends through',
      '; a member, a port, a VLAN parent, or a link named under vlan-parents',
    ).optional(),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .meta({ description: 'UDP destination port; default `4789` (IANA)' }),
    learning: z
      .boolean()
      .optional()
      .meta({ description: 'learn remote MAC addresses from received packets; default `false`' }),
  })
  .meta({ description: 'create this member as a VXLAN tunnel device' });

const Member = z
  .strictObject({
    vlan: Vlan.optional(),
    bridge: Bridge.optional(),
    bond: Bond.optional(),
    dummy: Dummy.optional(),
    vxlan: Vxlan.optional(),
    addresses: z.array(Address).optional().meta({
      description:
        "the member's static addresses; within one VRF each address once, and no member's subnets overlap another's (one member may have several addresses in one subnet; across VRFs both are fine)",
    }),
    dhcp4: z.boolean().optional().meta({
      description: "take an IPv4 address and routes by DHCP; its routes go into the VRF's table; default `false`",
    }),
    dhcp6: z.boolean().optional().meta({
      description: 'take an IPv6 address by DHCPv6; default `false`',
    }),
    'accept-ra': z.boolean().optional().meta({
      description: "take IPv6 router advertisements (SLAAC addresses, routes into the VRF's table); default `false`",
    }),
  })
  .nullable()
  .meta({
    description:
      'a link enslaved to the VRF: an existing link, or one vrfgen creates (at most one of vlan, bridge, bond, dummy, vxlan); `null` or `{}` for a member without addresses',
  });

const Route = z
  .strictObject({
    to: z.string().meta({
      description:
        'destination prefix without host bits (an address alone is a /32 or /128), or `default` with a `via` (the family is taken from it; without one write 0.0.0.0/0 or ::/0)',
    }),
    via: z.string().optional().meta({
      description:
        "gateway address; a subnet of this VRF (a member's, of `dev` when given, or the VRF device's) must contain it unless `onlink`; an IPv6 link-local gateway needs `dev`; `dhcp`: the router a DHCPv4 lease gives a member with dhcp4 (IPv4), `ra`: the router an advertisement names to a member with accept-ra (IPv6)",
    }),
    dev: name('the member to send through').optional(),
    metric: z.number().int().min(0).max(U32).optional().meta({
      description:
        "route metric; two routes to the same prefix need different metrics; default the kernel's (0 for IPv4, 1024 for IPv6)",
    }),
    type: z
      .enum(['unicast', 'blackhole', 'unreachable', 'prohibit'])
      .optional()
      .meta({ description: 'a unicast route needs `via` or `dev`; the others take neither; default `unicast`' }),
    onlink: z.boolean().optional().meta({
      description: 'the gateway is reachable on `dev` without a member subnet containing it (needs `via` and `dev`)',
    }),
  })
  .meta({ description: 'a destination with a next hop (`via`, `dev`) or a `type`' });

const Rule = z
  .strictObject({
    from: z
      .string()
      .optional()
      .meta({ description: 'source prefix (an address alone is a /32 or /128); the same family as `to`' }),
    to: z
      .string()
      .optional()
      .meta({ description: 'destination prefix (an address alone is a /32 or /128); the same family as `from`' }),
    family: z.enum(['ipv4', 'ipv6', 'both']).optional().meta({
      description:
        'the address family of a rule on interfaces only; a rule with from or to has theirs; default `both` for interface-only rules',
    }),
    iif: name('incoming interface').optional(),
    oif: name('outgoing interface').optional(),
    priority: z.number().int().min(1).max(U32).optional().meta({
      description:
        'rule priority; rules without one keep their order in the intent (the kernel numbers them as they are added); the networkmanager target needs one',
    }),
  })
  .meta({ description: 'a rule with at least one selector (from, to, iif, oif)' });

const unitName = () =>
  z.string().meta({
    description:
      'unit name: a .service (the default when the name has no type) or a .socket; a template unit needs an instance (foo@bar.service)',
  });

const Service = z
  .union([
    unitName(),
    z.strictObject({
      unit: unitName(),
      'exec-start': z
        .array(
          z.string().meta({
            description:
              'one line of printable text with its quotes closed, no trailing backslash, no lone `;` and only the % specifiers every supported systemd knows',
          }),
        )
        .min(1)
        .optional()
        .meta({
          description:
            "the unit's own ExecStart= command lines, in unit-file syntax; vrfgen wraps them in `ip vrf exec` where systemd cannot bind the unit itself (before v260)",
        }),
    }),
  ])
  .meta({
    description: 'a unit name, or `{unit, exec-start}` to give the command lines of a unit vrfgen cannot read',
  });

const Container = z
  .strictObject({
    network: z.string().meta({
      description:
        'Podman network name, also its file name in /etc/containers/networks: `[A-Za-z0-9][A-Za-z0-9_.-]*`, at most 250 characters, not a mode `podman run --network` reads (`host`, `none`, ...) or `podman`; attached once',
    }),
    subnet: z.string().meta({
      description:
        "the network's prefix, e.g. 10.77.1.0/24: a member subnet of this VRF in effect, overlapping neither the VRF's member subnets nor another container network; not /31, /32, /127 or /128",
    }),
    gateway: z.string().optional().meta({
      description:
        "the bridge's address, inside the subnet and not its network or broadcast address; default the subnet's first host",
    }),
    bridge: z.string().optional().meta({
      description:
        'bridge interface netavark creates: an interface name, 1-15 bytes of `[A-Za-z0-9_.-]`, not used elsewhere in the intent (set it when the default is longer than 15 bytes); default `br-<network>`',
    }),
  })
  .meta({ description: 'a Podman bridge network whose bridge netavark enslaves to this VRF' });
const RemoteAs = z
  .union([z.enum(['internal', 'external']), z.number().int().min(1).max(U32)])
  .meta({ description: '`internal` (the local ASN), `external` (any other), or an ASN' });

/** Where a session's TCP MD5 key (RFC 2385) comes from; the key itself never reaches a diagnostic or a diff. */
const secretKeys = {
  'password-file': z.string().optional().meta({
    description:
      'file holding the TCP MD5 password: one line (a trailing newline is dropped), 1-80 bytes without white space; a relative path is relative to the intent file',
  }),
  password: z
    .string()
    .optional()
    .meta({ description: 'the TCP MD5 password inline; accepted with a warning (prefer password-file)' }),
};

/** How long an accepted prefix may be: per family at resolve (0-32 for IPv4, 0-128 for IPv6). */
const prefixLength = (what: string) => z.number().int().min(0).max(128).meta({ description: what });

const Accept = z
  .strictObject({
    prefix: z.string().meta({
      description: "the prefix announced prefixes must lie in, of the session's family",
    }),
    'min-length': prefixLength(
      "shortest prefix length taken: at least `prefix`'s own length, at most 32 for IPv4 and 128 for IPv6",
    ),
    'max-length': prefixLength(
      'longest prefix length taken: at least min-length, at most 32 for IPv4 and 128 for IPv6',
    ),
  })
  .meta({
    description:
      'take only prefixes inside `prefix` with a length from min-length to max-length (e.g. IPv6 /64s: `ge 64 le 64`); everything else is filtered',
  });

/** What a static neighbour and a listen range share: how the session runs and what crosses it. */
const sessionKeys = {
  'remote-as': RemoteAs,
  ...secretKeys,
  multihop: z.number().int().min(1).max(255).optional().meta({
    description:
      'eBGP: the TTL of the session (`ebgp-multihop`), for a peer one router or more away; needed for an eBGP peer a route reaches; on iBGP a warning (iBGP sessions are multihop already) and not written',
  }),
  'update-source': z.string().optional().meta({
    description:
      "a member of this VRF (e.g. a dummy holding an anycast loopback address) the session's packets come from; it has an address of the session's family",
  }),
  'route-reflector-client': z.boolean().optional().meta({
    description:
      'iBGP only: reflect the routes learned from this peer to the other iBGP peers, and theirs to it; default `false`',
  }),
  'default-originate': z.boolean().optional().meta({
    description: "send this peer a default route of the session's family, whatever `export` says; default `false`",
  }),
  export: z.enum(['none', 'own', 'all']).optional().meta({
    description:
      "what is announced to this peer besides a default-originate: `none`, `own` (exactly the prefixes this VRF originates: `announce`, and what `redistribute` takes of connected and static; not OSPF's routes, which no route-map of FRR 8.4's bgpd can tell by their source), `all` (everything the instance has, within BGP's rules: routes learned over iBGP reach another iBGP peer only through a route-reflector client); default `all`",
  }),
  accept: Accept.optional(),
  bfd: z.union([z.boolean(), z.string()]).optional().meta({
    description:
      'watch the session with BFD (`neighbor … bfd`; FRR picks multihop BFD for a peer that is not on a member subnet): `true`, or the name of one of `bfd-profiles` for its timers; bfdd must run; default `false`',
  }),
};

const ImportVrf = z
  .union([
    z.string().meta({ description: 'a VRF whose BGP routes are all imported' }),
    z.strictObject({
      vrf: z.string().meta({ description: 'the VRF routes are imported from' }),
      only: z.array(z.string()).min(1).meta({
        description:
          'leaking under policy: only routes inside these prefixes (each prefix itself or a longer one) cross; IPv4 and IPv6 prefixes; each must be able to match some route of the imported VRF',
      }),
    }),
  ])
  .meta({
    description:
      "a VRF's name, or `{vrf, only}` to import only some of its routes (an `import vrf route-map` that matches the source VRF and the prefixes)",
  });

const BgpNeighbor = z
  .strictObject({
    address: z.string().meta({
      description:
        'IPv4 or IPv6 address of a static peer: in a member subnet or an address prefix of this VRF, or reached by one of its `routes:`; not one of its own addresses, not link-local, listed once. The session carries unicast routes of its family',
    }),
    ...sessionKeys,
  })
  .meta({ description: 'a static BGP peer' });

const BgpListen = z
  .strictObject({
    range: z.string().meta({
      description:
        'IPv4 or IPv6 prefix peers may connect from (dynamic neighbours): inside a member subnet or an address prefix of this VRF, or reached by one of its `routes:`; overlapping no other range. The sessions carry unicast routes of its family',
    }),
    ...sessionKeys,
    limit: z.number().int().min(1).max(65535).optional().meta({
      description:
        "most dynamic neighbours at once from this range (FRR counts them per VRF instance, so vrfgen writes the sum of the ranges' limits); default `100`, FRR's",
    }),
    'min-peers': z.number().int().min(1).max(65535).optional().meta({
      description:
        "for `vrfgen check`: at least this many dynamic neighbours from this range have a session (FRR forgets a dynamic neighbour whose session ends, so a peer that lost its session, e.g. to a changed key, shows only in this count); at most the range's `limit`; no floor by default",
    }),
  })
  .meta({ description: 'accept BGP sessions from a range of addresses: the route-server pattern' });

const Bgp = z
  .strictObject({
    asn: z.number().int().min(1).max(U32).meta({ description: 'local AS number, 1-4294967294 (not 23456 or 65535)' }),
    'router-id': z.string().meta({ description: 'BGP identifier, an IPv4 address' }),
    neighbors: z
      .array(BgpNeighbor)
      .optional()
      .meta({ description: 'static peers; each session carries IPv4 or IPv6 unicast, by its address' }),
    listen: z
      .array(BgpListen)
      .optional()
      .meta({ description: 'dynamic neighbours: address ranges peers may connect from' }),
    announce: z.array(z.string()).optional().meta({
      description:
        'prefixes this VRF announces (`network`): each exactly a prefix of its table, a member subnet or address prefix (e.g. an anycast /32 on a dummy) or a `routes:` destination, since FRR announces a network only while the table holds it',
    }),
    redistribute: z
      .array(z.enum(['connected', 'static', 'ospf']))
      .optional()
      .meta({
        description:
          "announce over BGP the member subnets (connected) and this VRF's own routes (static), IPv4 and IPv6, and the routes OSPF learned in this VRF (ospf: IPv4, and IPv6 with `ospf.ipv6`; needs an ospf section)",
      }),
    'import-vrfs': z.array(ImportVrf).optional().meta({
      description:
        'route leaking: the BGP routes of these VRFs are imported into this one; each has a bgp section, and every VRF that imports has the same ASN',
    }),
  })
  .meta({ description: 'an FRRouting BGP instance in this VRF (the frr target)' });

/** FRR's ranges (bfdd_cli.c, the same in 8.4 and 10.3 for a profile): intervals in milliseconds. */
const BfdProfile = z
  .strictObject({
    'detect-multiplier': z.number().int().min(2).max(255).optional().meta({
      description: 'how many control packets may be missed before the session is down, 2-255; default `3`',
    }),
    'receive-interval': z.number().int().min(10).max(60000).optional().meta({
      description: 'the slowest rate this side takes control packets at, in milliseconds, 10-60000; default `300`',
    }),
    'transmit-interval': z.number().int().min(10).max(60000).optional().meta({
      description: 'the fastest rate this side sends control packets at, in milliseconds, 10-60000; default `300`',
    }),
  })
  .meta({ description: "a BFD profile (bfdd's `profile`): timers that BGP neighbours and OSPF interfaces name" });

const bfdRef = (what: string) =>
  z
    .union([z.boolean(), z.string()])
    .optional()
    .meta({
      description: `watch ${what} with BFD: \`true\`, or the name of one of \`bfd-profiles\` for its timers; bfdd must run; default \`false\``,
    });

const OspfArea = z.union([z.number().int().min(0).max(U32), z.string()]).meta({
  description:
    'the area: a number (0-4294967295) or dotted like an IPv4 address (0.0.0.1); FRR prints it the way it is written',
});

const OspfInterface = z
  .strictObject({
    area: OspfArea,
    cost: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .meta({ description: "the interface's cost, 1-65535; default FRR's, from the link's speed" }),
    passive: z.boolean().optional().meta({
      description:
        'announce the subnet without forming adjacencies (no hellos sent or taken); default `passive-default`',
    }),
    network: z.enum(['broadcast', 'point-to-point']).optional().meta({
      description:
        'the network type; `point-to-point` skips the DR election on a link with one neighbour; default `broadcast`',
    }),
    'hello-interval': z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .meta({ description: 'seconds between hellos, 1-65535; the same on both ends; default `10`' }),
    'dead-interval': z.number().int().min(1).max(65535).optional().meta({
      description:
        'seconds without a hello before the neighbour is down, 1-65535, longer than hello-interval; the same on both ends; default `40`',
    }),
    bfd: bfdRef('the adjacencies on this interface'),
  })
  .meta({ description: 'OSPF on one member of the VRF' });

const Ospf = z
  .strictObject({
    'router-id': z.string().meta({ description: 'OSPF router id, an IPv4 address' }),
    interfaces: z.record(z.string(), OspfInterface).meta({
      description:
        'the members OSPF runs on, by name: each a member of this VRF with an IPv4 address (static or by DHCP)',
    }),
    'passive-default': z.boolean().optional().meta({
      description: 'interfaces are passive (announced, no adjacency) unless they say `passive: false`; default `true`',
    }),
    redistribute: z
      .array(z.enum(['connected', 'static', 'bgp']))
      .optional()
      .meta({
        description:
          "announce into OSPF as external routes the member subnets (connected), this VRF's own routes (static) and the routes BGP has in this VRF (bgp; needs a bgp section)",
      }),
    'default-originate': z
      .union([z.boolean(), z.literal('always')])
      .optional()
      .meta({
        description:
          "announce a default route into OSPF: `true` while the VRF's table has one, `always` whatever it has; default `false`",
      }),
    ipv6: z.boolean().optional().meta({
      description:
        'run OSPFv3 (ospf6d, in VRFs from FRR 8.0 on) on the same interfaces with the same settings, for their IPv6 subnets; default `false`',
    }),
  })
  .meta({ description: 'an FRRouting OSPF instance in this VRF (the frr target)' });

const Vrf = z
  .strictObject({
    table: z.number().int().min(0).max(U32).meta({
      description:
        'routing table id, unique among the VRFs; not 0 or 253-255 (reserved by the kernel: unspec, default, main, local)',
    }),
    isolate: z.boolean().optional().meta({
      description:
        "add `unreachable default metric 4278198272` for IPv4 and IPv6 to the table, as the kernel's VRF documentation advises, so a lookup that misses never falls through to main; default `true`",
    }),
    addresses: z.array(Address).optional().meta({
      description:
        "addresses on the VRF device itself, e.g. 127.0.0.1/8 and ::1/128 for daemons that talk to localhost inside the VRF; the same rules as a member's",
    }),
    interfaces: z
      .record(z.string(), Member)
      .optional()
      .meta({ description: 'the members, by interface name: links enslaved to this VRF' }),
    routes: z.array(Route).optional().meta({ description: "routes, all in this VRF's table" }),
    rules: z.array(Rule).optional().meta({ description: "policy rules that look up this VRF's table" }),
    services: z.array(Service).optional().meta({
      description: 'systemd units (.service or .socket) that must run inside this VRF; each unit in one VRF only',
    }),
    containers: z
      .array(Container)
      .optional()
      .meta({ description: 'Podman bridge networks attached to this VRF (the netavark target; netavark >= 1.8)' }),
    bgp: Bgp.optional(),
    ospf: Ospf.optional(),
  })
  .meta({ description: 'a VRF; the mapping key is its kernel device name' });

const Sysctl = z
  .strictObject({
    tcp_l3mdev_accept: z.boolean().optional().meta({
      description:
        '`net.ipv4.tcp_l3mdev_accept`: `true` lets TCP sockets in the default VRF accept connections arriving in every VRF, the opposite of isolation (a warning)',
    }),
    udp_l3mdev_accept: z.boolean().optional().meta({
      description:
        '`net.ipv4.udp_l3mdev_accept`: `true` lets UDP sockets in the default VRF receive datagrams arriving in every VRF (a warning)',
    }),
    raw_l3mdev_accept: z.boolean().optional().meta({
      description:
        '`net.ipv4.raw_l3mdev_accept`: whether raw sockets in the default VRF receive packets arriving in every VRF',
    }),
  })
  .meta({ description: '`net.ipv4.*_l3mdev_accept` (they cover IPv6 too); omitted keys are not written' });

const VlanParent = z
  .strictObject({
    'networkd-file': z.string().meta({
      description:
        'name of the .network file that already configures this parent, one file per parent: the networkd target adds its VLAN= and VXLAN= lines as a drop-in for it; the other network targets leave the parent to that other configuration and do not declare it',
    }),
  })
  .meta({ description: 'a VLAN parent or VXLAN underlay that another tool configures' });

export const IntentSchema = z
  .strictObject({
    version: z.literal(1).meta({ description: 'intent format version' }),
    platform: z.enum(platformNames).optional().meta({
      description:
        'the platform profile: which versions of each stack the files are written for (`--platform` overrides it); default `debian-12`',
    }),
    vrfs: z.record(z.string(), Vrf).meta({ description: 'the VRFs, by kernel device name; may be empty (`{}`)' }),
    sysctl: Sysctl.optional(),
    'bfd-profiles': z.record(z.string(), BfdProfile).optional().meta({
      description:
        'BFD profiles by name (1-63 bytes of `[A-Za-z0-9_.-]`), for `bfd:` of BGP neighbours and OSPF interfaces (the frr target)',
    }),
    'vlan-parents': z.record(z.string(), VlanParent).optional().meta({
      description:
        'links carrying VLAN members or VXLAN tunnels (`dev`) that another tool configures, by link name; a VXLAN underlay that is no member, port or VLAN parent must be here',
    }),
  })
  .meta({ title: 'vrfgen intent', description: 'Linux VRFs to persist, format version 1' });

export { BOND_MODES };

/** The sections of named entries, and the schema of one entry of each. */
export const ENTRY_SCHEMAS = { vrfs: Vrf, 'vlan-parents': VlanParent } as const;

export type Intent = z.infer<typeof IntentSchema>;
export type IntentVrf = z.infer<typeof Vrf>;
export type IntentMember = NonNullable<z.infer<typeof Member>>;
export type IntentRoute = z.infer<typeof Route>;
export type IntentRule = z.infer<typeof Rule>;
export type IntentService = z.infer<typeof Service>;
export type IntentContainer = z.infer<typeof Container>;
export type IntentBgp = z.infer<typeof Bgp>;
export type IntentBgpAccept = z.infer<typeof Accept>;
export type IntentOspf = z.infer<typeof Ospf>;
export type IntentBfdProfile = z.infer<typeof BfdProfile>;

/** The JSON Schema (draft 2020-12) of the intent, for editors and `vrfgen schema`. */
export const intentJsonSchema = (): object => z.toJSONSchema(IntentSchema, { io: 'input' });
