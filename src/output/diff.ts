import { createTwoFilesPatch } from 'diff';
import type { Change } from './write.ts';

const octal = (mode: number) => mode.toString(8).padStart(4, '0');

/** A unified diff of what a plan would change (git-style a/ b/ names; /dev/null for new or removed files). */
export function formatChanges(changes: readonly Change[]): string {
  const shown = changes.filter((c) => c.action !== 'keep');
  if (shown.length === 0) return 'no changes\n';
  return shown
    .map((c) => {
      const rel = c.path.replace(/^\//, '');
      const from = c.action === 'create' ? '/dev/null' : `a/${rel}`;
      const to = c.action === 'remove' ? '/dev/null' : `b/${rel}`;
      const modeLine =
        c.action === 'update' && c.beforeMode !== c.mode
          ? `mode ${octal(c.beforeMode!)} -> ${octal(c.mode)}\n`
          : c.action === 'create'
            ? `new file mode ${octal(c.mode)}\n`
            : '';
      const patch =
        c.before === c.after
          ? ''
          : createTwoFilesPatch(from, to, c.before ?? '', c.after ?? '', undefined, undefined, {
              context: 3,
              headerOptions: { includeIndex: false, includeUnderline: false, includeFileHeaders: true },
            });
      return `diff ${c.action} ${c.path}\n${modeLine}${patch}`;
    })
    .join('');
}
