/**
 * Generated intents for the property tests: built as data, mostly the way a person would write one
 * (so that a good share resolves and every target renders), with each string field, number and key
 * replaced by a hostile value at a rate chosen per intent, then serialised with the `yaml` package —
 * and sometimes the text itself damaged afterwards. Every field of the schema is covered.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { platformNames } from '../../../src/platforms/platforms.ts';

/** Strings that have broken a config file somewhere: line, section and key syntax, quoting,
 *  expansions, escapes, lookalikes, invisible characters, length, path syntax. */
export const HOSTILE = [
  '\n',
  '\r',
  '\u0000',
  '[',
  ']',
  '=',
  '#',
  ';',
  '"',
  "'",
  '$',
  '%',
  '\\',
  '\t',
  ' ',
  'a\n[Route]\nGateway=1.2.3.4',
  'x\rX=1',
  'e;reboot',
  '$(reboot)',
  '${HOME}',
  '%i',
  '%%',
  '%Z',
  'a\\',
  '\\x2d',
  '\\;',
  'еth0',
  'ｅｔｈ０',
  'eth\u200b0',
  'eth\u202e0',
  'eth\u00a00',
  'eth\u2028x',
  '..',
  '../../etc/passwd',
  '/',
  'a/b',
  '.hidden',
  'e'.repeat(16),
  'x'.repeat(300),
  '',
  '-',
  '@',
  '*',
  'lo',
  'all',
  'default',
  '10.0.0.1/24\n[Route]',
  '10.0.0.1/24 ',
  '10.9.0.1/16',
  '１0.0.0.1/24',
  '10.0.0.1/024',
  '2001:db8::1%eth0/64',
  'ssh.service\nExecStart=/bin/sh',
];

/** A hostile string: one of the list, or random characters drawn mostly from the dangerous ones. */
const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({
    unit: fc.constantFrom(...'ab09._-:@/\\;#=[]"\'$%{} \n\r\t\u0000еｅ\u200b\u202e'.split('')),
    maxLength: 24,
  }),
);

/** Numbers past what a field holds, and things that are not numbers. */
const hostileNumber = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    253,
    254,
    255,
    4094,
    4095,
    2 ** 31,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 53 + 2,
    1e20,
    1.5,
    -0.5,
    Infinity,
    NaN,
  ),
  fc.constantFrom<unknown>('10', true, null, [], {}),
);

/** `valid`, or at `rate` percent a hostile value. */
const or = <T>(rate: number, valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  rate === 0 ? valid : fc.oneof({ weight: 100 - rate, arbitrary: valid }, { weight: rate, arbitrary: hostile });

const NAMES = [
  'eth0',
  'eth1',
  'eth2',
  'bond0',
  'mgmt',
  'blue',
  'red',
  'a',
  'a.b',
  'x-y',
  'e_1',
  '0',
  'v10.20',
  'eth0.7',
  'oob-mgmt',
  'abcdefghijklmno',
];
const ifname = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/) },
);

const PREFIXES = {
  4: ['0.0.0.0/0', '192.168.0.0/16', '198.51.100.0/24', '203.0.113.7/32', '10.9.0.0/16'],
  6: ['::/0', '2001:db8:ffff::/48', '2001:db8::/32', '2001:db8:1::1/128'],
};

