/**
 * The networkmanager target's activation order: what `nmcli connection up` needs up before a
 * profile (test/consumers/networkmanager.test.ts reads the keyfiles themselves with NM's reader).
 */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { targets } from '../../targets/index.ts';
import { ROOT, modelOf, render } from '../support/helpers.ts';

test('VRFs first, then the members, a VLAN after the bond it sits on, then the ports of bridges and bonds', async () => {
  const { model } = await modelOf(join(ROOT, 'test/golden/member-kinds/intent.yaml'));
  const { files } = render(model!, 'networkmanager');
  const up = targets.networkmanager.reload(files).map((c) => c.join(' '));
  expect(up).toEqual([
    'nmcli connection reload',
    ...['blue', 'anycast0', 'bond0', 'bond1', 'br0', 'br1', 'eth2', 'vx100', 'vx200', 'bond1.20'].map(
      (p) => `nmcli connection up vrfgen-${p}`,
    ),
    ...['eth3', 'eth4', 'eth5', 'eth6', 'eth7', 'eth8'].map((p) => `nmcli connection up vrfgen-${p}`),
  ]);
});
