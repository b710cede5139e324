import type { Host } from '../host.ts';
import type { Notes } from '../notes.ts';
import type { SourceTree } from '../tree.ts';
export async function readFrr(_tree: SourceTree, _host: Host, _notes: Notes): Promise<number> {
  return 0;
}