/** Command lines with every character unit-file syntax gives meaning to. */
const execLine = fc
  .tuple(
    fc.constantFrom('', '', '-', '+', ':', '!', '!!', '-+', '@', '|'),
    fc.constantFrom('/usr/bin/agent', '/usr/sbin/daemon', 'agent', '/sbin/ip vrf exec x /bin/a'),
    fc.array(
      fc.oneof(
        {
          weight: 8,
          arbitrary: fc.constantFrom(
            '--flag',
            '-x',
            '"a b"',
            "'c d'",
            '$VAR',
            '${VAR}',
            '%i',
            '%%',
            '%n',
            '\\;',
            'a;b',
            '";"',
            '#x',
            'k=v',
            '[y]',
            '\\"',
            '&&',
            '|',
            '>',
            '*',
            'a\\b',
          ),
        },
        { weight: 1, arbitrary: fc.constantFrom(';', "it's", '"', '%Z', 'x\\') },
        {
          weight: 1,
          arbitrary: fc.string({ unit: fc.constantFrom(...'abc/-=;#$%"\'\\ []{}'.split('')), maxLength: 8 }),
        },
      ),
      { maxLength: 5 },
    ),
  )
  .map(([prefix, cmd, args]) => [prefix + cmd, ...args].join(' '));

const service = (rate: number, n: number) =>
  fc.oneof(
    or(
      rate,
      fc.constantFrom(
        'ssh',
        'ssh.service',
        'sshd',
        'snmpd',
        'chrony',
        'chronyd',
        'ssh.socket',
        'ssh@x.service',
        'sshd@x.service',
        'unknown.service',
      ),
      hostileString,
    ),
    fc.record({
      unit: or(rate, fc.constant(`svc${n}.service`), hostileString),
      'exec-start': fc.array(or(rate, execLine, hostileString), { minLength: 1, maxLength: 3 }),
    }),
  );

