/**
 * The store: one Kysely database (SQLite or PostgreSQL) with generic reads and writes over the
 * record tables. It knows tables and rows, not validation; the record service above it does.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- generic row I/O over tables named at run time, which Kysely's typed schema cannot express */
import { sql, type Kysely, type Transaction } from 'kysely';
import { connect, type StoreConfig, type StoreKind } from './connect.js';
import { classifyStoreError, StoreUnavailableError } from './errors.js';
import { appliedMigrations, migrate } from './migrations/index.js';
import type { Database } from './schema.js';
import type { Row } from './collections.js';

export type Executor = Kysely<Database> | Transaction<Database>;

export type Condition =
  | { column: string; op: 'in'; values: (string | number)[] }
  | { column: string; op: 'is_null' | 'not_null' }
  | { column: string; op: '>=' | '<' | '<=' | '>'; value: number };

export interface ListQuery {
  where: Condition[];
  orderBy: string;
  limit: number;
  offset: number;
}

export interface ScanQuery {
  where: Condition[];
  /** A column without nulls: each step continues after the last (orderBy, id) read. */
  orderBy: string;
  /** The columns to read: a scan reads many rows, so only what the caller judges them by. */
  columns: string[];
  /** Rows a step (default 10,000): memory stays bounded however many rows match. */
  step?: number;
}

// Stay under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters per statement.
const MAX_PARAMS = 30_000;
const ID_CHUNK = 500;

// A deadlocked or serialization-failed transaction is run this many times at most. SQLite's
// busy handler has already waited (busy_timeout, blocking the event loop) before it says busy,
// so it gets few: those are for a snapshot that went stale between the read and the write.
const WRITE_ATTEMPTS: Record<StoreKind, number> = { postgres: 8, sqlite: 3 };
const RETRY_BASE_MS = 25;
const WRITE_FAILURE_HOLD_MS = 60_000;

export class Store {
  /** When a write last failed as the SQLite file could not be written; null after a write succeeds. */
  private writeFailedAt: number | null = null;

  private constructor(
    readonly kind: StoreKind,
    readonly db: Kysely<Database>,
    readonly location: string,
    /** Whether rows read in a write can be locked (`SELECT … FOR UPDATE`): see connect.ts. */
    readonly locksRows: boolean
  ) {}

