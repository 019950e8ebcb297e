/*
 * The Vitest config Stryker runs a scope's tests with (mutation/run.mjs sets the environment): the
 * workspace's own config, rooted at that workspace inside Stryker's sandbox (this file is copied
 * with the repository, so every path below resolves to the sandbox's mutated sources), limited to
 * the scope's test files.
 */
import path from 'node:path';
import { loadConfigFromFile } from 'vite';
import { defineConfig, mergeConfig, type UserConfig } from 'vitest/config';

export default defineConfig(async () => {
  const repo = path.resolve(__dirname, '..');
  // Loaded as Vite loads a config (bundled with esbuild): the workspace config is TypeScript too.
  const loaded = await loadConfigFromFile(
    { command: 'serve', mode: 'test' },
    path.join(repo, required('BALLAST_MUTATION_BASE_CONFIG'))
  );
  if (!loaded) {
    throw new Error(`no Vitest config at ${required('BALLAST_MUTATION_BASE_CONFIG')}`);
  }
  const base = loaded.config as UserConfig;
  const config = mergeConfig(base, { root: path.join(repo, required('BALLAST_MUTATION_WORKSPACE')) });
  // Replaced, not merged (mergeConfig concatenates arrays): only the scope's tests.
  config.test = { ...config.test, include: required('BALLAST_MUTATION_TESTS').split(',') };
  return config;
});

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run mutation testing with \`npm run mutate\``);
  }
  return value;
}
