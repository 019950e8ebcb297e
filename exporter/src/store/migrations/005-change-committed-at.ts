import type { Kysely } from 'kysely';

/**
 * DORA lead time for changes: when the deployed commit was made (`committedAt`, optional), and the
 * indexes the DORA tallies scan: deploys by start, covering what the tallies read (so a year of
 * deploys is read from the index alone), and incidents by the change they name.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('changes').addColumn('committed_at', 'bigint').execute();
  await db.schema
    .createIndex('changes_dora_idx')
    .on('changes')
    .columns(['kind', 'started_at', 'team', 'result', 'finished_at', 'committed_at', 'id'])
    .execute();
  await db.schema.createIndex('incidents_caused_by_change_idx').on('incidents').column('caused_by_change').execute();
}
