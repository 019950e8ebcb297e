/**
 * What a record counts as, in SQL, written once: the alert verdict rules of `alert_accuracy_ratio`,
 * the change columns of the change-control KPIs and the rule of `freeze_violations`. The KPI
 * tallies (kpi-queries.ts, grouped by team) and the aggregates (aggregate-queries.ts, grouped by
 * alert name or change system) both use these, so a number on the Alerts or Changes page is the
 * KPI's own number, split another way.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { occurrencesBetween, type FreezeWindowSpec } from '../domain/freezes.js';
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
 * The change columns: `changes`, `controlled` (flagged, citing a gate check, or from an integrated
 * system: stored resolved), `withResult` and `failed` (failed or rolled back).
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
  freezes: readonly FreezeWindowSpec[];
}

const CLAUSES_PER_STATEMENT = 400;

/** One clause per freeze occurrence, clipped to the window, with the freeze's scope. */
function violationClauses(q: ViolationQuery): Fragment[] {
  const clauses: Fragment[] = [];
  for (const freeze of q.freezes) {
    const scope: Fragment[] = [];
    if (freeze.scope.service !== undefined) scope.push(sql`service = ${freeze.scope.service}`);
    if (freeze.scope.team !== undefined) scope.push(sql`team = ${freeze.scope.team}`);
    if (freeze.scope.businessLine !== undefined) scope.push(sql`business_line = ${freeze.scope.businessLine}`);
    for (const o of occurrencesBetween(freeze, q.from, q.to, 100_000)) {
      const from = Math.max(o.startsAt, q.from);
      const to = Math.min(o.endsAt, q.to);
      clauses.push(sql.join([sql`started_at >= ${from}`, sql`started_at < ${to}`, ...scope], sql` and `));
    }
  }
  return clauses;
}

/**
 * Changes without exemption started in [from, to) inside a freeze occurrence covering them,
 * counted per value of `groupBy` (a change inside two freezes counts once). `where` narrows the
 * changes further (e.g. owner filters).
 */
export async function freezeViolationCounts(
  db: Db,
  q: ViolationQuery,
  groupBy: 'team' | 'system',
  where: Fragment = sql`1 = 1`
): Promise<Map<string | null, number>> {
  const clauses = violationClauses(q);
  const counts = new Map<string | null, number>();
  if (clauses.length === 0) return counts;
  const base = sql`from changes where exemption is null and started_at >= ${q.from} and started_at < ${q.to} and (${where})`;
  const any = (part: Fragment[]) =>
    sql.join(
      part.map((c) => sql`(${c})`),
      sql` or `
    );
  const key = sql.ref(groupBy);
  if (clauses.length <= CLAUSES_PER_STATEMENT) {
    const { rows } = await sql<{
      key: string | null;
      n: unknown;
    }>`select ${key} as "key", count(*) as "n" ${base} and (${any(clauses)}) group by ${key}`.execute(db);
    for (const row of rows) counts.set(row.key, Number(row.n));
    return counts;
  }
  // Too many occurrences for one statement: collect ids so a change inside two freezes counts once.
  const groups = new Map<string, string | null>();
  for (let i = 0; i < clauses.length; i += CLAUSES_PER_STATEMENT) {
    const part = clauses.slice(i, i + CLAUSES_PER_STATEMENT);
    const { rows } = await sql<{
      id: string;
      key: string | null;
    }>`select id, ${key} as "key" ${base} and (${any(part)})`.execute(db);
    for (const row of rows) groups.set(row.id, row.key);
  }
  for (const group of groups.values()) counts.set(group, (counts.get(group) ?? 0) + 1);
  return counts;
}
