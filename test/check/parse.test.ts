/**
 * The readers of ip's JSON (src/check/parse.ts) against the zod schemas they replace, kept here as
 * the reference: the same links, addresses, routes and rules, field for field, from every real
 * capture (test/check/captures) and assembled state (test/check/assembled: bridges, bonds, VXLANs,
 * dynamic addresses) and from the same entries damaged one field at a time — removed, null, of
 * every other JSON type, negative, fractional, huge, numbers as text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, test } from 'vitest';
import { bits, formatCidr, formatIp, parseCidr, parseIp } from '../../src/model/ip.ts';
import { parseAddresses, parseLinks, parseRoutes, parseRules } from '../../src/check/parse.ts';
import { ROOT } from '../support/helpers.ts';

const text = z.string().optional().catch(undefined);
const count = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)])
  .optional()
  .catch(undefined);
const flag = z.boolean().optional().catch(undefined);

const InfoData = z
  .object({
    table: count,
    id: count,
    stp_state: count,
    mode: text,
    miimon: count,
    primary: text,
    ad_lacp_rate: text,
    xmit_hash_policy: text,
    local: text,
    local6: text,
    remote: text,
    remote6: text,
    group: text,
    group6: text,
    link: text,
    port: count,
    learning: flag,
  })
  .optional()
  .catch(undefined);
const LinkJson = z.object({
  ifname: z.string(),
  flags: z.array(z.string()).catch([]),
  master: text,
  link: text,
  linkinfo: z
    .object({
      info_kind: text,
      info_data: InfoData,
    })
    .optional()
    .catch(undefined),
});
const AddrJson = z.object({
  ifname: z.string(),
  addr_info: z
    .array(
      z.object({
        local: text,
        prefixlen: count,
        tentative: flag,
        dadfailed: flag,
        dynamic: flag,
        valid_life_time: count,
      }),
    )
    .catch([]),
});
const RouteJson = z.object({
  table: z.union([z.string(), z.number()]).optional().catch(undefined),
  type: text,
  dst: text,
  gateway: text,
  dev: text,
  protocol: text,
  metric: count,
  nexthops: z.array(z.unknown()).optional().catch(undefined),
});
const RULE_KEYS = new Set([
  'priority',
  'src',
  'srclen',
  'dst',
  'dstlen',
  'iif',
  'oif',
  'table',
  'l3mdev',
  'protocol',
  'flags',
]);
const RuleJson = z.looseObject({
  priority: count,
  src: text,
  srclen: count,
  dst: text,
  dstlen: count,
  iif: text,
  oif: text,
  table: z.union([z.string(), z.number()]).optional().catch(undefined),
});

function entries<T extends z.ZodType>(stdout: string, schema: T): z.infer<T>[] {
  const json: unknown = JSON.parse(stdout);
  if (!Array.isArray(json)) throw new Error('not a JSON array');
  return json.flatMap((e) => {
    const r = schema.safeParse(e);
    return r.success ? [r.data] : [];
  });
}

const canonical = (a: string) => {
  const ip = parseIp(a);
  return ip ? formatIp(ip) : a;
};
const firstAddress = (...a: (string | undefined)[]) => {
  const found = a.find((x) => x !== undefined);
  return found === undefined ? 'none' : canonical(found);
};
const onOff = (b: boolean | undefined) => (b === undefined ? undefined : b ? 'on' : 'off');

/** The settings of bridges, bonds and VXLANs, by the checker's names. */
function settingsOf(kind: string | undefined, d: z.infer<typeof InfoData>) {
  if (kind === 'bridge') return { stp: onOff(d?.stp_state === undefined ? undefined : d.stp_state > 0) };
  if (kind === 'bond')
    return {
      mode: d?.mode,
      miimon: d?.miimon,
      primary: d?.primary ?? 'none',
      'lacp-rate': d?.ad_lacp_rate,
      'xmit-hash-policy': d?.xmit_hash_policy,
    };
  if (kind === 'vxlan')
    return {
      vni: d?.id,
      local: firstAddress(d?.local, d?.local6),
      remote: firstAddress(d?.remote, d?.remote6),
      group: firstAddress(d?.group, d?.group6),
      dev: d?.link ?? 'none',
      dstport: d?.port,
      learning: onOff(d?.learning),
    };
  return undefined;
}

