/**
 * The KPIs the scorecard knows, from the exporter's registry (@ballast/contract: key, title, unit,
 * direction; the status rule). The panel needs them for Prometheus frames, which carry only
 * `stability_<key>` names and values; Ballast frames may carry title/unit/direction themselves and
 * then win. What is here is presentation: the default selection and the value formats.
 */
import {
  KPI_SUMMARIES,
  type Direction as KpiDirection,
  type KpiSummary,
  type Unit as KpiUnit,
} from '@ballast/contract';
import { getValueFormat, formattedValueToString } from '@grafana/data';

export { STATUSES, statusOf, type Status } from '@ballast/contract';
export type { KpiDirection, KpiUnit };

/** What the panel knows of a KPI (a newer exporter's KPI unknown to this build arrives with its frame). */
export type KpiInfo = Omit<KpiSummary, 'key'> & { key: string };

export const KPI_CATALOG: readonly KpiInfo[] = KPI_SUMMARIES;

export const KPI_BY_KEY: ReadonlyMap<string, KpiInfo> = new Map(KPI_CATALOG.map((k) => [k.key, k]));

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
