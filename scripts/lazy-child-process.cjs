// node:child_process as the CLI bundle sees it (scripts/bundle.mjs): the real module, loaded on the
// first use of one of its functions. commander loads child_process when it starts (for subcommands
// that are executables, which vrfgen has none of), and child_process loads net and stream, a large
// share of a short command's start. Only the live probes of `check` and `collect` use it.
'use strict';
let real;
const load = () => (real ??= require('child_process'));
for (const name of ['ChildProcess', 'exec', 'execFile', 'execFileSync', 'execSync', 'fork', 'spawn', 'spawnSync']) {
  Object.defineProperty(module.exports, name, { enumerable: true, get: () => load()[name] });
}
