import type { Kysely } from 'kysely';
import type { StoreKind } from '../connect.js';

/**
 * Who did what (issue 14). `audit_log` is append-only: one row per record a write changed (and per
 * org config, waiver or review write), in the transaction of the change, so a record's history and
 * the audit list can never disagree with the records. `seq` orders entries across the store.
 * Alerts keep who gave their verdict and when; gate answers who asked.
 */
export async function up(db: Kysely<unknown>, kind: StoreKind): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (c) =>
      kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()
    )
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('user_name', 'text')
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    // FieldChange[] as JSON: which fields changed from what to what.
    .addColumn('changes', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .execute();
  await db.schema
    .createIndex('audit_log_record_idx')
    .on('audit_log')
    .columns(['collection', 'record_id', 'seq'])
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['at', 'seq']).execute();
  await db.schema.alterTable('alerts').addColumn('verdict_by', 'text').execute();
  await db.schema.alterTable('alerts').addColumn('verdict_at', 'bigint').execute();
  // Who asked the freeze gate (the actor name), kept with its answer.
  await db.schema.alterTable('gate_checks').addColumn('asked_by', 'text').execute();
}
