/** `GET /api/v1/freeze-occurrences`: when freeze windows are open, recurring ones expanded. (The freeze records themselves are under records-routes.) */
import { Router } from 'express';
import { requireRole } from './auth.js';
import { ParamReader } from './list-params.js';
import { errors, queryParam, type OpenApiPaths } from './openapi.js';
import type { ApiDeps, RouteModule } from './route-module.js';

export function freezeRoutes({ freezes, tokens }: ApiDeps): RouteModule {
  const router = Router();
  router.get('/freeze-occurrences', requireRole(tokens, 'read'), async (req, res) => {
    const read = new ParamReader(req.query);
    const query = { ...read.owners(), ...read.range() };
    read.done();
    res.json(await freezes.occurrences(query));
  });
  return { router, paths: PATHS };
}

const PATHS: OpenApiPaths = {
  '/api/v1/freeze-occurrences': {
    get: {
      summary: 'Each time a freeze window is open within [from, to), recurring windows expanded, by start',
      parameters: ['from', 'to', 'businessLine', 'team', 'service'].map((p) =>
        queryParam(p, undefined, p === 'from' || p === 'to')
      ),
      responses: {
        200: { description: '{items: [{freeze, name, reason, scope, startsAt, endsAt}], truncated}' },
        ...errors(400, 401, 403),
      },
    },
  },
};
