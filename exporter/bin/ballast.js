#!/usr/bin/env node
// The `ballast` command as npm links it. It is committed (not built) because npm links a
// workspace's bin only when its target exists at install time, and dist/ does not exist
// right after `npm ci`. It loads the built CLI, or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

if (!existsSync(main)) {
  process.stderr.write(
    `ballast: the exporter is not built yet (${main} is missing).\n` +
      'Build it once from the repository root with `npm run build -w exporter` (or `npm run build`), then run the command again.\n'
  );
  // 2, not 1: for `ballast gate`, 1 means "frozen".
  process.exit(2);
}

await import(pathToFileURL(main).href);
