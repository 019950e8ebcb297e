// Process-wide cleanup for the real servers the tests start: every helper registers a
// synchronous "emergency" cleanup (kill the server, remove its temp dir) that runs when the
// test process exits or is told to stop by a signal, so no orphan servers or directories
// remain even when a test fails or forgets to call stop(). Servers are additionally started
// with a parent-death signal (see process.ts) so they die even if this process is SIGKILLed;
// their temp dirs are then swept by the next run (sweepStaleTempDirs).

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

type SyncCleanup = () => void;

const cleanups = new Set<SyncCleanup>();
let installed = false;

function runAll(): void {
  for (const fn of [...cleanups].reverse()) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // best effort: keep going with the others
    }
  }
}

const SIGNALS: Array<[NodeJS.Signals, number]> = [
  ['SIGINT', 2],
  ['SIGTERM', 15],
  ['SIGHUP', 1],
];

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const [sig, num] of SIGNALS) {
    process.on(sig, () => {
      runAll();
      process.exit(128 + num);
    });
  }
}

/**
 * Registers a synchronous cleanup to run at process exit or on SIGINT/SIGTERM/SIGHUP.
 * Returns a function that unregisters it (call it once the resource was released normally).
 */
export function registerCleanup(fn: SyncCleanup): () => void {
  install();
  cleanups.add(fn);
  return () => {
    cleanups.delete(fn);
  };
}

/** Runs (and unregisters) every registered cleanup now. Mostly for tests of this module. */
export function runCleanupsNow(): void {
  runAll();
}

/** Keep temp dirs after stop() for debugging: BALLAST_KEEP_TMP=1. */
export function keepTempDirs(): boolean {
  return process.env.BALLAST_KEEP_TMP === '1';
}

const TEMP_PREFIX = 'ballast-';
const TEMP_RE = /^ballast-([a-z0-9]+)-(\d+)-/;
let swept = false;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temp dirs left behind by test processes that no longer exist (e.g. SIGKILLed). */
export function sweepStaleTempDirs(): void {
  if (keepTempDirs()) return;
  const root = tmpdir();
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return;
  }
  for (const name of entries) {
    const m = TEMP_RE.exec(name);
    if (!m) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || pidAlive(pid)) continue;
    try {
      rmSync(path.join(root, name), { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // not ours to worry about
    }
  }
}

export interface TempDir {
  readonly path: string;
  /** Removes the directory (unless BALLAST_KEEP_TMP=1). Idempotent. */
  remove(): void;
}

/**
 * A fresh directory `<tmpdir>/ballast-<kind>-<pid>-XXXXXX`, removed at process exit if
 * the caller does not remove it first.
 */
export function makeTempDir(kind: string): TempDir {
  if (!/^[a-z0-9]+$/.test(kind)) throw new Error(`makeTempDir: kind must be [a-z0-9]+, got ${kind}`);
  if (!swept) {
    swept = true;
    sweepStaleTempDirs();
  }
  const dir = mkdtempSync(path.join(tmpdir(), `${TEMP_PREFIX}${kind}-${process.pid}-`));
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    unregister();
    if (keepTempDirs()) return;
    rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
  };
  const unregister = registerCleanup(remove);
  return { path: dir, remove };
}
