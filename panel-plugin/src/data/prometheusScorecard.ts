/**
 * The scorecard from plain Prometheus queries of the exporter's gauges (docs/metrics.md):
 * `stability_<kpi>{window, business_line?, team?}` for the values,
 * `stability_kpi_window_target{kpi, window, business_line?, team?}` for the targets each window is
 * judged against (the exporter's own: inherited, counts pro-rated in the org's timezone), and the
 * same KPIs from the query with the previous-window refId for the trend. Prometheus has no names
 * or owners: ids are the names. The status is the contract's rule (@ballast/contract statusOf).
 */
import { DataFrame, Labels } from '@grafana/data';
import { KPI_CATALOG, KpiInfo, statusOf } from '../kpis';
import { forEachSample, Sample } from './promSamples';
import { Cell, Level, ORG_ID, ORG_NAME, ScopeCollector, scopeKey, ScopeRow, ScorecardContent } from './scorecardModel';

export interface PrometheusOptions {
  /** The `window` label to show. */
  window: string;
  /** refId of the query that gives the previous window. */
  previousRefId: string;
}

const TARGET = 'stability_kpi_window_target';
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

const targetKey = (kpi: string, scopeKey: string) => `${kpi}|${scopeKey}`;

/** Series without a window label (a recording rule, say) are taken as the chosen window. */
const ofWindow = (s: Sample, window: string) => s.labels.window === undefined || s.labels.window === window;

interface Measured {
  scope: ScopeLabels;
  values: Map<string, number>;
}

/** What the samples say, sorted in one pass (a 200-team scorecard is ~8,000 single-series frames). */
interface Collected {
  /** KPI values per scope key, of the chosen window. */
  current: Map<string, Measured>;
  previous: Map<string, Measured>;
  /** The window's targets by targetKey(). */
  targets: Map<string, number>;
  anyKpiSeries: boolean;
  anyPrevious: boolean;
}

function collect(frames: DataFrame[], options: PrometheusOptions): Collected {
  const c: Collected = {
    current: new Map(),
    previous: new Map(),
    targets: new Map(),
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
    if (kpi) {
      measure(c.current, kpi, s, options.window);
    } else if (s.metric === TARGET && s.labels.kpi && ofWindow(s, options.window)) {
      c.targets.set(targetKey(s.labels.kpi, scopeKeyOfLabels(s.labels)), s.value);
    }
  };
  frames.forEach((frame) => forEachSample(frame, visit));
  return c;
}

/** Records a KPI sample's value under its scope, if it is of the chosen window. */
function measure(byScope: Map<string, Measured>, kpi: KpiInfo, s: Sample, window: string) {
  if (!ofWindow(s, window)) {
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
  const { current, previous, targets, anyKpiSeries, anyPrevious } = collect(frames, options);
  if (!anyKpiSeries) {
    return null;
  }

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
      const target = targets.get(targetKey(kpi.key, row.key)) ?? null;
      const cell: Cell = { value, target, status: statusOf(kpi.direction, value, target), previous: prior?.get(kpi.key) ?? null };
      row.cells[kpi.key] = cell;
    }
  }

  const notes: string[] = [];
  if (targets.size === 0) {
    notes.push(`No ${TARGET} series of window ${options.window}: without targets every cell shows no data (add a query of ${TARGET}).`);
  }
  if (!anyPrevious) {
    notes.push(`No previous window (query refId "${options.previousRefId}", e.g. the KPI query with offset 30d): no trend arrows.`);
  }
  return { window: options.window, kpis, scopes: scopes.list(), notes };
}
