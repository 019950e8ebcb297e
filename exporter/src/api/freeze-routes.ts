/**
 * `GET /api/v1/freeze-occurrences`: when freeze windows are open, recurring ones expanded;
 * `GET /api/v1/freezes/{id}/versions`: every kept version of a window. (The freeze records
 * themselves are under records-routes.)
 */
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
  router.get('/freezes/:id/versions', requireRole(tokens, 'read'), async (req, res) => {
    res.json(await freezes.versions(req.params.id as string));
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
  '/api/v1/freezes/{id}/versions': {
    get: {
      summary:
        'Every version of a freeze window, oldest first: each in force from its announcedAt until the next; an ended one ends the window',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        200: {
          description:
            '{items: [{version, announcedAt, writtenAt, ended, name, reason, scope, startsAt?, endsAt?, schedule?}]}',
        },
        ...errors(401, 403, 404),
      },
    },
  },
};
