import type { Kysely } from 'kysely';

/**
 * Covering indexes for the KPI queries on the big tables: the window scan then reads the index
 * alone instead of one table row per record (a year of alerts or changes is ~100k row lookups).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('alerts_kpi_idx')
    .on('alerts')
    .columns(['severity', 'starts_at', 'team', 'verdict', 'incident', 'ends_at'])
    .execute();
  await db.schema
    .createIndex('changes_kpi_idx')
    .on('changes')
    .columns(['started_at', 'team', 'controlled', 'result', 'exemption', 'service', 'business_line'])
    .execute();
  await db.schema.createIndex('findings_kpi_idx').on('findings').columns(['found_at', 'team', 'closed_at']).execute();
}
