/** `/api/v1/{collection}` routes for every record collection. */
import { Router } from 'express';
import { COLLECTIONS, type Collection } from '../domain/records.js';
import type { RecordService } from '../service/records.js';
import { requireRole, type Role, type TokenEntry } from './auth.js';
import type { ListParams } from '../service/records.js';

/** Freezes are policy: writing them takes the admin role. */
const writeRole = (collection: Collection): Role => (collection === 'freezes' ? 'admin' : 'ingest');

export function recordRoutes(records: RecordService, tokens: TokenEntry[]): Router {
  const router = Router();
  const read = requireRole(tokens, 'read');
  for (const collection of COLLECTIONS) {
    const base = `/${collection}`;
    const write = requireRole(tokens, writeRole(collection));
    router.get(base, read, async (req, res) => {
      res.json(await records.list(collection, req.query as ListParams));
    });
    router.post(`${base}/batch`, write, async (req, res) => {
      res.json(await records.batch(collection, req.body));
    });
    router.get(`${base}/:id`, read, async (req, res) => {
      res.json(await records.get(collection, req.params.id as string));
    });
    router.put(`${base}/:id`, write, async (req, res) => {
      const { record, outcome } = await records.put(collection, req.params.id as string, req.body);
      res.status(outcome === 'created' ? 201 : 200).json(record);
    });
  }
  router.get('/freeze-occurrences', read, async (req, res) => {
    res.json(await records.freezeOccurrences(req.query as ListParams));
  });
  router.delete('/freezes/:id', requireRole(tokens, 'admin'), async (req, res) => {
    await records.remove('freezes', req.params.id as string);
    res.status(204).end();
  });
  router.post('/incidents/:id/steps', requireRole(tokens, 'ingest'), async (req, res) => {
    const { record, added } = await records.appendStep(req.params.id as string, req.body);
    res.status(added ? 201 : 200).json(record);
  });
  return router;
}
