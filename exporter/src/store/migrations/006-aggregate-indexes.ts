import type { Kysely } from 'kysely';

/**
 * The aggregates (store/aggregate-queries.ts) split the KPI counts by alert name and by change
 * system: the covering indexes of the KPI scans (003) now carry those columns and the owner
 * columns the aggregates filter on, so a year of alerts or changes is still read from the index
 * alone, by the KPI tallies and the aggregates alike (one index per table, not two).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('alerts_kpi_idx').execute();
  await db.schema
    .createIndex('alerts_kpi_idx')
    .on('alerts')
    .columns(['severity', 'starts_at', 'team', 'verdict', 'incident', 'ends_at', 'name', 'service', 'business_line'])
    .execute();
  await db.schema.dropIndex('changes_kpi_idx').execute();
  await db.schema
    .createIndex('changes_kpi_idx')
    .on('changes')
    .columns(['started_at', 'team', 'controlled', 'result', 'exemption', 'service', 'business_line', 'system'])
    .execute();
}
