/**
 * The KPI formulas. The store hands over one Tally (numerators, denominators, recovery durations)
 * per team for a window; this module adds tallies up team → business line → org and turns a
 * tally into KPI values. Sums roll up exactly; means come from sums and counts; MTTR percentiles
 * come from the individual recovery durations, which are few (high-priority incidents only).
 */
import type { KpiKey, Level } from './kpi-keys.js';
import type { OrgIndex } from './org.js';
import { INCIDENT_STEPS } from './records.js';

export type Unit = 'count' | 'seconds' | 'ratio' | 'per_day' | 'score';
export type Direction = 'lower' | 'higher';

export interface KpiDefinition {
  key: KpiKey;
  title: string;
  unit: Unit;
  direction: Direction;
  description: string;
}

/** The incident process stages: the time from the previous step (or the start) to each step. */
export const STAGES = INCIDENT_STEPS;
export type Stage = (typeof STAGES)[number];

/** The additive numbers of one scope and window. */
export const TALLY_FIELDS = [
  'incidents', // high-priority production incidents started in the window
  'recovered', // … of them recovered before the window's end
  'recoveryMs', // summed recoveredAt − startedAt of the recovered ones
  'detectionMs', // summed detectedAt − startedAt
  'detectedInternally', // detection source monitoring or inspection
  'completeTimestamps', // started ≤ detected ≤ acknowledged ≤ recovered, all present
  'alerts', // high-severity alerts
  'actionable', // … counted actionable (verdict, or linked to an incident)
  'noise', // … counted noise (verdict, or transient when configured)
  'inferredActionable', // actionable without a human verdict (linked to an incident)
  'inferredNoise', // noise without a human verdict (resolved sooner than transientAlertMinutes)
  'unreviewed', // high-severity alerts with no verdict, given or inferred
  'findings',
  'findingsClosed',
  'changes',
  'controlled',
  'withResult',
  'failed', // result failed or rolled_back
  'freezeViolations',
  'actionsDue',
  'actionsCompleted',
  'drills',
  'drillScore', // summed drill scores
  'teams', // org teams in the scope (1 for a team)
  'drilledTeams', // … with at least one drill in the window
] as const;
export type TallyField = (typeof TALLY_FIELDS)[number];

export interface Tally {
  counts: Record<TallyField, number>;
  /** recoveredAt − startedAt of each recovered high-priority incident (ms). */
  recoveries: number[];
  stages: Record<Stage, { count: number; ms: number }>;
}

export function emptyTally(): Tally {
  return {
    counts: Object.fromEntries(TALLY_FIELDS.map((f) => [f, 0])) as Tally['counts'],
    recoveries: [],
    stages: Object.fromEntries(STAGES.map((s) => [s, { count: 0, ms: 0 }])) as Tally['stages'],
  };
}

/** Adds `b` into `a` (mutates and returns `a`). */
export function addTally(a: Tally, b: Tally): Tally {
  for (const f of TALLY_FIELDS) a.counts[f] += b.counts[f];
  for (const d of b.recoveries) a.recoveries.push(d);
  for (const s of STAGES) {
    a.stages[s].count += b.stages[s].count;
    a.stages[s].ms += b.stages[s].ms;
  }
  return a;
}

