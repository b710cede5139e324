import { error, type Diagnostic } from './diagnostics.ts';

/**
 * The largest intent vrfgen reads, in bytes. A real one is a few KB (100 VRFs of 20 members each is
 * about 100 KB); without a cap a 50 MB intent took 12 s and 1.8 GB to parse, a larger one exhausted
 * the heap, and /dev/zero never ended. Below the cap every stage is linear: the worst intent of
 * 1 MiB takes a few seconds and a few hundred MB.
 */
export const MAX_INTENT_BYTES = 1024 * 1024;

/**
 * Deepest nesting of collections the readers accept. An intent needs 6 (the root, vrfs, a vrf, its
 * services, one entry, its exec-start list); the YAML library builds documents recursively and runs
 * out of stack somewhere past 800 levels, at a depth that depends on the JIT's frames.
 */
export const MAX_DEPTH = 32;

/**
 * The YAML library finds each alias's anchor by scanning every anchor and alias before it, so n
 * aliases cost n² steps (a 4 MiB file of them would run for hours); its own limit only counts how
 * often one anchor is used. Sharing a list of routes between VRFs needs a handful.
 */
export const MAX_ALIASES = 1000;

export const tooLarge = (file: string): Diagnostic => ({
  ...error('intent/too-large', [], `intent: larger than ${MAX_INTENT_BYTES} bytes (1 MiB), the most vrfgen reads; a real intent is a few KB`),
  pos: { file, line: 1, col: 1 },
});
