/**
 * The one client core of the exporter's API, shared by the plugins: query strings, paging, and
 * errors that say what the exporter said. It knows no HTTP library: each plugin hands it a
 * transport (Grafana's backendSrv through `grafanaTransport`), so the core is tested without Grafana.
 */

import type { AuditEntry, AuditListResponse } from '../audit.js';
import type { RedLineRule, RedLineViolation, RedLineViolationsResponse } from '../red-lines.js';

export type Params = Record<string, string | number | boolean | undefined | null>;
export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** An API call that failed: HTTP status (0 when nothing answered), the exporter's message, and its body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly path: string,
    readonly body?: unknown
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What a transport rejects with when the server answered with an error status. */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly data: unknown
  ) {
    super(statusText || `HTTP ${status}`);
    this.name = 'HttpFailure';
  }
}

/** One HTTP call; resolves with the parsed body, rejects with an HttpFailure (or any error when nothing answered). */
export type Transport = (request: { method: Method; url: string; body?: unknown }) => Promise<unknown>;

/** Page size the list API allows at most. */
export const PAGE_SIZE = 1000;

/** `?a=1&b=x` of the set parameters (undefined, null and '' left out), or ''. */
export function queryString(params: Params): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      query.set(key, String(value));
    }
  }
  const qs = query.toString();
  return qs ? `?${qs}` : '';
}

interface ErrorBody {
  message?: string;
  error?: string;
  issues?: Array<{ path: string; message: string }>;
}

/** The exporter's error body (`{error, message, issues}`) as one message naming the fields. */
export function toApiError(err: unknown, path: string): ApiError {
  if (err instanceof ApiError) {
    return err;
  }
  if (err instanceof HttpFailure) {
    const data = (err.data && typeof err.data === 'object' ? err.data : {}) as ErrorBody;
    const issues = data.issues?.length ? `: ${data.issues.map((i) => `${i.path} ${i.message}`).join('; ')}` : '';
    const message =
      (data.message || data.error || err.statusText || (err.status ? `HTTP ${err.status}` : 'no answer')) + issues;
    return new ApiError(err.status, message, path, err.data);
  }
  return new ApiError(0, err instanceof Error ? err.message : String(err), path);
}

export interface ListPage<T> {
  items: T[];
  total: number;
}

/** The exporter's API under `base` (every path is appended to it). */
export class BallastApi {
  constructor(
    readonly base: string,
    private readonly transport: Transport
  ) {}

  async call<T>(method: Method, path: string, params: Params = {}, body?: unknown): Promise<T> {
    try {
      return (await this.transport({ method, url: `${this.base}${path}${queryString(params)}`, body })) as T;
    } catch (err) {
      throw toApiError(err, path);
    }
  }

  get<T>(path: string, params?: Params): Promise<T> {
    return this.call<T>('GET', path, params);
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PUT', path, {}, body);
  }
  post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, {}, body);
  }
  delete(path: string): Promise<unknown> {
    return this.call<unknown>('DELETE', path);
  }

  /** Every item of a list call, following pages, up to `max` items. */
  async list<T>(path: string, params: Params = {}, max = PAGE_SIZE): Promise<ListPage<T>> {
    const items: T[] = [];
    let total = 0;
    for (let offset = 0; items.length < max;) {
      const limit = Math.min(PAGE_SIZE, max - items.length);
      const page = await this.get<{ items: T[]; total: number }>(path, { ...params, limit, offset });
      items.push(...page.items);
      total = page.total;
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.total) {
        break;
      }
    }
    return { items, total };
  }

  /** A record's history, oldest first: who, when, which fields from what to what (`GET /{collection}/{id}/history`). */
  history(collection: string, id: string): Promise<{ items: AuditEntry[] }> {
    return this.get(`/${encodeURIComponent(collection)}/${encodeURIComponent(id)}/history`);
  }

  /** The audit list across records, newest first (`GET /audit`). */
  audit(query: AuditQuery = {}): Promise<AuditListResponse> {
    return this.get('/audit', { ...query });
  }

  /** The red-line ledger (`GET /red-lines/violations`). */
  redLineViolations(query: RedLineQuery = {}): Promise<RedLineViolationsResponse> {
    return this.get('/red-lines/violations', { ...query });
  }

  /** Waives one violation with a reason (admin; audited): `POST /red-lines/violations/{id}/waiver`. */
  waive(id: string, reason: string): Promise<RedLineViolation> {
    return this.post(`/red-lines/violations/${encodeURIComponent(id)}/waiver`, { reason });
  }
}

/** `GET /audit` parameters. */
export interface AuditQuery {
  from?: string;
  to?: string;
  actor?: string;
  collection?: string;
  limit?: number;
  offset?: number;
}

/** `GET /red-lines/violations` parameters. */
export interface RedLineQuery {
  from?: string;
  to?: string;
  rule?: RedLineRule;
  businessLine?: string;
  team?: string;
  waived?: boolean;
  limit?: number;
  offset?: number;
}

/** The part of Grafana's `getBackendSrv().fetch` options the client sets. */
export interface GrafanaFetchOptions {
  url: string;
  method: Method;
  data?: unknown;
  headers?: Record<string, string>;
  showErrorAlert: false;
  showSuccessAlert: false;
}

/** Grafana's FetchError, as `isFetchError` from @grafana/runtime recognises it. */
export interface GrafanaFetchError {
  status: number;
  statusText?: string;
  data: unknown;
}

/**
 * A transport over Grafana's backendSrv: `fetch` is `(o) => lastValueFrom(getBackendSrv().fetch(o))`
 * and `isFetchError` the one of @grafana/runtime (passed in, so the contract imports no Grafana package).
 * Errors stay in the page (no toast): the plugins show them where they happened.
 */
export function grafanaTransport(
  fetch: (options: GrafanaFetchOptions) => Promise<{ data: unknown }>,
  isFetchError: (err: unknown) => err is GrafanaFetchError
): Transport {
  return async ({ method, url, body }) => {
    const options: GrafanaFetchOptions = { url, method, showErrorAlert: false, showSuccessAlert: false };
    if (body !== undefined) {
      options.data = body;
      options.headers = { 'Content-Type': 'application/json' };
    }
    try {
      return (await fetch(options)).data;
    } catch (err) {
      throw isFetchError(err) ? new HttpFailure(err.status ?? 0, err.statusText ?? '', err.data) : err;
    }
  };
}
