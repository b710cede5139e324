/**
 * vrfgen's library API. The CLI is a thin layer over these functions.
 *
 * ```ts
 * import { loadIntent, validate, generate, check } from 'vrfgen';
 * const result = await generate('mgmt.yaml', { targets: ['networkd', 'sysctl'], root: '/mnt/image' });
 * const userData = (await generate('mgmt.yaml', { format: 'cloud-init' })).output; // nothing written
 * const report = await check('mgmt.yaml', { state: './host1-state' }); // report.exitCode: 0 | 1 | 2
 * ```
 *
 * Each function lives in a module of its own (validate.ts, generate.ts, check/intent-file.ts), so
 * the CLI loads only what its command runs.
 */
import { loadIntent } from './intent/load.ts';
import { validated, type Validated, type ValidateOptions } from './pipeline/validate.ts';

export type { Diagnostic, SourcePos, Path } from './diagnostics/diagnostics.ts';
export type { DiagnosticCode } from './diagnostics/codes.ts';
export { formatDiagnostic, hasErrors } from './diagnostics/diagnostics.ts';
export { formatChanges } from './output/diff.ts';
export { loadIntent, loadIntentFile } from './intent/load.ts';
export type { Model, Vrf, Member, Route, Rule, Service, Sysctl, VlanParent, ContainerNetwork } from './model/model.ts';
export { platforms, type PlatformName } from './platforms/platforms.ts';
export { renderTargets, selectTargets } from './render/render.ts';
export { TargetSelectionError } from './render/target.ts';
export { resolve } from './model/resolve.ts';
export { IntentSchema, intentJsonSchema, type Intent } from './intent/schema.ts';
export type { Command, OutputFile, Target } from './render/target.ts';
export { formats, formatNames, type Bundle, type Format, type FormatName } from './output/formats/index.ts';
export type { Change } from './output/write.ts';
export type { Finding, Status } from './check/compare.ts';
export { formatReport, reportJson } from './check/report.ts';
export { readUnits, type UnitFile, type UnitFiles } from './systemd/read-units.ts';
export { targets, targetNames, type TargetName } from '../targets/index.ts';
export { validate, type Validated, type ValidateOptions } from './pipeline/validate.ts';
export { generate, type Generated, type GenerateOptions } from './pipeline/generate.ts';
export { check, collect, collectScript, type Checked, type CheckOptions } from './check/intent-file.ts';

/** The same for intent text already in memory (templated by Ansible, say); `file` names it in messages. */
export function validateText(text: string, file = 'intent.yaml', opts: ValidateOptions = {}): Validated {
  return validated(loadIntent(text, file), file, opts);
}
