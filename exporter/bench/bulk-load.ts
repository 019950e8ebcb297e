/**
 * Bench setup only: loads generated rows straight into a store's tables, as fast as each store
 * allows, on a connection of its own (not the validated API path, no data revision bump).
 * Per table: drop its secondary indexes, insert everything in one transaction, recreate them —
 * building an index once is far cheaper than maintaining it over a million inserts.
 * SQLite: one prepared insert per row with durability off for this connection; PostgreSQL:
 * one `insert … select from unnest($1::type[], …)` per chunk (a parameter per column, not per value).
 */
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Row } from '../src/store/collections.js';
import type { StoreConfig, StoreKind } from '../src/store/connect.js';

export interface BulkLoader {
  /** Inserts the rows (each chunk's rows have the same columns); returns how many. */
  load(table: string, chunks: Iterable<Row[]>): Promise<number>;
  close(): Promise<void>;
}

export async function openBulkLoader(kind: StoreKind, config: StoreConfig): Promise<BulkLoader> {
  return kind === 'sqlite' ? sqliteLoader(join(config.dataDir, 'ballast.db')) : postgresLoader(config.databaseUrl!);
}

function sqliteLoader(file: string): BulkLoader {
  const db = new SQLite(file);
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = OFF'); // setup data: a crash mid-load just means loading again
  db.pragma('cache_size = -262144'); // 256 MB of page cache for the index builds
  return {
    async load(table, chunks) {
      const indexes = db
        .prepare(`select name, sql from sqlite_master where type = 'index' and tbl_name = ? and sql is not null`)
        .all(table) as { name: string; sql: string }[];
      let written = 0;
      db.transaction(() => {
        for (const index of indexes) db.exec(`drop index "${index.name}"`);
        let insert: SQLite.Statement | null = null;
        for (const rows of chunks) {
          if (rows.length === 0) continue;
          const columns = Object.keys(rows[0]!);
          insert ??= db.prepare(
            `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`
          );
          for (const row of rows) insert.run(columns.map((c) => row[c] ?? null));
          written += rows.length;
        }
        for (const index of indexes) db.exec(index.sql);
      })();
      return written;
    },
    async close() {
      // Readers of a store with a huge WAL pay for it on every page lookup: fold it in now.
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

async function postgresLoader(url: string): Promise<BulkLoader> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('set synchronous_commit = off');
  await client.query(`set maintenance_work_mem = '256MB'`);
  return {
    async load(table, chunks) {
      const types = new Map(
        (
          await client.query<{ column_name: string; udt_name: string }>(
            `select column_name, udt_name from information_schema.columns where table_schema = current_schema() and table_name = $1`,
            [table]
          )
        ).rows.map((r) => [r.column_name, r.udt_name])
      );
      // Secondary indexes only: those backing a primary key or unique constraint stay.
      const indexes = (
        await client.query<{ indexname: string; indexdef: string }>(
          `select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = $1
           and indexname not in (select conname from pg_constraint where conrelid = $1::regclass)`,
          [table]
        )
      ).rows;
      let written = 0;
      await client.query('begin');
      try {
        for (const index of indexes) await client.query(`drop index "${index.indexname}"`);
        for (const rows of chunks) {
          if (rows.length === 0) continue;
          const columns = Object.keys(rows[0]!);
          const arrays = columns.map((c) => rows.map((r) => r[c] ?? null));
          const unnest = columns.map((c, i) => `$${i + 1}::${types.get(c)}[]`).join(', ');
          await client.query(
            `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) select * from unnest(${unnest})`,
            arrays
          );
          written += rows.length;
        }
        for (const index of indexes) await client.query(index.indexdef);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      }
      return written;
    },
    async close() {
      await client.end();
    },
  };
}
