import { defineConfig } from 'vitest/config';

// These suites start real PostgreSQL / Prometheus / Alertmanager / Chromium processes.
// On the 2-core CI machine, running files in parallel only makes those servers contend
// (and makes start-up timeouts flaky), so files run one after another in forked workers
// (forks: a crashed/killed worker takes its servers with it, see support/process.ts).
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'artifacts/**'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