/** One VRF, the i-th: members with addresses in 10.i.j.0/24 (and 2001:db8:i:j::/64), gateways there. */
function vrf(rate: number, i: number) {
  const nums = (valid: fc.Arbitrary<number>) => or(rate, valid, hostileNumber);
  return fc.integer({ min: 0, max: 3 }).chain((k) => {
    const member =
      k === 0
        ? ifname
        : fc.oneof(
            { weight: 4, arbitrary: fc.integer({ min: 0, max: k - 1 }).map((j) => `m${i}x${j}`) },
            { weight: 1, arbitrary: ifname },
          );
    // A route through member j's subnet (IPv4 or IPv6), or an off-subnet gateway with onlink and dev.
    const gatewayRoute = fc
      .tuple(fc.integer({ min: 0, max: Math.max(k - 1, 0) }), fc.constantFrom<4 | 6>(4, 6), fc.boolean(), fc.boolean())
      .chain(([j, f, withDev, onlink]) =>
        fc.record(
          {
            to: or(rate, fc.constantFrom(...PREFIXES[f], 'default'), hostileString),
            via: or(
              rate,
              fc.constant(
                onlink ? (f === 4 ? '192.0.2.1' : 'fe80::1') : f === 4 ? `10.${i}.${j}.254` : `2001:db8:${i}:${j}::fe`,
              ),
              hostileString,
            ),
            ...(withDev || onlink
              ? {
                  dev: or(
                    rate,
                    fc.oneof({ weight: 10, arbitrary: fc.constant(`m${i}x${j}`) }, { weight: 1, arbitrary: ifname }),
                    hostileString,
                  ),
                }
              : {}),
            ...(onlink ? { onlink: fc.constant(true) } : {}),
            metric: nums(fc.integer({ min: 0, max: 2 ** 32 - 1 })),
          },
          {
            requiredKeys: [
              'to',
              'via',
              ...(withDev || onlink ? ['dev' as const] : []),
              ...(onlink ? ['onlink' as const] : []),
            ],
          },
        ),
      );
    // Through the gateway a member's lease (`dhcp`) or router advertisement (`ra`) names.
    const learnedRoute = fc.constantFrom<4 | 6>(4, 6).chain((f) =>
      fc.record(
        {
          to: or(rate, fc.constantFrom(...PREFIXES[f], 'default'), hostileString),
          via: or(rate, fc.constant(f === 4 ? 'dhcp' : 'ra'), hostileString),
          dev: or(rate, member, hostileString),
        },
        { requiredKeys: ['to', 'via'] },
      ),
    );
    const typedRoute = fc.record(
      {
        to: or(rate, fc.constantFrom(...PREFIXES[4], ...PREFIXES[6]), hostileString),
        type: or(rate, fc.constantFrom('blackhole', 'unreachable', 'prohibit'), hostileString),
        metric: nums(fc.integer({ min: 0, max: 2 ** 32 - 1 })),
      },
      { requiredKeys: ['to', 'type'] },
    );
    // A member is mostly an existing link or a VLAN; sometimes a bridge or bond over ports of its
    // own (p<i>x<j>a, …b), a dummy or a VXLAN; and its addresses may come by DHCP or RA.
    const kindOf = (j: number): fc.Arbitrary<Record<string, unknown>> => {
      const port = (c: string) =>
        or(
          rate,
          fc.oneof({ weight: 6, arbitrary: fc.constant(`p${i}x${j}${c}`) }, { weight: 1, arbitrary: ifname }),
          hostileString,
        );
      return fc.oneof(
        { weight: 6, arbitrary: fc.constant({}) },
        {
          weight: 3,
          arbitrary: fc.record({
            vlan: fc.record({
              parent: or(rate, fc.constantFrom('eth0', 'eth0', 'bond0', 'eth9', `m${i}x${j + 1}`), hostileString),
              id: nums(fc.integer({ min: 1, max: 4094 })),
            }),
          }),
        },
        {
          weight: 1,
          arbitrary: fc.record({
            bridge: fc.record(
              { ports: fc.tuple(port('a'), port('b')).chain((ps) => fc.subarray(ps)), stp: fc.boolean() },
              { requiredKeys: ['ports'] },
            ),
          }),
        },
        {
          weight: 1,
          // The options each mode uses, mostly (bond/option-for-mode otherwise).
          arbitrary: fc.constantFrom('active-backup', '802.3ad', 'balance-xor', 'balance-rr').chain((mode) =>
            fc.record({
              bond: fc.record(
                {
                  mode: or(rate, fc.constant(mode), hostileString),
                  ports: fc.tuple(port('a'), port('b')),
                  miimon: nums(fc.integer({ min: 0, max: 10000 })),
                  ...(mode === 'active-backup' ? { primary: or(rate, fc.constant(`p${i}x${j}a`), hostileString) } : {}),
                  ...(mode === '802.3ad'
                    ? { 'lacp-rate': or(rate, fc.constantFrom('slow', 'fast'), hostileString) }
                    : {}),
                  ...(mode === '802.3ad' || mode === 'balance-xor'
                    ? {
                        'transmit-hash-policy': or(
                          rate,
                          fc.constantFrom('layer2', 'layer3+4', 'encap2+3'),
                          hostileString,
                        ),
                      }
                    : {}),
                },
                { requiredKeys: ['mode', 'ports'] },
              ),
            }),
          ),
        },
        { weight: 1, arbitrary: fc.constant({ dummy: {} }) },
        {
          weight: 1,
          arbitrary: fc.record({
            vxlan: fc.oneof(
              fc.record(
                {
                  vni: nums(fc.constant(100 * (i + 1) + j)),
                  local: or(rate, fc.constant(`10.254.${i}.1`), hostileString),
                  remote: or(rate, fc.constant(`10.254.${i}.${j + 2}`), hostileString),
                  port: nums(fc.constantFrom(4789, 8472)),
                  learning: fc.boolean(),
                },
                { requiredKeys: ['vni'] },
              ),
              fc.record({
                vni: nums(fc.constant(100 * (i + 1) + j)),
                group: or(rate, fc.constant('239.1.1.1'), hostileString),
                dev: or(rate, fc.constantFrom('eth9', 'eth0'), hostileString),
              }),
            ),
          }),
        },
      );
    };
    const memberOf = (j: number) =>
      fc
        .tuple(
          kindOf(j),
          fc.record(
            {
              addresses: fc
                .tuple(
                  or(rate, fc.constant(`10.${i}.${j}.1/24`), hostileString),
                  or(rate, fc.constant(`2001:db8:${i}:${j}::1/64`), hostileString),
                  or(rate, fc.constant(`10.${i}.${j}.2/24`), hostileString),
                )
                .chain(([v4, v6, second]) =>
                  fc.constantFrom([v4, v6], [v4, v6], [v4, v6], [v4], [v6], [], [v4, second]),
                ),
              dhcp4: fc.boolean(),
              dhcp6: fc.boolean(),
              'accept-ra': fc.boolean(),
            },
            { requiredKeys: [] },
          ),
        )
        .map(([kind, rest]) => ({ ...kind, ...rest }));
    const fields = fc.record(
      {
        table: nums(fc.oneof(fc.constant(1000 + i), fc.integer({ min: 1, max: 2 ** 32 - 1 }))),
        isolate: fc.boolean(),
        addresses: fc
          .subarray([
            or(rate, fc.constant('127.0.0.1/8'), hostileString),
            or(rate, fc.constant('::1/128'), hostileString),
            or(rate, fc.constant(`10.250.${i}.1/32`), hostileString),
          ])
          .chain((as) => fc.tuple(...as)),
        interfaces: fc
          .tuple(
            ...Array.from({ length: k }, (_, j) =>
              fc.tuple(
                or(
                  rate,
                  fc.oneof({ weight: 5, arbitrary: fc.constant(`m${i}x${j}`) }, { weight: 1, arbitrary: ifname }),
                  hostileString,
                ),
                fc.option(memberOf(j), { freq: 4 }),
              ),
            ),
          )
          .map((ms) => Object.fromEntries(ms)),
        routes: fc.array(
          k > 0
            ? fc.oneof(
                { weight: 3, arbitrary: gatewayRoute },
                { weight: 3, arbitrary: typedRoute },
                { weight: 1, arbitrary: learnedRoute },
              )
            : typedRoute,
          { maxLength: 3 },
        ),
        rules: fc.array(
          fc.constantFrom(4, 6).chain((f) =>
            fc.record(
              {
                from: or(rate, fc.constantFrom(...PREFIXES[f]), hostileString),
                to: or(rate, fc.constantFrom(...PREFIXES[f]), hostileString),
                iif: or(rate, fc.oneof(member, ifname), hostileString),
                oif: or(rate, fc.oneof(member, ifname), hostileString),
                family: or(
                  rate,
                  fc.oneof(
                    { weight: 5, arbitrary: fc.constant(f === 4 ? 'ipv4' : 'ipv6') },
                    { weight: 1, arbitrary: fc.constantFrom('ipv4', 'ipv6', 'both') },
                  ),
                  hostileString,
                ),
                priority: nums(fc.integer({ min: 1, max: 2 ** 32 - 1 })),
              },
              { requiredKeys: [] },
            ),
          ),
          { maxLength: 2 },
        ),
        // Podman networks: mostly their own subnet, sometimes one inside podman's default network's
        // (10.88.0.0/16: a warning, and written), sometimes one that clashes with a member's or another's.
        containers: fc.array(
          fc
            .tuple(fc.constantFrom<4 | 6>(4, 6), fc.constantFrom(`10.${100 + i}.0`, `10.${100 + i}.0`, `10.88.${i}`))
            .chain(([f, net]) =>
              fc.record(
                {
                  network: or(
                    rate,
                    fc.oneof(
                      { weight: 8, arbitrary: fc.constant(`net${i}`) },
                      { weight: 1, arbitrary: fc.constantFrom(`n${i}.x_y-z`, 'net0', 'podman', 'abcdefghijklmn') },
                    ),
                    hostileString,
                  ),
                  subnet: or(
                    rate,
                    fc.oneof(
                      { weight: 8, arbitrary: fc.constant(f === 4 ? `${net}.0/24` : `fd00:${i}::/64`) },
                      { weight: 1, arbitrary: fc.constantFrom(`10.${i}.0.0/24`, '10.200.0.0/16', '10.201.0.0/31') },
                    ),
                    hostileString,
                  ),
                  gateway: or(
                    rate,
                    fc.oneof(
                      { weight: 6, arbitrary: fc.constant(f === 4 ? `${net}.254` : `fd00:${i}::fe`) },
                      { weight: 1, arbitrary: fc.constantFrom('10.200.0.0', `10.${100 + i}.0.255`) },
                    ),
                    hostileString,
                  ),
                  bridge: or(rate, fc.oneof(fc.constant(`b${i}`), ifname), hostileString),
                },
                { requiredKeys: ['network', 'subnet'] },
              ),
            ),
          { maxLength: 1 },
        ),
        // Distinct entries mostly (the same unit twice is one error, tested once is enough).
        services: fc.uniqueArray(service(rate, i), {
          maxLength: 2,
          selector: (x) =>
            String(typeof x === 'object' && x !== null ? (x as { unit: unknown }).unit : x).replace(/\.service$/, ''),
        }),
      },
      { requiredKeys: ['table'] },
    );
    return fields.chain((v) =>
      bgp(rate, i, subnetsOf(i, v.interfaces), Object.keys((v.interfaces ?? {}) as object)).map((b) =>
        b === undefined ? v : { ...v, bgp: b },
      ),
    );
  });
}

