import { sql, type Kysely } from 'kysely';
import { violatedFreezes, type FreezeWindowSpec } from '../../domain/freezes.js';

/**
 * Change control with evidence and freeze windows with history (issue 14).
 *
 * Freezes get `announced_at` (when first announced), `ended_at` (ended or deleted: kept, in force
 * for nobody after it) and `version`; every version is kept in `freeze_versions`, in force from
 * its `effective_at` until the next one's. Changes store what was decided when they were written:
 * `freeze_violation` (indexed: `?violation=` and the freeze KPI read it) with the ids of the
 * windows (`violated_freezes`), the verdict on their cited gate check (`gate_ok`, `gate_note`) and
 * who granted their exemption (`exemption_by`, `exemption_at`).
 *
 * Existing stores: freezes written before count as announced at epoch 0 (version 1 in force
 * since then), so their violations are what the freeze KPI showed before the upgrade; each
 * existing change is judged once here by that rule (a violation is no longer controlled). Gate
 * citations written before cannot be judged on evidence the old store never checked: they keep
 * counting, marked "not verified" (gate_note), until the change is written again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('freezes')
    .addColumn('announced_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('freezes').addColumn('ended_at', 'bigint').execute();
  await db.schema
    .alterTable('freezes')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createTable('freeze_versions')
    .addColumn('freeze_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('effective_at', 'bigint', (c) => c.notNull())
    .addColumn('written_at', 'bigint', (c) => c.notNull())
    .addColumn('ended', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('scope_business_line', 'text')
    .addColumn('scope_team', 'text')
    .addColumn('scope_service', 'text')
    .addColumn('starts_at', 'bigint')
    .addColumn('ends_at', 'bigint')
    .addColumn('cron', 'text')
    .addColumn('duration_minutes', 'integer')
    .addColumn('timezone', 'text')
    .addPrimaryKeyConstraint('freeze_versions_pk', ['freeze_id', 'version'])
    .execute();
  await sql`insert into freeze_versions (freeze_id, version, effective_at, written_at, ended, name, reason,
      scope_business_line, scope_team, scope_service, starts_at, ends_at, cron, duration_minutes, timezone)
    select id, 1, 0, updated_at, 0, name, reason, scope_business_line, scope_team, scope_service,
      starts_at, ends_at, cron, duration_minutes, timezone from freezes`.execute(db);

  await db.schema
    .alterTable('changes')
    .addColumn('freeze_violation', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  for (const [column, type] of [
    ['violated_freezes', 'text'],
    ['gate_ok', 'integer'],
    ['gate_note', 'text'],
    ['exemption_by', 'text'],
    ['exemption_at', 'bigint'],
  ] as const) {
    await db.schema.alterTable('changes').addColumn(column, type).execute();
  }
  // `?violation=` lists and the freeze KPI: violations by start, with what they group and filter by.
  await db.schema
    .createIndex('changes_freeze_violation_idx')
    .on('changes')
    .columns(['freeze_violation', 'started_at', 'team', 'service', 'business_line', 'system'])
    .execute();
  await sql`update changes set gate_ok = 1, gate_note = ${LEGACY_GATE_NOTE} where gate_check is not null`.execute(db);
  await judgeExisting(db);
}

export const LEGACY_GATE_NOTE = 'cited before change control evidence (migration 012): not verified';

type Raw = Record<string, unknown>;
const n = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));

/** Each stored change judged against every stored window (all announced at epoch 0), a step at a time. */
async function judgeExisting(db: Kysely<unknown>): Promise<void> {
  const windows: FreezeWindowSpec[] = (await sql<Raw>`select * from freezes`.execute(db)).rows.map((r) => ({
    id: r.id as string,
    name: r.name as string,
    reason: r.reason as string,
    scope: {
      ...(r.scope_business_line != null ? { businessLine: r.scope_business_line as string } : {}),
      ...(r.scope_team != null ? { team: r.scope_team as string } : {}),
      ...(r.scope_service != null ? { service: r.scope_service as string } : {}),
    },
    startsAt: n(r.starts_at),
    endsAt: n(r.ends_at),
    schedule:
      r.cron != null
        ? { cron: r.cron as string, durationMinutes: Number(r.duration_minutes), timezone: r.timezone as string }
        : undefined,
  }));
  if (windows.length === 0) return;
  let after = '';
  for (;;) {
    const { rows } = await sql<Raw>`select id, started_at, service, team, business_line, exemption from changes
      where id > ${after} order by id limit 5000`.execute(db);
    if (rows.length === 0) return;
    const violated = violatedFreezes(
      windows,
      rows.map((r) => ({
        startedAt: Number(r.started_at),
        service: r.service as string | null,
        team: r.team as string | null,
        businessLine: r.business_line as string | null,
        exemption: r.exemption as string | null,
      }))
    );
    for (const [i, row] of rows.entries()) {
      if (violated[i]!.length === 0) continue;
      await sql`update changes set freeze_violation = 1, controlled = 0, violated_freezes = ${JSON.stringify(violated[i])}
        where id = ${row.id as string}`.execute(db);
    }
    after = rows[rows.length - 1]!.id as string;
  }
}
