import type { Kysely } from 'kysely';

/** Saved committee reviews: the numbers as they were when saved, so late data never rewrites them. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('from_at', 'bigint', (c) => c.notNull())
    .addColumn('to_at', 'bigint', (c) => c.notNull())
    .addColumn('saved_at', 'bigint', (c) => c.notNull())
    // The whole review as the API returned it when saved (JSON).
    .addColumn('document', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reviews_saved_at_idx').on('reviews').column('saved_at').execute();
}
