import { statSync } from 'node:fs';

/** An intent this large (about 600 VRFs of one member each) builds enough that V8's sizing matters. */
const LARGE = 128 << 10;
/**
 * Past this, what a run keeps alive is large enough that promoting early grows the old generation
 * by more than the young generation saves: the costliest 2 MiB intents (34 000 VRFs) took a third
 * more CPU and 55 MB more with the flag, and bytes cannot tell those from 8000 plain VRFs, which
 * gained.
 */
const HUGE = 1 << 20;

/**
 * V8 doubles its young generation, up to 2 × 16 MB, whenever more bytes have survived its
 * scavenges than it holds, and a large intent's value, model and rendered files all survive: that
 * growth, not what is alive, was a quarter of a run's peak memory at thousands of VRFs
 * (bench/notes.md). For a large intent (not a huge one), `validate` and `generate` keep the young
 * generation at its starting size: what lives is promoted sooner, which is what it does anyway, at
 * the same CPU. A heap flag on node's command line made every start 5–8 ms slower; set here, it
 * costs loading node:v8, and only for a large intent. V8 reads this flag whenever it would grow the
 * young generation; a V8 that no longer allows a factor of 1 raises it to 2, its default, without a
 * word. The library never changes the process's V8 flags: only the CLI, which owns the process.
 */
export async function sizeHeapFor(file: string): Promise<void> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return; // the loader says what is wrong with the file
  }
  if (size < LARGE || size >= HUGE) return;
  const v8 = await import('node:v8');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
