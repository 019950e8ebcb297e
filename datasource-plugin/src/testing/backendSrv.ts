/**
 * A thin stand-in for Grafana's backend service in tests: `getBackendSrv().fetch()` is replaced by
 * an adapter that forwards each request to a REAL exporter with the global `fetch`, doing what
 * Grafana's data source proxy does with the plugin.json route:
 *   `${proxyUrl}/ballast/<path>` → `<exporter URL>/<path>`, plus `Authorization: Bearer <token>`
 * (the token stands for secureJsonData.apiToken, which only Grafana's server ever holds).
 * Failures are thrown like Grafana's FetchError ({status, statusText, data}); when nothing
 * answers, the adapter answers 502 as Grafana's proxy does for an unreachable upstream.
 */
import { BackendSrv, BackendSrvRequest, FetchError, FetchResponse, setBackendSrv } from '@grafana/runtime';
import { Observable } from 'rxjs';

export const PROXY_URL = '/api/datasources/proxy/uid/ballast-test';

export interface ProxyTarget {
  /** Exporter base URL (the data source's jsonData.url). */
  exporterUrl: string;
  /** secureJsonData.apiToken; undefined: no Authorization header. */
  token?: string;
}

export interface RecordedRequest {
  url: string;
  forwardedTo: string;
  authorization: string | null;
}

export function installProxyBackendSrv(target: ProxyTarget): { requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const prefix = `${PROXY_URL}/ballast`;
  const fetchFn = <T>(options: BackendSrvRequest): Observable<FetchResponse<T>> =>
    new Observable<FetchResponse<T>>((subscriber) => {
      if (!options.url.startsWith(prefix)) {
        subscriber.error({ status: 404, statusText: 'Not Found', data: { message: `no proxy route for ${options.url}` }, config: options });
        return;
      }
      const forwardedTo = `${target.exporterUrl.replace(/\/$/, '')}${options.url.slice(prefix.length)}`;
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (target.token !== undefined) {
        headers.Authorization = `Bearer ${target.token}`;
      }
      requests.push({ url: options.url, forwardedTo, authorization: headers.Authorization ?? null });
      fetch(forwardedTo, { method: options.method ?? 'GET', headers })
        .then(async (res) => {
          const text = await res.text();
          let data: unknown = text;
          try {
            data = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: hand the text on, as Grafana does
          }
          const response = {
            data: data as T,
            status: res.status,
            statusText: res.statusText,
            ok: res.ok,
            headers: res.headers,
            redirected: res.redirected,
            type: res.type,
            url: options.url,
            config: options,
          } as FetchResponse<T>;
          if (res.ok) {
            subscriber.next(response);
            subscriber.complete();
          } else {
            const error: FetchError = { status: res.status, statusText: res.statusText, data, config: options };
            subscriber.error(error);
          }
        })
        .catch((err: Error) => {
          const error: FetchError = {
            status: 502,
            statusText: 'Bad Gateway',
            data: { message: `Bad Gateway: ${err.message}` },
            config: options,
          };
          subscriber.error(error);
        });
    });
  setBackendSrv({ fetch: fetchFn } as unknown as BackendSrv);
  return { requests };
}
