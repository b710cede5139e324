import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The real-boot suite (`npm run test:e2e`), apart from `npm test`: it builds Debian images and
 * boots them under QEMU, minutes rather than seconds. Bounds are per step (image build, each
 * boot's hard time-out); the test time-out only catches what those miss.
 */
export default defineConfig({
  test: {
    root: join(import.meta.dirname, '../..'),
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 90 * 60_000,
    hookTimeout: 90 * 60_000,
    // One guest per core: each boots with -smp 1, and TCG keeps its core busy.
    maxConcurrency: availableParallelism(),
  },
});
