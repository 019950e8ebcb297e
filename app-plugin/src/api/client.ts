/**
 * The exporter's REST API as the app reaches it: through Grafana's app plugin proxy at
 * `/api/plugin-proxy/ballast-stability-app/ballast/api/v1/...`. The plugin.json route forwards to
 * the configured exporter URL (jsonData.url) and adds `Authorization: Bearer <apiToken>` from
 * secureJsonData on Grafana's server: the token never reaches the browser.
 */
import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { PROXY_BASE } from '../constants';
import { GateAnswer, ListResponse } from '../types';

export type Params = Record<string, string | number | boolean | undefined | null>;

/** A refused or failed API call: HTTP status (0 when nothing answered) and the exporter's own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly path: string
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const PAGE_SIZE = 1000;

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

async function call<T>(method: string, path: string, params: Params = {}, body?: unknown): Promise<T> {
  const url = `${PROXY_BASE}/api/v1${path}${queryString(params)}`;
  try {
    const response = await lastValueFrom(
      getBackendSrv().fetch<T>({
        url,
        method,
        data: body,
        headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
        showErrorAlert: false,
        showSuccessAlert: false,
      })
    );
    return response.data;
  } catch (err) {
    throw toApiError(err, path);
  }
}

export function toApiError(err: unknown, path: string): ApiError {
  if (err instanceof ApiError) {
    return err;
  }
  if (isFetchError(err)) {
    const data = err.data as { message?: string; error?: string; issues?: Array<{ path: string; message: string }> } | undefined;
    const issues = data?.issues?.length ? `: ${data.issues.map((i) => `${i.path} ${i.message}`).join('; ')}` : '';
    const message = (data?.message || data?.error || err.statusText || (err.status ? `HTTP ${err.status}` : 'no answer')) + issues;
    return new ApiError(err.status ?? 0, message, path);
  }
  return new ApiError(0, err instanceof Error ? err.message : String(err), path);
}

export const api = {
  get: <T>(path: string, params?: Params) => call<T>('GET', path, params),
  put: <T>(path: string, body: unknown) => call<T>('PUT', path, {}, body),
  post: <T>(path: string, body: unknown) => call<T>('POST', path, {}, body),
  delete: (path: string) => call<unknown>('DELETE', path),

  /** The change-freeze gate's answer for a service: 200 allowed, 423 refused (with the freezes in force). */
  async gate(service: string): Promise<GateAnswer> {
    const url = `${PROXY_BASE}/api/v1/gate${queryString({ service })}`;
    try {
      const response = await lastValueFrom(getBackendSrv().fetch<GateAnswer>({ url, method: 'GET', showErrorAlert: false, showSuccessAlert: false }));
      return response.data;
    } catch (err) {
      if (isFetchError(err) && err.status === 423 && err.data && typeof err.data === 'object') {
        return err.data as GateAnswer;
      }
      throw toApiError(err, '/gate');
    }
  },

  /** Every item of a list call, following pages, up to `max` items. */
  async list<T>(path: string, params: Params = {}, max = PAGE_SIZE): Promise<{ items: T[]; total: number }> {
    const items: T[] = [];
    let total = 0;
    for (let offset = 0; items.length < max; ) {
      const limit = Math.min(PAGE_SIZE, max - items.length);
      const page = await call<ListResponse<T>>('GET', path, { ...params, limit, offset });
      items.push(...page.items);
      total = page.total;
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.total) {
        break;
      }
    }
    return { items, total };
  },
};

/** The record as the API takes it back in a PUT: without the fields the exporter derives. */
export function recordInput<T extends { id: string }>(record: T): Omit<T, 'id' | 'updatedAt' | 'businessLine'> {
  const { id: _id, updatedAt: _u, businessLine: _b, ...rest } = record as T & { updatedAt?: string; businessLine?: string };
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) {
    if (v !== null && v !== undefined) {
      input[k] = v;
    }
  }
  // A record that names its service gets its team from the service; sending both could disagree.
  if (input.service) {
    delete input.team;
  }
  return input as Omit<T, 'id' | 'updatedAt' | 'businessLine'>;
}
