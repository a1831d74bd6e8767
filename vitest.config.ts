import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // Integration tests share one simulator build and a real Redis; run files in parallel, tests in order.
    fileParallelism: true,
    pool: 'forks',
  },
});
