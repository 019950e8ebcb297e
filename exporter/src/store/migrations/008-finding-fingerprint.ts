import type { Kysely } from 'kysely';

/**
 * Finding identity (issue 15): an inspection finding from Alertmanager is one record per firing
 * episode of its alert's fingerprint, found by it while open (as alerts are, migration 009), so a
 * notification whose startsAt Alertmanager moved updates the open finding. Findings written before
 * came through the API and have no fingerprint: nothing to fill in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('findings').addColumn('fingerprint', 'text').execute();
  await db.schema
    .createIndex('findings_fingerprint_idx')
    .on('findings')
    .columns(['fingerprint', 'closed_at', 'found_at'])
    .execute();
}
