import { emptyHost, mergeHosts, type Host } from './host.ts';
import type { Notes } from './notes.ts';
import { RootTree, type SourceTree } from './tree.ts';
import { readServices, readSysctls } from './from/system.ts';

/**
 * The stacks `import --from` reads, each a reader of its own files into a Host (src/import/from/).
 * Every run also reads what a host has whatever its stack: the l3mdev sysctls and the units bound to
 * a VRF. Each reader is loaded when it runs.
 */
export const STACKS = ['networkd', 'netplan', 'ifupdown2', 'ifupdown', 'networkmanager', 'frr'] as const;
export type StackName = (typeof STACKS)[number];

/** A reader: the files it found (0: none, which is an error), what it read into `host`. */
type Reader = (tree: SourceTree, host: Host, notes: Notes) => Promise<number>;

const READERS: Record<StackName, () => Promise<Reader>> = {
  networkd: async () => (await import('./from/networkd.ts')).readNetworkd,
  netplan: async () => (await import('./from/netplan.ts')).readNetplan,
  ifupdown2: async () => (await import('./from/ifupdown.ts')).readIfupdown2,
  ifupdown: async () => (await import('./from/ifupdown.ts')).readIfupdown,
  networkmanager: async () => (await import('./from/networkmanager.ts')).readNetworkManager,
  frr: async () => (await import('./from/frr.ts')).readFrr,
};

/** Where each stack's files are, for the message when there are none. */
const WHERE: Record<StackName, string> = {
  networkd: '.netdev or .network file in /etc/systemd/network (or /run, /usr/lib)',
  netplan: 'YAML file in /etc/netplan (or /run, /lib)',
  ifupdown2: '/etc/network/interfaces',
  ifupdown: '/etc/network/interfaces',
  networkmanager: 'keyfile in /etc/NetworkManager/system-connections (or /usr/lib)',
  frr: '/etc/frr/frr.conf',
};

export async function readStacks(
  stacks: readonly StackName[],
  root: string,
  notes: Notes,
  tree: SourceTree & { sources: Map<string, string> } = new RootTree(root),
): Promise<{ host: Host; sources: ReadonlyMap<string, string> }> {
  const host = emptyHost();
  for (const name of stacks) {
    const part = emptyHost();
    const found = await (await READERS[name]())(tree, part, notes);
    if (found === 0) notes.error('import/no-files', undefined, `${name}: no ${WHERE[name]} under ${root}`);
    mergeHosts(host, part);
  }
  await readSysctls(tree, host);
  await readServices(tree, host, notes);
  return { host, sources: tree.sources };
}
