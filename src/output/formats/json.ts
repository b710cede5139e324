import { createHash } from 'node:crypto';
import { OWNER } from '../write.ts';
import type { Format } from './index.ts';

/**
 * A manifest an Ansible loop can feed to `copy` (path, content, mode, owner, group), with each
 * content's SHA-256 (what `stat` reports with checksum_algorithm: sha256) to verify what landed, and
 * the reload commands for a handler. Modes are octal strings, which Ansible's `mode` takes as
 * written (a number would have to be the decimal value, 420 for 0644). A manifest ends up in logs
 * and CI artefacts, so a file with secrets (FRR's MD5 keys) comes masked, marked `redacted: true`:
 * install that one from the tree or the tar format.
 */
export default {
  name: 'json',
  render({ source, files, reload, redact }) {
    const manifest = {
      source,
      files: files.map((f) => {
        const shown = redact ? redact(f.path, f.content) : f.content;
        return {
          path: f.path,
          mode: f.mode.toString(8).padStart(4, '0'),
          owner: f.owner?.user ?? OWNER.user,
          group: f.owner?.group ?? OWNER.group,
          // Of the real content, so what lands can be verified even when the manifest masks a secret.
          sha256: createHash('sha256').update(f.content, 'utf8').digest('hex'),
          content: shown,
          ...(shown !== f.content ? { redacted: true } : {}),
        };
      }),
      reload,
    };
    return `${JSON.stringify(manifest, null, 2)}\n`;
  },
} satisfies Format;
