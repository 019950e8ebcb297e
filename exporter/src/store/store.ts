/**
 * The store: one Kysely database (SQLite or PostgreSQL) with generic reads and writes over the
 * record tables. It knows tables and rows, not validation; the record service above it does.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- generic row I/O over tables named at run time, which Kysely's typed schema cannot express */
import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
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
/** Every write transaction's last statement: any process's caches see the change. */
const BUMP_REVISION = 'update data_revision set revision = revision + 1 where id = 1';

/**
 * What a write transaction's `fn` returns when it found nothing to write: the transaction ends
 * without bumping the data revision (caches stay warm), and `write` answers `value`.
 */
export class NothingWritten<T> {
  constructor(readonly value: T) {}
}

export class Store {
  /** When a write last failed as the SQLite file could not be written; null after a write succeeds. */
  private writeFailedAt: number | null = null;
  private readonly shapes: StatementShapes;

  private constructor(
    readonly kind: StoreKind,
    readonly db: Kysely<Database>,
    readonly location: string,
    /** Whether rows read in a write can be locked (`SELECT … FOR UPDATE`): see connect.ts. */
    readonly locksRows: boolean
  ) {
    this.shapes = new StatementShapes(kind);
  }

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
   * `fn` returns NothingWritten when it only read.
   */
  async write<T>(fn: (trx: Transaction<Database>) => Promise<T | NothingWritten<T>>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await (this.kind === 'postgres' ? this.pgTransaction(fn) : this.transaction(fn));
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
  private async transaction<T>(fn: (trx: Transaction<Database>) => Promise<T | NothingWritten<T>>): Promise<T> {
    const trx = await this.db.startTransaction().execute();
    try {
      const result = await fn(trx);
      if (!(result instanceof NothingWritten)) await sql.raw(BUMP_REVISION).execute(trx);
      await trx.commit().execute();
      return result instanceof NothingWritten ? result.value : result;
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
   * The same on PostgreSQL, one round trip shorter: the revision bump and the commit go as one
   * simple query (two statements, no parameters; an error in the first skips the second and
   * leaves the transaction aborted, for the rollback). The transaction runs on one pooled
   * connection, handed back after the commit or the rollback, whichever way they end.
   */
  private pgTransaction<T>(fn: (trx: Transaction<Database>) => Promise<T | NothingWritten<T>>): Promise<T> {
    return this.db.connection().execute(async (connection) => {
      await sql.raw('begin').execute(connection);
      try {
        // Bound to the one connection, it is the transaction: fn acts through it only.
        const result = await fn(connection as unknown as Transaction<Database>);
        if (result instanceof NothingWritten) {
          await sql.raw('commit').execute(connection);
          return result.value;
        }
        await sql.raw(`${BUMP_REVISION}; commit`).execute(connection);
        return result;
      } catch (error) {
        // A failed commit has ended the transaction already; a lost connection cannot roll back.
        await sql
          .raw('rollback')
          .execute(connection)
          .catch(() => {});
        throw error;
      }
    });
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
      const text = this.shapes.text(`rows|${table}|${chunk.length}|${lock}`, (p) =>
        [
          `select * from ${quote(table)} where "id" in (${p.list(0, chunk.length)})`,
          ...(lock ? ['order by "id" for update'] : []),
        ].join(' ')
      );
      rows.push(...((await ex.executeQuery(CompiledQuery.raw(text, chunk))).rows as Row[]));
    }
    return rows;
  }

  /**
   * The rows of one episode lookup (records.ts): those of `ids`, or of `keys` (the episode
   * column) that are open (`end` null) or start at one of `starts` or end at one of `ends`; in id
   * order, locked as rowsById locks. One statement: each term of the OR has its index, which
   * SQLite uses for each (a multi-index OR). PostgreSQL's planner, before the table has
   * statistics, scans the whole table for it: there `ids` should be read with rowsById first.
   */
  async episodeRows(
    ex: Executor,
    table: string,
    q: { ids: string[]; key: string; keys: string[]; start: string; starts: number[]; end: string; ends: number[] },
    options: { lock?: boolean } = {}
  ): Promise<Row[]> {
    const lock = options.lock === true && this.locksRows;
    const counts = [q.ids.length, q.keys.length, q.starts.length, q.ends.length];
    const text = this.shapes.text(`episodes|${table}|${q.key}|${q.start}|${q.end}|${counts.join(',')}|${lock}`, (p) => {
      const [ids, keys, starts, ends] = counts as [number, number, number, number];
      const inList = (column: string, from: number, count: number) => `${quote(column)} in (${p.list(from, count)})`;
      const times = [
        `${quote(q.end)} is null`,
        inList(q.start, ids + keys, starts),
        ...(ends > 0 ? [inList(q.end, ids + keys + starts, ends)] : []),
      ];
      const byKey = `(${inList(q.key, ids, keys)} and (${times.join(' or ')}))`;
      return [
        `select * from ${quote(table)} where`,
        ids > 0 ? `${inList('id', 0, ids)} or ${byKey}` : byKey,
        `order by "id"${lock ? ' for update' : ''}`,
      ].join(' ');
    });
    const values = [...q.ids, ...q.keys, ...q.starts, ...q.ends];
    return (await ex.executeQuery(CompiledQuery.raw(text, values))).rows as Row[];
  }

  /**
   * Inserts rows, or updates them where the id exists: all their columns, or only `set` (the
   * columns the caller knows changed), so an index on none of those is left as it is (SQLite
   * rewrites the entries of every index on a column an update sets, changed or not).
   */
  async upsertRows(ex: Executor, table: string, rows: Row[], set?: Iterable<string>): Promise<void> {
    if (rows.length === 0) return;
    const updated = [...(set ?? Object.keys(rows[0]!))].filter((c) => c !== 'id');
    const conflict = `on conflict ("id") do update set ${updated.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ')}`;
    await this.insertRows(ex, table, rows, conflict);
  }

  /**
   * Inserts the rows whose id is not stored yet and returns the ids it inserted: a row another
   * transaction inserted first (after our read) is left as that one committed it, for the caller
   * to read again and decide on (PostgreSQL waits for that transaction to end).
   */
  async insertNewRows(ex: Executor, table: string, rows: Row[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (const { id } of await this.insertRows(ex, table, rows, 'on conflict ("id") do nothing returning "id"'))
      inserted.add(id as string);
    return inserted;
  }

  /**
   * Multi-row inserts, as few statements as the parameter bound allows. The SQL text of each
   * shape (table, columns, row count, conflict clause) is built once (a storm sends the same
   * shapes over and over), the values bound in column order; a row missing a column binds null.
   */
  private async insertRows(ex: Executor, table: string, rows: Row[], conflict: string): Promise<Row[]> {
    if (rows.length === 0) return [];
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
    const returned: Row[] = [];
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      const names = columns.join(',');
      const text = this.shapes.text(`insert|${table}|${names}|${chunk.length}|${conflict}`, (p) => {
        const tuples = chunk.map((_, r) => `(${p.list(r * columns.length, columns.length)})`);
        return `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values ${tuples.join(', ')} ${conflict}`;
      });
      const values: (string | number | null)[] = [];
      for (const row of chunk) for (const c of columns) values.push(row[c] ?? null);
      returned.push(...((await ex.executeQuery(CompiledQuery.raw(text, values))).rows as Row[]));
    }
    return returned;
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

/** Identifiers are ours (table and column names in code), never a sender's: quoted, not escaped. */
const quote = (name: string) => `"${name}"`;

// Shapes kept: every table's reads and writes at the row counts a storm sends, with room to spare.
const MAX_SHAPES = 1_000;

/**
 * SQL texts of the store's hot statements, by shape, built once: Kysely's builder would walk
 * and compile every value of a 1,000-row insert (13,000 parameters) anew each time. Placeholders
 * are the dialect's (`$1`, `$2`, … or `?`).
 */
class StatementShapes {
  private readonly texts = new Map<string, string>();

  constructor(private readonly kind: StoreKind) {}

  text(shape: string, build: (placeholders: { list(from: number, count: number): string }) => string): string {
    let text = this.texts.get(shape);
    if (text === undefined) {
      text = build({ list: (from, count) => this.list(from, count) });
      if (this.texts.size >= MAX_SHAPES) this.texts.delete(this.texts.keys().next().value!);
      this.texts.set(shape, text);
    }
    return text;
  }

  private list(from: number, count: number): string {
    if (this.kind === 'sqlite') return Array.from({ length: count }, () => '?').join(', ');
    return Array.from({ length: count }, (_, i) => `$${from + i + 1}`).join(', ');
  }
}
