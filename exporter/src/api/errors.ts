/** Turns every failure into the one JSON error shape; never a stack trace. */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Issue } from '../domain/org.js';
import { ConflictError, NotFoundError, ValidationError } from '../service/errors.js';
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
    logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    if (isStoreUnavailable(error)) return sendError(res, 503, 'the store is unavailable; retry later');
    return sendError(res, 500, 'internal error; see the exporter log');
  };
}

/** Connection-level database failures: the sender should retry. */
function isStoreUnavailable(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? '';
  return (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'SQLITE_BUSY',
      'SQLITE_FULL',
      'SQLITE_IOERR',
      'SQLITE_READONLY',
      '57P01',
      '57P03',
    ].includes(code) ||
    code.startsWith('08') ||
    code.startsWith('53')
  );
}
