import type { NetworkManagerProfile } from '../../src/platforms/platforms.ts';
import { uuidFromName } from '../../src/render/stable-id.ts';

/**
 * NetworkManager's keyfile plugin reads every `*.nmconnection` here, and ignores a file that is not
 * 0600 and owned by root (it may hold secrets). The profile id carries the vrfgen prefix too, so
 * `nmcli connection` shows whose profiles they are.
 */
export const DIR = '/etc/NetworkManager/system-connections';
export const PREFIX = 'vrfgen-';

export type Keys = [string, string | number][];
/** One keyfile group, rendered by the `keyfile` filter (src/render/templates.ts). */
export interface Section {
  readonly name: string;
  readonly keys: Keys;
}

/** What a profile is enslaved to: the VRF (a member), or a bridge or bond member (a port). */
export interface Controller {
  readonly name: string;
  readonly type: 'vrf' | 'bridge' | 'bond';
}

/** `[connection]`: master=/slave-type= for every NM; controller=/port-type= as well where NM reads them (1.46+). */
export function connection(name: string, type: string, nm: NetworkManagerProfile, controller?: Controller): Section {
  return {
    name: 'connection',
    keys: [
      ['id', `${PREFIX}${name}`],
      ['uuid', uuidFromName(`networkmanager/${name}`)],
      ['type', type],
      ['interface-name', name],
      ...(controller
        ? ([
            ['master', controller.name],
            ['slave-type', controller.type],
            ...(nm.controllerKeys
              ? [
                  ['controller', controller.name],
                  ['port-type', controller.type],
                ]
              : []),
          ] as Keys)
        : []),
    ],
  };
}
