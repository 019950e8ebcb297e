/**
 * The HTTP application and the composition root of the routes: every route module has one shape
 * (`xRoutes(deps): RouteModule`, see route-module.ts) and is mounted here, under /api/v1, in the
 * order of ROUTES; their paths make the OpenAPI document. /metrics and / sit beside the API.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { aggregateRoutes } from './aggregate-routes.js';
import { requireRole } from './auth.js';
import { errorHandler, HttpError } from './errors.js';
import { freezeRoutes } from './freeze-routes.js';
import { gateRoutes } from './gate-routes.js';
import { ingestRoutes } from './ingest-routes.js';
import { kpiRoutes } from './kpi-routes.js';
import { openApiDocument } from './openapi.js';
import { orgRoutes } from './org-routes.js';
import { recordRoutes } from './records-routes.js';
import { reviewRoutes } from './review-routes.js';
import type { ApiDeps, Routes } from './route-module.js';

/** Every route module of /api/v1. */
export const ROUTES: readonly Routes[] = [
  orgRoutes,
  recordRoutes,
  freezeRoutes,
  aggregateRoutes,
  kpiRoutes,
  gateRoutes,
  reviewRoutes,
  ingestRoutes,
];

export interface AppOptions extends ApiDeps {
  logger: Logger;
  /** Serve /metrics without a token even when tokens are set. */
  metricsPublic: boolean;
  metrics?: (req: Request, res: Response) => Promise<void>;
}

const JSON_TYPES = ['application/json', 'application/*+json'];

export function createApp(options: AppOptions): express.Express {
  const { tokens, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  app.use(requestLog(logger));
  app.use(requireJsonBody);
  app.use(express.json({ limit: options.bodyLimit, type: JSON_TYPES, strict: false, verify: keepRawBody }));

  const api = express.Router();
  const modules = ROUTES.map((routes) => routes(options));
  const document = openApiDocument(options.version, {
    '/api/v1/openapi.json': {
      get: { summary: 'This document', security: [], responses: { 200: { description: 'OK' } } },
    },
    ...Object.assign({}, ...modules.map((m) => m.paths)),
  });
  api.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  for (const { router } of modules) api.use(router);
  api.use((req, _res, next) =>
    next(new HttpError(404, `no such API endpoint: ${req.method} ${req.baseUrl}${req.path}`))
  );
  app.use('/api/v1', api);

  if (options.metrics) {
    const handler = options.metrics;
    const guard = options.metricsPublic ? [] : [requireRole(tokens, 'read')];
    app.get('/metrics', ...guard, (req, res, next) => {
      handler(req, res).catch(next);
    });
  }
  app.get('/', (_req, res) => {
    res.json({
      name: 'ballast-exporter',
      version: options.version,
      api: '/api/v1',
      docs: '/api/v1/openapi.json',
      metrics: '/metrics',
    });
  });
  app.use((req, _res, next) => next(new HttpError(404, `not found: ${req.method} ${req.path}`)));
  app.use(errorHandler(logger));
  return app;
}

/** Receivers that verify a signature (GitHub) or apply their own size limit need the bytes as sent. */
function keepRawBody(req: import('node:http').IncomingMessage, _res: unknown, buf: Buffer) {
  (req as { rawBody?: Buffer }).rawBody = buf;
}

/** A body that is not JSON is refused with 415 before anything reads it. */
function requireJsonBody(req: Request, _res: Response, next: NextFunction) {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && ['POST', 'PUT', 'PATCH'].includes(req.method) && !req.is(JSON_TYPES)) {
    return next(
      new HttpError(
        415,
        `the body must be JSON (Content-Type: application/json), not ${req.headers['content-type'] ?? 'unspecified'}`
      )
    );
  }
  next();
}

/** One structured line per request; the Authorization header is never logged. */
function requestLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const entry = { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 };
      if (res.statusCode >= 500) logger.warn(entry, 'request');
      else logger.debug(entry, 'request');
    });
    next();
  };
}