/** The readers as they were, on the schemas above (canonical forms through src/model/ip.ts, as before). */
const reference = {
  links: (s: string) =>
    entries(s, LinkJson).map((l) => {
      const kind = l.linkinfo?.info_kind;
      const data = l.linkinfo?.info_data;
      return {
        name: l.ifname,
        flags: l.flags,
        ...(kind ? { kind } : {}),
        ...(kind === 'vrf' && data?.table !== undefined ? { table: data.table } : {}),
        ...(l.master ? { master: l.master } : {}),
        ...(kind === 'vlan' ? { vlan: { parent: l.link, id: data?.id } } : {}),
        ...(settingsOf(kind, data) ? { settings: settingsOf(kind, data) } : {}),
      };
    }),
  addresses: (s: string) =>
    entries(s, AddrJson).flatMap((l) =>
      l.addr_info.flatMap((a) => {
        const cidr =
          a.local !== undefined && a.prefixlen !== undefined ? parseCidr(`${a.local}/${a.prefixlen}`) : undefined;
        if (!cidr) return [];
        return [
          {
            link: l.ifname,
            cidr: formatCidr(cidr),
            state: a.dadfailed ? 'dadfailed' : a.tentative ? 'tentative' : 'present',
            dynamic: a.dynamic === true || (a.valid_life_time !== undefined && a.valid_life_time !== 0xffffffff),
          },
        ];
      }),
    ),
  routes: (s: string) =>
    entries(s, RouteJson).flatMap((r) => {
      if (r.dst === undefined) return [];
      const host = r.dst.includes('/') ? r.dst : `${r.dst}/${parseIp(r.dst)?.family === 6 ? 128 : 32}`;
      const cidr = r.dst === 'default' ? undefined : parseCidr(host);
      const ip = r.gateway ? parseIp(r.gateway) : undefined;
      return [
        {
          ...(r.table !== undefined ? { table: String(r.table) } : {}),
          type: r.type ?? 'unicast',
          to: r.dst === 'default' ? '0.0.0.0/0' : cidr ? formatCidr(cidr) : r.dst,
          ...(r.gateway ? { via: ip ? formatIp(ip) : r.gateway } : {}),
          ...(r.dev ? { dev: r.dev } : {}),
          ...(r.protocol ? { protocol: r.protocol } : {}),
          metric: r.metric ?? 0,
          multipath: r.nexthops !== undefined,
        },
      ];
    }),
  rules: (s: string) =>
    entries(s, RuleJson).map((r) => {
      const side = (addr: string | undefined, len: number | undefined) => {
        if (addr === undefined || addr === 'all') return undefined;
        const ip = parseIp(addr);
        return ip ? formatCidr({ ...ip, length: len ?? bits(ip.family) }) : addr;
      };
      return {
        priority: r.priority,
        from: side(r.src, r.srclen) || undefined,
        to: side(r.dst, r.dstlen) || undefined,
        iif: r.iif || undefined,
        oif: r.oif || undefined,
        table: r.table !== undefined ? String(r.table) : undefined,
        l3mdev: Object.hasOwn(r, 'l3mdev'),
        other: Object.entries(r)
          .filter(([k]) => !RULE_KEYS.has(k))
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .sort(),
      };
    }),
};

const ours = {
  links: parseLinks,
  addresses: parseAddresses,
  routes: (s: string) => parseRoutes(s, 4),
  rules: (s: string) =>
    parseRules(s).map((r) => ({
      priority: r.priority,
      from: r.from,
      to: r.to,
      iif: r.iif,
      oif: r.oif,
      table: r.table,
      l3mdev: r.l3mdev,
      other: r.other,
    })),
};

const statesIn = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(dir, d.name))
        .filter((f) => f.endsWith('.json'))
        .map((f) => ({ name: `${d.name}/${f}`, text: readFileSync(join(dir, d.name, f), 'utf8') })),
    );
const captures = [
  ...statesIn(join(ROOT, 'test/check/captures')),
  ...statesIn(join(ROOT, 'test/check/assembled')).map((c) => ({ ...c, name: `assembled/${c.name}` })),
  // Route dumps of every table, as collect writes them now.
  ...statesIn(join(ROOT, 'test/check/cases/no-vrf-support')).map((c) => ({
    ...c,
    name: `cases/no-vrf-support/${c.name}`,
  })),
];
const readerOf = (name: string): keyof typeof ours | undefined =>
  /\/links/.test(name)
    ? 'links'
    : /\/addr/.test(name)
      ? 'addresses'
      : /\/route/.test(name)
        ? 'routes'
        : /\/rule/.test(name)
          ? 'rules'
          : undefined;

