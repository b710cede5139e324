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
    // Every test at once: boot.e2e.ts itself runs one guest per core, and a test waiting for its
    // image holds none.
    maxConcurrency: 64,
  },
});
