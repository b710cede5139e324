/**
 * The registry (targets/index.ts) as runs read it: the targets a run takes when it names none,
 * which is what `--help` promises.
 */
import { expect, test } from 'vitest';
import { selectTargets } from '../../src/render/render.ts';
import type { Target } from '../../src/render/target.ts';
import { targets } from '../../targets/index.ts';
import { vrfgen } from '../support/helpers.ts';

test('without --target: networkd and every system target, as generate --help and check --help say', () => {
  const system = (Object.values(targets) as Target[]).filter((t) => t.kind === 'system').map((t) => t.name);
  expect(selectTargets().map((t) => t.name)).toEqual(['networkd', ...system]);
  for (const command of ['generate', 'check'])
    expect(vrfgen(command, '--help').stdout.replace(/\s+/g, ' ')).toContain(
      '(default: networkd and every system target)',
    );
});
