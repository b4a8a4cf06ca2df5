import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // many files wait on wall time (the emulators' jobs, child processes): two at once even on 2 cores
    // (vitest's default there is one)
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // `npm run coverage`: lines of src/ run in the test processes (the spawned binary's are not counted)
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/sandbox/**'],
      reporter: ['text-summary', 'text'],
      reportsDirectory: 'coverage',
      reportOnFailure: true,
    },
  },
});
