// Typed access to the shared system-binary lookup in binaries.mjs (the same module that
// test/scripts/system-packages.mjs uses, so the list of binaries lives in one place).
import { binaryPath, locateAll, type ToolKey } from './binaries.mjs';

export { TOOLS, MANUAL_INSTALL_COMMAND, binaryPath, locateAll, postgresDirs, searchDirs } from './binaries.mjs';
export type { Tool, ToolKey } from './binaries.mjs';

/** Absolute path of a system binary; throws with install instructions if it is missing. */
export function requireBinary(key: ToolKey): string {
  return binaryPath(key);
}

/** Directory holding initdb/postgres/pg_ctl (e.g. /usr/lib/postgresql/15/bin). */
export function postgresBinDir(): string {
  const postgres = binaryPath('postgres');
  return postgres.slice(0, postgres.lastIndexOf('/'));
}

/** True when every binary the suite needs is present. */
export function allBinariesPresent(): boolean {
  return locateAll().missing.length === 0;
}