/** The j of each member with the address 10.i.j.1/24: the subnets a BGP peer of VRF i can be in. */
function subnetsOf(i: number, interfaces: unknown): number[] {
  return Object.values((interfaces ?? {}) as Record<string, unknown>).flatMap((cfg) =>
    ((cfg as { addresses?: unknown[] } | null)?.addresses ?? []).flatMap((a) => {
      const m = new RegExp(`^10\\.${i}\\.(\\d+)\\.1/24$`).exec(String(a));
      return m ? [Number(m[1])] : [];
    }),
  );
}

/**
 * VRF i's bgp section, or none (mostly, and always without a member subnet). Peers and listen ranges
 * mostly in a member subnet (`subnets`), sometimes off them; inline keys, since a password-file would
 * have to exist beside the generated intent. Every bgp error drops the whole intent's model.
 */
function bgp(rate: number, i: number, subnets: readonly number[], members: readonly string[]): fc.Arbitrary<unknown> {
  // Without a member subnet every peer would be refused, which the off-subnet ones test already.
  if (subnets.length === 0) return fc.constant(undefined);
  const nums = (valid: fc.Arbitrary<number>) => or(rate, valid, hostileNumber);
  const peer = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...subnets.map((j) => `10.${i}.${j}.2`)) },
    { weight: 1, arbitrary: fc.constantFrom(`10.${i}.0.2`, `10.${i}.1.2`, `fd00:${i}::2`, 'fe80::2') },
  );
  const range = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.constantFrom(
        ...subnets.flatMap((j) => [`10.${i}.${j}.0/25`, `10.${i}.${j}.128/25`, `10.${i}.${j}.0/24`]),
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom(`10.${i}.0.0/25`, `10.${i}.1.0/24`, `fd00:${i}::/120`) },
  );
  // Filters that fit the session mostly; min > max, and an IPv6 filter on an IPv4 session, are errors.
  const accept = fc
    .oneof(
      {
        weight: 6,
        arbitrary: fc.constantFrom<[string, [number, number]]>(
          ['10.200.0.0/16', [29, 32]],
          ['10.200.0.0/16', [16, 32]],
          ['192.0.2.0/24', [24, 24]],
          ['0.0.0.0/0', [16, 32]],
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom<[string, [number, number]]>(
          ['10.200.0.0/16', [30, 29]],
          ['2001:db8:200::/48', [64, 64]],
        ),
      },
    )
    .chain(([prefix, [min, max]]) =>
      fc.record({
        prefix: or(rate, fc.constant(prefix), hostileString),
        'min-length': nums(fc.constant(min)),
        'max-length': nums(fc.constant(max)),
      }),
    );
  // What a session may set besides its peer, its AS and its key: on one session in three, so that
  // most intents still resolve (a reflector client in another AS, or a filter of the other family,
  // is an error that drops the model).
  const policy = fc.oneof(
    { weight: 2, arbitrary: fc.constant({}) },
    {
      weight: 1,
      arbitrary: fc.record(
        {
          multihop: nums(fc.constantFrom(2, 4)),
          'update-source': or(
            rate,
            members.length
              ? fc.oneof(
                  { weight: 5, arbitrary: fc.constantFrom(...members) },
                  { weight: 1, arbitrary: fc.constant('nowhere0') },
                )
              : fc.constant('nowhere0'),
            hostileString,
          ),
          'route-reflector-client': fc.boolean(),
          'default-originate': fc.boolean(),
          export: or(rate, fc.constantFrom<unknown>('none', 'own', 'all'), hostileString),
          bfd: fc.boolean(),
          accept,
        },
        { requiredKeys: [] },
      ),
    },
  );
  const withPolicy = <T extends object>(session: fc.Arbitrary<T>): fc.Arbitrary<T> =>
    session.chain((x) => policy.map((p): T => ({ ...x, ...p })));
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.record(
        {
          asn: nums(fc.constantFrom(65000, 65000, 64512, 4200000000)),
          'router-id': or(rate, fc.constantFrom(`10.${i}.0.1`, '192.0.2.1'), hostileString),
          neighbors: fc.array(
            withPolicy(
              fc.record(
                {
                  address: or(rate, peer, hostileString),
                  'remote-as': or(rate, fc.constantFrom<unknown>('internal', 'external', 65001, 65000), hostileString),
                  password: or(rate, fc.constantFrom('s3cret', 'k#!ey$', '%i;x'), hostileString),
                },
                { requiredKeys: ['address', 'remote-as'] },
              ),
            ),
            { maxLength: 1 },
          ),
          // Ranges in distinct /24s mostly (overlapping ones are one error, tested often enough).
          listen: fc.uniqueArray(
            withPolicy(
              fc.record(
                {
                  range: or(rate, range, hostileString),
                  'remote-as': or(rate, fc.constantFrom<unknown>('internal', 'external', 65002), hostileString),
                  password: or(rate, fc.constantFrom('s3cret', 'k#!ey$'), hostileString),
                  accept,
                  limit: nums(fc.integer({ min: 1, max: 65535 })),
                },
                { requiredKeys: ['range', 'remote-as'] },
              ),
            ),
            { maxLength: 2, selector: (l) => String(l.range).split('.').slice(0, 3).join('.') },
          ),
          // Mostly member subnets; a host address of one or a prefix nowhere in the table is an error.
          announce: fc.oneof(
            { weight: 6, arbitrary: fc.subarray(subnets.map((j) => `10.${i}.${j}.0/24`)) },
            { weight: 1, arbitrary: fc.subarray([`10.${i}.0.1/32`, '192.0.2.0/24']) },
          ),
          redistribute: fc.subarray(['connected', 'static']),
          'import-vrfs': fc.oneof(
            { weight: 3, arbitrary: fc.constant([]) },
            { weight: 1, arbitrary: fc.subarray(['vrf0', 'vrf1', 'vrf2']) },
          ),
        },
        { requiredKeys: ['asn', 'router-id'] },
      ),
    },
  );
}

