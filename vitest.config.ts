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
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      // Measured over the in-process tests only: commands run in child processes (as a person runs them) are not
      // counted, so these floors sit below what the whole suite exercises. They only ever go up.
      thresholds: { lines: 63, statements: 62, functions: 62, branches: 57 },
    },
  },
});
