/** `/api/v1/health` (no token) and `/api/v1/org` (read; replace with admin). */
import { Router, type Request } from 'express';
import type { Issue } from '../domain/org.js';
import { ValidationError } from '../service/errors.js';
import { OrgService } from '../service/org.js';
import { retryAfterSeconds } from '../store/errors.js';
import { actorOf, requireRole } from './auth.js';
import { errors, json, ref, type OpenApiPaths } from './openapi.js';
import type { ApiDeps, RouteModule } from './route-module.js';

export const API_VERSION = 'v1';

const etag = (revision: number) => `"${revision}"`;

/**
 * The revision a replace is based on: `If-Match: "<revision>"` (the ETag of GET /org) and/or a
 * `revision` field in the body (what GET /org returned, sent back). Neither, or `If-Match: *`,
 * replaces whatever is stored.
 */
function precondition(req: Request): { document: unknown; expected?: number } {
  const body: unknown = req.body;
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  const { revision, ...rest } = isObject ? (body as Record<string, unknown>) : {};
  const document = isObject ? rest : body; // anything else: the org schema says what is wrong
  const issues: Issue[] = [];
  let expected: number | undefined;
  if (revision !== undefined) {
    if (Number.isSafeInteger(revision) && (revision as number) >= 0) expected = revision as number;
    else issues.push({ path: 'revision', message: 'must be the whole-number revision GET /api/v1/org returned' });
  }
  const header = req.headers['if-match']?.trim();
  if (header !== undefined && header !== '*') {
    const match = /^(?:W\/)?"(\d+)"$/.exec(header);
    if (!match) issues.push({ path: 'If-Match', message: 'must be the ETag GET /api/v1/org returned, e.g. "12"' });
    else if (expected !== undefined && Number(match[1]) !== expected)
      issues.push({ path: 'If-Match', message: `names revision ${match[1]}, the body's revision is ${expected}` });
    else expected = Number(match[1]);
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return { document, expected };
}

export function orgRoutes({ store, orgs, tokens, version }: ApiDeps): RouteModule {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const health = await store.health();
    const migrations = health.up ? await store.migrations().catch(() => null) : null;
    const up = health.up && migrations !== null;
    if (!up) res.setHeader('Retry-After', String(retryAfterSeconds('unavailable')));
    res.status(up ? 200 : 503).json({
      status: up ? 'ok' : 'store_unavailable',
      version,
      apiVersion: API_VERSION,
      store: {
        kind: store.kind,
        migrations: migrations ?? [],
        ...(up ? {} : { problem: health.up ? 'the database does not answer' : health.reason }),
      },
    });
  });
  router.get('/org', requireRole(tokens, 'read'), async (_req, res) => {
    const { org, revision } = await orgs.current();
    res.setHeader('ETag', etag(revision)).json({ ...org, revision });
  });
  router.put('/org', requireRole(tokens, 'admin'), async (req, res) => {
    const { document, expected } = precondition(req);
    const revision = await orgs.replace(document, expected, actorOf(res));
    // what this request stored, even if another replace has come since
    res.setHeader('ETag', etag(revision)).json({ ...OrgService.parse(document), revision });
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
      description:
        'A compare-and-set when the request names the revision it is based on: `If-Match: "<revision>"` (the ETag of GET) or a `revision` field; 409 names the stored revision when another replace came first.',
      parameters: [
        {
          name: 'If-Match',
          in: 'header',
          required: false,
          schema: { type: 'string' },
          description: 'The ETag of GET /api/v1/org the change is based on, e.g. "12"',
        },
      ],
      responses: { 200: { description: 'Replaced' }, ...errors(400, 401, 403, 409, 413, 415) },
    },
  },
};
