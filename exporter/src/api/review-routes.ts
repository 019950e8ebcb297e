/** `/api/v1/reviews`: committee reviews, drafted live or saved as snapshots. */
import { Router } from 'express';
import { z } from 'zod';
import { ValidationError, zodIssues } from '../service/errors.js';
import { REVIEW_PERIODS } from '@ballast/contract';
import { reviewDraftSchema, reviewSaveSchema } from '../service/reviews.js';
import { actorOf, requireRole } from './auth.js';
import type { OpenApiPaths } from './openapi.js';
import type { ApiDeps, RouteModule } from './route-module.js';

export function reviewRoutes({ reviews, tokens }: ApiDeps): RouteModule {
  const router = Router();
  const read = requireRole(tokens, 'read');
  router.get('/reviews/draft', read, async (req, res) => {
    const parsed = reviewDraftSchema.safeParse(req.query);
    if (!parsed.success) throw new ValidationError(zodIssues(parsed.error));
    res.json(await reviews.draft(parsed.data));
  });
  // Saved reviews are governance records, like freezes: admin writes them.
  router.post('/reviews', requireRole(tokens, 'admin'), async (req, res) => {
    const { review, created } = await reviews.save(req.body, actorOf(res));
    res.status(created ? 201 : 200).json(review);
  });
  router.get('/reviews', read, async (_req, res) => {
    res.json(await reviews.list());
  });
  router.get('/reviews/:id', read, async (req, res) => {
    res.json(await reviews.get(req.params.id as string));
  });
  return { router, paths: PATHS };
}

const error = {
  description: 'Error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};
const review = (description: string) => ({
  description: `${description}: {period, scope: {level, id, name}, from, to, previousFrom, previousTo, generatedAt, revision, kpis, scopes, changeThreshold, changes, topIncidents, overdueActions, overdueActionsTotal}`,
});

const PATHS: OpenApiPaths = {
  '/api/v1/reviews/draft': {
    get: {
      summary:
        'The committee review of the week, month or quarter containing `at`, of the org or one business line, team or service, computed now',
      parameters: [
        { name: 'period', in: 'query', required: true, schema: { type: 'string', enum: [...REVIEW_PERIODS] } },
        ...(['business_line', 'team', 'service'] as const).map((name) => ({
          name,
          in: 'query' as const,
          description: `Review this ${name.replace('_', ' ')} (at most one of business_line, team, service)`,
          schema: { type: 'string' as const },
        })),
        {
          name: 'at',
          in: 'query',
          description: 'ISO 8601 moment inside the period (default now)',
          schema: { type: 'string', format: 'date-time' },
        },
      ],
      responses: { 200: review('The review'), 400: error, 401: error, 403: error },
    },
  },
  '/api/v1/reviews': {
    get: {
      summary: 'Saved reviews, newest first',
      responses: {
        200: { description: '{items: [{id, title, period, scope, from, to, savedAt}]}' },
        401: error,
        403: error,
      },
    },
    post: {
      summary: 'Save the review of a period and scope as a snapshot; its decisions become improvement actions',
      requestBody: {
        required: true,
        content: { 'application/json': { schema: z.toJSONSchema(reviewSaveSchema, { io: 'input' }) } },
      },
      responses: {
        201: review('Saved'),
        200: review('Already saved under this id (unchanged)'),
        400: error,
        401: error,
        403: error,
      },
    },
  },
  '/api/v1/reviews/{id}': {
    get: {
      summary: 'A saved review, as it was saved',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        200: review(
          'The review with id, title, notes, attendees, decisions, savedBy, savedAt, red-line violations and recognition'
        ),
        404: error,
      },
    },
  },
};
