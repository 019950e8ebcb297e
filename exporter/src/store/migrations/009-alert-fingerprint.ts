import { sql, type Kysely } from 'kysely';

/**
 * Alert identity (issue 15): an Alertmanager alert is one record per firing episode of its
 * fingerprint, found by fingerprint while it is open, so the fingerprint gets its own column and an
 * index that also answers "open?" (ends_at) and "which episode?" (starts_at). Ids stay as they
 * were; rows the receiver wrote before (`am-<fingerprint>-<startsAt ms>`) get their fingerprint
 * from the id: their startsAt never moved before this migration, so the id's tail is starts_at.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('alerts').addColumn('fingerprint', 'text').execute();
  // Portable SQL (substr, length, ||, cast): one statement for any number of rows on both stores.
  const fingerprint = sql`substr(id, 4, length(id) - 4 - length(cast(starts_at as text)))`;
  await sql`update alerts set fingerprint = ${fingerprint}
    where id like 'am-%' and id = 'am-' || ${fingerprint} || '-' || cast(starts_at as text)`.execute(db);
  await db.schema
    .createIndex('alerts_fingerprint_idx')
    .on('alerts')
    .columns(['fingerprint', 'ends_at', 'starts_at'])
    .execute();
}