/** VLAN parents and VXLAN underlays the VRFs use that are not members themselves: the ones vlan-parents may name. */
function parentsOf(vrfs: Record<string, unknown>): string[] {
  const all = Object.values(vrfs).flatMap((v) =>
    Object.entries(
      ((v as { interfaces?: Record<string, unknown> }).interfaces ?? {}) as Record<
        string,
        { vlan?: { parent?: unknown }; vxlan?: { dev?: unknown } } | null
      >,
    ),
  );
  const members = new Set(all.map(([m]) => m));
  return [
    ...new Set(
      all.flatMap(([, c]) =>
        [c?.vlan?.parent, c?.vxlan?.dev].filter((p): p is string => typeof p === 'string' && !members.has(p)),
      ),
    ),
  ];
}

/** The intent as data, each field hostile at `rate` percent (0: every value plausible). */
export const intentDataAt = (rate: number) =>
  fc
    .integer({ min: 0, max: 4 })
    .chain((n) =>
      fc.tuple(
        ...Array.from({ length: n }, (_, i) =>
          fc.tuple(or(rate, fc.oneof(fc.constant(`vrf${i}`), ifname), hostileString), vrf(rate, i)),
        ),
      ),
    )
    .map((vs) => Object.fromEntries(vs) as Record<string, unknown>)
    .chain((vrfs) =>
      fc.record(
        {
          version: or(rate, fc.constant(1), hostileNumber),
          platform: or(rate, fc.constantFrom(...platformNames), hostileString),
          vrfs: fc.constant(vrfs),
          sysctl: fc.record(
            { tcp_l3mdev_accept: fc.boolean(), udp_l3mdev_accept: fc.boolean(), raw_l3mdev_accept: fc.boolean() },
            { requiredKeys: [] },
          ),
          'vlan-parents': fc
            .subarray([...parentsOf(vrfs), ...(rate >= 10 ? ['eth5'] : [])])
            .chain((ps) =>
              fc.tuple(
                ...ps.map((p) =>
                  fc.tuple(
                    or(rate, fc.constant(p), hostileString),
                    fc.record({
                      'networkd-file': or(rate, fc.constantFrom(`30-${p}.network`, 'a@b.network'), hostileString),
                    }),
                  ),
                ),
              ),
            )
            .map((e) => Object.fromEntries(e)),
        },
        { requiredKeys: ['version', 'vrfs'] },
      ),
    );

