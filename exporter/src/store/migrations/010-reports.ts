import type { Kysely } from 'kysely';

/**
 * Scheduled reports (issue 16). A report row is the claim on one (kind, key): the unique index
 * lets exactly one process (of any number on one PostgreSQL, before or after a restart) insert
 * it and so produce that report. Each destination's delivery is a row of its own, unique per
 * (report, destination), which a process takes by a conditional update before it sends.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    // producing (claimed, content being gathered) → produced
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'bigint', (c) => c.notNull())
    .addColumn('produced_at', 'bigint')
    .addColumn('title', 'text')
    // The content as sent (JSON, ReportContent), so the report reads later as it went out.
    .addColumn('document', 'text')
    .execute();
  await db.schema.createIndex('reports_kind_key_idx').on('reports').columns(['kind', 'key']).unique().execute();
  await db.schema.createIndex('reports_claimed_at_idx').on('reports').column('claimed_at').execute();
  await db.schema
    .createTable('report_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('report_id', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('destination_kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint')
    // While `sending`: until when the process that took it may hold it.
    .addColumn('lease_until', 'bigint')
    .addColumn('taken_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('report_deliveries_report_destination_idx')
    .on('report_deliveries')
    .columns(['report_id', 'destination'])
    .unique()
    .execute();
  await db.schema
    .createIndex('report_deliveries_status_idx')
    .on('report_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
}
