import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json; src/ and dist/src/ sit at different depths below it. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('vrfgen: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}
