import { error, type Diagnostic } from '../diagnostics/diagnostics.ts';

/**
 * The largest intent vrfgen reads, in bytes: room for thousands of VRFs with their members, VLANs,
 * addresses and routes (hosts run thousands). Without a cap a large intent took seconds and gigabytes
 * to parse, a larger one exhausted the heap, and /dev/zero never ended. Below the cap every stage is
 * linear, and what a run keeps of its problems is bounded (below). Sizes and costs: bench/notes.md.
 */
export const MAX_INTENT_BYTES = 2 * 1024 * 1024;

/**
 * Entries of a section (VRFs, vlan-parents) with schema problems that are described one by one;
 * the others are counted (intent/too-many-problems) and left out like every entry with a problem.
 * Describing all of 85 000 broken VRFs took half a gigabyte before a line was printed.
 */
export const MAX_BROKEN_ENTRIES = 200;

/** Diagnostics a run prints (or puts in its JSON): the first ones by position, then how many more. */
export const MAX_SHOWN_DIAGNOSTICS = 1000;

/**
 * Deepest nesting of collections the readers accept. An intent needs 6 (the root, vrfs, a vrf, its
 * services, one entry, its exec-start list); the YAML library builds documents recursively and runs
 * out of stack somewhere past 800 levels, at a depth that depends on the JIT's frames.
 */
export const MAX_DEPTH = 32;

/**
 * The YAML library finds each alias's anchor by scanning every anchor and alias before it, so n
 * aliases cost n² steps (a file of a few MiB of them would run for hours); its own limit only counts how
 * often one anchor is used. Sharing a list of routes between VRFs needs a handful.
 */
export const MAX_ALIASES = 1000;

export const tooLarge = (file: string): Diagnostic => ({
  ...error(
    'intent/too-large',
    [],
    `intent: larger than ${MAX_INTENT_BYTES} bytes (${MAX_INTENT_BYTES / 1024 / 1024} MiB), the most vrfgen reads`,
  ),
  pos: { file, line: 1, col: 1 },
});
