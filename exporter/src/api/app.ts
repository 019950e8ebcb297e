/**
 * The HTTP application: JSON API under /api/v1, /metrics, the OpenAPI document.
 * Routers of other parts (KPIs, ingestion, gate) are mounted through `extraRouters`.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { OrgService } from '../service/org.js';
import type { RecordService } from '../service/records.js';
import type { Store } from '../store/store.js';
import { requireRole, type TokenEntry } from './auth.js';
import { errorHandler, HttpError } from './errors.js';
import { openApiDocument, type OpenApiPaths } from './openapi.js';
import { recordRoutes } from './records-routes.js';

export const API_VERSION = 'v1';

export interface AppOptions {
  version: string;
  store: Store;
  orgs: OrgService;
  records: RecordService;
  tokens: TokenEntry[];
  logger: Logger;
  /** Body size limit in bytes for JSON requests. */
  bodyLimit: number;
  /** Serve /metrics without a token even when tokens are set. */
  metricsPublic: boolean;
  metrics?: (req: Request, res: Response) => Promise<void>;
  /** Further routers mounted under /api/v1, with their OpenAPI paths. */
  extraRouters?: { router: Router; paths?: OpenApiPaths }[];
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
  api.get('/health', async (_req, res) => {
    let storeUp = true;
    try {
      await options.store.ping();
    } catch {
      storeUp = false;
    }
    res.status(storeUp ? 200 : 503).json({
      status: storeUp ? 'ok' : 'store_unavailable',
      version: options.version,
      apiVersion: API_VERSION,
      store: { kind: options.store.kind, migrations: storeUp ? await options.store.migrations() : [] },
    });
  });
  const document = openApiDocument(options.version, Object.assign({}, ...(options.extraRouters ?? []).map((r) => r.paths ?? {})));
  api.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  api.get('/org', requireRole(tokens, 'read'), async (_req, res) => {
    const { org, revision } = await options.orgs.current();
    res.json({ ...org, revision });
  });
  api.put('/org', requireRole(tokens, 'admin'), async (req, res) => {
    const revision = await options.orgs.replace(req.body);
    const { org } = await options.orgs.current();
    res.json({ ...org, revision });
  });
  api.use(recordRoutes(options.records, tokens));
  for (const { router } of options.extraRouters ?? []) api.use(router);
  api.use((req, _res, next) => next(new HttpError(404, `no such API endpoint: ${req.method} ${req.baseUrl}${req.path}`)));
  app.use('/api/v1', api);

  if (options.metrics) {
    const handler = options.metrics;
    const guard = options.metricsPublic ? [] : [requireRole(tokens, 'read')];
    app.get('/metrics', ...guard, (req, res, next) => {
      handler(req, res).catch(next);
    });
  }
  app.get('/', (_req, res) => {
    res.json({ name: 'ballast-exporter', version: options.version, api: '/api/v1', docs: '/api/v1/openapi.json', metrics: '/metrics' });
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
    return next(new HttpError(415, `the body must be JSON (Content-Type: application/json), not ${req.headers['content-type'] ?? 'unspecified'}`));
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
