/**
 * Canned EXPORTER answers for unit tests, behind the Grafana host emulation (grafanaHost.ts): the
 * plugin's request goes through Grafana's data source proxy as Grafana runs it, and `answer` gets
 * the exporter path and query parameters as the proxy forwarded them. Every forwarded request is
 * recorded; a thrown `{status, data}` is the exporter's error answer (a 401 then reaches the
 * plugin as Grafana's 400, as in Grafana).
 */
import { dsHost, installHost } from './grafanaHost';

export { PROXY_URL } from './grafanaHost';

export interface FakeRequest {
  /** API path, e.g. /api/v1/freeze-occurrences. */
  path: string;
  params: Record<string, string>;
}

export type Answer = (request: FakeRequest) => unknown;

export function installFakeBackendSrv(answer: Answer): { requests: FakeRequest[] } {
  const requests: FakeRequest[] = [];
  const host = dsHost({
    exporterUrl: 'http://ballast-exporter:9464',
    token: 'test-read-token-0123456789',
    upstream: async (out) => {
      const url = new URL(out.path, 'http://exporter.invalid');
      const request: FakeRequest = {
        path: decodeURIComponent(url.pathname),
        params: Object.fromEntries(url.searchParams),
      };
      requests.push(request);
      try {
        const data = answer(request);
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: Buffer.from(JSON.stringify(data) ?? ''),
        };
      } catch (err) {
        const e = err as { status?: number; data?: unknown };
        return {
          status: e.status ?? 500,
          headers: { 'content-type': 'application/json' },
          body: Buffer.from(JSON.stringify(e.data ?? { message: String(err) })),
        };
      }
    },
  });
  installHost(host);
  return { requests };
}

/** A list answer ({items, total, limit, offset}) paged like the exporter's. */
export function page<T>(items: T[], params: Record<string, string>) {
  const limit = Number(params.limit ?? 100);
  const offset = Number(params.offset ?? 0);
  return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
}
