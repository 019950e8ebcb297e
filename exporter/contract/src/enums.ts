/**
 * The closed sets of values the exporter and the plugins share: record enums, KPI windows and
 * scope levels. Plain `as const` arrays (no zod), so a plugin bundle that imports them stays small.
 */

export const DETECTION_SOURCES = ['monitoring', 'inspection', 'user', 'drill', 'other'] as const;
export type DetectionSource = (typeof DETECTION_SOURCES)[number];

export const INCIDENT_CAUSES = [
  'functional_defect',
  'design_defect',
  'process',
  'change',
  'capacity',
  'third_party',
  'unknown',
] as const;
export type IncidentCause = (typeof INCIDENT_CAUSES)[number];

/** The incident process, in the order the steps happen. */
export const INCIDENT_STEPS = [
  'response',
  'judgment',
  'notification',
  'war_room',
  'escalation',
  'resolution',
  'verification',
  'postmortem',
] as const;
export type IncidentStep = (typeof INCIDENT_STEPS)[number];

export const VERDICTS = ['actionable', 'noise'] as const;
export type Verdict = (typeof VERDICTS)[number];
/** The `verdict` list filter: a verdict, or `none` for alerts without one. */
export const VERDICT_FILTERS = [...VERDICTS, 'none'] as const;

export const TARGET_TYPES = ['server', 'middleware', 'network', 'application', 'database', 'other'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export const CHANGE_KINDS = ['deploy', 'config', 'database', 'infrastructure', 'feature_flag', 'other'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const CHANGE_RESULTS = ['success', 'failed', 'rolled_back'] as const;
export type ChangeResult = (typeof CHANGE_RESULTS)[number];

/** The record collections of the API, by their URL name. */
export const COLLECTIONS = ['incidents', 'alerts', 'findings', 'changes', 'freezes', 'drills', 'actions'] as const;
export type Collection = (typeof COLLECTIONS)[number];

/** KPI windows: rolling 7, 30 and 90 days, and the calendar year to date in the org's timezone. */
export const KPI_WINDOWS = ['7d', '30d', '90d', 'ytd'] as const;
export type KpiWindow = (typeof KPI_WINDOWS)[number];

/** The scopes a KPI is computed for. */
export const LEVELS = ['org', 'business_line', 'team'] as const;
export type Level = (typeof LEVELS)[number];
