/**
 * Test stand-in for Grafana's backend service: `getBackendSrv().fetch()` answers from a table of
 * routes on the exporter's API path (after the app proxy prefix). A route answers data, throws
 * Grafana's FetchError shape ({status, data}) or never answers (loading state).
 */
import { BackendSrv, BackendSrvRequest, config, FetchError, setBackendSrv } from '@grafana/runtime';
import { Observable } from 'rxjs';
import { PROXY_BASE } from '../constants';

export type Answer = unknown | ((req: { path: string; query: URLSearchParams; body: unknown; method: string }) => unknown);

export interface MockRoute {
  method?: string;
  /** Matched against the path after /api/v1, without the query, e.g. /incidents. */
  path: string | RegExp;
  answer?: Answer;
  error?: { status: number; message: string; data?: unknown };
  pending?: boolean;
}

export interface Recorded {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export const PENDING = { pending: true } as const;

export function mockBackend(routes: MockRoute[]): { requests: Recorded[] } {
  const requests: Recorded[] = [];
  const fetch = (options: BackendSrvRequest) =>
    new Observable((subscriber) => {
      const method = (options.method ?? 'GET').toUpperCase();
      const [full, qs = ''] = options.url.split('?');
      const api = `${PROXY_BASE}/api/v1`;
      const path = full.startsWith(api) ? full.slice(api.length) : full;
      const query = new URLSearchParams(qs);
      requests.push({ method, url: options.url, path, query, body: options.data });
      const route = routes.find(
        (r) => (r.method ?? 'GET') === method && (typeof r.path === 'string' ? r.path === path : r.path.test(path))
      );
      const fail = (status: number, message: string, data?: unknown) => {
        const error: FetchError = { status, statusText: message, data: data ?? { error: 'Error', message }, config: options };
        subscriber.error(error);
      };
      if (!route) {
        fail(404, `no mock for ${method} ${path}`);
        return;
      }
      if (route.pending) {
        return;
      }
      if (route.error) {
        fail(route.error.status, route.error.message, route.error.data);
        return;
      }
      setTimeout(() => {
        try {
          const data = typeof route.answer === 'function' ? (route.answer as Function)({ path, query, body: options.data, method }) : route.answer;
          subscriber.next({ data, status: 200, ok: true, config: options });
          subscriber.complete();
        } catch (e) {
          const err = e as { status?: number; message?: string };
          fail(err.status ?? 500, err.message ?? String(e));
        }
      }, 0);
    });
  setBackendSrv({ fetch } as unknown as BackendSrv);
  return { requests };
}

export function setRole(role: 'Viewer' | 'Editor' | 'Admin') {
  (config.bootData as unknown as { user: Record<string, unknown> }).user = { ...(config.bootData?.user ?? {}), orgRole: role, isGrafanaAdmin: false };
}

export const list = <T,>(items: T[]) => ({ items, total: items.length, limit: 1000, offset: 0 });
