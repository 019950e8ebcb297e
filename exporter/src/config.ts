/** The exporter's settings, from the environment (and CLI flags, which win). Documented in README. */
import { parseTokens, type TokenEntry } from './api/auth.js';
import { webhookSecretsFromEnv, type IngestSource } from './ingest/receivers.js';
import { DEFAULT_DB_TIMEOUTS, type DbTimeouts } from './store/connect.js';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  configFile?: string;
  tokens: TokenEntry[];
  /** BALLAST_<SOURCE>_WEBHOOK_SECRET of each signing receiver (e.g. GitHub's X-Hub-Signature-256). Never logged. */
  webhookSecrets: Partial<Record<IngestSource, string>>;
  bodyLimit: number;
  metricsPublic: boolean;
  logLevel: string;
  /** How often /metrics values are recomputed when the data changed (ms). */
  refreshIntervalMs: number;
  /** A request (headers and body) must have arrived within this (ms), so a trickled body cannot hold a connection. */
  requestTimeoutMs: number;
  /** PostgreSQL statement, connection and idle-in-transaction bounds (docs/deploy.md). */
  dbTimeouts: DbTimeouts;
  /** A handler that has not answered after this long (ms) is answered 503: no request hangs on the store. */
  responseTimeoutMs: number;
  /** The report scheduler (docs/reports.md); it sends nothing unless the org config has `reports:`. */
  reports: ReportSettings;
}

export interface ReportSettings {
  /** BALLAST_REPORTS_TICK_MS: how often due reports and deliveries are looked for; 0 runs no scheduler here. */
  tickMs: number;
  /** BALLAST_REPORTS_RETRY_BASE_MS, _RETRY_MAX_MS, _MAX_ATTEMPTS: backoff of failed deliveries. */
  retry: { baseMs: number; maxMs: number; maxAttempts: number };
  /** Reads the variable a destination's `urlEnv` / `userEnv` / `passwordEnv` names (a function, so logging the config shows no secret). */
  secret: (name: string) => string | undefined;
}

export const DEFAULT_PORT = 9464;
export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;
export const DEFAULT_RESPONSE_TIMEOUT_MS = 15_000;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
export const isLoopback = (host: string) => LOOPBACK.has(host) || host.startsWith('127.');

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return n;
}

function timeoutMs(name: string, raw: string | undefined, fallback: number): number {
  const n = positiveInt(name, raw, fallback);
  if (n === 0) throw new Error(`${name} must be at least 1 (ms)`);
  return n;
}

export function configFromEnv(env: NodeJS.ProcessEnv, overrides: Partial<Config> = {}): Config {
  const config: Config = {
    host: env.HOST || '127.0.0.1',
    port: positiveInt('PORT', env.PORT, DEFAULT_PORT),
    dataDir: env.BALLAST_DATA_DIR || './data',
    databaseUrl: env.DATABASE_URL || undefined,
    configFile: env.BALLAST_CONFIG || undefined,
    tokens: parseTokens(env.BALLAST_TOKENS, env.BALLAST_GRAFANA_TOKENS),
    webhookSecrets: webhookSecretsFromEnv(env),
    bodyLimit: positiveInt('BALLAST_BODY_LIMIT', env.BALLAST_BODY_LIMIT, DEFAULT_BODY_LIMIT),
    metricsPublic: env.BALLAST_METRICS_PUBLIC === 'true',
    logLevel: env.BALLAST_LOG_LEVEL || 'info',
    refreshIntervalMs: positiveInt('BALLAST_REFRESH_INTERVAL_MS', env.BALLAST_REFRESH_INTERVAL_MS, 2000),
    requestTimeoutMs: positiveInt('BALLAST_REQUEST_TIMEOUT_MS', env.BALLAST_REQUEST_TIMEOUT_MS, 30_000),
    dbTimeouts: {
      queryMs: timeoutMs('BALLAST_DB_QUERY_TIMEOUT_MS', env.BALLAST_DB_QUERY_TIMEOUT_MS, DEFAULT_DB_TIMEOUTS.queryMs),
      connectMs: timeoutMs(
        'BALLAST_DB_CONNECT_TIMEOUT_MS',
        env.BALLAST_DB_CONNECT_TIMEOUT_MS,
        DEFAULT_DB_TIMEOUTS.connectMs
      ),
      idleInTransactionMs: timeoutMs(
        'BALLAST_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS',
        env.BALLAST_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
        DEFAULT_DB_TIMEOUTS.idleInTransactionMs
      ),
    },
    responseTimeoutMs: timeoutMs(
      'BALLAST_RESPONSE_TIMEOUT_MS',
      env.BALLAST_RESPONSE_TIMEOUT_MS,
      DEFAULT_RESPONSE_TIMEOUT_MS
    ),
    reports: {
      tickMs: positiveInt('BALLAST_REPORTS_TICK_MS', env.BALLAST_REPORTS_TICK_MS, 30_000),
      retry: {
        baseMs: timeoutMs('BALLAST_REPORTS_RETRY_BASE_MS', env.BALLAST_REPORTS_RETRY_BASE_MS, 30_000),
        maxMs: timeoutMs('BALLAST_REPORTS_RETRY_MAX_MS', env.BALLAST_REPORTS_RETRY_MAX_MS, 3_600_000),
        maxAttempts: Math.max(1, positiveInt('BALLAST_REPORTS_MAX_ATTEMPTS', env.BALLAST_REPORTS_MAX_ATTEMPTS, 10)),
      },
      secret: (name) => env[name],
    },
  };
  return { ...config, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
}

/** Refuses to serve beyond loopback without tokens. Returns the reason, or null when fine. */
export function exposureProblem(config: Config): string | null {
  if (config.tokens.length === 0 && !isLoopback(config.host)) {
    return `refusing to listen on ${config.host} without tokens: set BALLAST_TOKENS (role:token pairs) or HOST=127.0.0.1`;
  }
  return null;
}
