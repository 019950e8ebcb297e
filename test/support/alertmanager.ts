// A throw-away Alertmanager (Debian's `prometheus-alertmanager` binary, upstream's
// `alertmanager`) on 127.0.0.1:<free port>, data in a fresh temp dir, clustering disabled
// (an empty --cluster.listen-address, so it does not bind 9094).

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { requireBinary } from './binaries.js';
import { makeTempDir } from './cleanup.js';
import { freePort } from './ports.js';
import { addressInUse, httpOk, startProcess, waitUntil, type ManagedProcess } from './process.js';

/** A minimal config: every alert goes to a receiver that delivers nothing. */
export const NULL_ALERTMANAGER_CONFIG = `route:
  receiver: "null"
receivers:
  - name: "null"
`;

export interface AlertmanagerOptions {
  /** alertmanager.yml contents (a function gets the port and temp dir). Default: NULL_ALERTMANAGER_CONFIG. */
  configYaml?: string | ((ctx: { port: number; dir: string }) => string);
  /** More command-line flags. */
  extraArgs?: readonly string[];
  /** Start-up timeout (default 30 s). */
  timeoutMs?: number;
}

export interface AlertmanagerServer {
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly configFile: string;
  /** pid of the current process (changes on restart). */
  readonly pid: number;
  /** Stops gracefully and starts again with the same data dir, config file and port. */
  restart(): Promise<void>;
  /** POST /-/reload, e.g. after rewriting configFile. */
  reload(): Promise<void>;
  /**
   * `amtool alert add <labels> [--end=…]` against this server, as an operator would: without a
   * start, Alertmanager stamps the alert with its own clock (nanoseconds).
   */
  addAlert(labels: Record<string, string>, options?: { end?: string }): Promise<void>;
  logTail(lines?: number): string;
  /** Stops the server and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
}

export async function startAlertmanager(opts: AlertmanagerOptions = {}): Promise<AlertmanagerServer> {
  const bin = requireBinary('alertmanager');
  const tmp = makeTempDir('alertmanager');
  const configFile = path.join(tmp.path, 'alertmanager.yml');
  const dataDir = path.join(tmp.path, 'data');
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let port = 0;
  let proc: ManagedProcess | undefined;

  const launch = async (): Promise<ManagedProcess> => {
    const p = startProcess(
      'alertmanager',
      bin,
      [
        `--config.file=${configFile}`,
        `--storage.path=${dataDir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=http://127.0.0.1:${port}/`,
        '--cluster.listen-address=',
        '--log.level=info',
        ...(opts.extraArgs ?? []),
      ],
      { cwd: tmp.path }
    );
    try {
      await waitUntil(() => httpOk(`http://127.0.0.1:${port}/-/ready`), {
        proc: p,
        what: `alertmanager /-/ready on 127.0.0.1:${port}`,
        timeoutMs,
        intervalMs: 50,
      });
      return p;
    } catch (err) {
      await p.stop({ timeoutMs: 2_000 });
      (err as Error & { addressInUse?: boolean }).addressInUse = addressInUse(p);
      throw err;
    }
  };

  try {
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const yaml =
        typeof opts.configYaml === 'function'
          ? opts.configYaml({ port, dir: tmp.path })
          : (opts.configYaml ?? NULL_ALERTMANAGER_CONFIG);
      writeFileSync(configFile, yaml);
      try {
        proc = await launch();
        break;
      } catch (err) {
        if (attempt < 3 && (err as { addressInUse?: boolean }).addressInUse) continue;
        throw err;
      }
    }
  } catch (err) {
    tmp.remove();
    throw err;
  }

  const url = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  let current: ManagedProcess = proc;

  return {
    url,
    port,
    dir: tmp.path,
    configFile,
    get pid() {
      return current.pid;
    },
    async restart() {
      if (stopping) throw new Error('alertmanager: restart() after stop()');
      // SIGTERM lets Alertmanager write its notification log and silences snapshots to dataDir.
      await current.stop({ timeoutMs: 10_000 });
      current = await launch();
    },
    async reload() {
      const res = await fetch(`${url}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      if (!res.ok) throw new Error(`alertmanager reload failed: HTTP ${res.status}: ${text}\n${current.logTail(20)}`);
    },
    async addAlert(labels, options = {}) {
      const args = ['alert', 'add', ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
      if (options.end) args.push(`--end=${options.end}`);
      await promisify(execFile)(requireBinary('amtool'), [...args, `--alertmanager.url=${url}`], { timeout: 10_000 });
    },
    logTail: (n) => current.logTail(n),
    stop: () =>
      (stopping ??= (async () => {
        try {
          await current.stop({ timeoutMs: 10_000 });
        } finally {
          tmp.remove();
        }
      })()),
  };
}
