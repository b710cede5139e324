import type { Host } from '../host.ts';
import type { Notes } from '../notes.ts';
import type { SourceTree } from '../tree.ts';
export async function readIfupdown2(_tree: SourceTree, _host: Host, _notes: Notes): Promise<number> {
  return 0;
}
export async function readIfupdown(_tree: SourceTree, _host: Host, _notes: Notes): Promise<number> {
  return 0;
}
