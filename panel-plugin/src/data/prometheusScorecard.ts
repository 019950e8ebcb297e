/**
 * The scorecard from plain Prometheus queries of the exporter's gauges (docs/metrics.md):
 * `stability_<kpi>{window, business_line?, team?}` for the values, `stability_kpi_target{kpi, …}`
 * for the yearly targets, the same KPIs from the query with the previous-window refId for the
 * trend, and optionally `stability_window_days` / `stability_window_seconds` for the window length.
 * Prometheus has no names, owners or statuses: ids are the names, and the status is computed with
 * the exporter's rule, count targets pro-rated to the window as the exporter does.
 */
import { DataFrame, Labels } from '@grafana/data';
import { KPI_CATALOG, KpiInfo, statusOf, WINDOW_SCALED } from '../kpis';
import { forEachSample, Sample } from './promSamples';
import { Cell, Level, ORG_ID, ORG_NAME, ScopeCollector, scopeKey, ScopeRow, ScorecardContent } from './scorecardModel';

export interface PrometheusOptions {
  /** The `window` label to show. */
  window: string;
  /** refId of the query that gives the previous window. */
  previousRefId: string;
  /** When the instant queries were evaluated (the dashboard's `to`); else the samples' time. */
  now?: number;
}

const DAY_MS = 86400e3;
const TARGET = 'stability_kpi_target';
const KPI_PREFIX = 'stability_';

const KPI_BY_METRIC = new Map(KPI_CATALOG.map((k) => [`${KPI_PREFIX}${k.key}`, k]));
const kpiOfMetric = (metric: string) => KPI_BY_METRIC.get(metric);

interface ScopeLabels {
  level: Level;
  id: string;
  businessLine: string | null;
}

/** The level labels: team series carry business_line and team, business-line series only business_line, org series neither. */
const levelOfLabels = (labels: Labels): Level => (labels.team ? 'team' : labels.business_line ? 'business_line' : 'org');
const idOfLabels = (level: Level, labels: Labels) => (level === 'team' ? labels.team : level === 'business_line' ? labels.business_line : ORG_ID);

function scopeOfLabels(labels: Labels): ScopeLabels {
  const level = levelOfLabels(labels);
  return { level, id: idOfLabels(level, labels), businessLine: labels.business_line || null };
}

/** scopeKey() of scopeOfLabels(), without building the scope (called once per sample). */
function scopeKeyOfLabels(labels: Labels): string {
  const level = levelOfLabels(labels);
  return scopeKey(level, idOfLabels(level, labels));
}

const targetKey = (kpi: string, businessLine: string | null, team: string | null) => `${kpi}|${businessLine ?? ''}|${team ?? ''}`;

/**
 * A scope's yearly target: its own series, else (not for counts, whose goals are per scope) its
 * business line's, then the org's — the exporter already exposes inherited targets; this covers a
 * target query filtered to fewer levels.
 */
function yearlyTarget(targets: Map<string, number>, kpi: KpiInfo, scope: ScopeLabels): number | null {
  const team = scope.level === 'team' ? scope.id : null;
  const own = targets.get(targetKey(kpi.key, scope.businessLine, team));
  if (own !== undefined || kpi.unit === 'count') {
    return own ?? null;
  }
  return targets.get(targetKey(kpi.key, scope.businessLine, null)) ?? targets.get(targetKey(kpi.key, null, null)) ?? null;
}

const daysInYear = (year: number) => (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 366 : 365);

/** The window's length from the exporter's `stability_window_days` / `_seconds` series, if this sample is one. */
function windowDaysOf(s: Sample, window: string): number | null {
  if (s.labels.window !== window) {
    return null;
  }
  if (s.metric === 'stability_window_days') {
    return s.value;
  }
  return s.metric === 'stability_window_seconds' ? s.value / 86400 : null;
}

/**
 * The window's length in days when no series gave it, from its name (`30d`; `ytd` = elapsed days
 * of the year in UTC, since the org's timezone is not in the data).
 */
function windowDaysByName(window: string, now: number): number | null {
  const rolling = /^(\d+)d$/.exec(window);
  if (rolling) {
    return Number(rolling[1]);
  }
  return window === 'ytd' ? (now - Date.UTC(new Date(now).getUTCFullYear(), 0, 1)) / DAY_MS : null;
}

interface Measured {
  scope: ScopeLabels;
  values: Map<string, number>;
}

/** What the samples say, sorted in one pass (a 200-team scorecard is ~8,000 single-series frames). */
interface Collected {
  /** KPI values per scope key, of the chosen window. */
  current: Map<string, Measured>;
  previous: Map<string, Measured>;
  /** Yearly targets by targetKey(). */
  targets: Map<string, number>;
  windowDays: number | null;
  sampleTime: number | null;
  anyKpiSeries: boolean;
  anyPrevious: boolean;
}