export const KPI_DEFINITIONS: readonly KpiDefinition[] = [
  { key: 'high_priority_incidents', title: 'High-priority incidents', unit: 'count', direction: 'lower', description: 'Production incidents of a high priority (policy.highPriorities), by startedAt; drills left out.' },
  { key: 'mttr_seconds', title: 'MTTR', unit: 'seconds', direction: 'lower', description: 'Mean recoveredAt − startedAt over high-priority incidents recovered before the window end (a reopened incident counts to its last recovery).' },
  { key: 'mttr_p50_seconds', title: 'MTTR p50', unit: 'seconds', direction: 'lower', description: 'Median recovery time of the same incidents (linear interpolation between ranks).' },
  { key: 'mttr_p90_seconds', title: 'MTTR p90', unit: 'seconds', direction: 'lower', description: '90th percentile recovery time of the same incidents (linear interpolation between ranks).' },
  { key: 'mttd_seconds', title: 'MTTD', unit: 'seconds', direction: 'lower', description: 'Mean detectedAt − startedAt over high-priority incidents.' },
  { key: 'detection_ratio', title: 'Detected by us', unit: 'ratio', direction: 'higher', description: 'Share of high-priority incidents whose detectionSource is monitoring or inspection.' },
  { key: 'alert_accuracy_ratio', title: 'Alert accuracy', unit: 'ratio', direction: 'higher', description: 'actionable ÷ (actionable + noise) over high-severity alerts with a verdict, by startsAt. Without a verdict, an alert linked to an incident counts as actionable, and (policy.transientAlertMinutes) one that resolved sooner than that counts as noise; both are reported as inferred.' },
  { key: 'high_priority_alerts_per_day', title: 'High-severity alerts per day', unit: 'per_day', direction: 'lower', description: 'High-severity alerts ÷ days in the window (days elapsed for ytd).' },
  { key: 'inspection_closure_ratio', title: 'Inspection closure', unit: 'ratio', direction: 'higher', description: 'Findings closed before the window end ÷ all findings, by foundAt.' },
  { key: 'change_control_coverage_ratio', title: 'Change control coverage', unit: 'ratio', direction: 'higher', description: 'Controlled changes ÷ all changes, by startedAt.' },
  { key: 'change_system_integration_ratio', title: 'Change systems integrated', unit: 'ratio', direction: 'higher', description: 'Integrated change systems ÷ all change systems in the org config; org level only, the same in every window.' },
  { key: 'freeze_violations', title: 'Freeze violations', unit: 'count', direction: 'lower', description: 'Changes without an exemption that started inside an occurrence of a freeze window whose scope covers them.' },
  { key: 'change_failure_ratio', title: 'Change failure rate', unit: 'ratio', direction: 'lower', description: 'Changes with result failed or rolled_back ÷ changes with a result.' },
  { key: 'action_completion_ratio', title: 'Improvement actions completed', unit: 'ratio', direction: 'higher', description: 'Improvement actions completed ÷ all due in the window (by dueAt, up to the window end).' },
  { key: 'drill_score', title: 'Drill score', unit: 'score', direction: 'higher', description: 'Mean score (0–100) of the drills started in the window.' },
  { key: 'drill_coverage_ratio', title: 'Drill coverage', unit: 'ratio', direction: 'higher', description: 'Teams with at least one drill in the window ÷ all teams (1 or 0 for a team).' },
  { key: 'incident_data_quality_ratio', title: 'Incident data quality', unit: 'ratio', direction: 'higher', description: 'High-priority incidents whose timestamps are complete and in order (started ≤ detected ≤ acknowledged ≤ recovered) ÷ all.' },
];

export const DEFINITIONS_BY_KEY = new Map(KPI_DEFINITIONS.map((d) => [d.key, d]));

/** KPIs that only exist for the whole org. */
export const ORG_ONLY: ReadonlySet<KpiKey> = new Set(['change_system_integration_ratio']);

/** Counts that grow with the window's length: their yearly targets are scaled to the window. */
export const WINDOW_SCALED: ReadonlySet<KpiKey> = new Set(['high_priority_incidents', 'freeze_violations']);

export interface KpiValue {
  /** null where the denominator is empty. */
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** alert_accuracy_ratio only: how many of the counted verdicts were inferred. */
  inferred?: { actionable: number; noise: number };
}

/** What a value needs beyond the tally. */
export interface ValueContext {
  days: number;
  changeSystems: { integrated: number; total: number };
}

