/**
 * The HTTP application and the composition root of the routes: every route module has one shape
 * (`xRoutes(deps): RouteModule`, see route-module.ts) and is mounted here, under /api/v1, in the
 * order of ROUTES; their paths make the OpenAPI document. /metrics and / sit beside the API.
 */
import { isUtf8 } from 'node:buffer';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Issue } from '../domain/org.js';
import { unsafeTextProblem } from '../domain/records.js';
import { INGEST_SOURCES, RECEIVERS, type IngestSource } from '../ingest/receivers.js';
import { ValidationError } from '../service/errors.js';
import { aggregateRoutes } from './aggregate-routes.js';
import { auditRoutes } from './audit-routes.js';
import { AuthError, authenticated, requireRole } from './auth.js';
import { errorHandler, HttpError, responseDeadline } from './errors.js';
import { bracketedParams } from './list-params.js';
import { freezeRoutes } from './freeze-routes.js';
import { gateRoutes } from './gate-routes.js';
import { ingestRoutes } from './ingest-routes.js';
import { kpiRoutes } from './kpi-routes.js';
import { openApiDocument } from './openapi.js';
import { orgRoutes } from './org-routes.js';
import { recordRoutes } from './records-routes.js';
import { redlineRoutes } from './redline-routes.js';
import { reportRoutes } from './report-routes.js';
import { reviewRoutes } from './review-routes.js';
import type { ApiDeps, Routes } from './route-module.js';

/** Every route module of /api/v1. */
export const ROUTES: readonly Routes[] = [
  orgRoutes,
  recordRoutes,
  auditRoutes,
  freezeRoutes,
  aggregateRoutes,
  kpiRoutes,
  gateRoutes,
  reviewRoutes,
  redlineRoutes,
  reportRoutes,
  ingestRoutes,
];

export interface AppOptions extends ApiDeps {
  logger: Logger;
  /** Serve /metrics without a token even when tokens are set. */
  metricsPublic: boolean;
  metrics?: (req: Request, res: Response) => Promise<void>;
  /** BALLAST_RESPONSE_TIMEOUT_MS: every answer within this bound (errors.ts responseDeadline). */
  responseTimeoutMs?: number;
  /** The address the server listens on: without tokens, a Host header must name it or a loopback name. */
  host?: string;
}

const JSON_TYPES = ['application/json', 'application/*+json'];

export function createApp(options: AppOptions): express.Express {
  const { tokens, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  // name=value pairs only: qs's nested objects and index arrays are not a shape any parameter has.
  app.set('query parser', 'simple');
  app.use(requestLog(logger));
  app.use(responseDeadline(options.responseTimeoutMs));
  if (tokens.length === 0) app.use(requireLocalHost(options.host));
  app.use(refuseBracketedParams);
  // Before any byte of a body is read: a stranger's 10 MiB is refused, not buffered.
  app.use(authenticateBeforeBody(options));
  app.use(requireJsonBody);
  app.use(express.json({ limit: options.bodyLimit, type: JSON_TYPES, strict: false, verify: keepRawBody }));
  app.use(refuseUnsafeText);

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
  app.use(clientErrors);
  app.use(errorHandler(logger));
  return app;
}

/**
 * Receivers that verify a signature (GitHub) or apply their own size limit need the bytes as sent.
 * Bytes that are not UTF-8 would be decoded to U+FFFD, so a re-send would not compare equal: refused.
 */
function keepRawBody(req: import('node:http').IncomingMessage, _res: unknown, buf: Buffer, encoding: string) {
  if (/^utf-?8$/i.test(encoding) && !isUtf8(buf))
    throw Object.assign(new Error('the body is not valid UTF-8'), { status: 400, type: 'entity.invalid.utf8' });
  (req as { rawBody?: Buffer }).rawBody = buf;
}

/** Loopback hosts by name or address; `[::1]:9464` → `::1`. */
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|::1)$/i;
const hostnameOf = (header: string) => /^\[([^\]]+)\](?::\d+)?$/.exec(header)?.[1] ?? header.replace(/:\d+$/, '');

/**
 * Without tokens only loopback may connect, but a page in a browser on this machine can reach
 * loopback too, under a name it controls (DNS rebinding): a Host header naming anything but this
 * server is refused (421, as a server answers a request not meant for it).
 */
function requireLocalHost(configured: string | undefined) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const name = hostnameOf((req.headers.host ?? '').trim().toLowerCase());
    if (LOOPBACK_HOST.test(name) || (configured !== undefined && name === configured.toLowerCase())) return next();
    next(
      new HttpError(421, 'without BALLAST_TOKENS only a loopback Host header is served', [
        { path: 'Host', message: `"${req.headers.host ?? ''}" is not this server's loopback name or address` },
      ])
    );
  };
}

