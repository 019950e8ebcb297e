/** `/api/v1/health` (no token) and `/api/v1/org` (read; replace with admin). */
import { Router } from 'express';
import { requireRole } from './auth.js';
import { errors, json, ref, type OpenApiPaths } from './openapi.js';
import type { ApiDeps, RouteModule } from './route-module.js';

export const API_VERSION = 'v1';

export function orgRoutes({ store, orgs, tokens, version }: ApiDeps): RouteModule {
  const router = Router();
  router.get('/health', async (_req, res) => {
    let storeUp = true;
    try {
      await store.ping();
    } catch {
      storeUp = false;
    }
    res.status(storeUp ? 200 : 503).json({
      status: storeUp ? 'ok' : 'store_unavailable',
      version,
      apiVersion: API_VERSION,
      store: { kind: store.kind, migrations: storeUp ? await store.migrations() : [] },
    });
  });
  router.get('/org', requireRole(tokens, 'read'), async (_req, res) => {
    const { org, revision } = await orgs.current();
    res.json({ ...org, revision });
  });
  router.put('/org', requireRole(tokens, 'admin'), async (req, res) => {
    const revision = await orgs.replace(req.body);
    const { org } = await orgs.current();
    res.json({ ...org, revision });
  });
  return { router, paths: PATHS };
}

const PATHS: OpenApiPaths = {
  '/api/v1/health': {
    get: {
      summary: 'Health, version and store',
      security: [],
      responses: { 200: { description: 'OK' }, 503: { description: 'The store is unavailable' } },
    },
  },
  '/api/v1/org': {
    get: {
      summary: 'The org: business lines, teams, services, change systems, goals, policy',
      responses: { 200: json(ref('Org')), ...errors(401, 403) },
    },
    put: {
      summary: 'Replace the org (admin)',
      requestBody: { required: true, ...json(ref('Org')) },
      responses: { 200: { description: 'Replaced' }, ...errors(400, 401, 403, 409, 413, 415) },
    },
  },
};
