// Starting, watching and stopping one real server process, with its output kept in memory so
// that start-up failures can show the server's own log.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { registerCleanup } from './cleanup.js';

const SETPRIV = '/usr/bin/setpriv';
const MAX_LOG_LINES = 400;

export interface StartProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this uid/gid (needs root). */
  uid?: number;
  gid?: number;
  /** Signal for a graceful stop (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
}

export interface StopOptions {
  /** How long to wait after the graceful signal before SIGKILL (default 10 s). */
  timeoutMs?: number;
  signal?: NodeJS.Signals;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Exit code/signal once the process has exited, else undefined. */
  readonly exitStatus: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Last `lines` lines of combined stdout/stderr. */
  logTail(lines?: number): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** Graceful stop, then SIGKILL of the whole process group after the timeout. Idempotent. */
  stop(opts?: StopOptions): Promise<void>;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Spawns `file args` in its own process group, with a parent-death signal (via util-linux
 * setpriv, when present) so it is killed even if the test process dies without running its
 * exit handlers. Registers an exit-time SIGKILL of the group.
 */
export function startProcess(
  name: string,
  file: string,
  args: readonly string[],
  opts: StartProcessOptions = {}
): ManagedProcess {
  const usePdeathsig = process.platform === 'linux' && existsSync(SETPRIV);
  const [cmd, argv] = usePdeathsig ? [SETPRIV, ['--pdeathsig', 'KILL', '--', file, ...args]] : [file, [...args]];
  const child = spawn(cmd, argv, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    uid: opts.uid,
    gid: opts.gid,
    detached: true, // own process group: stop() can reap helpers, terminal ^C doesn't hit it
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    // spawn failures (e.g. ENOENT, EACCES) are also emitted as an 'error' event: swallow it
    child.on('error', () => {});
    throw new Error(`${name}: could not start ${file} (spawn failed; is it installed and executable?)`);
  }
  const pid = child.pid;

  const lines: string[] = [];
  const partial = { out: '', err: '' };
  const onData = (key: 'out' | 'err') => (chunk: Buffer) => {
    const text = partial[key] + chunk.toString('utf8');
    const parts = text.split('\n');
    partial[key] = parts.pop() ?? '';
    for (const l of parts) {
      lines.push(l);
      if (lines.length > MAX_LOG_LINES) lines.shift();
    }
  };
  child.stdout?.on('data', onData('out'));
  child.stderr?.on('data', onData('err'));

  let exitStatus: ManagedProcess['exitStatus'];
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on('error', (err) => {
      spawnError = err;
      lines.push(`[spawn error] ${err.message}`);
      exitStatus ??= { code: null, signal: null };
      resolve();
    });
    child.on('exit', (code, signal) => {
      exitStatus = { code, signal };
      resolve();
    });
  });

  // Don't let a forgotten server keep the test worker alive; the exit cleanup kills it.
  child.unref();
  (child.stdout as { unref?: () => void } | null)?.unref?.();
  (child.stderr as { unref?: () => void } | null)?.unref?.();

  const unregister = registerCleanup(() => {
    if (exitStatus === undefined) killGroup(pid, 'SIGKILL');
  });

  let stopping: Promise<void> | undefined;
  const stop = (sopts: StopOptions = {}): Promise<void> => {
    stopping ??= (async () => {
      if (exitStatus === undefined) {
        try {
          process.kill(pid, sopts.signal ?? opts.stopSignal ?? 'SIGTERM');
        } catch {
          // already gone
        }
        const timeoutMs = sopts.timeoutMs ?? 10_000;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          exited.then(() => false),
          new Promise<boolean>((r) => {
            timer = setTimeout(() => r(true), timeoutMs);
          }),
        ]);
        clearTimeout(timer);
        if (timedOut) {
          killGroup(pid, 'SIGKILL');
          await exited;
        }
      }
      // reap anything the server left in its group (e.g. postgres backends)
      killGroup(pid, 'SIGKILL');
      unregister();
    })();
    return stopping;
  };

  return {
    name,
    pid,
    child,
    get exitStatus() {
      return exitStatus;
    },
    logTail(n = 40): string {
      const all = [...lines];
      if (partial.out) all.push(partial.out);
      if (partial.err) all.push(partial.err);
      if (spawnError && !all.some((l) => l.includes(spawnError!.message)))
        all.push(`[spawn error] ${spawnError.message}`);
      return all.slice(-n).join('\n');
    },
    exited,
    stop,
  };
}

/** Formats a start-up failure with the server's log tail. */
export function startupError(proc: ManagedProcess, what: string, cause?: unknown): Error {
  const status = proc.exitStatus
    ? `exited with ${proc.exitStatus.signal ? `signal ${proc.exitStatus.signal}` : `code ${proc.exitStatus.code}`}`
    : 'still running';
  const causeText =
    cause === undefined ? '' : ` (last error: ${cause instanceof Error ? cause.message : String(cause)})`;
  const tail = proc.logTail(40);
  return new Error(
    `${proc.name}: ${what}; process ${status}${causeText}\n--- last lines of ${proc.name} output ---\n${tail || '(no output)'}\n--- end ---`
  );
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Fail immediately (with its log) if this process exits while waiting. */
  proc?: ManagedProcess;
  /** Describes what is awaited, for the error message. */
  what: string;
}

/**
 * Polls `check` until it returns a value other than undefined/false. Fails with the log tail
 * of `proc` on timeout or when `proc` exits first.
 */
export async function waitUntil<T>(check: () => Promise<T | undefined | false>, opts: WaitOptions): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (opts.proc?.exitStatus) throw startupError(opts.proc, `exited while waiting for ${opts.what}`, lastError);
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const msg = `timed out after ${timeoutMs} ms waiting for ${opts.what}`;
      if (opts.proc) throw startupError(opts.proc, msg, lastError);
      throw new Error(
        lastError ? `${msg} (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})` : msg
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** GET `url` and return true on a 2xx answer (short per-request timeout). */
export async function httpOk(url: string, timeoutMs = 2_000): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return true;
}

/** True when the log says the listen address was taken (so a retry on a new port may help). */
export function addressInUse(proc: ManagedProcess): boolean {
  return /address already in use|could not bind|could not create any TCP\/IP sockets/i.test(proc.logTail(60));
}
