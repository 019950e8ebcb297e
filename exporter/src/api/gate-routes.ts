/** `GET /api/v1/gate?service=…|team=…`: 200 allowed / 423 frozen; `GET /api/v1/gate/checks/{id}`. */
import { Router } from 'express';
import { ValidationError } from '../service/errors.js';
import { actorOf, requireRole } from './auth.js';
import type { OpenApiPaths } from './openapi.js';
import type { ApiDeps, RouteModule } from './route-module.js';

export function gateRoutes({ gate, tokens }: ApiDeps): RouteModule {
  const router = Router();
  const read = requireRole(tokens, 'read');
  router.get('/gate', read, async (req, res) => {
    const answer = await gate.check(
      { service: single(req.query, 'service'), team: single(req.query, 'team') },
      Date.now(),
      actorOf(res)
    );
    res.status(answer.allowed ? 200 : 423).json(answer);
  });
  router.get('/gate/checks/:id', read, async (req, res) => {
    res.json(await gate.get(req.params.id as string));
  });
  return { router, paths: PATHS };
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new ValidationError([{ path: name, message: 'give one value' }]);
  return value;
}

const answer = {
  type: 'object',
  required: ['allowed', 'checkId', 'at', 'freezes'],
  properties: {
    allowed: { type: 'boolean' },
    checkId: {
      type: 'string',
      description: 'Cite it as gateCheck on the change record: the change then counts as controlled.',
    },
    at: { type: 'string', format: 'date-time' },
    service: { type: 'string' },
    team: { type: 'string' },
    freezes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          reason: { type: 'string' },
          startsAt: { type: 'string', format: 'date-time' },
          endsAt: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
};
const json = { content: { 'application/json': { schema: answer } } };
const error = {
  description: 'Error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

const PATHS: OpenApiPaths = {
  '/api/v1/gate': {
    get: {
      summary: 'Change-freeze gate: may this service or team change now?',
      parameters: ['service', 'team'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
      responses: {
        200: { description: 'Allowed', ...json },
        423: { description: 'Frozen: the open windows', ...json },
        400: error,
        401: error,
        403: error,
      },
    },
  },
  '/api/v1/gate/checks/{id}': {
    get: {
      summary: 'A past gate answer, by checkId',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: { description: 'The answer', ...json }, 404: error },
    },
  },
};
