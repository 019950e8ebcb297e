/**
 * The store: one Kysely database (SQLite or PostgreSQL) with generic reads and writes over the
 * record tables. It knows tables and rows, not validation; the record service above it does.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- generic row I/O over tables named at run time, which Kysely's typed schema cannot express */
import { sql, type Kysely, type Transaction } from 'kysely';
import { connect, type StoreConfig, type StoreKind } from './connect.js';
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

export class Store {
  private constructor(
    readonly kind: StoreKind,
    readonly db: Kysely<Database>,
    readonly location: string,
    private readonly locksRows: boolean
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

  /** Runs `fn` in one transaction; every write transaction bumps the data revision. */
  async write<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      const result = await fn(trx);
      await trx
        .updateTable('data_revision')
        .set((eb) => ({ revision: eb('revision', '+', 1) }))
        .where('id', '=', 1)
        .execute();
      return result;
    });
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
