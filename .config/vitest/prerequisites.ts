/*
 * What a test needs on disk before it can run (Chromium, a built dist/), each with the command that
 * provides it. A missing one FAILS the tests that need it, naming the command: never a silent skip.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Prerequisite {
  /** What it is, for the message ("Chromium", "dist/module.js of panel-plugin"). */
  what: string;
  /** The file that must exist. */
  file: string;
  /** The command that provides it, run from the repository root. */
  fix: string;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Chromium for the headless page tests (CHROMIUM_PATH, else Debian's /usr/bin/chromium). */
export const CHROMIUM: Prerequisite = {
  what: 'Chromium',
  file: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  fix: 'node test/scripts/system-packages.mjs',
};

/** The built module.js of a plugin workspace (a folder under the repository root). */
export function builtPlugin(workspaceDir: string): Prerequisite {
  const name = path.basename(workspaceDir);
  return {
    what: `the built ${name} (dist/module.js)`,
    file: path.join(workspaceDir, 'dist', 'module.js'),
    fix: `npm run build -w ${name}`,
  };
}

/** The built exporter CLI that tests start as a real server. */
export const BUILT_EXPORTER: Prerequisite = {
  what: 'the built exporter (exporter/dist/cli/main.js)',
  file: path.join(REPO_ROOT, 'exporter', 'dist', 'cli', 'main.js'),
  fix: 'npm run build -w exporter',
};

/** The prerequisites that are missing. */
export function missing(prerequisites: Prerequisite[]): Prerequisite[] {
  return prerequisites.filter((p) => !fs.existsSync(p.file));
}

/** Throws (failing the calling hook or test) when any prerequisite is missing, with the commands to fix it. */
export function requirePrerequisites(prerequisites: Prerequisite[]): void {
  const absent = missing(prerequisites);
  if (absent.length === 0) {
    return;
  }
  const lines = absent.map((p) => `  - ${p.what}: no ${p.file}; run \`${p.fix}\` at the repository root`);
  throw new Error(`missing what this test needs:\n${lines.join('\n')}`);
}
