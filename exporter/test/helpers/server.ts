/** Starts the real exporter HTTP server on a free loopback port for a test. */
import { pino } from 'pino';
import { configFromEnv, type Config } from '../../src/config.js';
import { openServices, startServer, type RunningServer } from '../../src/server.js';
import type { StoreConfig } from '../../src/store/connect.js';

export const TOKENS = {
  read: 'read-token-0123456789',
  ingest: 'ingest-token-0123456789',
  admin: 'admin-token-0123456789',
};

export interface CallOptions {
  role?: keyof typeof TOKENS | null;
  body?: unknown;
  headers?: Record<string, string>;
  /** Give up (an abort error) after this long (ms); default: wait. */
  timeoutMs?: number;
}

/** fetch against the server with the given role's token (default admin; null: none). */
export type Call = (method: string, path: string, options?: CallOptions) => Promise<Response>;

export interface TestServer extends RunningServer {
  call: Call;
}

/** `call` against an exporter at `url` that has TOKENS (in process, or a process of its own). */
export function caller(url: string): Call {
  return (method, path, options = {}) => {
    const role = options.role === undefined ? 'admin' : options.role;
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (role) headers.authorization = `Bearer ${TOKENS[role]}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const signal = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    return fetch(`${url}${path}`, { method, headers, body, signal });
  };
}

export async function startTestServer(store: StoreConfig, overrides: Partial<Config> = {}): Promise<TestServer> {
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const config = configFromEnv(
    {
      BALLAST_TOKENS: Object.entries(TOKENS)
        .map(([role, token]) => `${role}:${token}`)
        .join(','),
    },
    { port: 0, host: '127.0.0.1', ...store, ...overrides }
  );
  const services = await openServices(config, logger);
  const server = await startServer(config, logger, services);
  return { ...server, call: caller(server.url) };
}
