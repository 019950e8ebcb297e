/**
 * The two stores every store-facing test runs against: the embedded SQLite in a temporary
 * directory, and a real PostgreSQL (Debian's package) started once per test file on a free
 * loopback port, with a fresh database per test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import type { StoreConfig } from '../../src/store/connect.js';

export interface StoreTarget {
  kind: 'sqlite' | 'postgres';
  /** A fresh, empty store location; removed when the file's tests end. */
  fresh(): Promise<StoreConfig>;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let server: Promise<{ url: string; stop(): Promise<void> }> | null = null;
let counter = 0;

const sqlite: StoreTarget = {
  kind: 'sqlite',
  async fresh() {
    const dataDir = await mkdtemp(join(tmpdir(), 'ballast-test-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    return { dataDir };
  },
};

const postgres: StoreTarget = {
  kind: 'postgres',
  async fresh() {
    if (!server) {
      server = import('../../../test/support/postgres.js').then((m) => m.startPostgres());
      cleanups.push(async () => (await server)?.stop());
    }
    const { url } = await (server as NonNullable<typeof server>);
    const name = `ballast_test_${process.pid}_${++counter}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    return { dataDir: '/nonexistent', databaseUrl: dbUrl.toString() };
  },
};

// Both by default; mutation testing (mutation/run.mjs) sets BALLAST_TEST_STORES=sqlite, as its
// mutants change TypeScript, not the SQL both stores run.
const stores = (process.env.BALLAST_TEST_STORES ?? 'sqlite,postgres').split(',');
export const STORE_TARGETS: StoreTarget[] = [sqlite, postgres].filter((t) => stores.includes(t.kind));