function agree(reader: keyof typeof ours, stdout: string): void {
  let want: unknown;
  try {
    want = reference[reader](stdout);
  } catch {
    expect(() => ours[reader](stdout), 'unreadable for both').toThrow();
    return;
  }
  expect(ours[reader](stdout), stdout.slice(0, 300)).toEqual(want);
}

const DAMAGE: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2 ** 60,
  '',
  '7',
  '-7',
  '0x10',
  'text',
  [],
  ['a'],
  [1],
  {},
  { a: 1 },
];

/** Every entry of `json`, each field (and each field of nested objects and of an array's first object) replaced by each damage in turn. */
function* damaged(json: unknown[]): Generator<unknown[]> {
  const swap = (o: Record<string, unknown>, k: string, v: unknown) => {
    const c = { ...o };
    if (v === undefined) delete c[k];
    else c[k] = v;
    return c;
  };
  for (let i = 0; i < json.length; i++) {
    const e = json[i];
    for (const d of DAMAGE) yield [...json.slice(0, i), d, ...json.slice(i + 1)];
    if (e === null || typeof e !== 'object' || Array.isArray(e)) continue;
    const o = e as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      for (const d of DAMAGE) yield [swap(o, k, d)];
      const inner = o[k];
      const nested = Array.isArray(inner) ? inner[0] : inner;
      if (nested === null || typeof nested !== 'object' || Array.isArray(nested)) continue;
      for (const k2 of Object.keys(nested)) {
        for (const d of DAMAGE) {
          const n2 = swap(nested as Record<string, unknown>, k2, d);
          yield [swap(o, k, Array.isArray(inner) ? [n2, ...inner.slice(1)] : n2)];
          const deeper = (nested as Record<string, unknown>)[k2];
          if (deeper !== null && typeof deeper === 'object' && !Array.isArray(deeper)) {
            for (const k3 of Object.keys(deeper))
              yield [
                swap(o, k, swap(nested as Record<string, unknown>, k2, swap(deeper as Record<string, unknown>, k3, d))),
              ];
          }
        }
      }
    }
  }
}

describe('every real capture, as captured and damaged', () => {
  const cases = captures.flatMap((c) => (readerOf(c.name) ? [[c.name, readerOf(c.name)!, c.text] as const] : []));
  test('the captures hold links, addresses, routes and rules', () => {
    expect(new Set(cases.map(([, r]) => r))).toEqual(new Set(['links', 'addresses', 'routes', 'rules']));
  });
  test.each(cases)('%s', (_, reader, stdout) => {
    agree(reader, stdout);
    if (!stdout.trim().startsWith('[{')) return; // empty: ip printed nothing, or []
    let n = 0;
    for (const json of damaged(JSON.parse(stdout) as unknown[])) {
      agree(reader, JSON.stringify(json));
      n++;
    }
    expect(n).toBeGreaterThan(0);
  });
  test('anything but an array is unreadable', () => {
    for (const reader of [parseLinks, parseAddresses, parseRules, (s: string) => parseRoutes(s, 4)]) {
      for (const s of ['{}', '1', '"x"', 'null', '[']) expect(() => reader(s)).toThrow();
    }
  });
  test('entries are read one by one as the array is scanned: the same as JSON.parse, or unreadable where it is', () => {
    const links = (s: string) => parseLinks(s).map((l) => l.name);
    expect(links(' [ {"ifname":"a]\\"},{\\\\"} , {"ifname":"b","flags":["[{"]} ,{}, 7 ]\n')).toEqual(['a]"},{\\', 'b']);
    expect(links('[]')).toEqual([]);
    for (const s of ['[{}', '[{},', '[{}}', '[{} {}]', '[{}] x', '[,]', '[{},]', '[{"ifname":"a}]'])
      expect(() => links(s), s).toThrow();
  });
  test('the comparison can fail: a reader that keeps a field of the wrong shape disagrees', () => {
    const stdout = JSON.stringify([
      { ifname: 'v', flags: ['UP'], linkinfo: { info_kind: 'vrf', info_data: { table: -1 } } },
    ]);
    expect(parseLinks(stdout)).toEqual(reference.links(stdout));
    expect([{ name: 'v', flags: ['UP'], kind: 'vrf', table: -1 }]).not.toEqual(reference.links(stdout));
  });
});
