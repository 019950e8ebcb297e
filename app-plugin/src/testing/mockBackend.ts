/**
 * Test backend for the app's pages: getBackendSrv().fetch() behaves as Grafana's frontend does
 * (.config/grafana-host/backend-srv.ts) and every request goes through the emulated Grafana app
 * proxy with the app's real plugin.json routes and the current user's role (grafanaHost.ts).
 * Only what would reach the EXPORTER is canned: a table of routes on the exporter's API path
 * (after /api/v1) that answer data, fail with the exporter's error shape, or never answer.
 *
 * A request Grafana itself would refuse (no route matches: 404, role too low: 403) fails the test
 * after it ends, unless the test says it expects that ({ allowRefusals: true }): so every page
 * test also proves its URLs reach the exporter through the declared routes.
 */
import { BackendSrv, config, setBackendSrv } from '@grafana/runtime';
import {
  createBackendSrv,
  inProcessTransport,
  type GrafanaHost,
  type HostResponse,
  type OutgoingRequest,
} from '../../../.config/grafana-host';
import { appHost, currentUser } from './grafanaHost';

export type Answer =
  unknown | ((req: { path: string; query: URLSearchParams; body: unknown; method: string }) => unknown);

export interface MockRoute {
  method?: string;
  /** Matched against the exporter path after /api/v1, without the query, e.g. /incidents. */
  path: string | RegExp;
  answer?: Answer;
  error?: { status: number; message: string; data?: unknown };
  pending?: boolean;
}

export interface Recorded {
  method: string;
  /** The URL the app asked Grafana for. */
  url: string;
  /** The exporter path after /api/v1 as Grafana's proxy forwarded it. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** The Authorization header Grafana added. */
  authorization?: string;
  /** X-Grafana-User (Grafana's proxy, send_user_header) and the route's X-Ballast-Grafana-Role. */
  user?: string;
  grafanaRole?: string;
}

export const PENDING = { pending: true } as const;

let active: { host: GrafanaHost; allowRefusals: boolean } | undefined;

afterEach(() => {
  const current = active;
  active = undefined;
  if (!current || current.allowRefusals) {
    return;
  }
  const refused = refusals(current.host);
  if (refused.length) {
    throw new Error(
      `Grafana's app proxy refused: ${refused.map((e) => `${e.method} ${e.url} as ${e.role} → ${e.refused!.status} ${e.refused!.message}`).join('; ')}`
    );
  }
});

/** The requests Grafana's app proxy answered itself (404 no route, 403 role), never forwarded. */
export function refusals(host: GrafanaHost) {
  return host.log.filter((e) => e.refused && e.url.startsWith('/api/plugin-proxy/'));
}

const json = (status: number, data: unknown): HostResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify(data) ?? ''),
});

export function mockBackend(
  routes: MockRoute[],
  options: { allowRefusals?: boolean; secureJsonData?: Record<string, string> } = {}
): { requests: Recorded[]; host: GrafanaHost } {
  const requests: Recorded[] = [];
  const exporter = (out: OutgoingRequest): Promise<HostResponse> => {
    const [full, qs = ''] = out.path.split('?');
    const path = full.startsWith('/api/v1') ? full.slice('/api/v1'.length) : full;
    const query = new URLSearchParams(qs);
    const text = out.body?.toString();
    const body = text ? JSON.parse(text) : undefined;
    const method = out.method;
    // The host logs a request before it calls the upstream, synchronously: the last entry is this one.
    requests.push({
      method,
      url: host.log[host.log.length - 1].url,
      path,
      query,
      body,
      authorization: out.headers.Authorization,
      user: out.headers['X-Grafana-User'],
      grafanaRole: out.headers['X-Ballast-Grafana-Role'],
    });
    const route = routes.find(
      (r) => (r.method ?? 'GET') === method && (typeof r.path === 'string' ? r.path === path : r.path.test(path))
    );
    if (!route) {
      return Promise.resolve(json(404, { error: 'Not Found', message: `no mock for ${method} ${path}` }));
    }
    if (route.pending) {
      return new Promise(() => {});
    }
    if (route.error) {
      return Promise.resolve(
        json(route.error.status, route.error.data ?? { error: 'Error', message: route.error.message })
      );
    }
    return new Promise((resolve) =>
      setTimeout(() => {
        try {
          resolve(
            json(
              200,
              typeof route.answer === 'function'
                ? (route.answer as Function)({ path, query, body, method })
                : route.answer
            )
          );
        } catch (e) {
          // A thrown { status, data } answers that status with `data` as the body (e.g. the gate's 423 answer).
          const err = e as { status?: number; message?: string; data?: unknown };
          resolve(json(err.status ?? 500, err.data ?? { error: 'Error', message: err.message ?? String(e) }));
        }
      }, 0)
    );
  };
  const host = appHost(exporter, options.secureJsonData);
  const srv = createBackendSrv(inProcessTransport(host, currentUser));
  setBackendSrv({ fetch: srv.fetch } as unknown as BackendSrv);
  active = { host, allowRefusals: Boolean(options.allowRefusals) };
  return { requests, host };
}

export function setRole(role: 'Viewer' | 'Editor' | 'Admin', login = 'test-user') {
  (config.bootData as unknown as { user: Record<string, unknown> }).user = {
    ...(config.bootData?.user ?? {}),
    orgRole: role,
    login,
    isGrafanaAdmin: false,
  };
}

export const list = <T>(items: T[]) => ({ items, total: items.length, limit: 1000, offset: 0 });
