/** `GET /{collection}/{id}/history` (one record's history) and `GET /audit` (every write, filtered). */
import { Router } from 'express';
import { AUDIT_SUBJECTS } from '@ballast/contract';
import { COLLECTIONS } from '../domain/records.js';
import { requireRole } from './auth.js';
import { ParamReader } from './list-params.js';
import { errors, queryParam, type OpenApiPaths } from './openapi.js';
import type { ApiDeps, RouteModule } from './route-module.js';

/** What the audit list can be filtered to: the record collections and the other audited subjects. */
const SUBJECTS = [...COLLECTIONS, ...AUDIT_SUBJECTS] as const;

export function auditRoutes({ records, tokens }: ApiDeps): RouteModule {
  const router = Router();
  const read = requireRole(tokens, 'read');
  for (const collection of COLLECTIONS) {
    router.get(`/${collection}/:id/history`, read, async (req, res) => {
      // The record need not exist any more: a deleted one keeps its history.
      res.json({ items: await records.audit.history(collection, req.params.id as string) });
    });
  }
  router.get('/audit', read, async (req, res) => {
    const params = new ParamReader(req.query);
    const range = params.range();
    const page = params.page();
    const actor = params.list('actor');
    const collection = params.list('collection');
    const unknown = collection.filter((c) => !(SUBJECTS as readonly string[]).includes(c));
    if (unknown.length > 0)
      params.issues.push({ path: 'collection', message: `must be among ${SUBJECTS.join(', ')} (got "${unknown[0]}")` });
    params.done();
    res.json(
      await records.audit.list({
        ...range,
        ...page,
        ...(actor.length > 0 ? { actor } : {}),
        ...(collection.length > 0 ? { collection } : {}),
      })
    );
  });
  return { router, paths: PATHS };
}

const PATHS: OpenApiPaths = {
  ...Object.fromEntries(
    COLLECTIONS.map((collection) => [
      `/api/v1/${collection}/{id}/history`,
      {
        get: {
          summary: `A ${collection.replace(/s$/, '')}'s history: who changed which fields from what to what, oldest first`,
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: '{items: AuditEntry[]}' }, ...errors(401, 403) },
        },
      },
    ])
  ),
  '/api/v1/audit': {
    get: {
      summary: 'Every write, newest first: who (token, Grafana user), when, which record, which fields',
      parameters: ['from', 'to', 'actor', 'collection', 'limit', 'offset'].map((p) => queryParam(p)),
      responses: { 200: { description: '{items, total, limit, offset}' }, ...errors(400, 401, 403) },
    },
  },
};
