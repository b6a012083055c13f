import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Files share one real Redis and spawn real processes: run them one at a time.
    fileParallelism: false,
    // Whole campaigns and reports run inside one test; a hang still fails, after two minutes.
    testTimeout: 120_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});
