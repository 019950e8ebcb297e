import { sql, type Kysely } from 'kysely';

/**
 * Red-line waivers (issue 14): a violation is computed from the records, never stored; a waiver
 * is the one thing about it a person writes (an admin, with a reason, audited). Keyed by the
 * violation id `<rule>:<record id>`, so it stays with the breach however often it is recomputed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('red_line_waivers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('user_name', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await indexes(db);
}

/**
 * The red-line rules read each breach from two sides: records still unmended past their line
 * (partial indexes on the line's column, over the unmended rows only) and records mended late
 * within a window (indexes on the mending moment), so a refresh never walks the whole history.
 */
export async function indexes(db: Kysely<unknown>): Promise<void> {
  const index = (text: string) => sql.raw(text).execute(db);
  await index('create index actions_open_due_at_idx on actions (due_at) where completed_at is null');
  await index('create index actions_completed_at_idx on actions (completed_at)');
  await index('create index findings_open_due_at_idx on findings (due_at) where closed_at is null');
  await index('create index findings_closed_at_idx on findings (closed_at)');
  await index('create index incidents_recovered_at_idx on incidents (recovered_at)');
  await index(
    'create index alerts_unreviewed_starts_at_idx on alerts (starts_at) where verdict is null and incident is null'
  );
  await index('create index alerts_verdict_at_idx on alerts (verdict_at)');
}
