import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // many files wait on wall time (child processes, the emulators' jobs in the tests that keep them on it):
    // two at once even on 2 cores (vitest's default there is one)
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // a worker runs its files one after another in one process, with src/ loaded once: re-evaluating it for
    // each of ~80 files cost a third of the suite's CPU. Files keep nothing in src/ that another could trip
    // on (no mocks; process-wide state is the secrets set, the simulated worlds and imputations, which only
    // grow); each file starts and closes its own emulators, stores and temporary folders.
    isolate: false,
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
