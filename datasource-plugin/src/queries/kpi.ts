/** KPI queries: current values (one frame per scope, for stat/gauge/bar gauge) and time series. */
import type { DataFrame, DataQueryRequest, TimeRange } from '@grafana/data';
import { ApiError } from '../api/client';
import { kpiSeriesFrames, kpiValueFrames } from '../frames';
import type { BallastQuery, KpiDefinition, KpiSeriesResponse, KpiValue, KpiValuesResponse } from '../types';
import { listOf, QueryContext } from './context';

const STEPS: Array<[string, number]> = [
  ['5m', 300_000],
  ['15m', 900_000],
  ['1h', 3_600_000],
  ['6h', 21_600_000],
  ['1d', 86_400_000],
  ['7d', 604_800_000],
];
/** Each series point is a KPI computation on the exporter: keep series short. */
const MAX_SERIES_POINTS = 200;

/** The series step for a dashboard range: the finest that stays under MAX_SERIES_POINTS (and the panel interval). */
export function autoStep(range: TimeRange, intervalMs = 0, maxPoints = MAX_SERIES_POINTS): string {
  const span = range.to.valueOf() - range.from.valueOf();
  const found = STEPS.find(([, ms]) => ms >= intervalMs && span / ms + 1 <= maxPoints);
  return (found ?? STEPS[STEPS.length - 1]!)[0];
}

export function runKpi(
  ctx: QueryContext,
  q: BallastQuery,
  request: DataQueryRequest<BallastQuery>
): Promise<DataFrame[]> {
  return q.format === 'timeseries' ? kpiSeries(ctx, q, request) : kpiValues(ctx, q);
}

async function kpiValues(ctx: QueryContext, q: BallastQuery): Promise<DataFrame[]> {
  const lines = listOf(q.businessLine);
  const teams = listOf(q.team);
  // The KPI API takes one business line and one team: several are asked for all and filtered here.
  const [answer, defs] = await Promise.all([
    ctx.client.get<KpiValuesResponse>('/api/v1/kpis', {
      window: q.window ?? '30d',
      kpi: q.kpi || undefined,
      level: q.level,
      businessLine: lines.length === 1 ? lines[0] : undefined,
      team: teams.length === 1 ? teams[0] : undefined,
    }),
    ctx.kpiDefinitions(),
  ]);
  const values = answer.values.filter(
    (v: KpiValue) =>
      (lines.length <= 1 || (v.businessLine !== null && lines.includes(v.businessLine))) &&
      (teams.length <= 1 || (v.team !== null && teams.includes(v.team)))
  );
  return kpiValueFrames(q.refId, values, new Map(defs.map((d) => [d.key, d])), { components: q.components === true });
}

async function kpiSeries(
  ctx: QueryContext,
  q: BallastQuery,
  request: DataQueryRequest<BallastQuery>
): Promise<DataFrame[]> {
  const kpis = listOf(q.kpi);
  if (kpis.length === 0) {
    throw new ApiError(400, 'Choose a KPI', '/api/v1/kpis/series');
  }
  const lines = listOf(q.businessLine);
  const teams = listOf(q.team);
  const step = q.step || autoStep(request.range, request.intervalMs);
  // One call per KPI and per business line or team asked for (the series API takes one of each).
  const scopes: Array<{ businessLine?: string; team?: string }> = teams.length
    ? teams.map((team) => ({ team }))
    : lines.length
      ? lines.map((businessLine) => ({ businessLine }))
      : [{}];
  const defs = new Map<string, KpiDefinition>((await ctx.kpiDefinitions()).map((d) => [d.key, d]));
  const answers = await Promise.all(
    kpis.flatMap((kpi) =>
      scopes.map((scope) =>
        ctx.client
          .get<KpiSeriesResponse>('/api/v1/kpis/series', {
            kpi,
            window: q.window ?? '30d',
            from: request.range.from.toISOString(),
            to: request.range.to.toISOString(),
            step,
            level: q.level,
            ...scope,
          })
          .then((r) => ({ kpi, r }))
      )
    )
  );
  return answers.flatMap(({ kpi, r }) => kpiSeriesFrames(q.refId, r, defs.get(kpi)));
}
