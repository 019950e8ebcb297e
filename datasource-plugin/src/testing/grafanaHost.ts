/**
 * The data source as installed in the Grafana host emulation (.config/grafana-host): its real
 * plugin.json routes, one data source instance (uid `ballast-test`, jsonData.url, secureJsonData.apiToken)
 * and a signed-in Viewer, behind Grafana's frontend backendSrv, so every request the plugin makes
 * goes through the data source proxy as Grafana runs it (prefix-matched route, templated URL and
 * token, 401 → 400 rewrite, cookies stripped).
 */
import { BackendSrv, setBackendSrv } from '@grafana/runtime';
import pluginJson from '../plugin.json';
import {
  createBackendSrv,
  GrafanaHost,
  inProcessTransport,
  type PluginRoute,
  type ProxyLogEntry,
  type SignedInUser,
  type Upstream,
} from '../../../.config/grafana-host';

export const DS_UID = 'ballast-test';
export const PROXY_URL = `/api/datasources/proxy/uid/${DS_UID}`;
export const DS_ROUTES = pluginJson.routes as PluginRoute[];

export function dsHost(options: {
  exporterUrl?: string;
  token?: string;
  upstream?: Upstream;
  onProxyRequest?: (e: ProxyLogEntry) => void;
  timeoutMs?: number;
}): GrafanaHost {
  return new GrafanaHost({
    plugins: [{ id: pluginJson.id, type: 'datasource', routes: DS_ROUTES }],
    dataSources: [
      {
        uid: DS_UID,
        type: pluginJson.id,
        url: '',
        jsonData: options.exporterUrl === undefined ? {} : { url: options.exporterUrl },
        secureJsonData: options.token === undefined ? {} : { apiToken: options.token },
      },
    ],
    upstream: options.upstream,
    onProxyRequest: options.onProxyRequest,
    upstreamTimeoutMs: options.timeoutMs ?? 5000,
  });
}

/** getBackendSrv() as Grafana's frontend in front of `host`. */
export function installHost(host: GrafanaHost, user: SignedInUser = { login: 'viewer', orgRole: 'Viewer' }): void {
  const srv = createBackendSrv(inProcessTransport(host, () => user));
  setBackendSrv({ fetch: srv.fetch } as unknown as BackendSrv);
}