  /** Connects and applies pending migrations. */
  static async open(config: StoreConfig): Promise<Store> {
    const { kind, db, location, locksRows } = connect(config);
    try {
      await migrate(db, kind);
      await db
        .insertInto('data_revision')
        .values({ id: 1, revision: 0 })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return new Store(kind, db, location, locksRows);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  migrations(): Promise<string[]> {
    return appliedMigrations(this.db);
  }

  /**
   * Runs `fn` in one transaction; every write transaction bumps the data revision. A deadlock or
   * serialization failure (PostgreSQL 40P01/40001, SQLite busy) runs the whole of `fn` again (up
   * to WRITE_ATTEMPTS times in all, after a short random wait), so `fn` must act only through
   * `trx`; a conflict that persists, or an unavailable database, is classified (errors.ts) for a 503.
   */
  async write<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.transaction(async (trx) => {
          const value = await fn(trx);
          await trx
            .updateTable('data_revision')
            .set((eb) => ({ revision: eb('revision', '+', 1) }))
            .where('id', '=', 1)
            .execute();
          return value;
        });
        this.writeFailedAt = null;
        return result;
      } catch (error) {
        const failure = classifyStoreError(error);
        // A SQLite file that cannot be written (disk full, I/O error) still answers reads, so
        // health must remember it; a lost PostgreSQL shows in the health query itself.
        if (failure === 'unavailable' && this.kind === 'sqlite') this.writeFailedAt = Date.now();
        if (failure !== 'conflict') throw error;
        if (attempt >= WRITE_ATTEMPTS[this.kind]) {
          throw new StoreUnavailableError(`the write still conflicted after ${attempt} attempts`, { cause: error });
        }
        // Full jitter: writers that collided do not collide again in step.
        await new Promise((r) => setTimeout(r, Math.random() * RETRY_BASE_MS * 2 ** (attempt - 1)));
      }
    }
  }

  /**
   * One transaction. If `fn` or the commit fails, the rollback's own failure (SQLite already
   * rolled back after SQLITE_FULL, the connection is gone) must not replace the error that says
   * what went wrong; and the rollback must run even after a failed commit, as it is what hands
   * the connection back (SQLite has one: kept, every later query would wait for it).
   */
  private async transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    const trx = await this.db.startTransaction().execute();
    try {
      const result = await fn(trx);
      await trx.commit().execute();
      return result;
    } catch (error) {
      if (!trx.isCommitted && !trx.isRolledBack) {
        await trx
          .rollback()
          .execute()
          .catch(() => {});
      }
      throw error;
    }
  }

  /**
   * Whether the store serves: it answers a query, and no write failed for want of room or I/O
   * since the last one that succeeded (for WRITE_FAILURE_HOLD_MS at most, so that a store
   * nobody writes to does not stay "down" once the disk has room again).
   */
  async health(): Promise<{ up: true } | { up: false; reason: string }> {
    try {
      await this.ping();
    } catch {
      return { up: false, reason: 'the database does not answer' };
    }
    if (this.writeFailedAt !== null && Date.now() - this.writeFailedAt < WRITE_FAILURE_HOLD_MS) {
      return { up: false, reason: 'writes fail (disk full or I/O error); see the exporter log' };
    }
    return { up: true };
  }

  /** A number that changes whenever any process commits a write. */
  async revision(): Promise<number> {
    const row = await this.db.selectFrom('data_revision').select('revision').where('id', '=', 1).executeTakeFirst();
    return row?.revision ?? 0;
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  /**
   * Rows by id (any order). `lock` (inside a write transaction) keeps them from changing until it
   * commits (where the database locks rows, see connect.ts), in id order so two writers never wait
   * on each other in a circle.
   */
  async rowsById(ex: Executor, table: string, ids: string[], options: { lock?: boolean } = {}): Promise<Row[]> {
    const rows: Row[] = [];
    const lock = options.lock === true && this.locksRows;
    const unique = lock ? [...new Set(ids)].sort() : [...new Set(ids)];
    for (let i = 0; i < unique.length; i += ID_CHUNK) {
      const chunk = unique.slice(i, i + ID_CHUNK);
      const query = (ex as Kysely<any>).selectFrom(table).selectAll().where('id', 'in', chunk);
      rows.push(...((await (lock ? query.orderBy('id').forUpdate() : query).execute()) as Row[]));
    }
    return rows;
  }

  /** Inserts rows, or updates them where the id exists. */
  async upsertRows(ex: Executor, table: string, rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]!);
    const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
    const updates = Object.fromEntries(columns.filter((c) => c !== 'id').map((c) => [c, sql.ref(`excluded.${c}`)]));
    for (let i = 0; i < rows.length; i += perStatement) {
      await (ex as Kysely<any>)
        .insertInto(table)
        .values(rows.slice(i, i + perStatement))
        .onConflict((oc) => oc.column('id').doUpdateSet(updates))
        .execute();
    }
  }

  /**
   * Inserts the rows whose id is not stored yet and returns the ids it inserted: a row another
   * transaction inserted first (after our read) is left as that one committed it, for the caller
   * to read again and decide on (PostgreSQL waits for that transaction to end).
   */
  async insertNewRows(ex: Executor, table: string, rows: Row[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    if (rows.length === 0) return inserted;
    const perStatement = Math.max(1, Math.floor(MAX_PARAMS / Object.keys(rows[0]!).length));
    for (let i = 0; i < rows.length; i += perStatement) {
      const done = (await (ex as Kysely<any>)
        .insertInto(table)
        .values(rows.slice(i, i + perStatement))
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .execute()) as { id: string }[];
      for (const { id } of done) inserted.add(id);
    }
    return inserted;
  }

  async deleteRow(ex: Executor, table: string, id: string): Promise<boolean> {
    const result = await (ex as Kysely<any>).deleteFrom(table).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async list(table: string, query: ListQuery): Promise<{ rows: Row[]; total: number }> {
    const base = applyConditions((this.db as Kysely<any>).selectFrom(table), query.where);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy(query.orderBy, 'desc').orderBy('id').limit(query.limit).offset(query.offset).execute(),
      base.select((eb: any) => eb.fn.countAll().as('total')).executeTakeFirst(),
    ]);
    return { rows: rows as Row[], total: Number(count?.total ?? 0) };
  }

  /**
   * Every matching row in list order, a step at a time: for filters computed outside SQL. Each
   * step continues after the last row of the one before (keyset), so no step re-reads rows.
   */
  async *scan(table: string, query: ScanQuery): AsyncGenerator<Row[]> {
    const step = query.step ?? 10_000;
    const columns = [...new Set([...query.columns, query.orderBy, 'id'])];
    const base = applyConditions((this.db as Kysely<any>).selectFrom(table), query.where)
      .select(columns)
      .orderBy(query.orderBy, 'desc')
      .orderBy('id')
      .limit(step);
    let last: Row | undefined;
    for (;;) {
      const after = last;
      const next =
        after === undefined
          ? base
          : base.where((eb: any) =>
              eb.or([
                eb(query.orderBy, '<', after[query.orderBy]),
                eb.and([eb(query.orderBy, '=', after[query.orderBy]), eb('id', '>', after.id)]),
              ])
            );
      const rows = (await next.execute()) as Row[];
      if (rows.length > 0) yield rows;
      if (rows.length < step) return;
      last = rows[rows.length - 1];
    }
  }
}

function applyConditions(query: any, conditions: Condition[]): any {
  return conditions.reduce((q, c) => {
    switch (c.op) {
      case 'in':
        return q.where(c.column, 'in', c.values);
      case 'is_null':
        return q.where(c.column, 'is', null);
      case 'not_null':
        return q.where(c.column, 'is not', null);
      default:
        return q.where(c.column, c.op, c.value);
    }
  }, query);
}
