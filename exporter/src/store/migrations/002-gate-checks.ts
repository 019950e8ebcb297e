import type { Kysely } from 'kysely';

/** Every change-freeze gate answer, so a change citing its checkId can be audited later. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('gate_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service', 'text')
    .addColumn('team', 'text')
    .addColumn('allowed', 'integer', (c) => c.notNull())
    // JSON array of the open windows that refused the change ([] when allowed).
    .addColumn('freezes', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gate_checks_at_idx').on('gate_checks').column('at').execute();
}
