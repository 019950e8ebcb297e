/** `/api/v1/kpis`, `/api/v1/kpis/definitions`, `/api/v1/kpis/series`, `/api/v1/scorecard`. */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { KPI_DEFINITIONS } from '../domain/kpis.js';
import { KPI_KEYS, KPI_WINDOWS, LEVELS, type KpiKey } from '../domain/kpi-keys.js';
import { DAY_MS, parseQueryTime } from '../domain/time.js';
import { parseStep } from '../domain/windows.js';
import { ValidationError, zodIssues } from '../service/errors.js';
import type { KpiService, ScopeFilter } from '../service/kpis.js';
import { requireRole } from './auth.js';
import type { OpenApiPaths } from './openapi.js';
import type { ApiDeps, RouteModule } from './route-module.js';

/** Most points a series request may ask for (each point is a computation over the records). */
export const MAX_SERIES_POINTS = 1000;

/** A query parameter given once (`?a=1&a=2` is refused rather than guessed). */
const once = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (Array.isArray(v) && v.length === 1 ? v[0] : v), schema);
const single = once(z.string({ message: 'must be given once' }).min(1, 'must not be empty'));
/** A moment: ISO 8601 with an offset, or epoch milliseconds (as Grafana sends). */
const moment = single.transform((v, ctx) => {
  const parsed = parseQueryTime(v);
  if ('problem' in parsed) {
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  }
  return parsed.ms;
});
const windowParam = once(z.enum(KPI_WINDOWS, { message: `must be one of ${KPI_WINDOWS.join(', ')}` }));
const scopeParams = {
  level: once(z.enum(LEVELS, { message: `must be one of ${LEVELS.join(', ')}` })).optional(),
  businessLine: single.optional(),
  team: single.optional(),
};
const kpiList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : [v])
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean)
  )
  .pipe(
    z.array(z.enum(KPI_KEYS, { message: `must be KPI keys from /api/v1/kpis/definitions` })).min(1, 'must name a KPI')
  );

const valuesQuery = z.object({ window: windowParam.default('30d'), kpi: kpiList.optional(), ...scopeParams });
const seriesQuery = z.object({
  kpi: once(z.enum(KPI_KEYS, { message: 'must be a KPI key from /api/v1/kpis/definitions' })),
  window: windowParam.default('30d'),
  from: moment.optional(),
  to: moment.optional(),
  step: single.default('1d'),
  ...scopeParams,
});
const scorecardQuery = z.object({ window: windowParam.default('ytd') });

function parse<T extends z.ZodType>(schema: T, req: Request): z.infer<T> {
  const parsed = schema.safeParse(req.query);
  if (!parsed.success) throw new ValidationError(zodIssues(parsed.error));
  return parsed.data;
}

/** Unknown business lines or teams are a 400 naming the parameter, not an empty answer. */
async function checkScope(service: KpiService, filter: ScopeFilter): Promise<void> {
  const index = (await service.snapshot()).index;
  const issues = [];
  if (filter.businessLine && !index.businessLines.has(filter.businessLine))
    issues.push({ path: 'businessLine', message: `unknown business line "${filter.businessLine}"` });
  if (filter.team && !index.teams.has(filter.team))
    issues.push({ path: 'team', message: `unknown team "${filter.team}"` });
  if (issues.length > 0) throw new ValidationError(issues);
}

export function kpiRoutes({ kpis: service, tokens }: ApiDeps): RouteModule {
  const router = Router();
  const read = requireRole(tokens, 'read');
  router.get('/kpis/definitions', read, (_req, res) => {
    res.json(KPI_DEFINITIONS);
  });
  router.get('/kpis', read, async (req, res) => {
    const q = parse(valuesQuery, req);
    await checkScope(service, q);
    res.json(await service.values(q.window, q, (q.kpi as KpiKey[] | undefined) ?? KPI_KEYS));
  });
  router.get('/kpis/series', read, async (req, res) => {
    const q = parse(seriesQuery, req);
    const stepMs = parseStep(q.step);
    if (stepMs === null)
      throw new ValidationError([
        { path: 'step', message: 'must be a whole number and a unit s, m, h, d or w, e.g. 1d' },
      ]);
    const to = q.to ?? service.now();
    const from = q.from ?? to - 30 * DAY_MS;
    if (from > to) throw new ValidationError([{ path: 'from', message: 'must not be after to' }]);
    const points = Math.floor((to - from) / stepMs) + 1;
    if (points > MAX_SERIES_POINTS) {
      throw new ValidationError([
        { path: 'step', message: `gives ${points} points between from and to; at most ${MAX_SERIES_POINTS}` },
      ]);
    }
    await checkScope(service, q);
    // Without a level, the narrowest scope named (the org when none is).
    const level = q.level ?? (q.team ? 'team' : q.businessLine ? 'business_line' : 'org');
    res.json({ ...(await service.series(q.kpi, q.window, from, to, stepMs, { ...q, level })), step: q.step });
  });
  router.get('/scorecard', read, async (req, res) => {
    const q = parse(scorecardQuery, req);
    res.json(await service.scorecard(q.window));
  });
  return { router, paths: KPI_OPENAPI_PATHS };
}

const param = (name: string, description: string, required = false) => ({
  name,
  in: 'query',
  required,
  description,
  schema: { type: 'string' },
});
const scope = [
  param('level', 'org, business_line or team'),
  param('businessLine', 'business line id'),
  param('team', 'team id'),
];
const ok = (description: string) => ({
  200: { description },
  400: { description: 'Bad parameter' },
  401: { description: 'No token' },
  403: { description: 'Role too low' },
});

const KPI_OPENAPI_PATHS: OpenApiPaths = {
  '/api/v1/kpis/definitions': {
    get: { summary: 'KPI definitions', responses: ok('[{key, title, unit, direction, description}]') },
  },
  '/api/v1/kpis': {
    get: {
      summary: 'KPI values of one window',
      parameters: [
        param('window', '7d, 30d, 90d or ytd (default 30d)'),
        param('kpi', 'KPI keys, comma-separated or repeated'),
        ...scope,
      ],
      responses: ok('{window, from, to, values: [{kpi, level, businessLine, team, value, numerator, denominator}]}'),
    },
  },
  '/api/v1/kpis/series': {
    get: {
      summary: 'One KPI as it stood at each step, computed from the records',
      parameters: [
        param('kpi', 'KPI key', true),
        param('window', '7d, 30d, 90d or ytd (default 30d)'),
        param('from', 'ISO 8601 or epoch ms (default to - 30d)'),
        param('to', 'ISO 8601 or epoch ms (default now)'),
        param('step', 'e.g. 1d, 6h, 15m (default 1d)'),
        ...scope,
      ],
      responses: ok('{kpi, window, step, unit, series: [{level, businessLine, team, points: [{at, value}]}]}'),
    },
  },
  '/api/v1/scorecard': {
    get: {
      summary: 'Scorecard: per scope, value, target, status and previous value of each KPI, and a weighted score',
      parameters: [param('window', '7d, 30d, 90d or ytd (default ytd)')],
      responses: ok('{window, year, generatedAt, kpis, scopes}'),
    },
  },
};
