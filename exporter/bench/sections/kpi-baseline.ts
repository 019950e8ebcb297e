/**
 * The baseline the KPI engine is compared with: each KPI as one hand-written PostgreSQL query
 * (all three levels at once with GROUPING SETS), as a DBA would write it for a dashboard.
 */
import { sql, type Kysely } from 'kysely';
import { occurrencesBetween, type FreezeWindowSpec } from '../../src/domain/freezes.js';
import type { KpiKey } from '../../src/domain/kpi-keys.js';
import type { Org } from '../../src/domain/org.js';
import type { WindowRange } from '../../src/domain/windows.js';
import type { Database } from '../../src/store/schema.js';

const levels = sql.raw('group by grouping sets ((), (business_line), (business_line, team))');

export function baselineQueries(
  org: Org,
  range: WindowRange,
  freezes: FreezeWindowSpec[]
): Partial<Record<KpiKey, ReturnType<typeof sql>>> {
  const { from, to } = range;
  const hp = sql.join(org.policy.highPriorities.map((p) => sql`${p}`));
  const sev = sql.join(org.policy.highSeverities.map((p) => sql`${p}`));
  const incidents = sql`from incidents where drill = 0 and priority in (${hp}) and started_at >= ${from} and started_at < ${to}`;
  const recovered = sql`recovered_at is not null and recovered_at < ${to}`;
  const alerts = sql`from alerts where severity in (${sev}) and starts_at >= ${from} and starts_at < ${to}`;
  const changes = sql`from changes where started_at >= ${from} and started_at < ${to}`;
  const deploys = sql`from changes where kind = 'deploy' and started_at >= ${from} and started_at < ${to}`;
  const leadKnown = sql`result = 'success' and committed_at is not null and finished_at is not null and finished_at < ${to}`;
  const occurrences = freezes
    .filter((f) => !f.scope.service && !f.scope.team)
    .flatMap((f) =>
      occurrencesBetween(f, from, to).map(
        (o) => sql`(${o.startsAt}::bigint, ${o.endsAt}::bigint, ${f.scope.businessLine ?? null}::text)`
      )
    );
  return {
    high_priority_incidents: sql`select business_line, team, count(*) ${incidents} ${levels}`,
    mttr_seconds: sql`select business_line, team, avg(recovered_at - started_at) / 1000 ${incidents} and ${recovered} ${levels}`,
    mttr_p50_seconds: sql`select business_line, team, percentile_cont(0.5) within group (order by recovered_at - started_at) / 1000 ${incidents} and ${recovered} ${levels}`,
    mttr_p90_seconds: sql`select business_line, team, percentile_cont(0.9) within group (order by recovered_at - started_at) / 1000 ${incidents} and ${recovered} ${levels}`,
    mttd_seconds: sql`select business_line, team, avg(detected_at - started_at) / 1000 ${incidents} ${levels}`,
    detection_ratio: sql`select business_line, team, avg(case when detection_source in ('monitoring', 'inspection') then 1.0 else 0 end) ${incidents} ${levels}`,
    incident_data_quality_ratio: sql`select business_line, team, avg(case when acknowledged_at is not null and recovered_at is not null and started_at <= detected_at and detected_at <= acknowledged_at and acknowledged_at <= recovered_at then 1.0 else 0 end) ${incidents} ${levels}`,
    alert_accuracy_ratio: sql`select business_line, team,
        sum(case when verdict = 'actionable' or (verdict is null and incident is not null) then 1 else 0 end)::float8
        / nullif(sum(case when verdict is not null or incident is not null or (ends_at - starts_at < ${(org.policy.transientAlertMinutes ?? 0) * 60_000}) then 1 else 0 end), 0)
        ${alerts} ${levels}`,
    high_priority_alerts_per_day: sql`select business_line, team, count(*) / ${range.days}::float8 ${alerts} ${levels}`,
    inspection_closure_ratio: sql`select business_line, team, avg(case when closed_at is not null and closed_at < ${to} then 1.0 else 0 end) from findings where found_at >= ${from} and found_at < ${to} ${levels}`,
    change_control_coverage_ratio: sql`select business_line, team, avg(controlled::float8) ${changes} ${levels}`,
    change_failure_ratio: sql`select business_line, team, avg(case when result in ('failed', 'rolled_back') then 1.0 else 0 end) ${changes} and result is not null ${levels}`,
    freeze_violations:
      occurrences.length === 0
        ? sql`select 0`
        : sql`select business_line, team, count(distinct c.id) from changes c join (values ${sql.join(occurrences)}) o(s, e, bl)
            on c.started_at >= o.s and c.started_at < o.e and (o.bl is null or o.bl = c.business_line)
            where c.exemption is null and c.started_at >= ${from} and c.started_at < ${to} ${levels}`,
    action_completion_ratio: sql`select business_line, team, avg(case when completed_at is not null and completed_at < ${to} then 1.0 else 0 end) from actions where due_at >= ${from} and due_at < ${to} ${levels}`,
    drill_score: sql`select business_line, team, avg(score) from drills where started_at >= ${from} and started_at < ${to} ${levels}`,
    drill_coverage_ratio: sql`select business_line, count(distinct team)::float8 / ${org.teams.length} from drills where started_at >= ${from} and started_at < ${to} group by grouping sets ((), (business_line))`,
    deployment_frequency_per_day: sql`select business_line, team, count(*) / ${range.days}::float8 ${deploys} and result = 'success' ${levels}`,
    change_lead_time_seconds: sql`select business_line, team, percentile_cont(0.5) within group (order by finished_at - committed_at) / 1000 ${deploys} and ${leadKnown} ${levels}`,
    change_caused_incident_ratio: sql`select business_line, team, avg(case when id in (select caused_by_change from incidents where drill = 0 and priority in (${hp}) and started_at < ${to}) then 1.0 else 0 end) ${deploys} and result is not null ${levels}`,
    failed_change_recovery_seconds: sql`select business_line, team, avg(recovered_at - started_at) / 1000 ${incidents} and caused_by_change is not null and ${recovered} ${levels}`,
  };
}

/** Runs every baseline query once; returns the time each took (ms). */
export async function runBaseline(
  db: Kysely<Database>,
  queries: ReturnType<typeof baselineQueries>
): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  for (const [kpi, query] of Object.entries(queries)) {
    const started = performance.now();
    await query!.execute(db);
    times.set(kpi, performance.now() - started);
  }
  return times;
}
