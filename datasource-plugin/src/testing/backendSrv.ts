/**
 * getBackendSrv() for tests against a REAL exporter, through the Grafana host emulation
 * (grafanaHost.ts, .config/grafana-host): the request goes through Grafana's data source proxy
 * as Grafana runs it, with the data source's real plugin.json route, and is recorded as the
 * browser asked for it and as Grafana forwarded it.
 */
import { dsHost, installHost, PROXY_URL } from './grafanaHost';

export { PROXY_URL };

export interface ProxyTarget {
  /** Exporter base URL (the data source's jsonData.url). */
  exporterUrl: string;
  /** secureJsonData.apiToken; undefined: never set (the route then sends `Bearer <no value>`). */
  token?: string;
}

export interface RecordedRequest {
  url: string;
  readonly forwardedTo: string;
  readonly authorization: string | null;
  readonly status: number;
}

export function installProxyBackendSrv(target: ProxyTarget): { requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  installHost(
    dsHost({
      ...target,
      // Each entry is completed as the request proceeds: read it when the test looks.
      onProxyRequest: (e) =>
        requests.push({
          url: e.url,
          get forwardedTo() {
            return e.forwarded?.url ?? '';
          },
          get authorization() {
            return e.forwarded?.authorization ?? null;
          },
          get status() {
            return e.status;
          },
        }),
    })
  );
  return { requests };
}