function collect(frames: DataFrame[], options: PrometheusOptions): Collected {
  const c: Collected = {
    current: new Map(),
    previous: new Map(),
    targets: new Map(),
    windowDays: null,
    sampleTime: null,
    anyKpiSeries: false,
    anyPrevious: false,
  };
  const visit = (s: Sample) => {
    const isPrevious = s.refId === options.previousRefId;
    const kpi = kpiOfMetric(s.metric);
    c.anyKpiSeries ||= kpi !== undefined;
    c.anyPrevious ||= isPrevious;
    if (isPrevious) {
      if (kpi) {
        measure(c.previous, kpi, s, options.window);
      }
      return;
    }
    c.sampleTime ??= s.time;
    if (kpi) {
      measure(c.current, kpi, s, options.window);
    } else if (s.metric === TARGET && s.labels.kpi) {
      c.targets.set(targetKey(s.labels.kpi, s.labels.business_line || null, s.labels.team || null), s.value);
    } else {
      c.windowDays ??= windowDaysOf(s, options.window);
    }
  };
  frames.forEach((frame) => forEachSample(frame, visit));
  return c;
}

/** Records a KPI sample's value under its scope, if it is of the chosen window. */
function measure(byScope: Map<string, Measured>, kpi: KpiInfo, s: Sample, window: string) {
  // Series without a window label (a recording rule, say) are taken as the chosen window.
  if (s.labels.window !== undefined && s.labels.window !== window) {
    return;
  }
  const key = scopeKeyOfLabels(s.labels);
  let m = byScope.get(key);
  if (!m) {
    m = { scope: scopeOfLabels(s.labels), values: new Map() };
    byScope.set(key, m);
  }
  m.values.set(kpi.key, s.value);
}

const LEVEL_RANK: Record<Level, number> = { org: 0, business_line: 1, team: 2 };
const byId = new Intl.Collator(undefined, { numeric: true });

/** The scorecard, or null when no frame holds a series of a KPI gauge (of any window). */
export function readPrometheusScorecard(frames: DataFrame[], options: PrometheusOptions): ScorecardContent | null {
  const { current, previous, targets, windowDays, sampleTime, anyKpiSeries, anyPrevious } = collect(frames, options);
  if (!anyKpiSeries) {
    return null;
  }
  const now = options.now ?? sampleTime ?? Date.now();
  const days = windowDays ?? windowDaysByName(options.window, now);
  const share = days === null ? null : days / daysInYear(new Date(now).getUTCFullYear());
  const windowTarget = (kpi: KpiInfo, yearly: number | null) =>
    yearly === null || !WINDOW_SCALED.has(kpi.key) ? yearly : share === null ? null : yearly * share;

  const present = new Set<string>();
  current.forEach((m) => m.values.forEach((_, key) => present.add(key)));
  const kpis = KPI_CATALOG.filter((k) => present.has(k.key));

  const scopes = new ScopeCollector();
  const ordered = [...current.values()].sort(
    (a, b) => LEVEL_RANK[a.scope.level] - LEVEL_RANK[b.scope.level] || byId.compare(a.scope.id, b.scope.id)
  );
  for (const { scope, values } of ordered) {
    const row: ScopeRow = scopes.scope(scope.level, scope.id, () => ({
      name: scope.level === 'org' ? ORG_NAME : scope.id,
      owner: null,
      businessLine: scope.businessLine,
    }));
    const prior = previous.get(row.key)?.values;
    for (const kpi of kpis) {
      const value = values.get(kpi.key) ?? null;
      const target = windowTarget(kpi, yearlyTarget(targets, kpi, scope));
      const cell: Cell = { value, target, status: statusOf(kpi.direction, value, target), previous: prior?.get(kpi.key) ?? null };
      row.cells[kpi.key] = cell;
    }
  }

  const notes: string[] = [];
  if (targets.size === 0) {
    notes.push(`No ${TARGET} series: without targets every cell shows no data (add a query of ${TARGET}).`);
  }
  if (!anyPrevious) {
    notes.push(`No previous window (query refId "${options.previousRefId}", e.g. the KPI query with offset 30d): no trend arrows.`);
  }
  if (share === null && kpis.some((k) => WINDOW_SCALED.has(k.key))) {
    notes.push(`The length of window ${options.window} is unknown (query stability_window_days): count KPIs have no target.`);
  }
  return { window: options.window, kpis, scopes: scopes.list(), notes };
}
