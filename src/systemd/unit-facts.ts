import type { KnownUnits } from './known-units.ts';
import type { Model } from '../model/model.ts';
import { assignments, lastValue, parseBoolean, parseUnitFile, templateOf, type UnitSetting } from './unit-file.ts';
import type { UnitFiles } from './read-units.ts';

/**
 * What vrfgen knows about one unit, from the best source there is: the unit file under --root, else
 * the platform's table of well-known units (src/systemd/known-units.ts), else nothing.
 */
export interface UnitFacts {
  /** The unit's own name (an alias resolved). */
  readonly id: string;
  readonly masked: boolean;
  /** The fragment's settings, then its drop-ins'. */
  readonly settings: readonly UnitSetting[];
  /** Where the fragment came from: a root-relative path, or the table entry's source. */
  readonly from?: string;
  /** Root-relative paths of the drop-ins among `settings`' files. */
  readonly dropIns: readonly string[];
  /** The socket unit that listens for this service and starts it (socket activation), if any. */
  readonly activatedBy?: string;
}

const socketOf = (service: string): string => service.replace(/\.service$/, '.socket');

/** Every name the units stage should read under --root for this model (listed units, aliases, sockets). */
export function unitsToRead(model: Model): string[] {
  const table = model.platform.units;
  return model.vrfs
    .flatMap((v) => v.services)
    .flatMap((s) => {
      const alias = (table[s.unit] ?? table[templateOf(s.unit)])?.aliasOf;
      return [s.unit, ...(alias ? [alias] : [])];
    })
    .flatMap((u) => (u.endsWith('.service') ? [u, socketOf(u)] : [u]));
}

/** Look a unit up under the root first, then in the platform's table. */
export function unitFacts(name: string, units: UnitFiles, table: KnownUnits): UnitFacts | undefined {
  const onDisk = units.get(name);
  if (onDisk && (onDisk.fragment || onDisk.masked)) {
    return {
      id: onDisk.id,
      masked: onDisk.masked,
      settings: onDisk.settings,
      dropIns: onDisk.dropIns,
      ...(onDisk.fragment ? { from: onDisk.fragment } : {}),
      ...activation(onDisk.id, onDisk.settings, units),
    };
  }
  const known = table[name] ?? table[templateOf(name)];
  if (known?.aliasOf) return unitFacts(known.aliasOf, units, table);
  if (known?.text) {
    // Drop-ins under the root still apply on top of the packaged unit.
    const from = `vrfgen's table: ${known.source}`;
    const settings = [...parseUnitFile(known.text, from).map((s) => ({ ...s, line: 0 })), ...(onDisk?.settings ?? [])];
    return {
      id: name,
      masked: false,
      settings,
      from,
      dropIns: onDisk?.dropIns ?? [],
      ...(known.activatedBy ? { activatedBy: known.activatedBy } : {}),
    };
  }
  return onDisk ? { id: onDisk.id, masked: false, settings: onDisk.settings, dropIns: onDisk.dropIns } : undefined;
}

/**
 * Socket activation seen on disk: the service names its sockets (Sockets=), or its namesake socket
 * is enabled and passes the listener on (Accept=no; an Accept=yes socket starts `foo@.service`
 * instances instead).
 */
function activation(id: string, settings: readonly UnitSetting[], units: UnitFiles): { activatedBy?: string } {
  const named = assignments(settings, 'Service', 'Sockets')
    .flatMap((s) => s.value.split(/\s+/))
    .filter(Boolean);
  if (named[0]) return { activatedBy: named[0] };
  const socket = units.get(socketOf(id));
  if (!socket?.fragment || socket.masked || !socket.enabled) return {};
  const accept = lastValue(socket.settings, 'Socket', 'Accept');
  return accept && parseBoolean(accept.value) ? {} : { activatedBy: socket.id };
}

/** `file:line` of a setting, or the table entry it came from. */
export const where = (s: UnitSetting): string => (s.line > 0 ? `${s.file}:${s.line}` : s.file);
