/**
 * What every bench section gets: a report printer and factories of fresh, empty stores of both
 * kinds. PostgreSQL is the shared test harness's throw-away server (test/support/postgres.ts),
 * started on first use; each store is a new database in it.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino, type Logger } from 'pino';
import { openServices, type Services } from '../src/server.js';
import type { StoreConfig, StoreKind } from '../src/store/connect.js';
import { Report } from './report.js';

export interface BenchStore {
  services: Services;
  /** Where the store is, for another process (e.g. an exporter child) to open it. */
  config: StoreConfig;
  /** Bytes the store takes on disk (SQLite files, or the PostgreSQL database). */
  sizeBytes(): Promise<number>;
  close(): Promise<void>;
}

export interface StoreFactory {
  kind: StoreKind;
  /** A fresh, empty store; throws StoreUnavailable when this kind cannot run here. */
  open(): Promise<BenchStore>;
}

export class StoreUnavailable extends Error {}

export interface BenchContext {
  report: Report;
  logger: Logger;
  stores: StoreFactory[];
  /** Runs `fn` for each store kind; a kind that cannot run here is reported as skipped. */
  eachStore(fn: (factory: StoreFactory) => Promise<void>): Promise<void>;
}

export interface BenchSection {
  name: string;
  run(ctx: BenchContext): Promise<void>;
}

export function createContext(report: Report): BenchContext & { dispose(): Promise<void> } {
  const logger = pino({ level: process.env.BALLAST_LOG_LEVEL ?? 'silent' });
  const sqlite = sqliteFactory(logger);
  const postgres = postgresFactory(logger);
  const stores = [sqlite, postgres];
  return {
    report,
    logger,
    stores,
    async eachStore(fn) {
      for (const factory of stores) {
        try {
          await fn(factory);
        } catch (error) {
          if (!(error instanceof StoreUnavailable)) throw error;
          report.line(`${factory.kind}: skipped (${error.message})`);
        }
      }
    },
    dispose: () => postgres.dispose(),
  };
}

function sqliteFactory(logger: Logger): StoreFactory {
  return {
    kind: 'sqlite',
    async open() {
      const dataDir = await mkdtemp(join(tmpdir(), 'ballast-bench-'));
      const services = await openServices({ dataDir }, logger);
      return {
        services,
        config: { dataDir },
        async sizeBytes() {
          const files = await readdir(dataDir);
          const sizes = await Promise.all(files.map(async (f) => (await stat(join(dataDir, f))).size));
          return sizes.reduce((a, b) => a + b, 0);
        },
        async close() {
          await services.store.close();
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    },
  };
}

interface PostgresServer {
  url: string;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

function postgresFactory(logger: Logger): StoreFactory & { dispose(): Promise<void> } {
  let server: Promise<PostgresServer> | null = null;
  let counter = 0;
  const start = async (): Promise<PostgresServer> => {
    // The harness lives in the test workspace; loaded on demand so SQLite-only runs need nothing more.
    const harness = '../../test/support/postgres.js';
    try {
      const { startPostgres } = (await import(harness)) as { startPostgres(): Promise<PostgresServer> };
      return await startPostgres();
    } catch (error) {
      throw new StoreUnavailable(
        `PostgreSQL could not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`
      );
    }
  };
  return {
    kind: 'postgres',
    async open() {
      server ??= start();
      const pgServer = await server;
      const name = `bench_${++counter}`;
      const databaseUrl = await pgServer.createDatabase(name);
      const services = await openServices({ dataDir: '/nonexistent', databaseUrl }, logger);
      const admin = (sql: string) => withClient(pgServer.url, (c) => c.query(sql));
      return {
        services,
        config: { dataDir: '/nonexistent', databaseUrl },
        async sizeBytes() {
          const result = await admin(`select pg_database_size('${name}') as size`);
          return Number(result.rows[0].size);
        },
        async close() {
          await services.store.close();
          await admin(`drop database ${name}`);
        },
      };
    },
    async dispose() {
      if (server) await (await server.catch(() => null))?.stop();
    },
  };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
