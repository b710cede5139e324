import { createHash } from 'node:crypto';
import { OWNER } from '../write.ts';
import type { Format } from './index.ts';

/**
 * A manifest an Ansible loop can feed to `copy` (path, content, mode, owner, group), with each
 * content's SHA-256 (what `stat` reports with checksum_algorithm: sha256) to verify what landed, and
 * the reload commands for a handler. Modes are octal strings, which Ansible's `mode` takes as
 * written (a number would have to be the decimal value, 420 for 0644).
 */
export default {
  name: 'json',
  render({ source, files, reload }) {
    const manifest = {
      source,
      files: files.map((f) => ({
        path: f.path,
        mode: f.mode.toString(8).padStart(4, '0'),
        owner: OWNER.user,
        group: OWNER.group,
        sha256: createHash('sha256').update(f.content, 'utf8').digest('hex'),
        content: f.content,
      })),
      reload,
    };
    return `${JSON.stringify(manifest, null, 2)}\n`;
  },
} satisfies Format;
