import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests run on the contract's TypeScript source (its `source` export condition), no build needed.
// The rest are Vitest's own defaults (Vite's server conditions without `module`).
const conditions = ['source', ...defaultServerConditions.filter((c) => c !== 'module')];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: test files that start PostgreSQL or Prometheus run one at a time.
    fileParallelism: false,
  },
});
