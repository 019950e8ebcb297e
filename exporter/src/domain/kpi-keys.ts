/**
 * The stability KPIs by key. The key is the same in goals, the API and the metric names
 * (`stability_<key>`). Formulas live in kpis.ts; this file only names them.
 */
export const KPI_KEYS = [
  'high_priority_incidents',
  'mttr_seconds',
  'mttr_p50_seconds',
  'mttr_p90_seconds',
  'mttd_seconds',
  'detection_ratio',
  'alert_accuracy_ratio',
  'high_priority_alerts_per_day',
  'inspection_closure_ratio',
  'change_control_coverage_ratio',
  'change_system_integration_ratio',
  'freeze_violations',
  'change_failure_ratio',
  'action_completion_ratio',
  'drill_score',
  'drill_coverage_ratio',
  'incident_data_quality_ratio',
] as const;

export type KpiKey = (typeof KPI_KEYS)[number];

export const KPI_WINDOWS = ['7d', '30d', '90d', 'ytd'] as const;
export type KpiWindow = (typeof KPI_WINDOWS)[number];

export const LEVELS = ['org', 'business_line', 'team'] as const;
export type Level = (typeof LEVELS)[number];
