/** `/api/v1/reports`: the scheduled reports as they were sent, and the state of each delivery. */
import { Router } from 'express';
import { REPORT_KINDS } from '@ballast/contract';
import { isReportKind, ReportService } from '../service/reports/service.js';
import { requireRole } from './auth.js';
import { ParamReader } from './list-params.js';
import { errors, type OpenApiPaths } from './openapi.js';
import type { ApiDeps, RouteModule } from './route-module.js';

export function reportRoutes({ store, tokens }: ApiDeps): RouteModule {
  const router = Router();
  const reports = new ReportService(store);
  const read = requireRole(tokens, 'read');
  router.get('/reports', read, async (req, res) => {
    const params = new ParamReader(req.query);
    const page = params.page(50);
    const [kind, ...extra] = params.list('kind');
    if (kind !== undefined && (!isReportKind(kind) || extra.length > 0))
      params.issues.push({ path: 'kind', message: `must be one of ${REPORT_KINDS.join(', ')}` });
    params.done();
    res.json(await reports.list({ ...page, kind: kind as (typeof REPORT_KINDS)[number] | undefined }));
  });
  router.get('/reports/:id', read, async (req, res) => {
    res.json(await reports.get(req.params.id as string));
  });
  return { router, paths: PATHS };
}

const PATHS: OpenApiPaths = {
  '/api/v1/reports': {
    get: {
      summary: 'Scheduled reports produced, newest first, with delivery counts by status',
      parameters: [
        { name: 'kind', in: 'query', schema: { type: 'string', enum: [...REPORT_KINDS] } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } },
        { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
      ],
      responses: {
        200: {
          description: '{items: [{id, kind, key, title, producedAt, producedBy, deliveries}], total, limit, offset}',
        },
        ...errors(400, 401, 403),
      },
    },
  },
  '/api/v1/reports/{id}': {
    get: {
      summary: 'One report as it was sent (its content), with each delivery and its status',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        200: { description: '{id, kind, key, title, producedAt, producedBy, content, deliveries}' },
        ...errors(401, 403, 404),
      },
    },
  },
};
