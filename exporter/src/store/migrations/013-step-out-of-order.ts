import type { Kysely } from 'kysely';

/**
 * Incident steps may break the process order when they say why (`out_of_order`, the step's
 * `outOfOrder` reason: a person's, or a receiver's naming the tool whose timeline ran so).
 * Existing steps keep null: they were accepted before the order was checked.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('incident_steps').addColumn('out_of_order', 'text').execute();
}
