/**
 * A read-only Kysely over the SQLite file whose queries run in a worker thread with its own
 * better-sqlite3 connection. better-sqlite3 is synchronous: a KPI refresh over a large store
 * would otherwise hold the event loop for seconds (every /metrics scrape and API call waits).
 * WAL mode lets this reader run beside the main connection's writes. The SQL is compiled by
 * Kysely's SQLite compiler as for the main connection; only where it executes differs.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { Database } from './schema.js';
import type { Store } from './store.js';

/** Runs in the worker (plain CommonJS, so it works from the sources under tsx and from dist). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
parentPort.on('message', ({ id, sql, parameters }) => {
  try {
    const statement = db.prepare(sql);
    const rows = statement.reader ? statement.all(parameters) : (statement.run(parameters), []);
    parentPort.postMessage({ id, rows });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

type Reply = { id: number; rows?: unknown[]; error?: string };

class WorkerDriver implements Driver {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve(rows: unknown[]): void; reject(error: Error): void }>();
  private nextId = 0;

  constructor(private readonly file: string) {}

  async init(): Promise<void> {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: this.file, driver } });
    worker.unref(); // an idle reader never keeps the process alive
    worker.on('message', ({ id, rows, error }: Reply) => {
      const request = this.pending.get(id);
      this.pending.delete(id);
      if (error !== undefined) request?.reject(new Error(error));
      else request?.resolve(rows ?? []);
    });
    const fail = (error: Error) => {
      for (const request of this.pending.values()) request.reject(error);
      this.pending.clear();
      this.worker = null;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`SQLite reader worker exited (${code})`)));
    this.worker = worker;
  }

  private run(query: CompiledQuery): Promise<unknown[]> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('SQLite reader worker is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, sql: query.sql, parameters: query.parameters });
    });
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const run = (query: CompiledQuery) => this.run(query);
    return {
      async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
        return { rows: (await run(query)) as R[] };
      },

      async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
        throw new Error('the SQLite reader does not stream');
      },
    };
  }

  async beginTransaction(): Promise<void> {
    throw new Error('the SQLite reader is read-only: no transactions');
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }
}

/** A Kysely reading `file` (an SQLite database in WAL mode) from a worker thread. */
export function sqliteReader(file: string): Kysely<Database> {
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new WorkerDriver(file),
      createQueryCompiler: () => new SqliteQueryCompiler(),
      createIntrospector: (db) => new SqliteIntrospector(db),
    },
  });
}

/**
 * Where long read-only queries (the KPI refresh) should run: for SQLite a worker-thread reader
 * (closed by `close`), for PostgreSQL the store's own pool, already asynchronous.
 */
export function readerFor(store: Store): { db: Kysely<Database>; close(): Promise<void> } {
  if (store.kind !== 'sqlite') return { db: store.db, close: async () => {} };
  const db = sqliteReader(store.location);
  return { db, close: () => db.destroy() };
}
