/**
 * Schema migrations, applied at start-up. Each runs in its own transaction together with the row
 * that records it, so a migration that fails leaves the schema as it was; on PostgreSQL an
 * advisory lock keeps several exporter processes from migrating at once.
 */
import { sql, type Kysely } from 'kysely';
import type { StoreKind } from '../connect.js';
import type { Database } from '../schema.js';
import * as initial from './001-initial.js';
import * as gateChecks from './002-gate-checks.js';
import * as kpiIndexes from './003-kpi-covering-indexes.js';
import * as reviews from './004-reviews.js';
import * as changeCommittedAt from './005-change-committed-at.js';
import * as aggregateIndexes from './006-aggregate-indexes.js';
import * as incidentSource from './007-incident-source.js';
import * as findingFingerprint from './008-finding-fingerprint.js';
import * as alertFingerprint from './009-alert-fingerprint.js';
import * as reports from './010-reports.js';
import * as audit from './011-audit.js';
import * as changeControl from './012-change-control.js';
import * as stepOutOfOrder from './013-step-out-of-order.js';
import * as redLineWaivers from './014-red-line-waivers.js';

export interface Migration {
  name: string;
  /** `kind` for the little DDL the dialects spell differently (an auto-incrementing key). */
  up(db: Kysely<unknown>, kind: StoreKind): Promise<void>;
}

export const MIGRATIONS: Migration[] = [
  { name: '001-initial', up: initial.up },
  { name: '002-gate-checks', up: gateChecks.up },
  { name: '003-kpi-covering-indexes', up: kpiIndexes.up },
  { name: '004-reviews', up: reviews.up },
  { name: '005-change-committed-at', up: changeCommittedAt.up },
  { name: '006-aggregate-indexes', up: aggregateIndexes.up },
  { name: '007-incident-source', up: incidentSource.up },
  { name: '008-finding-fingerprint', up: findingFingerprint.up },
  { name: '009-alert-fingerprint', up: alertFingerprint.up },
  { name: '010-reports', up: reports.up },
  { name: '011-audit', up: audit.up },
  { name: '012-change-control', up: changeControl.up },
  { name: '013-step-out-of-order', up: stepOutOfOrder.up },
  { name: '014-red-line-waivers', up: redLineWaivers.up },
];

const LOCK_KEY = 0x62616c6c; // "ball"

export async function migrate(db: Kysely<Database>, kind: StoreKind, migrations = MIGRATIONS): Promise<string[]> {
  const applied: string[] = [];
  // Under the lock too: two processes' `create table if not exists` on an empty database race in
  // PostgreSQL's catalog (duplicate key in pg_type), so the loser would exit.
  await db.transaction().execute(async (trx) => {
    if (kind === 'postgres') await sql`select pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
    await trx.schema
      .createTable('ballast_migrations')
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .execute();
  });
  for (const migration of migrations) {
    await db.transaction().execute(async (trx) => {
      if (kind === 'postgres') await sql`select pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
      const done = await trx
        .selectFrom('ballast_migrations')
        .select('name')
        .where('name', '=', migration.name)
        .executeTakeFirst();
      if (done) return;
      await migration.up(trx as unknown as Kysely<unknown>, kind);
      await trx.insertInto('ballast_migrations').values({ name: migration.name, applied_at: Date.now() }).execute();
      applied.push(migration.name);
    });
  }
  return applied;
}

export async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('ballast_migrations').select('name').orderBy('name').execute();
  return rows.map((r) => r.name);
}
