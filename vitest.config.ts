import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Compiles the templates as the build does, so no test renders through stale ones.
    globalSetup: ['test/support/setup-templates.ts'],
  },
});
