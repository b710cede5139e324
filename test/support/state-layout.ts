/**
 * A state DIR of the earlier layout (one route file per table and family: route-main.json,
 * route-table10.json, route6-table10.json…) rewritten in the layout `collect` writes now (one dump
 * per family: route-all.json, route6-all.json), the way iproute2 6.1 prints `ip -j -4|-6 route show
 * table all` on the same host: each route of another table than main with its `table` (a string;
 * the rt_tables name where there is one: ifupdown2 names each VRF's table after the VRF, so
 * `ip -j route get … vrf mgmt` printed `"table":"mgmt"` on the Debian 12 ifupdown2 boots and
 * `"table":"10"` on the networkd ones), and the local table's routes
 * of the addresses outside VRFs, which every real dump holds. A table whose probe found no table
 * (exit 2, "FIB table does not exist") adds nothing; a family without any file gets no dump.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PER_TABLE = /^route(6?)-(main|table(\d+))\.json$/;

interface Options {
  /** Print each VRF's table by the VRF's name (ifupdown2's rt_tables.d). */
  readonly tableNames?: boolean;
}

const readJson = (dir: string, name: string): unknown => {
  const p = join(dir, name);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8') || '[]') as unknown) : undefined;
};

/** The local table's routes for the addresses of links outside VRFs, as iproute2 6.1 prints them. */
function localTable(dir: string, family: '' | '6'): object[] {
  const links = (readJson(dir, 'links.json') ?? []) as { ifname?: string; master?: string; linkinfo?: object }[];
  const inVrf = new Set(
    links
      .filter((l) => (l.linkinfo as { info_slave_kind?: string } | undefined)?.info_slave_kind === 'vrf')
      .map((l) => l.ifname),
  );
  const addrs = (readJson(dir, 'addr.json') ?? []) as {
    ifname?: string;
    addr_info?: { family?: string; local?: string }[];
  }[];
  return addrs.flatMap((l) =>
    inVrf.has(l.ifname)
      ? []
      : (l.addr_info ?? [])
          .filter((a) => a.local && a.family === (family ? 'inet6' : 'inet'))
          .map((a) =>
            family
              ? { type: 'local', dst: a.local, dev: l.ifname, table: 'local', protocol: 'kernel', metric: 0, flags: [] }
              : {
                  type: 'local',
                  dst: a.local,
                  dev: l.ifname,
                  table: 'local',
                  protocol: 'kernel',
                  scope: 'host',
                  prefsrc: a.local,
                  flags: [],
                },
          ),
  );
}

/** Copy `source` into `dest` (created), its per-table route files merged into the dumps. */
export function toDumpLayout(source: string, dest: string, opts: Options = {}): void {
  mkdirSync(dest, { recursive: true });
  const files = readdirSync(source);
  const vrfName = new Map<string, string>();
  if (opts.tableNames) {
    const links = (readJson(source, 'links.json') ?? []) as {
      ifname: string;
      linkinfo?: { info_kind?: string; info_data?: { table?: number } };
    }[];
    for (const l of links)
      if (l.linkinfo?.info_kind === 'vrf' && l.linkinfo.info_data?.table !== undefined)
        vrfName.set(String(l.linkinfo.info_data.table), l.ifname);
  }
  const dumps = new Map<string, object[]>();
  for (const f of files) {
    const [, six, main, table] = f.replace(/\.(rc|err)$/, '').match(PER_TABLE) ?? [];
    if (six === undefined) {
      copyFileSync(join(source, f), join(dest, f));
      continue;
    }
    if (f.endsWith('.rc') || f.endsWith('.err')) continue;
    const rc = existsSync(join(source, `${f}.rc`)) ? readFileSync(join(source, `${f}.rc`), 'utf8').trim() : '0';
    const dump = dumps.get(six) ?? [];
    dumps.set(six, dump);
    if (rc !== '0') {
      const err = existsSync(join(source, `${f}.err`)) ? readFileSync(join(source, `${f}.err`), 'utf8') : '';
      if (rc === '2' && /FIB table does not exist/.test(err)) continue;
      throw new Error(`${source}/${f}: exit ${rc}, which one dump of every table cannot say for one table`);
    }
    const routes = readJson(source, f) as object[];
    const name = main === 'main' ? undefined : (vrfName.get(table!) ?? table);
    for (const r of routes) dump.push(name === undefined ? r : { ...r, table: name });
  }
  for (const [six, routes] of dumps) {
    const name = `route${six}-all.json`;
    writeFileSync(join(dest, name), `${JSON.stringify([...routes, ...localTable(source, six as '' | '6')])}\n`);
    writeFileSync(join(dest, `${name}.rc`), '0\n');
  }
}

/** The same name in the dump layout: route-all.json for route-main.json, route6-all.json for route6-table10.json. */
export const dumpFileOf = (file: string): string => file.replace(PER_TABLE, 'route$1-all.json');

/** A route as `ip -j route` prints it, in either layout (`table` only in a dump of every table). */
export interface StateRoute {
  readonly dst?: string;
  readonly gateway?: string;
  readonly dev?: string;
  readonly protocol?: string;
  readonly table?: string;
}

/** The names ip prints for main in a dump of every table (it leaves `table` out). */
const MAIN_NAMES = new Set([undefined, 'main', '254']);

/**
 * One table's routes of one family in a state `vrfgen collect` wrote, through `read` (a file of that
 * state by its name, '' when absent): from the family's dump of every table (main's routes without
 * `table`, a VRF's with its number, or with its VRF's name where ifupdown2 registered one in
 * rt_tables.d, read through links.json as the checker does), or, in a state of the earlier layout,
 * from that table's own file.
 */
export function stateTableRoutes(read: (file: string) => string, family: 4 | 6, table: number | 'main'): StateRoute[] {
  const six = family === 6 ? '6' : '';
  const dump = read(`route${six}-all.json`);
  if (!dump) {
    const own = read(`route${six}-${table === 'main' ? 'main' : `table${table}`}.json`);
    return JSON.parse(own || '[]') as StateRoute[];
  }
  const named = new Set<string>([String(table)]);
  if (table !== 'main') {
    const links = JSON.parse(read('links.json') || '[]') as {
      ifname?: string;
      linkinfo?: { info_kind?: string; info_data?: { table?: number } };
    }[];
    for (const l of links)
      if (l.ifname && l.linkinfo?.info_kind === 'vrf' && l.linkinfo.info_data?.table === table) named.add(l.ifname);
  }
  return (JSON.parse(dump) as StateRoute[]).filter((r) =>
    table === 'main' ? MAIN_NAMES.has(r.table) : r.table !== undefined && named.has(r.table),
  );
}
