/**
 * The exporter's REST API as the browser reaches it: through Grafana's data source proxy, at
 * `${instanceSettings.url}/ballast/api/v1/...`. The proxy route in plugin.json forwards to the
 * configured exporter URL and adds `Authorization: Bearer <token>` from secureJsonData, so the
 * token never reaches the browser and this client never sees it.
 */
import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { ListResponse, ROUTE_PATH } from '../types';

export type Params = Record<string, string | number | boolean | undefined | null>;

/** An API call that failed: HTTP status (0 when nothing answered) and the exporter's message. */
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

/** Page size the list API allows at most. */
export const PAGE_SIZE = 1000;

export class BallastClient {
  /** `proxyUrl` is `instanceSettings.url` (Grafana's `/api/datasources/proxy/uid/<uid>`). */
  constructor(private readonly proxyUrl: string) {}

  get base(): string {
    return `${this.proxyUrl}/${ROUTE_PATH}`;
  }

  async get<T>(path: string, params: Params = {}): Promise<T> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== '') {
        query.set(key, String(value));
      }
    }
    const qs = query.toString();
    const url = `${this.base}${path}${qs ? `?${qs}` : ''}`;
    try {
      const response = await lastValueFrom(
        getBackendSrv().fetch<T>({ url, method: 'GET', showErrorAlert: false, showSuccessAlert: false })
      );
      return response.data;
    } catch (err) {
      throw toApiError(err, path);
    }
  }

  /** Every item of a list call, following pages, up to `max` items. */
  async list<T>(path: string, params: Params, max: number): Promise<{ items: T[]; total: number }> {
    const items: T[] = [];
    let total = 0;
    for (let offset = 0; items.length < max; ) {
      const limit = Math.min(PAGE_SIZE, max - items.length);
      const page = await this.get<ListResponse<T>>(path, { ...params, limit, offset });
      items.push(...page.items);
      total = page.total;
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.total) {
        break;
      }
    }
    return { items, total };
  }
}

export function toApiError(err: unknown, path: string): ApiError {
  if (err instanceof ApiError) {
    return err;
  }
  if (isFetchError(err)) {
    const data = err.data as { message?: string; error?: string; issues?: Array<{ path: string; message: string }> } | undefined;
    const issues = data?.issues?.length ? `: ${data.issues.map((i) => `${i.path} ${i.message}`).join('; ')}` : '';
    const message =
      (data?.message || data?.error || err.statusText || (err.status ? `HTTP ${err.status}` : 'no answer')) + issues;
    return new ApiError(err.status ?? 0, message, path);
  }
  return new ApiError(0, err instanceof Error ? err.message : String(err), path);
}
