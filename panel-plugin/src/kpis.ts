/**
 * The KPIs the scorecard knows: key, title, unit and direction, as the exporter defines them
 * (exporter/src/domain/kpis.ts, KPI_DEFINITIONS; a test checks the two agree). The panel needs
 * them for Prometheus frames, which carry only `stability_<key>` names and values; Ballast frames
 * may carry title/unit/direction themselves and then win.
 */
import { getValueFormat, formattedValueToString } from '@grafana/data';

export type KpiUnit = 'count' | 'seconds' | 'ratio' | 'per_day' | 'score';
export type KpiDirection = 'lower' | 'higher';
export type Status = 'met' | 'at_risk' | 'missed' | 'no_data';
export const STATUSES: readonly Status[] = ['met', 'at_risk', 'missed', 'no_data'];

export interface KpiInfo {
  key: string;
  title: string;
  unit: KpiUnit;
  direction: KpiDirection;
}

export const KPI_CATALOG: readonly KpiInfo[] = [
  { key: 'high_priority_incidents', title: 'High-priority incidents', unit: 'count', direction: 'lower' },
  { key: 'mttr_seconds', title: 'MTTR', unit: 'seconds', direction: 'lower' },
  { key: 'mttr_p50_seconds', title: 'MTTR p50', unit: 'seconds', direction: 'lower' },
  { key: 'mttr_p90_seconds', title: 'MTTR p90', unit: 'seconds', direction: 'lower' },
  { key: 'mttd_seconds', title: 'MTTD', unit: 'seconds', direction: 'lower' },
  { key: 'detection_ratio', title: 'Detected by us', unit: 'ratio', direction: 'higher' },
  { key: 'alert_accuracy_ratio', title: 'Alert accuracy', unit: 'ratio', direction: 'higher' },
  { key: 'high_priority_alerts_per_day', title: 'High-severity alerts per day', unit: 'per_day', direction: 'lower' },
  { key: 'inspection_closure_ratio', title: 'Inspection closure', unit: 'ratio', direction: 'higher' },
  { key: 'change_control_coverage_ratio', title: 'Change control coverage', unit: 'ratio', direction: 'higher' },
  { key: 'change_system_integration_ratio', title: 'Change systems integrated', unit: 'ratio', direction: 'higher' },
  { key: 'freeze_violations', title: 'Freeze violations', unit: 'count', direction: 'lower' },
  { key: 'change_failure_ratio', title: 'Change failure rate', unit: 'ratio', direction: 'lower' },
  { key: 'action_completion_ratio', title: 'Improvement actions completed', unit: 'ratio', direction: 'higher' },
  { key: 'drill_score', title: 'Drill score', unit: 'score', direction: 'higher' },
  { key: 'drill_coverage_ratio', title: 'Drill coverage', unit: 'ratio', direction: 'higher' },
  { key: 'incident_data_quality_ratio', title: 'Incident data quality', unit: 'ratio', direction: 'higher' },
];

export const KPI_BY_KEY = new Map(KPI_CATALOG.map((k) => [k.key, k]));

/** The twelve KPIs the committee scorecard shows by default, in its order. */
export const DEFAULT_KPIS: readonly string[] = [
  'high_priority_incidents',
  'mttr_seconds',
  'mttd_seconds',
  'detection_ratio',
  'alert_accuracy_ratio',
  'high_priority_alerts_per_day',
  'inspection_closure_ratio',
  'change_control_coverage_ratio',
  'freeze_violations',
  'change_failure_ratio',
  'action_completion_ratio',
  'drill_score',
];

/** KPIs whose yearly target is scaled to the window's share of the year (as the exporter does). */
export const WINDOW_SCALED: ReadonlySet<string> = new Set(['high_priority_incidents', 'freeze_violations']);

/** How far on the wrong side of the target still counts as at risk (the exporter's AT_RISK_SHARE). */
export const AT_RISK_SHARE = 0.1;

/** The exporter's status rule: met, at_risk (wrong side by at most 10 % of the target), missed, no_data. */
export function statusOf(direction: KpiDirection, value: number | null, target: number | null): Status {
  if (value === null || target === null || !Number.isFinite(value) || !Number.isFinite(target)) {
    return 'no_data';
  }
  const shortfall = direction === 'lower' ? value - target : target - value;
  if (shortfall <= 0) {
    return 'met';
  }
  return shortfall <= Math.abs(target) * AT_RISK_SHARE ? 'at_risk' : 'missed';
}

/** Grafana unit id for a KPI unit (the same units the data source puts on its fields). */
export function grafanaUnit(unit: KpiUnit): string {
  switch (unit) {
    case 'seconds':
      return 'dtdurations';
    case 'ratio':
      return 'percentunit';
    case 'per_day':
      return 'short';
    default:
      return 'none';
  }
}

/** A KPI value in its unit: "1 hour, 5 minutes" → compact "1h 5m", "93.4%", "2.5/day", "12". */
export function formatKpiValue(unit: KpiUnit, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return '–';
  }
  if (unit === 'seconds') {
    return formatDuration(value);
  }
  if (unit === 'count') {
    return Number.isInteger(value) ? String(value) : value.toFixed(1);
  }
  const decimals = unit === 'ratio' ? 1 : unit === 'score' ? 0 : 1;
  const text = formattedValueToString(getValueFormat(grafanaUnit(unit))(value, decimals));
  return unit === 'per_day' ? `${text}/d` : text;
}

/** Compact duration: 45s, 12m, 1h 05m, 2d 3h. */
export function formatDuration(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  const sign = seconds < 0 ? '-' : '';
  if (s < 60) {
    return `${sign}${s}s`;
  }
  if (s < 3600) {
    return `${sign}${Math.round(s / 60)}m`;
  }
  if (s < 86400) {
    const h = Math.floor(s / 3600);
    const m = Math.round((s % 3600) / 60);
    return `${sign}${h}h ${String(m).padStart(2, '0')}m`;
  }
  const d = Math.floor(s / 86400);
  const h = Math.round((s % 86400) / 3600);
  return `${sign}${d}d ${h}h`;
}

/** Trend against the previous window: which way the value moved and whether that is better. */
export function trendOf(
  direction: KpiDirection,
  value: number | null,
  previous: number | null
): { arrow: 'up' | 'down' | 'flat'; better: boolean | null; delta: number } | null {
  if (value === null || previous === null || !Number.isFinite(value) || !Number.isFinite(previous)) {
    return null;
  }
  const delta = value - previous;
  const tolerance = Math.max(Math.abs(previous), Math.abs(value)) * 1e-6;
  if (Math.abs(delta) <= tolerance) {
    return { arrow: 'flat', better: null, delta: 0 };
  }
  const better = direction === 'lower' ? delta < 0 : delta > 0;
  return { arrow: delta > 0 ? 'up' : 'down', better, delta };
}