function refuseBracketedParams(req: Request, _res: Response, next: NextFunction) {
  const issues = bracketedParams(req.query as Record<string, unknown>);
  next(issues.length > 0 ? new ValidationError(issues) : undefined);
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const INGEST_PATH = /^\/api\/v1\/ingest\/([^/]+)\/?$/;

/**
 * With tokens, a request with a body must carry a known token (its role is checked by its route,
 * after parsing), or, on a signing receiver with its secret set, the signature header (verified
 * against the bytes once read). Refusals close the connection so the unread body is never taken in.
 */
function authenticateBeforeBody({ tokens, webhookSecrets }: AppOptions) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (tokens.length === 0 || !BODY_METHODS.has(req.method)) return next();
    const source = INGEST_PATH.exec(req.path)?.[1] as IngestSource | undefined;
    const signature = source && INGEST_SOURCES.includes(source) ? RECEIVERS[source].signature : undefined;
    if (signature && webhookSecrets?.[source!] && req.headers[signature.header.toLowerCase()] !== undefined)
      return next();
    const refusal = authenticated(tokens, req, res);
    if (!refusal) return next();
    res.setHeader('Connection', 'close');
    // A signed receiver's sender forgot the signature, not a token: say which header it needs.
    next(
      signature && webhookSecrets?.[source!]
        ? new AuthError(401, `${signature.header} is missing: this receiver is signed (its webhook secret is set)`)
        : refusal
    );
  };
}

/** Deeper than any record or receiver body; a deeper one is refused, not walked. */
const MAX_BODY_DEPTH = 64;

// Any surrogate, paired or not: a text without one has no lone one (see plainBody).
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Whether a body surely passes refuseUnsafeText: no text (key or value) with NUL or any
 * surrogate, nesting within MAX_BODY_DEPTH. A storm's notifications are all such bodies, so this
 * walk, which builds no paths and runs no lookaround, settles them; any other body takes the
 * exact walk, which names each field (a paired surrogate, an emoji, passes there).
 */
function plainBody(body: unknown): boolean {
  const values: unknown[] = [body];
  const depths: number[] = [0];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000') || SURROGATE.test(value)) return false;
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= MAX_BODY_DEPTH) return false;
      if (Array.isArray(value)) {
        for (const v of value) {
          values.push(v);
          depths.push(depth + 1);
        }
      } else {
        for (const key in value) {
          if (key.includes('\u0000') || SURROGATE.test(key)) return false;
          values.push((value as Record<string, unknown>)[key]);
          depths.push(depth + 1);
        }
      }
    }
  }
  return true;
}

/** Every text of a body, keys too, follows the one text rule (NUL, lone surrogates), on both stores. */
function refuseUnsafeText(req: Request, _res: Response, next: NextFunction) {
  if (plainBody(req.body)) return next();
  const issues: Issue[] = [];
  // Iterative: JSON.parse builds any depth, a recursive walk would overflow the stack.
  const stack: [unknown, string, number][] = [[req.body, '', 0]];
  while (stack.length > 0 && issues.length < 20) {
    const [value, path, depth] = stack.pop()!;
    if (typeof value === 'string') {
      const problem = unsafeTextProblem(value);
      if (problem) issues.push({ path: path || 'body', message: problem });
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= MAX_BODY_DEPTH) {
        issues.push({ path: path || 'body', message: `is nested deeper than ${MAX_BODY_DEPTH} levels` });
        break;
      }
      if (Array.isArray(value)) value.forEach((v, k) => stack.push([v, `${path}[${k}]`, depth + 1]));
      else
        for (const [key, v] of Object.entries(value)) {
          const at = path ? `${path}.${key}` : key;
          const problem = unsafeTextProblem(key);
          if (problem) issues.push({ path: at, message: `field name ${problem}` });
          stack.push([v, at, depth + 1]);
        }
    }
  }
  next(issues.length > 0 ? new ValidationError(issues) : undefined);
}

/**
 * Client faults the framework raises with a 4xx status (a path that is not valid percent-encoding,
 * a body that does not decompress as its Content-Encoding says, bytes that are not UTF-8) become
 * the API's error shape; anything else goes on to the error handler.
 */
function clientErrors(error: unknown, req: Request, _res: Response, next: NextFunction) {
  const e = error as { status?: number; expose?: boolean; type?: string; message?: string };
  if (error instanceof HttpError || error instanceof AuthError || error instanceof ValidationError) return next(error);
  if (error instanceof URIError)
    return next(new HttpError(400, 'the path is not valid percent-encoding', [{ path: 'path', message: e.message! }]));
  if (e.type === 'entity.invalid.utf8')
    return next(new HttpError(400, e.message!, [{ path: 'body', message: 'must be UTF-8' }]));
  if (e.type === 'entity.parse.failed')
    return next(
      new HttpError(400, `the body is not valid JSON: ${e.message}`, [{ path: 'body', message: 'must be JSON' }])
    );
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose && e.type === undefined) {
    const encoded = req.headers['content-encoding'] !== undefined;
    return next(
      new HttpError(400, `the body could not be read: ${e.message}`, [
        encoded
          ? { path: 'Content-Encoding', message: 'must match how the body is encoded (gzip, deflate, br or none)' }
          : { path: 'body', message: 'could not be read' },
      ])
    );
  }
  next(error);
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