/** The intent as data, at a hostility rate chosen per intent. */
export const intentData = fc.constantFrom(0, 0, 0, 1, 3, 10, 40).chain(intentDataAt);

/** Damage to the text: a hostile string inserted, a character dropped, a line doubled, an alias or anchor thrown in. */
const edit = fc.tuple(
  fc.nat(),
  fc.oneof(
    hostileString,
    fc.constantFrom('&a ', '*a', '<<: *a', '- ', ': ', '{', '}', '[', ']', '|', '>', '!!binary ', '---\n', '\t', '  '),
  ),
  fc.constantFrom('insert', 'delete', 'double-line'),
);

export interface GeneratedIntent {
  readonly file: string;
  readonly text: string;
}

/** An intent file: its (sometimes hostile) name and its text, damaged in a fifth of the cases. */
export const intentText: fc.Arbitrary<GeneratedIntent> = fc
  .tuple(
    intentData,
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.array(edit, { minLength: 1, maxLength: 3 }) },
    ),
    fc.constantFrom('intent.yaml', 'a\nb.yaml', 'x%i.yaml', 'é.yaml', 'x\\y.yaml', '[Match].yaml'),
  )
  .map(([data, edits, file]) => {
    let text = stringify(data, { aliasDuplicateObjects: false, lineWidth: 0 });
    for (const [at, s, how] of edits ?? []) {
      const i = at % (text.length + 1);
      if (how === 'insert') text = text.slice(0, i) + s + text.slice(i);
      else if (how === 'delete') text = text.slice(0, i) + text.slice(i + 1);
      else {
        const start = text.lastIndexOf('\n', i - 1) + 1;
        const end = text.indexOf('\n', i);
        text = text.slice(0, end < 0 ? text.length : end + 1) + text.slice(start, end < 0 ? text.length : end + 1);
      }
    }
    return { file, text };
  });
