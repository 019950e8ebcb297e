/**
 * Opens the database. Every difference between the two dialects lives here: which driver, how
 * integers come back, connection settings. Above this file the SQL is the same for both.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type StoreKind = 'sqlite' | 'postgres';

export interface StoreConfig {
  /** `postgres://…` selects PostgreSQL; otherwise the embedded SQLite file under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  /** PostgreSQL time bounds (defaults: DEFAULT_DB_TIMEOUTS); see docs/deploy.md. */
  timeouts?: Partial<DbTimeouts>;
}

/** How long a PostgreSQL operation may take before the store gives up on it (ms). */
export interface DbTimeouts {
  /** A statement: the server cancels it (statement_timeout); the client gives up 500 ms later. */
  queryMs: number;
  /** Waiting for a pooled connection, including opening a new one (connectionTimeoutMillis). */
  connectMs: number;
  /** A transaction left idle by the exporter: the server ends the session, releasing its locks. */
  idleInTransactionMs: number;
}

export const DEFAULT_DB_TIMEOUTS: DbTimeouts = { queryMs: 4_000, connectMs: 4_000, idleInTransactionMs: 10_000 };

/** The client-side bound beyond the server's statement_timeout, so a live server's cancel wins. */
const CLIENT_GRACE_MS = 500;

export interface Connection {
  kind: StoreKind;
  db: Kysely<Database>;
  /** Where the data lives, without credentials (for logs and /health). */
  location: string;
  /**
   * Whether rows read in a write transaction can be locked (`SELECT … FOR UPDATE`, PostgreSQL).
   * SQLite has no row locks and needs none: it runs one write transaction at a time.
   */
  locksRows: boolean;
}

export function connect(config: StoreConfig): Connection {
  if (config.databaseUrl && /^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    return connectPostgres(config.databaseUrl, { ...DEFAULT_DB_TIMEOUTS, ...config.timeouts });
  }
  if (config.databaseUrl)
    throw new Error('DATABASE_URL must start with postgres:// (leave it unset for the embedded store)');
  return connectSqlite(config.dataDir);
}

function connectSqlite(dataDir: string): Connection {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'ballast.db');
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL'); // durable across process crashes in WAL mode
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  cacheStatements(database);
  return {
    kind: 'sqlite',
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }),
    location: file,
    locksRows: false,
  };
}

// Statements kept compiled, by SQL text: enough for every shape the service writes and reads.
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares (compiles) every statement it runs; a storm runs the same few
 * shapes thousands of times, so prepared statements are reused, least recently used dropped
 * first. A statement still being iterated (a stream) is busy: that caller gets a fresh one.
 */
function cacheStatements(database: SQLite.Database) {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, SQLite.Statement>();
  database.prepare = ((source: string) => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      cache.delete(source);
      cache.set(source, cached);
      return cached;
    }
    const statement = prepare(source);
    if (!cached) {
      cache.set(source, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    return statement;
  }) as typeof database.prepare;
}

// bigint (epoch ms, counts) and numeric (sums) as JS numbers: all our values fit in 2^53.
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * A client that drops its connection when a query outlives query_timeout: node-postgres fails
 * the query but keeps waiting on the socket, so without this the next query on that pooled
 * client would queue behind the lost one (a frozen server would hang every request in turn).
 * Dropped, it is not queryable, and the pool discards it on release.
 */
class BoundedClient extends pg.Client {
  override query(...args: unknown[]): never {
    const [text, values] = args;
    // Only a statement with parameters: one without may be several (simple query protocol).
    const name =
      typeof text === 'string' && Array.isArray(values) && values.length > 0 ? statementName(text) : undefined;
    const result = (super.query as (...a: unknown[]) => unknown)(
      ...(name ? [{ name, text, values }, ...args.slice(2)] : args)
    );
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if (error instanceof Error && error.message === 'Query read timeout') {
          (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
        }
      });
    }
    return result as never;
  }
}

// Named (prepared) statements, shared by the pool's clients; each prepares a name once, on its
// first use. Bounded: PostgreSQL keeps a session's prepared statements until it ends.
const MAX_NAMED_STATEMENTS = 200;
const SIGHTINGS_KEPT = 2_000;
const statementNames = new Map<string, string>();
const sightings = new Set<string>();

/**
 * The name to prepare a parameterised statement under, once its text was seen before: a storm
 * runs the same few shapes (a read of 100 ids, an insert of 100 rows) thousands of times, each
 * parsed and planned anew by the server without a name. A text seen once (a one-off) gets none.
 */
function statementName(text: string): string | undefined {
  const name = statementNames.get(text);
  if (name !== undefined || statementNames.size >= MAX_NAMED_STATEMENTS) return name;
  if (!sightings.has(text)) {
    if (sightings.size >= SIGHTINGS_KEPT) sightings.clear();
    sightings.add(text);
    return undefined;
  }
  sightings.delete(text);
  const next = `ballast_${statementNames.size + 1}`;
  statementNames.set(text, next);
  return next;
}

function connectPostgres(url: string, timeouts: DbTimeouts): Connection {
  const types = {
    getTypeParser: (oid: number, format?: string) =>
      oid === INT8_OID || oid === NUMERIC_OID
        ? (value: string) => Number(value)
        : pg.types.getTypeParser(oid, format as 'text'),
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types: types as pg.CustomTypesConfig,
    Client: BoundedClient,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.queryMs,
    query_timeout: timeouts.queryMs + CLIENT_GRACE_MS,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
  });
  // A client losing its server (restart, failover) emits 'error': on the pool when idle, on the
  // client itself while checked out between queries. Unhandled, either ends the process. The pool
  // drops such a client on release; the next query reconnects or fails with a connection error (→ 503).
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
    // Named statements (statementName) would switch to a generic plan after five runs, chosen
    // while a table is young: a seq scan comparing each row with all 500 ids of a lookup, whose
    // cost then grows with the table (PostgreSQL changes ingest fell from 13,000 to 1,300
    // records/s at 60,000 rows). Planned with their values, lookups use the primary key; parsing
    // stays saved. Queued ahead of the pool's first query on this client.
    client.query(`set plan_cache_mode = force_custom_plan`).catch(() => {});
  });
  const parsed = new URL(url);
  return {
    kind: 'postgres',
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    location: `postgres://${parsed.host}${parsed.pathname}`,
    locksRows: true,
  };
}
