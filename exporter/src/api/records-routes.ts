/** `/api/v1/{collection}` routes for every record collection, and incident steps. */
import { Router } from 'express';
import { COLLECTIONS, type Collection } from '../domain/records.js';
import { MAX_BATCH } from '../service/records.js';
import { actorOf, requireRole, type Role } from './auth.js';
import { recordQuery } from './list-params.js';
import { errors, json, queryParam, ref, schemaName, type OpenApiPaths } from './openapi.js';
import type { ApiDeps, RouteModule } from './route-module.js';

/** Freezes are policy: writing them takes the admin role. */
const writeRole = (collection: Collection): Role => (collection === 'freezes' ? 'admin' : 'ingest');

export function recordRoutes({ records, tokens }: ApiDeps): RouteModule {
  const router = Router();
  const read = requireRole(tokens, 'read');
  for (const collection of COLLECTIONS) {
    const base = `/${collection}`;
    const write = requireRole(tokens, writeRole(collection));
    router.get(base, read, async (req, res) => {
      res.json(await records.list(collection, recordQuery(collection, req.query)));
    });
    router.post(`${base}/batch`, write, async (req, res) => {
      res.json(await records.batch(collection, req.body, actorOf(res)));
    });
    router.get(`${base}/:id`, read, async (req, res) => {
      res.json(await records.get(collection, req.params.id as string));
    });
    router.put(`${base}/:id`, write, async (req, res) => {
      const { record, outcome } = await records.put(collection, req.params.id as string, req.body, actorOf(res));
      res.status(outcome === 'created' ? 201 : 200).json(record);
    });
  }
  router.delete('/freezes/:id', requireRole(tokens, 'admin'), async (req, res) => {
    await records.remove('freezes', req.params.id as string, actorOf(res));
    res.status(204).end();
  });
  router.post('/incidents/:id/steps', requireRole(tokens, 'ingest'), async (req, res) => {
    const { record, added } = await records.appendStep(req.params.id as string, req.body, actorOf(res));
    res.status(added ? 201 : 200).json(record);
  });
  return { router, paths: PATHS };
}

const LIST_PARAMS = ['from', 'to', 'businessLine', 'team', 'service', 'limit', 'offset'];
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

const PATHS: OpenApiPaths = {
  ...Object.fromEntries(
    COLLECTIONS.flatMap((collection) => {
      const name = schemaName(collection);
      return [
        [
          `/api/v1/${collection}`,
          {
            get: {
              summary: `List ${collection}`,
              parameters: LIST_PARAMS.map((p) => queryParam(p)),
              responses: { 200: { description: '{items, total, limit, offset}' }, ...errors(400, 401, 403) },
            },
          },
        ],
        [
          `/api/v1/${collection}/{id}`,
          {
            get: {
              summary: `One ${name.toLowerCase()}`,
              parameters: [idParam],
              responses: { 200: { description: 'The record' }, ...errors(401, 403, 404) },
            },
            put: {
              summary: `Create or update a ${name.toLowerCase()} (idempotent)`,
              parameters: [idParam],
              requestBody: { required: true, ...json(ref(name)) },
              responses: {
                200: { description: 'Updated or unchanged' },
                201: { description: 'Created' },
                ...errors(400, 401, 403, 413, 415),
              },
            },
            ...(collection === 'freezes'
              ? {
                  delete: {
                    summary:
                      'End a freeze window (admin): kept with its versions for history; the gate stops answering for it',
                    parameters: [idParam],
                    responses: { 204: { description: 'Ended' }, ...errors(401, 403, 404) },
                  },
                }
              : {}),
          },
        ],
        [
          `/api/v1/${collection}/batch`,
          {
            post: {
              summary: `Write up to ${MAX_BATCH.toLocaleString('en')} ${collection} in one transaction (all or nothing)`,
              requestBody: {
                required: true,
                ...json({
                  type: 'object',
                  required: ['records'],
                  properties: { records: { type: 'array', maxItems: MAX_BATCH, items: ref(name) } },
                }),
              },
              responses: { 200: { description: '{created, updated, unchanged}' }, ...errors(400, 401, 403, 413, 415) },
            },
          },
        ],
      ];
    })
  ),
  '/api/v1/incidents/{id}/steps': {
    post: {
      summary: 'Append an incident process step (the same step at the same time is not added twice)',
      parameters: [idParam],
      requestBody: { required: true, ...json(ref('IncidentStep')) },
      responses: {
        200: { description: 'Already there' },
        201: { description: 'Added' },
        ...errors(400, 401, 403, 404),
      },
    },
  },
};
