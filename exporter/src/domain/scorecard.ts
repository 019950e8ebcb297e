/**
 * Goals against values: which target applies to a scope, whether it is met, and the weighted
 * overall score of a scope. Pure.
 */
import { DEFINITIONS_BY_KEY, WINDOW_SCALED, type Scope } from './kpis.js';
import type { KpiKey } from './kpi-keys.js';
import type { Goal } from './org.js';

export type Status = 'met' | 'at_risk' | 'missed' | 'no_data';

/** How far on the wrong side of the target still counts as at risk (share of the target). */
export const AT_RISK_SHARE = 0.1;

/**
 * The yearly target of a KPI for a scope: the goal set for that scope, else (for KPIs that do not
 * grow with the scope's size, i.e. not counts) the goal of its business line, else the org's.
 */
export function yearlyTarget(goals: readonly Goal[], year: number, kpi: KpiKey, scope: Scope): number | null {
  const find = (businessLine: string | null, team: string | null) =>
    goals.find(
      (g) => g.year === year && g.kpi === kpi && (g.businessLine ?? null) === businessLine && (g.team ?? null) === team,
    )?.target ?? null;
  const own = find(scope.level === 'business_line' ? scope.businessLine : null, scope.team);
  if (own !== null || scope.level === 'org' || DEFINITIONS_BY_KEY.get(kpi)!.unit === 'count') return own;
  if (scope.level === 'team') {
    const line = find(scope.businessLine, null);
    if (line !== null) return line;
  }
  return find(null, null);
}

/** The target a window's value is judged against: counts scaled to the window's share of the year. */
export function windowTarget(yearly: number | null, kpi: KpiKey, share: number): number | null {
  if (yearly === null) return null;
  return WINDOW_SCALED.has(kpi) ? yearly * share : yearly;
}

/** met, at_risk (wrong side by at most 10 % of the target), missed; no_data without value or target. */
export function status(kpi: KpiKey, value: number | null, target: number | null): Status {
  if (value === null || target === null) return 'no_data';
  const lowerBetter = DEFINITIONS_BY_KEY.get(kpi)!.direction === 'lower';
  const shortfall = lowerBetter ? value - target : target - value;
  if (shortfall <= 0) return 'met';
  return shortfall <= Math.abs(target) * AT_RISK_SHARE ? 'at_risk' : 'missed';
}

/** Weight of each KPI in the overall score (the committee's emphasis: incidents and recovery). */
export const SCORE_WEIGHTS: Record<KpiKey, number> = {
  high_priority_incidents: 3,
  mttr_seconds: 3,
  mttr_p50_seconds: 0,
  mttr_p90_seconds: 1,
  mttd_seconds: 2,
  detection_ratio: 2,
  alert_accuracy_ratio: 1,
  high_priority_alerts_per_day: 1,
  inspection_closure_ratio: 1,
  change_control_coverage_ratio: 1,
  change_system_integration_ratio: 1,
  freeze_violations: 2,
  change_failure_ratio: 2,
  action_completion_ratio: 1,
  drill_score: 1,
  drill_coverage_ratio: 1,
  incident_data_quality_ratio: 1,
};

const STATUS_POINTS: Partial<Record<Status, number>> = { met: 1, at_risk: 0.5, missed: 0 };

/** 0–100: weighted share of the judged KPIs that are met (at risk counts half); null if none judged. */
export function overallScore(statuses: Partial<Record<KpiKey, Status>>): number | null {
  let points = 0;
  let weights = 0;
  for (const [kpi, s] of Object.entries(statuses) as [KpiKey, Status][]) {
    const p = STATUS_POINTS[s];
    if (p === undefined || SCORE_WEIGHTS[kpi] === 0) continue;
    points += p * SCORE_WEIGHTS[kpi];
    weights += SCORE_WEIGHTS[kpi];
  }
  return weights > 0 ? Math.round((points / weights) * 1000) / 10 : null;
}
