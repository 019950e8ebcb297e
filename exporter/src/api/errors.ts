/** Turns every failure into the one JSON error shape; never a stack trace. */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Issue } from '../domain/org.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../service/errors.js';
import { classifyStoreError, retryAfterSeconds } from '../store/errors.js';
import { AuthError } from './auth.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: Issue[] = []
  ) {
    super(message);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  421: 'Misdirected Request',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function sendError(res: Response, status: number, message: string, issues: Issue[] = []) {
  res.status(status).json({ error: TITLES[status] ?? 'Error', message, ...(issues.length > 0 ? { issues } : {}) });
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ValidationError) return sendError(res, 400, 'the request has invalid fields', error.issues);
    if (error instanceof AuthError) return sendError(res, error.status, error.message);
    if (error instanceof NotFoundError) return sendError(res, 404, error.message);
    if (error instanceof ForbiddenError) return sendError(res, 403, error.message, error.issues);
    if (error instanceof ConflictError) return sendError(res, 409, error.message, error.issues);
    if (error instanceof HttpError) return sendError(res, error.status, error.message, error.issues);
    const bodyError = error as BodyParserError;
    if (bodyError.type === 'entity.too.large') {
      return sendError(res, 413, `the body is larger than the limit of ${bodyError.limit} bytes (BALLAST_BODY_LIMIT)`);
    }
    if (bodyError.type === 'entity.parse.failed')
      return sendError(res, 400, `the body is not valid JSON: ${bodyError.message}`);
    if (bodyError.type === 'encoding.unsupported' || bodyError.type === 'charset.unsupported') {
      return sendError(res, 415, bodyError.message);
    }
    const failure = classifyStoreError(error);
    const cause = (error as { cause?: unknown }).cause;
    logger.error(
      { err: error, ...(cause ? { cause } : {}), method: req.method, path: req.path, failure },
      'request failed'
    );
    if (failure === 'bug') return sendError(res, 500, 'internal error; see the exporter log');
    res.setHeader('Retry-After', String(retryAfterSeconds(failure)));
    return sendError(
      res,
      503,
      failure === 'conflict'
        ? 'the write kept conflicting with concurrent writes; retry later'
        : 'the store is unavailable; retry later'
    );
  };
}

/**
 * The overall bound on an answer: a handler still waiting after `ms` (a store that answers too
 * slowly for its own timeouts to fire, several slow statements in a row) is answered 503 with
 * Retry-After, and whatever it sends later is dropped.
 */
export function responseDeadline(ms: number | undefined) {
  return (_req: Request, res: Response, next: NextFunction) => {
    if (!ms) return next();
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.setHeader('Retry-After', String(retryAfterSeconds('unavailable')));
      sendError(res, 503, `no answer within ${ms} ms (BALLAST_RESPONSE_TIMEOUT_MS); retry later`);
      const dropped = (() => res) as never;
      Object.assign(res, {
        status: dropped,
        json: dropped,
        send: dropped,
        setHeader: dropped,
        writeHead: dropped,
        end: dropped,
      });
    }, ms);
    const clear = () => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  };
}
