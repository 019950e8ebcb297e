/** `GET /api/v1/alerts-by-name` and `GET /api/v1/changes-by-system`: the KPIs' counts split by alert name and by change system. */
import { Router } from 'express';
import { ALERT_NAME_SORTS } from '@ballast/contract';
import { requireRole } from './auth.js';
import { ParamReader } from './list-params.js';
import { errors, queryParam, type OpenApiPaths } from './openapi.js';
import type { ApiDeps, RouteModule } from './route-module.js';

export function aggregateRoutes({ aggregates, tokens }: ApiDeps): RouteModule {
  const router = Router();
  const read = requireRole(tokens, 'read');
  router.get('/alerts-by-name', read, async (req, res) => {
    const params = new ParamReader(req.query);
    const query = {
      ...params.owners(),
      ...params.range(),
      ...params.page(),
      sort: params.choice('sort', ALERT_NAME_SORTS),
    };
    params.done();
    res.json(await aggregates.alertsByName(query));
  });
  router.get('/changes-by-system', read, async (req, res) => {
    const params = new ParamReader(req.query);
    const query = { ...params.owners(), ...params.range() };
    params.done();
    res.json(await aggregates.changesBySystem(query));
  });
  return { router, paths: PATHS };
}

const range = [
  queryParam('from', 'ISO 8601 or epoch ms: start of the range (inclusive)', true),
  queryParam('to', 'ISO 8601 or epoch ms: end of the range (exclusive)', true),
];
const owners = [
  queryParam('businessLine', 'business line ids, comma-separated or repeated'),
  queryParam('team', 'team ids, comma-separated or repeated'),
  queryParam('service', 'service ids, comma-separated or repeated'),
];
const count = { type: 'integer', minimum: 0 };
const ratio = { type: ['number', 'null'], minimum: 0, maximum: 1 };
const object = (properties: Record<string, object>) => ({
  type: 'object',
  required: Object.keys(properties),
  properties,
});
const ok = (schema: object) => ({
  200: { description: 'OK', content: { 'application/json': { schema } } },
  ...errors(400, 401, 403, 503),
});

const PATHS: OpenApiPaths = {
  '/api/v1/alerts-by-name': {
    get: {
      summary:
        'High-severity alerts started in [from, to) per alert name, counted as alert_accuracy_ratio counts them (verdicts given or inferred), with that formula',
      parameters: [
        ...range,
        ...owners,
        queryParam('sort', 'alerts (most fired first, the default) or noise (most noise first)'),
        queryParam('limit', 'names per page, 1-1000 (default 100)'),
        queryParam('offset', 'names to skip (default 0)'),
      ],
      responses: ok(
        object({
          from: { type: 'string', format: 'date-time' },
          to: { type: 'string', format: 'date-time' },
          items: {
            type: 'array',
            items: object({
              name: { type: 'string' },
              alerts: count,
              actionable: count,
              inferredActionable: count,
              noise: count,
              inferredNoise: count,
              unreviewed: count,
              accuracy: ratio,
            }),
          },
          total: { ...count, description: 'Alert names in all pages' },
          limit: count,
          offset: count,
        })
      ),
    },
  },
  '/api/v1/changes-by-system': {
    get: {
      summary:
        'Changes started in [from, to) per change system (every system of the org, then any the records name that the org no longer lists): control coverage, failures and freeze violations as the KPIs count them',
      parameters: [...range, ...owners],
      responses: ok(
        object({
          from: { type: 'string', format: 'date-time' },
          to: { type: 'string', format: 'date-time' },
          integration: object({ integrated: count, total: count, ratio }),
          items: {
            type: 'array',
            items: object({
              system: { type: 'string' },
              name: { type: 'string' },
              integrated: { type: ['boolean', 'null'] },
              changes: count,
              controlled: count,
              coverage: ratio,
              withResult: count,
              failed: count,
              failureRatio: ratio,
              freezeViolations: count,
            }),
          },
        })
      ),
    },
  },
};
