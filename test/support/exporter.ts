// The exporter as a separate process, as an operator runs it (`ballast serve`), from the source
// via tsx so no build is needed: for tests that stop, freeze or race it against its database.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { caller, TOKENS, type Call } from '../../exporter/test/helpers/server.js';
import { startProcess, waitUntil, type ManagedProcess } from './process.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// BALLAST_TEST_EXPORTER_MAIN runs the same tests against another checkout's CLI (e.g. to measure
// a baseline before a fix).
const MAIN = process.env.BALLAST_TEST_EXPORTER_MAIN ?? path.resolve(here, '../../exporter/src/cli/main.ts');

export interface ExporterOptions {
  /** postgres://… or undefined for the embedded SQLite under dataDir. */
  databaseUrl?: string;
  dataDir?: string;
  configFile?: string;
  /** More environment (BALLAST_* settings). */
  env?: Record<string, string>;
  /** A shell prefix run before exec (e.g. `ulimit -f 2048`). */
  shellPrefix?: string;
  timeoutMs?: number;
}

export interface ExporterProcess {
  readonly url: string;
  readonly proc: ManagedProcess;
  /** A request with a token of TOKENS (exporter/test/helpers/server.ts); default admin, 30 s. */
  call: Call;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

/** Starts one exporter; resolves once it printed the URL it listens on. */
export async function startExporter(options: ExporterOptions): Promise<ExporterProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BALLAST_TOKENS: Object.entries(TOKENS)
      .map(([role, token]) => `${role}:${token}`)
      .join(','),
    BALLAST_LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    ...options.env,
  };
  delete env.DATABASE_URL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  if (options.dataDir) env.BALLAST_DATA_DIR = options.dataDir;
  if (options.configFile) env.BALLAST_CONFIG = options.configFile;
  const command = `${options.shellPrefix ? `${options.shellPrefix}; ` : ''}exec "$0" --import tsx "$1" serve`;
  const proc = startProcess('exporter', 'bash', ['-c', command, process.execPath, MAIN], { cwd: here, env });
  const url = await waitUntil(async () => /Ballast exporter (http:\/\/\S+)/.exec(proc.logTail(50))?.[1], {
    proc,
    what: 'the exporter to listen',
    timeoutMs: options.timeoutMs ?? 30_000,
  });
  const call = caller(url);
  return {
    url,
    proc,
    call: (method, urlPath, options = {}) => call(method, urlPath, { timeoutMs: 30_000, ...options }),
    logTail: (lines) => proc.logTail(lines),
    stop: () => proc.stop({ timeoutMs: 5_000 }),
  };
}
