// The writer, in a process of its own, killed at a chosen point: `node writer.mjs INTENT ROOT TARGETS`
// runs vrfgen's generate() with the file-system calls that change the tree counted (mkdir, open,
// each write/chmod/sync/close of an opened file, rename, unlink, rmdir) and at call number KILL_AT
// sends itself SIGKILL. A write it is killed at writes half of its data first, so a half-written
// file is really on disk. With KILL_AT=0 it runs to the end and prints every call, one per line.
// With MARK=1 it prints `writing` the moment it changes the tree first, so that a signal from outside
// can be aimed at the writing rather than at Node's start.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const [intent, root, targets] = process.argv.slice(2);
const killAt = Number(process.env.KILL_AT ?? 0);
const calls = [];
let writing = false; // reads before the first change are not kill points worth having

function step(what, mutates) {
  if (mutates && !writing && process.env.MARK === '1') fs.writeSync(1, 'writing\n');
  if (mutates) writing = true;
  if (!writing) return false;
  calls.push(what);
  return calls.length === killAt;
}
const die = () => {
  process.kill(process.pid, 'SIGKILL');
  for (;;); // SIGKILL to oneself is delivered before kill() returns; never go on
};

// The writer uses node:fs's synchronous calls; each is replaced by one that counts it first.
const hooks = {
  mkdirSync: ['mkdir', () => true],
  openSync: ['open', (args) => args[1] === 'wx'], // opening to read (a folder, to sync it) changes nothing
  writeFileSync: ['writeFile', () => false],
  fchmodSync: ['chmod', () => false],
  fsyncSync: ['sync', () => false],
  closeSync: ['close', () => false],
  renameSync: ['rename', () => true],
  unlinkSync: ['unlink', () => true],
  rmdirSync: ['rmdir', () => true],
};
for (const [name, [kind, mutates]] of Object.entries(hooks)) {
  const real = fs[name];
  fs[name] = (...args) => {
    const what = typeof args[0] === 'string' ? `${kind} ${args[0]}` : kind;
    if (step(what, mutates(args))) {
      // Killed in the middle of a write: half of the data is really on disk first.
      if (kind === 'writeFile') real(args[0], String(args[1]).slice(0, Math.floor(String(args[1]).length / 2)));
      die();
    }
    return real(...args);
  };
}
syncBuiltinESMExports(); // the writer imports these by name from node:fs

const { generate } = await import('../../dist/src/index.js');
const g = await generate(intent, { root, targets: targets.split(',') });
if (!g.written) {
  process.stderr.write(`not written: ${JSON.stringify(g.diagnostics)}\n`);
  process.exit(1);
}
if (killAt === 0 && process.env.MARK !== '1') process.stdout.write(`${calls.join('\n')}\n`);
