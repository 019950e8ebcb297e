import type { Kysely } from 'kysely';

/**
 * Where an incident came from: the tool (`source`, e.g. pagerduty) and the incident's page in it
 * (`source_url`), and the time of the tool's latest event applied (`source_updated_at`, so a late
 * delivery never rolls back the title or priority), written by the incident receivers. Existing rows keep nulls (entered by hand or
 * imported). Indexed for the `source` list filter.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('incidents').addColumn('source', 'text').execute();
  await db.schema.alterTable('incidents').addColumn('source_url', 'text').execute();
  await db.schema.alterTable('incidents').addColumn('source_updated_at', 'bigint').execute();
  await db.schema.createIndex('incidents_source_idx').on('incidents').columns(['source', 'started_at']).execute();
}
