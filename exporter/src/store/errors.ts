/**
 * What a database failure means for the caller, decided in this one place for both stores:
 * - `conflict`: two transactions got in each other's way (deadlock, serialization failure, a
 *   busy SQLite file); running the whole transaction again is expected to succeed.
 * - `unavailable`: the database cannot serve now (connection lost or refused, timed out, shutting
 *   down, disk full, I/O error); the sender should retry later (HTTP 503 with Retry-After).
 * - `bug`: anything else (a constraint, a syntax error): retrying would fail the same way (HTTP 500).
 */
export type StoreFailure = 'conflict' | 'unavailable' | 'bug';

/** A store failure already judged (retries exhausted, a timeout of ours): its cause is the driver's error. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

// PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const PG_CONFLICT = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
const PG_UNAVAILABLE_CLASSES = ['08', '53', '58']; // connection exception, insufficient resources, system error
const PG_UNAVAILABLE = new Set([
  '57014', // query_canceled: statement_timeout
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '57P05', // idle_session_timeout
  '25P03', // idle_in_transaction_session_timeout
]);

// better-sqlite3 codes: the primary result code, or an extended one that starts with it.
const SQLITE_CONFLICT = ['SQLITE_BUSY', 'SQLITE_LOCKED'];
const SQLITE_UNAVAILABLE = ['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_NOMEM'];

const NET_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// node-postgres and pg-pool raise these without a code.
const PG_CLIENT_UNAVAILABLE = [
  /timeout exceeded when trying to connect/i,
  /^Connection terminated/i,
  /^Query read timeout/i,
  /is not queryable/i,
  /Cannot use a pool after calling end/i,
];

export function classifyStoreError(error: unknown): StoreFailure {
  if (error instanceof StoreUnavailableError) return 'unavailable';
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const message = error instanceof Error ? error.message : '';
  if (PG_CONFLICT.has(code) || SQLITE_CONFLICT.some((c) => code.startsWith(c))) return 'conflict';
  if (
    PG_UNAVAILABLE.has(code) ||
    (/^[0-9A-Z]{5}$/.test(code) && PG_UNAVAILABLE_CLASSES.includes(code.slice(0, 2))) ||
    SQLITE_UNAVAILABLE.some((c) => code.startsWith(c)) ||
    NET_UNAVAILABLE.has(code) ||
    PG_CLIENT_UNAVAILABLE.some((re) => re.test(message))
  ) {
    return 'unavailable';
  }
  return 'bug';
}

/** Seconds a sender should wait before retrying (Retry-After), by failure. */
export function retryAfterSeconds(failure: Exclude<StoreFailure, 'bug'>): number {
  return failure === 'conflict' ? 1 : 5;
}