const ratio = (numerator: number, denominator: number): KpiValue => ({
  value: denominator > 0 ? numerator / denominator : null,
  numerator,
  denominator,
});
const count = (n: number): KpiValue => ({ value: n, numerator: n, denominator: null });

/** Linear interpolation between closest ranks (as numpy's default); null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * p;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);

/** Every KPI's value for one scope's tally. */
export function kpiValues(t: Tally, ctx: ValueContext): Record<KpiKey, KpiValue> {
  const c = t.counts;
  const p = (q: number): KpiValue => ({ value: seconds(percentile(t.recoveries, q)), numerator: null, denominator: c.recovered });
  return {
    high_priority_incidents: count(c.incidents),
    mttr_seconds: ratio(c.recoveryMs / 1000, c.recovered),
    mttr_p50_seconds: p(0.5),
    mttr_p90_seconds: p(0.9),
    mttd_seconds: ratio(c.detectionMs / 1000, c.incidents),
    detection_ratio: ratio(c.detectedInternally, c.incidents),
    alert_accuracy_ratio: {
      ...ratio(c.actionable, c.actionable + c.noise),
      inferred: { actionable: c.inferredActionable, noise: c.inferredNoise },
    },
    high_priority_alerts_per_day: ratio(c.alerts, ctx.days),
    inspection_closure_ratio: ratio(c.findingsClosed, c.findings),
    change_control_coverage_ratio: ratio(c.controlled, c.changes),
    change_system_integration_ratio: ratio(ctx.changeSystems.integrated, ctx.changeSystems.total),
    freeze_violations: count(c.freezeViolations),
    change_failure_ratio: ratio(c.failed, c.withResult),
    action_completion_ratio: ratio(c.actionsCompleted, c.actionsDue),
    drill_score: ratio(c.drillScore, c.drills),
    drill_coverage_ratio: ratio(c.drilledTeams, c.teams),
    incident_data_quality_ratio: ratio(c.completeTimestamps, c.incidents),
  };
}

/** Mean seconds per stage, or null where no incident reached the stage. */
export function stageMeans(t: Tally): Record<Stage, number | null> {
  return Object.fromEntries(
    STAGES.map((s) => [s, t.stages[s].count > 0 ? t.stages[s].ms / 1000 / t.stages[s].count : null]),
  ) as Record<Stage, number | null>;
}

export interface Scope {
  level: Level;
  /** Set for business-line and team scopes. */
  businessLine: string | null;
  /** Set for team scopes. */
  team: string | null;
}

export interface ScopeTally extends Scope {
  tally: Tally;
}

/**
 * Rolls team tallies up to every team, business line and the org of the config. Tallies of
 * records without a known team (null, `unassigned`, or a team the org no longer has) count at the
 * org level only. Every scope of the org is present, with an empty tally when it has no records.
 */
export function rollUp(byTeam: ReadonlyMap<string | null, Tally>, org: OrgIndex): ScopeTally[] {
  const orgTally = emptyTally();
  const lines = new Map(org.org.businessLines.map((b) => [b.id, emptyTally()]));
  const teams: ScopeTally[] = [];
  for (const [team, tally] of byTeam) {
    if (team === null || !org.teams.has(team)) addTally(orgTally, tally);
  }
  for (const team of org.org.teams) {
    const tally = byTeam.get(team.id) ?? emptyTally();
    const own = addTally(emptyTally(), tally);
    own.counts.teams = 1;
    own.counts.drilledTeams = own.counts.drills > 0 ? 1 : 0;
    teams.push({ level: 'team', businessLine: team.businessLine, team: team.id, tally: own });
    addTally(lines.get(team.businessLine)!, own);
    addTally(orgTally, own);
  }
  return [
    { level: 'org', businessLine: null, team: null, tally: orgTally },
    ...[...lines].map(([id, tally]) => ({ level: 'business_line' as const, businessLine: id, team: null, tally })),
    ...teams,
  ];
}
