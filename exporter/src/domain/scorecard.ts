/**
 * Goals against values: which target applies to a scope, whether it is met, and the weighted
 * overall score of a scope. Pure.
 */
import {
  KPI_BY_KEY,
  SCORE_WEIGHTS,
  statusOf,
  WINDOW_SCALED,
  type KpiKey,
  type RedLineCount,
  type RedLineRule,
  type Status,
} from '@ballast/contract';
import type { Scope } from './kpis.js';
import type { ScopeCount } from './red-lines.js';
import type { Goal } from './org.js';

export { AT_RISK_SHARE, SCORE_WEIGHTS, type Status } from '@ballast/contract';

/**
 * The yearly target of a KPI for a scope: the goal set for that scope, else (for KPIs that do not
 * grow with the scope's size, i.e. not counts) the goal of its business line, else the org's.
 */
export function yearlyTarget(goals: readonly Goal[], year: number, kpi: KpiKey, scope: Scope): number | null {
  const find = (businessLine: string | null, team: string | null) =>
    goals.find(
      (g) => g.year === year && g.kpi === kpi && (g.businessLine ?? null) === businessLine && (g.team ?? null) === team
    )?.target ?? null;
  const own = find(scope.level === 'business_line' ? scope.businessLine : null, scope.team);
  if (own !== null || scope.level === 'org' || KPI_BY_KEY.get(kpi)!.unit === 'count') return own;
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
  return statusOf(KPI_BY_KEY.get(kpi)!.direction, value, target);
}

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

/**
 * A scorecard row's red lines: per enabled rule, the violations in force in the window of the
 * row's scope (the org, a business line by its id, a team by its id). Not part of the score: a
 * red line is judged on its own, by the committee.
 */
export function redLineCount(
  byRule: Partial<Record<RedLineRule, readonly ScopeCount[]>>,
  scope: { level: string; id: string | null }
): RedLineCount {
  const counts: Partial<Record<RedLineRule, number>> = {};
  let total = 0;
  for (const [rule, scopes] of Object.entries(byRule) as [RedLineRule, readonly ScopeCount[]][]) {
    const own = scopes.find(
      (c) =>
        c.level === scope.level && (c.level === 'org' || (c.level === 'team' ? c.team : c.businessLine) === scope.id)
    );
    counts[rule] = own?.count ?? 0;
    total += counts[rule];
  }
  return { total, byRule: counts };
}
