import { Document } from 'yaml';
import { renderTemplate } from '../../render/templates.ts';
import { OWNER } from '../write.ts';
import type { Format } from './index.ts';

/**
 * A `#cloud-config` user-data document: `write_files` with every file (cloud-init's init stage writes
 * them), and `runcmd` with the reload commands (run later, by the final stage's scripts-user, when
 * the network stack is up).
 * cloud-init requires `permissions` as an octal string (`cloud-init schema` rejects an integer) and
 * `#cloud-config` as the very first line, so vrfgen's header comes second.
 */
export default {
  name: 'cloud-init',
  render({ source, files, reload }) {
    const doc = new Document({
      write_files: files.map((f) => ({
        path: f.path,
        owner: `${f.owner?.user ?? OWNER.user}:${f.owner?.group ?? OWNER.group}`,
        permissions: f.mode.toString(8).padStart(4, '0'),
        content: f.content,
        // A user such as frr exists only once its package is installed, which the packages module does
        // after the init stage writes files; deferred files are written in the final stage, before runcmd.
        ...(f.owner ? { defer: true } : {}),
      })),
      runcmd: [],
    });
    // One command per line, `- [networkctl, reload]`: argv lists run without a shell.
    doc.set('runcmd', doc.createNode(reload.map((c) => doc.createNode(c, { flow: true }))));
    const header = renderTemplate('_header.njk', {}, source);
    return `#cloud-config\n${header}${doc.toString({ lineWidth: 0, flowCollectionPadding: false })}`;
  },
} satisfies Format;
