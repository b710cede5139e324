/**
 * Every diagnostic code vrfgen reports, with its severity and what it means. error() and warning()
 * take only the codes registered here with their severity, so a call site cannot make one up;
 * test/invalid.test.ts holds each code to a case, and docs/diagnostics.md is written from this table
 * (scripts/docs/diagnostics.ts, `npm run docs:update`).
 */

import { MAX_ALIASES, MAX_BROKEN_ENTRIES, MAX_DEPTH, MAX_INTENT_BYTES } from '../intent/limits.ts';

export type Severity = 'error' | 'warning';

export interface CodeInfo {
  /**
   * 'either' only for problems the YAML library finds and grades case by case (an unknown tag is a
   * warning, a tag that cannot be resolved an error): the code is the library's kind, kept as is.
   */
  readonly severity: Severity | 'either';
  /** One line: what the user did wrong, or what vrfgen warns about. */
  readonly meaning: string;
}

/** By area (`area/kebab-case`), the areas in the order the pipeline comes to them. */
export const CODES = {
  'intent/too-large': {
    severity: 'error',
    meaning: `the intent file is larger than ${MAX_INTENT_BYTES / 1024 / 1024} MiB, the most vrfgen reads`,
  },
  'intent/unsupported-version': {
    severity: 'error',
    meaning: '`version` is not 1, the only intent format this vrfgen reads',
  },
  'intent/too-many-problems': {
    severity: 'error',
    meaning: `more than ${MAX_BROKEN_ENTRIES} entries of one section have schema problems; the first ${MAX_BROKEN_ENTRIES} are described, the rest are counted in this one`,
  },

  'yaml/too-deep': {
    severity: 'error',
    meaning: `collections nest deeper than ${MAX_DEPTH} levels (an intent needs 6)`,
  },
  'yaml/alias-count': {
    severity: 'error',
    meaning: `more than ${MAX_ALIASES} aliases, or aliases that expand to more than the YAML library allows (an alias bomb)`,
  },
  'yaml/duplicate-key': {
    severity: 'error',
    meaning: 'a mapping has the same key twice; a VRF or member listed twice is an error, never "the last one wins"',
  },
  'yaml/complex-key': {
    severity: 'error',
    meaning: 'a mapping key is a list, a mapping, an alias or a value such as `!!binary` bytes; names are plain text',
  },
  'yaml/alias-props': { severity: 'error', meaning: 'an alias (`*name`) carries a tag or an anchor' },
  'yaml/bad-alias': {
    severity: 'either',
    meaning: 'an anchor or alias name is empty (error), or ends in `:` and reads two ways (warning)',
  },
  'yaml/bad-collection-type': {
    severity: 'warning',
    meaning: 'a tag for another kind of value (`!!binary`, `!!set`) on a mapping or list; the tag is ignored',
  },
  'yaml/bad-directive': {
    severity: 'either',
    meaning: 'a malformed `%YAML` or `%TAG` directive (error), or an unknown directive or YAML version (warning)',
  },
  'yaml/bad-dq-escape': {
    severity: 'error',
    meaning: 'a double-quoted string has an escape YAML does not define (`\\q`)',
  },
  'yaml/bad-indent': {
    severity: 'error',
    meaning: 'items of one mapping or list do not start at the same column, or a collection is not indented enough',
  },
  'yaml/bad-prop-order': {
    severity: 'error',
    meaning: 'an anchor or tag stands before a `?` or `-` indicator instead of after it',
  },
  'yaml/bad-scalar-start': {
    severity: 'error',
    meaning: 'a plain value starts with a character YAML reserves (`@`, `` ` ``); quote it',
  },
  'yaml/block-as-implicit-key': {
    severity: 'error',
    meaning: 'a mapping nested on the line of its key (`a: b: c`), or a block collection used as a key',
  },
  'yaml/block-in-flow': { severity: 'error', meaning: 'a block list or mapping inside `[...]` or `{...}`' },
  'yaml/key-over-1024-chars': { severity: 'error', meaning: 'a key without `?` is longer than 1024 characters' },
  'yaml/missing-char': {
    severity: 'error',
    meaning:
      'a character the syntax needs is missing: a closing quote, a `,` or `:` in `[...]` or `{...}`, a space before a comment',
  },
  'yaml/multiline-implicit-key': { severity: 'error', meaning: 'a key without `?` spans more than one line' },
  'yaml/multiple-anchors': { severity: 'error', meaning: 'a node has two anchors' },
  'yaml/multiple-docs': {
    severity: 'error',
    meaning: 'the file holds more than one YAML document (a second `---`); an intent is one document',
  },
  'yaml/multiple-tags': { severity: 'error', meaning: 'a node has two tags' },
  'yaml/tab-as-indent': { severity: 'error', meaning: 'a tab indents a line; YAML indents with spaces' },
  'yaml/tag-resolve-failed': {
    severity: 'either',
    meaning:
      'a tag that cannot be resolved, or does not fit its value (error), or that the YAML library does not know, so the value is read as if untagged (warning)',
  },
  'yaml/unexpected-token': {
    severity: 'error',
    meaning: 'something the syntax does not allow where it stands (a stray `]`, text after a block scalar header)',
  },

  'schema/unknown-key': {
    severity: 'error',
    meaning: 'a key the intent format does not have (a typo, or a setting in the wrong place)',
  },
  'schema/missing-key': { severity: 'error', meaning: "a required key is missing (a VRF's `table`)" },
  'schema/wrong-type': {
    severity: 'error',
    meaning: 'a value of the wrong type: text for a number, a list for a mapping, `yes`/`no` for true/false',
  },
  'schema/invalid-value': {
    severity: 'error',
    meaning: "a value that is not one of the words allowed there (`platform`, a route's `type`)",
  },
  'schema/out-of-range': {
    severity: 'error',
    meaning: 'a number outside its range (a table 1-4294967295, a VLAN id 1-4094)',
  },
  'schema/invalid': {
    severity: 'error',
    meaning: 'a value the schema refuses for a reason the other schema codes do not name (the message says which)',
  },

  'name/empty': { severity: 'error', meaning: 'an interface name (VRF, member, VLAN parent) is empty' },
  'name/invalid-char': {
    severity: 'error',
    meaning: 'an interface name has a character other than A-Z a-z 0-9 _ . -, or does not start with a letter or digit',
  },
  'name/too-long': { severity: 'error', meaning: "an interface name is longer than 15 bytes, the kernel's limit" },
  'name/reserved': { severity: 'error', meaning: 'an interface name the kernel reserves: `lo`, `all`, `default`' },

  'table/reserved': {
    severity: 'error',
    meaning: "a VRF's table is one of the kernel's own: 0 (unspec), 253 (default), 254 (main), 255 (local)",
  },
  'table/duplicate': { severity: 'error', meaning: 'two VRFs use the same routing table' },

  'member/in-two-vrfs': { severity: 'error', meaning: 'an interface is a member of two VRFs' },
  'member/is-vrf': { severity: 'error', meaning: 'a member has the name of a VRF' },
  'member/two-kinds': {
    severity: 'error',
    meaning: 'a member is given two kinds of link (two of vlan, bridge, bond, dummy, vxlan)',
  },

  'port/conflict': {
    severity: 'error',
    meaning:
      "a bridge's or bond's port is the master itself, a VRF, a VRF member, another master's port, a VLAN parent, or listed twice",
  },
  'bond/option-for-mode': {
    severity: 'error',
    meaning: "a bond option (primary, lacp-rate, transmit-hash-policy) that the bond's mode does not use",
  },
  'bond/primary-not-port': { severity: 'error', meaning: "a bond's `primary` is not one of its ports" },

  'vxlan/invalid-address': {
    severity: 'error',
    meaning: "a VXLAN's local, remote or group is not an IP address, or a group is not multicast (or a remote is)",
  },
  'vxlan/remote-and-group': { severity: 'error', meaning: 'a VXLAN has both a `remote` and a `group`' },
  'vxlan/family-mismatch': {
    severity: 'error',
    meaning: "a VXLAN's local address and its remote or group are of different families",
  },
  'vxlan/invalid-dev': { severity: 'error', meaning: "a VXLAN's underlay `dev` is the VXLAN itself or a VRF" },
  'vxlan/group-needs-dev': {
    severity: 'error',
    meaning: 'a VXLAN with a multicast `group` has no `dev` to join it on',
  },
  'vxlan/underlay-unconfigured': {
    severity: 'error',
    meaning:
      "a VXLAN's underlay `dev` is no member, port or VLAN parent, and `vlan-parents` does not name the file that configures it",
  },
  'vxlan/duplicate-vni': {
    severity: 'error',
    meaning: 'two VXLAN members use the same VNI on the same UDP port (the kernel refuses the second)',
  },

  'vlan/parent-is-self': { severity: 'error', meaning: 'a VLAN member is its own parent' },
  'vlan/parent-is-vrf': {
    severity: 'error',
    meaning: "a VLAN's parent is a VRF device; VLANs go on a physical link or a bond",
  },
  'vlan/stacked': { severity: 'error', meaning: "a VLAN's parent is a VLAN itself (stacked VLANs are not supported)" },
  'vlan/duplicate-id': { severity: 'error', meaning: 'two members are the same VLAN id on the same parent' },

  'vlan-parent/is-member': {
    severity: 'error',
    meaning: 'a `vlan-parents` entry is a VRF member, whose configuration vrfgen owns already',
  },
  'vlan-parent/unused': { severity: 'error', meaning: 'a `vlan-parents` entry carries no VLAN member' },
  'vlan-parent/invalid-file': {
    severity: 'error',
    meaning: "a VLAN parent's `networkd-file` is not a plain `.network` file name",
  },
  'vlan-parent/shared-file': { severity: 'error', meaning: 'two VLAN parents name the same `networkd-file`' },

  'address/invalid': {
    severity: 'error',
    meaning: 'an address of a member or of the VRF device is not an IP address with a prefix length',
  },
  'address/duplicate': { severity: 'error', meaning: 'one address twice in a VRF (on two members, or twice on one)' },
  'address/overlap': {
    severity: 'error',
    meaning: 'a subnet of one member of a VRF (or of the VRF device) overlaps a subnet of another',
  },

  'prefix/invalid': {
    severity: 'error',
    meaning:
      "a prefix (a route's `to`, a rule's `from` or `to`, a container subnet, a BGP range) is not an address with a prefix length",
  },
  'prefix/host-bits': { severity: 'error', meaning: 'a prefix has host bits set (192.0.2.1/24 for 192.0.2.0/24)' },

  'route/no-nexthop': { severity: 'error', meaning: 'a unicast route has neither a gateway (`via`) nor a `dev`' },
  'route/default-needs-family': {
    severity: 'error',
    meaning: '`to: default` without a gateway to tell IPv4 from IPv6; write 0.0.0.0/0 or ::/0',
  },
  'route/invalid-gateway': { severity: 'error', meaning: "a route's `via` is not an IP address" },
  'route/family-mismatch': {
    severity: 'error',
    meaning: "a route's gateway and destination are of different families",
  },
  'route/unreachable-gateway': {
    severity: 'error',
    meaning: "no member subnet holds a route's gateway (set `onlink: true` and `dev` if it is reachable anyway)",
  },
  'route/gateway-is-local': { severity: 'error', meaning: "a route's gateway is an address of this host" },
  'route/onlink-needs-dev': {
    severity: 'error',
    meaning: '`onlink: true` without both `dev` and a gateway address in `via` (not `dhcp` or `ra`)',
  },
  'route/no-dynamic-gateway': {
    severity: 'error',
    meaning:
      'a route `via: dhcp` (or `ra`) names no member with dhcp4 (accept-ra), or several without a `dev` to choose one',
  },
  'route/dev-not-member': { severity: 'error', meaning: "a route's `dev` is not a member of its VRF" },
  'route/unexpected-nexthop': {
    severity: 'error',
    meaning: 'a blackhole, unreachable or prohibit route has a gateway, a `dev` or `onlink`',
  },
  'route/duplicate': {
    severity: 'error',
    meaning: 'two routes to the same destination with the same metric in one table',
  },

  'rule/no-selector': {
    severity: 'error',
    meaning: 'a routing rule has none of `from`, `to`, `iif`, `oif`, so it would match all traffic',
  },
  'rule/family-mismatch': { severity: 'error', meaning: "a rule's `from` and `to` are of different families" },
  'rule/duplicate': { severity: 'error', meaning: 'the same rule twice in one VRF' },

  'sysctl/accept-all-vrfs': {
    severity: 'warning',
    meaning:
      '`tcp_l3mdev_accept` or `udp_l3mdev_accept` is on: sockets in the default VRF accept traffic arriving in every VRF',
  },

  'service/invalid-name': {
    severity: 'error',
    meaning: 'a service is not a unit name vrfgen can bind (its characters, or longer than 255)',
  },
  'service/unsupported-type': {
    severity: 'error',
    meaning: 'a unit other than a .service or .socket (a timer, a mount), which runs no process to bind',
  },
  'service/template': { severity: 'error', meaning: 'a template unit (`name@.service`) without an instance name' },
  'service/exec-start-invalid': {
    severity: 'error',
    meaning:
      'an `exec-start` line cannot go into a unit file: empty, a control character, an open quote, an unknown `%` specifier',
  },
  'service/duplicate': {
    severity: 'error',
    meaning: 'a service listed twice in one VRF, also under an alias of the unit',
  },
  'service/two-vrfs': {
    severity: 'error',
    meaning: 'a service bound to two VRFs, also under an alias or through the socket that starts it',
  },
  'service/unit-not-found': {
    severity: 'error',
    meaning:
      "a listed unit is neither under the root read nor in the platform's table of well-known units: its drop-in would never load",
  },
  'service/exec-start-unknown': {
    severity: 'error',
    meaning:
      "vrfgen needs a service's ExecStart= lines and has none (its unit file lacks them, or no tree was read and the table lacks the unit); give `exec-start`",
  },
  'service/exec-start-unwrappable': {
    severity: 'error',
    meaning:
      'an ExecStart= line cannot run through `ip vrf exec`: it runs `ip vrf exec` already, has a lone `;`, an `@` or `|` prefix, a control character',
  },
  'service/exec-start-unused': {
    severity: 'warning',
    meaning: '`exec-start` is not used: for a socket, or on systemd 260 or newer, which binds the whole unit',
  },
  'service/masked': { severity: 'error', meaning: 'the unit is masked under the root; systemd will not start it' },
  'service/per-connection': {
    severity: 'error',
    meaning: 'a per-connection service (`StandardInput=socket`); list the .socket unit that starts it instead',
  },
  'service/private-network': {
    severity: 'error',
    meaning:
      'the unit runs in another network namespace (`PrivateNetwork=`, `NetworkNamespacePath=`), where the VRF does not exist',
  },
  'service/protect-control-groups': {
    severity: 'error',
    meaning: '`ProtectControlGroups=` makes the cgroup tree read-only, and `ip vrf exec` must create a cgroup',
  },
  'service/capabilities': {
    severity: 'error',
    meaning: '`CapabilityBoundingSet=` or `PrivateUsers=` leaves `ip vrf exec` without the capabilities it needs',
  },
  'service/address-families': {
    severity: 'error',
    meaning: '`RestrictAddressFamilies=` forbids AF_NETLINK, which `ip vrf exec` uses',
  },
  'service/user': {
    severity: 'error',
    meaning: '`User=` or `DynamicUser=` runs ExecStart= without the privileges `ip vrf exec` needs',
  },
  'service/type': {
    severity: 'error',
    meaning:
      "the unit's `Type=` allows one ExecStart= line and it has more, or is a type `ip vrf exec` is not known to work under",
  },
  'service/overridden': {
    severity: 'error',
    meaning: "a drop-in that sorts after vrfgen's sets the same key and would undo the binding",
  },

  'container/invalid-name': {
    severity: 'error',
    meaning: "a container network name podman refuses, or one of podman's own (a network mode, its default network)",
  },
  'container/duplicate-network': { severity: 'error', meaning: 'one container network in two VRFs' },
  'container/bridge-too-long': {
    severity: 'error',
    meaning: "a network's default bridge name is longer than 15 bytes; set `bridge`",
  },
  'container/bridge-in-use': {
    severity: 'error',
    meaning: "a network's bridge is an interface of the intent or another network's bridge",
  },
  'container/subnet-too-small': {
    severity: 'error',
    meaning: "a network's subnet has no room for a gateway and containers",
  },
  'container/subnet-overlap': {
    severity: 'error',
    meaning: "a network's subnet overlaps a member subnet of its VRF or another network's subnet",
  },
  'container/invalid-gateway': {
    severity: 'error',
    meaning:
      "a network's gateway is not an IP address, not in its subnet, or the subnet's network or broadcast address",
  },
  'container/podman-default-subnet': {
    severity: 'warning',
    meaning:
      "a network's subnet overlaps 10.88.0.0/16, podman's default network, which `podman network create` refuses",
  },

  'bgp/asn-range': {
    severity: 'error',
    meaning: 'a reserved ASN as `asn` or `remote-as` (0, 23456, 65535, 4294967295)',
  },
  'bgp/router-id-invalid': { severity: 'error', meaning: '`router-id` is not an IPv4 address' },
  'bgp/peer-invalid': {
    severity: 'error',
    meaning: 'a neighbor that is not an IP address, or an IPv6 link-local one (it would need an interface)',
  },
  'bgp/min-peers-over-limit': {
    severity: 'error',
    meaning: "a listen range's min-peers is more than its limit of dynamic neighbours",
  },
  'bgp/peer-duplicate': { severity: 'error', meaning: 'a neighbor listed twice, or two listen ranges that overlap' },
  'bgp/peer-unreachable': {
    severity: 'error',
    meaning: "no member subnet, address prefix or `routes:` entry of the VRF reaches a neighbor's address",
  },
  'bgp/peer-is-local': { severity: 'error', meaning: "a neighbor's address is an address of this host" },
  'bgp/range-unreachable': {
    severity: 'error',
    meaning:
      'no member subnet, address prefix or `routes:` entry of the VRF holds a listen range whole, so no peer could reach the listener',
  },
  'bgp/multihop-missing': {
    severity: 'error',
    meaning: 'an eBGP peer or range reached through a route, not a member subnet, without `multihop`',
  },
  'bgp/multihop-ibgp': {
    severity: 'warning',
    meaning: '`multihop` on an iBGP session, which is multihop already; it is not written',
  },
  'bgp/reflector-client-external': {
    severity: 'error',
    meaning: '`route-reflector-client` on an eBGP session; FRR takes it for iBGP peers only',
  },
  'bgp/update-source-unknown': { severity: 'error', meaning: '`update-source` is not a member of the VRF' },
  'bgp/update-source-family': {
    severity: 'error',
    meaning: "the `update-source` member has no address of the session's family",
  },
  'bgp/accept-lengths': {
    severity: 'error',
    meaning:
      "an accepted prefix's `min-length` is greater than its `max-length`, shorter than the prefix, or longer than the family allows (32, 128)",
  },
  'bgp/accept-family': {
    severity: 'error',
    meaning: "an accepted prefix of the other family than the session's",
  },
  'bgp/announce-unknown': {
    severity: 'error',
    meaning:
      "an `announce` prefix the VRF's table does not hold exactly (not a member subnet, address prefix or `routes:` destination)",
  },
  'bgp/password-twice': { severity: 'error', meaning: 'both `password` and `password-file` for one peer' },
  'bgp/password-unreadable': { severity: 'error', meaning: 'a `password-file` cannot be read' },
  'bgp/password-invalid': {
    severity: 'error',
    meaning: 'a password that is empty, holds white space or control characters, or is longer than 80 bytes',
  },
  'bgp/password-inline': {
    severity: 'warning',
    meaning: 'a password written in the intent; keep it in a `password-file` readable by root only',
  },
  'bgp/import-self': { severity: 'error', meaning: 'a VRF imports its own routes' },
  'bgp/import-unknown-vrf': { severity: 'error', meaning: 'a VRF imports routes from a VRF the intent does not have' },
  'bgp/import-without-bgp': { severity: 'error', meaning: 'a VRF imports routes from a VRF without a `bgp` section' },
  'bgp/import-asn-mismatch': {
    severity: 'error',
    meaning:
      "VRFs that import routes have different ASNs, on an FRR (before 10.2) that leaks without the source VRF's ASN",
  },
  'bgp/import-duplicate': { severity: 'error', meaning: 'a VRF is imported twice, once with `only:`' },
  'bgp/import-matches-nothing': {
    severity: 'error',
    meaning: "an `only:` prefix of an import that no route of the imported VRF's BGP can lie in",
  },
  'bgp/redistribute-without-ospf': {
    severity: 'error',
    meaning: '`redistribute: [ospf]` in a VRF without an `ospf` section',
  },
  'bgp/nothing-to-redistribute': {
    severity: 'warning',
    meaning: '`redistribute: static` in a VRF without routes of its own',
  },
  'bgp/nothing-to-export': {
    severity: 'warning',
    meaning: '`export: own` on a session whose family the VRF originates no prefix of: nothing is announced to it',
  },

  'ospf/router-id-invalid': { severity: 'error', meaning: "OSPF's `router-id` is not an IPv4 address" },
  'ospf/interface-unknown': { severity: 'error', meaning: 'an OSPF interface is not a member of the VRF' },
  'ospf/interface-no-ipv4': {
    severity: 'error',
    meaning: 'an OSPF interface has no IPv4 address (static or by DHCP) for OSPFv2 to run on',
  },
  'ospf/interface-no-ipv6': {
    severity: 'warning',
    meaning: 'with `ipv6`, an OSPF interface without an IPv6 address: OSPFv3 is not written for it',
  },
  'ospf/area-invalid': {
    severity: 'error',
    meaning: 'an OSPF area is neither a number nor dotted like an IPv4 address',
  },
  'ospf/dead-interval': {
    severity: 'error',
    meaning: "an OSPF interface's dead-interval is not longer than its hello-interval",
  },
  'ospf/redistribute-without-bgp': {
    severity: 'error',
    meaning: '`redistribute: [bgp]` in OSPF of a VRF without a `bgp` section',
  },
  'ospf/nothing-to-redistribute': {
    severity: 'warning',
    meaning: 'OSPF `redistribute: static` in a VRF without routes of its own',
  },

  'bfd/profile-name': { severity: 'error', meaning: 'a BFD profile name is not 1-63 bytes of `[A-Za-z0-9_.-]`' },
  'bfd/profile-unknown': { severity: 'error', meaning: '`bfd:` names a profile that `bfd-profiles` does not define' },
  'bfd/profile-unused': { severity: 'warning', meaning: 'a BFD profile nothing names' },

  'generate/service-not-bound': {
    severity: 'warning',
    meaning: 'a VRF lists services, but the run has no services target to bind them',
  },
  'generate/containers-not-attached': {
    severity: 'warning',
    meaning: 'a VRF lists container networks, but the run has no netavark target to write them',
  },
  'generate/not-included': {
    severity: 'warning',
    meaning:
      "a stack reads vrfgen's file only through a file of its own that does not pull it in (`source` in /etc/network/interfaces, `bgpd=yes` in /etc/frr/daemons)",
  },
  'generate/foreign-conflict': {
    severity: 'error',
    meaning:
      'another file of the chosen stack under the root declares a link or VRF vrfgen declares, and the stack refuses the configuration or keeps only one of the two definitions',
  },
  'generate/foreign-overlap': {
    severity: 'warning',
    meaning:
      'another file of the chosen stack under the root declares a link or VRF vrfgen declares, and the stack applies both',
  },
  'generate/foreign-unreadable': {
    severity: 'warning',
    meaning:
      "a file of the chosen stack under the root cannot be read or parsed, so vrfgen cannot tell whether it declares vrfgen's links too",
  },

  'networkmanager/rule-without-priority': {
    severity: 'error',
    meaning: 'a routing rule without `priority`, which NetworkManager ignores',
  },
  'networkmanager/learned-gateway': {
    severity: 'error',
    meaning:
      'a route through the gateway a DHCP lease or a router advertisement names (`via: dhcp`, `via: ra`), which NetworkManager has no key for',
  },

  'netavark/vrf-unsupported': {
    severity: 'error',
    meaning: 'container networks on a platform whose netavark (older than 1.8) or CNI ignores the vrf option',
  },

  'ifupdown/vlan-name': {
    severity: 'error',
    meaning: 'a VLAN member named PARENT.ID for another parent or id; classic ifupdown makes the VLAN from the name',
  },
  'ifupdown/ra-gateway': {
    severity: 'error',
    meaning: 'a route `via: ra`, which classic ifupdown cannot route through the advertising router',
  },
  'ifupdown2/ra-gateway': {
    severity: 'error',
    meaning: 'a route `via: ra`, which ifupdown2 cannot route through the advertising router',
  },
  'ifupdown2/vxlan-ipv6': {
    severity: 'error',
    meaning:
      "a VXLAN member with an IPv6 `local`, `remote` or `group`, which ifupdown2 3.0's vxlan addon cannot create",
  },
  'ifupdown2/vxlan-no-local': {
    severity: 'warning',
    meaning:
      "a VXLAN member without `local`, which ifupdown2 3.0 gives another VXLAN's local address, or whose file its syntax check refuses when no VXLAN has one",
  },
  'ifupdown2/vxlan-vni': {
    severity: 'error',
    meaning: "a VXLAN member with VNI 16777215, outside the `vxlan-id` range of ifupdown2's syntax check (1-16777214)",
  },

  'import/not-expressible': {
    severity: 'warning',
    meaning:
      'a setting of the imported files or state that the intent has no words for; it is left out of the imported intent, named in a comment there',
  },
  'import/unparsable': {
    severity: 'error',
    meaning: 'a file of the stack being imported cannot be parsed; nothing is imported',
  },
  'import/unknown-stanza': {
    severity: 'error',
    meaning: 'an interfaces(5) line that is no stanza ifup knows (`iface`, `auto`, `source`…); nothing is imported',
  },
  'import/vrf-without-table': {
    severity: 'error',
    meaning:
      'the imported files declare a VRF without a routing table (or one that is not a number); nothing is imported',
  },
  'import/no-files': {
    severity: 'error',
    meaning: 'the root holds no file of the stack being imported, or the state folder no probe output',
  },
  'import/invalid-result': {
    severity: 'error',
    meaning:
      'the intent made from the imported files does not validate (its own diagnostics follow, at the imported files); nothing is written',
  },

  'write/foreign-file': {
    severity: 'error',
    meaning: 'a file at a vrfgen path was not written by vrfgen; it is kept unless `--force`',
  },
  'write/outside-root': {
    severity: 'error',
    meaning: 'a symlink under `--root` leads out of it; vrfgen neither writes nor removes through it',
  },
  'write/unknown-owner': {
    severity: 'warning',
    meaning: "a file's own owner is not in the passwd or group file under the root; it is written root:root",
  },

  'io/read': {
    severity: 'error',
    meaning: 'vrfgen cannot read the intent, the tree under `--root`, or the `--state` folder to check (exit 2)',
  },
  'io/write': {
    severity: 'error',
    meaning: 'vrfgen cannot write the tree under `--root`, or the folder `collect` stores into (exit 2)',
  },
} satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof CODES;

type CodesWith<S extends Severity> = {
  [C in DiagnosticCode]: (typeof CODES)[C]['severity'] extends S | 'either' ? C : never;
}[DiagnosticCode];

/** The codes error() takes. */
export type ErrorCode = CodesWith<'error'>;
/** The codes warning() takes. */
export type WarningCode = CodesWith<'warning'>;
