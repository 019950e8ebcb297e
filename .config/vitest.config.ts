/*
 * The one Vitest config of the three plugins (create-plugin scaffolds Jest; this repo uses Vitest
 * 3.2 with jsdom and @testing-library/react). Run from a plugin folder:
 * `vitest run --config ../.config/vitest.config.ts`.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
const GRAFANA_CJS = [
  '@grafana/data',
  '@grafana/ui',
  '@grafana/runtime',
  '@grafana/schema',
  '@grafana/i18n',
  '@grafana/e2e-selectors',
];

export default defineConfig({
  root: process.cwd(),
  resolve: {
    // @ballast/contract from its TypeScript source, as the webpack build bundles it; the rest are
    // Vitest's own defaults (Vite's server conditions without `module`).
    conditions: ['source', ...defaultServerConditions.filter((c) => c !== 'module')],
    // The ESM builds of the @grafana packages import named exports from CommonJS packages
    // (moment-timezone, ...), which Node's ESM loader refuses; their CommonJS builds load fine.
    // Tests and the AMD bundle loader get the same (CommonJS) instance of each package.
    alias: GRAFANA_CJS.map((name) => ({
      find: new RegExp(`^${name.replace('/', '\\/')}$`),
      replacement: require.resolve(name),
    })),
  },
  esbuild: {
    // @grafana/tsconfig compiles JSX to React.createElement (the swc-loader build does the same).
    jsx: 'transform',
  },
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.{test,spec}.{ts,tsx}'],
    setupFiles: [path.join(__dirname, 'vitest', 'setup.ts')],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: the default thread count is fine, but forks isolate the jsdom globals best.
    pool: 'forks',
    css: false,
  },
});
