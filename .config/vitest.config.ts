/*
 * The one Vitest config of the three plugins (create-plugin scaffolds Jest; this repo uses Vitest
 * 3.2 with jsdom and @testing-library/react). Run from a plugin folder:
 * `vitest run --config ../.config/vitest.config.ts`.
 */
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: process.cwd(),
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
