/**
 * A canned stand-in for Grafana's backend service in unit tests: `getBackendSrv().fetch()` answers
 * from a function of the API path and query parameters (the part after `<proxy url>/ballast`),
 * and every request is recorded, so tests can assert what was asked for and build on the answer.
 * A thrown `{status, data}` becomes Grafana's FetchError.
 */
import { BackendSrv, BackendSrvRequest, FetchError, FetchResponse, setBackendSrv } from '@grafana/runtime';
import { Observable } from 'rxjs';
import { PROXY_URL } from './backendSrv';

export interface FakeRequest {
  /** API path, e.g. /api/v1/freeze-occurrences. */
  path: string;
  params: Record<string, string>;
}

export type Answer = (request: FakeRequest) => unknown;

export function installFakeBackendSrv(answer: Answer): { requests: FakeRequest[] } {
  const requests: FakeRequest[] = [];
  const prefix = `${PROXY_URL}/ballast`;
  const fetchFn = <T>(options: BackendSrvRequest): Observable<FetchResponse<T>> =>
    new Observable<FetchResponse<T>>((subscriber) => {
      const url = new URL(options.url, 'http://grafana.invalid');
      const request: FakeRequest = { path: url.pathname.slice(prefix.length), params: Object.fromEntries(url.searchParams) };
      requests.push(request);
      try {
        if (!url.pathname.startsWith(prefix)) {
          throw { status: 404, data: { message: `no proxy route for ${options.url}` } };
        }
        const data = answer(request) as T;
        subscriber.next({ data, status: 200, ok: true, url: options.url, config: options } as FetchResponse<T>);
        subscriber.complete();
      } catch (err) {
        const e = err as { status?: number; data?: unknown };
        const error: FetchError = { status: e.status ?? 500, statusText: 'error', data: e.data ?? { message: String(err) }, config: options };
        subscriber.error(error);
      }
    });
  setBackendSrv({ fetch: fetchFn } as unknown as BackendSrv);
  return { requests };
}

/** A list answer ({items, total, limit, offset}) paged like the exporter's. */
export function page<T>(items: T[], params: Record<string, string>) {
  const limit = Number(params.limit ?? 100);
  const offset = Number(params.offset ?? 0);
  return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
}
