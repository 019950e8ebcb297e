/**
 * What a record counts as, in SQL, written once: the alert verdict rules of `alert_accuracy_ratio`,
 * the change columns of the change-control KPIs and the rule of `freeze_violations`. The KPI
 * tallies (kpi-queries.ts, grouped by team) and the aggregates (aggregate-queries.ts, grouped by
 * alert name or change system) both use these, so a number on the Alerts or Changes page is the
 * KPI's own number, split another way.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database>;
type Fragment = RawBuilder<unknown>;

export const sqlList = (values: readonly string[]) => sql.join(values.map((v) => sql`${v}`));

/** policy.transientAlertMinutes in ms, or null when off. */
export type TransientMs = number | null;

/**
 * The verdict columns over alerts: `alerts`, `actionable` (a verdict, or linked to an incident),
 * `inferredActionable`, `noise` (a verdict, or resolved sooner than the transient threshold),
 * `inferredNoise` and `unreviewed` (no verdict, given or inferred). A human verdict always wins.
 */
export function alertVerdictColumns(transientMs: TransientMs): Fragment {
  const transient =
    transientMs === null ? sql`1 = 0` : sql`(ends_at is not null and ends_at - starts_at < ${transientMs})`;
  const bare = sql`verdict is null and incident is null`;
  return sql`count(*) as "alerts",
    sum(case when verdict = 'actionable' or (verdict is null and incident is not null) then 1 else 0 end) as "actionable",
    sum(case when verdict is null and incident is not null then 1 else 0 end) as "inferredActionable",
    sum(case when verdict = 'noise' or (${bare} and ${transient}) then 1 else 0 end) as "noise",
    sum(case when ${bare} and ${transient} then 1 else 0 end) as "inferredNoise",
    sum(case when ${bare} and not ${transient} then 1 else 0 end) as "unreviewed"`;
}

/** The alerts a KPI counts: high severity (policy.highSeverities), started in [from, to). */
export function countedAlerts(q: { highSeverities: readonly string[]; from: number; to: number }): Fragment {
  return sql`severity in (${sqlList(q.highSeverities)}) and starts_at >= ${q.from} and starts_at < ${q.to}`;
}

/**
 * The change columns: `changes`, `controlled` (decided on evidence when written: an integrated
 * system or a valid cited gate check, not marked false, no freeze violation; service/change-control.ts),
 * `withResult` and `failed` (failed or rolled back).
 */
export function changeColumns(): Fragment {
  return sql`count(*) as "changes",
    sum(controlled) as "controlled",
    sum(case when result is not null then 1 else 0 end) as "withResult",
    sum(case when result in ('failed', 'rolled_back') then 1 else 0 end) as "failed"`;
}

/** The changes a KPI counts: started in [from, to). */
export function countedChanges(q: { from: number; to: number }): Fragment {
  return sql`started_at >= ${q.from} and started_at < ${q.to}`;
}

export interface ViolationQuery {
  from: number;
  to: number;
}

/**
 * Changes started in [from, to) whose stored verdict is a freeze violation (started inside an
 * occurrence of a window version in force and announced at or before its start, covering it, without
 * an exemption: service/change-control.ts), counted per value of `groupBy`; a change inside two
 * freezes counts once. `where` narrows the changes further (e.g. owner filters). One indexed query
 * (changes_freeze_violation_idx): editing or deleting a window later never moves these counts.
 */
export async function freezeViolationCounts(
  db: Db,
  q: ViolationQuery,
  groupBy: 'team' | 'system',
  where: Fragment = sql`1 = 1`
): Promise<Map<string | null, number>> {
  const key = sql.ref(groupBy);
  const { rows } = await sql<{ key: string | null; n: unknown }>`select ${key} as "key", count(*) as "n" from changes
    where freeze_violation = 1 and started_at >= ${q.from} and started_at < ${q.to} and (${where})
    group by ${key}`.execute(db);
  return new Map(rows.map((row) => [row.key, Number(row.n)]));
}
