/**
 * The scorecard from plain Prometheus queries of the exporter's gauges (docs/metrics.md):
 * `stability_<kpi>{window, business_line?, team?}` for the values, `stability_kpi_target{kpi, …}`
 * for the yearly targets, the same KPIs from the query with the previous-window refId for the
 * trend, and optionally `stability_window_days` / `stability_window_seconds` for the window length.
 * Prometheus has no names, owners or statuses: ids are the names, and the status is computed with
 * the exporter's rule, count targets pro-rated to the window as the exporter does.
 */
import { DataFrame, Labels } from '@grafana/data';
import { KPI_BY_KEY, KPI_CATALOG, KpiInfo, statusOf, WINDOW_SCALED } from '../kpis';
import { samplesOf, Sample } from './promSamples';
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

const kpiOfMetric = (metric: string) => (metric.startsWith(KPI_PREFIX) ? KPI_BY_KEY.get(metric.slice(KPI_PREFIX.length)) : undefined);

interface ScopeLabels {
  level: Level;
  id: string;
  businessLine: string | null;
}

/** The level labels: team series carry business_line and team, business-line series only business_line, org series neither. */
function scopeOfLabels(labels: Labels): ScopeLabels {
  const team = labels.team || null;
  const businessLine = labels.business_line || null;
  if (team) {
    return { level: 'team', id: team, businessLine };
  }
  return businessLine ? { level: 'business_line', id: businessLine, businessLine } : { level: 'org', id: ORG_ID, businessLine: null };
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

/**
 * The window's length in days: from the exporter's series when queried, else from its name
 * (`30d`; `ytd` = elapsed days of the year in UTC, since the org's timezone is not in the data).
 */
function windowDays(samples: Sample[], window: string, now: number): number | null {
  for (const s of samples) {
    if (s.labels.window === window && s.metric === 'stability_window_days') {
      return s.value;
    }
    if (s.labels.window === window && s.metric === 'stability_window_seconds') {
      return s.value / 86400;
    }
  }
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

/** KPI values per scope of one window. */
function measure(samples: Sample[], window: string): Map<string, Measured> {
  const byScope = new Map<string, Measured>();
  for (const s of samples) {
    const kpi = kpiOfMetric(s.metric);
    // Series without a window label (a recording rule, say) are taken as the chosen window.
    if (!kpi || (s.labels.window !== undefined && s.labels.window !== window)) {
      continue;
    }
    const scope = scopeOfLabels(s.labels);
    const key = scopeKey(scope.level, scope.id);
    let m = byScope.get(key);
    if (!m) {
      m = { scope, values: new Map() };
      byScope.set(key, m);
    }
    m.values.set(kpi.key, s.value);
  }
  return byScope;
}

const LEVEL_RANK: Record<Level, number> = { org: 0, business_line: 1, team: 2 };
const byId = new Intl.Collator(undefined, { numeric: true });

/** The scorecard, or null when no frame holds a series of a KPI gauge (of any window). */
export function readPrometheusScorecard(frames: DataFrame[], options: PrometheusOptions): ScorecardContent | null {
  const all = frames.flatMap(samplesOf);
  if (!all.some((s) => kpiOfMetric(s.metric))) {
    return null;
  }
  const isPrevious = (s: Sample) => s.refId === options.previousRefId;
  const current = all.filter((s) => !isPrevious(s));
  const previousSamples = all.filter(isPrevious);
  const now = options.now ?? current.find((s) => s.time !== null)?.time ?? Date.now();

  const targets = new Map<string, number>();
  for (const s of current) {
    if (s.metric === TARGET && s.labels.kpi) {
      targets.set(targetKey(s.labels.kpi, s.labels.business_line || null, s.labels.team || null), s.value);
    }
  }
  const days = windowDays(current, options.window, now);
  const share = days === null ? null : days / daysInYear(new Date(now).getUTCFullYear());
  const windowTarget = (kpi: KpiInfo, yearly: number | null) =>
    yearly === null || !WINDOW_SCALED.has(kpi.key) ? yearly : share === null ? null : yearly * share;

  const measured = measure(current, options.window);
  const before = measure(previousSamples, options.window);
  const present = new Set([...measured.values()].flatMap((m) => [...m.values.keys()]));
  const kpis = KPI_CATALOG.filter((k) => present.has(k.key));

  const scopes = new ScopeCollector();
  const ordered = [...measured.values()].sort(
    (a, b) => LEVEL_RANK[a.scope.level] - LEVEL_RANK[b.scope.level] || byId.compare(a.scope.id, b.scope.id)
  );
  for (const { scope, values } of ordered) {
    const row: ScopeRow = scopes.scope(scope.level, scope.id, () => ({
      name: scope.level === 'org' ? ORG_NAME : scope.id,
      owner: null,
      businessLine: scope.businessLine,
    }));
    const prior = before.get(row.key)?.values;
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
  if (previousSamples.length === 0) {
    notes.push(`No previous window (query refId "${options.previousRefId}", e.g. the KPI query with offset 30d): no trend arrows.`);
  }
  if (share === null && kpis.some((k) => WINDOW_SCALED.has(k.key))) {
    notes.push(`The length of window ${options.window} is unknown (query stability_window_days): count KPIs have no target.`);
  }
  return { window: options.window, kpis, scopes: scopes.list(), notes };
}
