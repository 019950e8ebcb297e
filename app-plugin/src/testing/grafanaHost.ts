/**
 * The app as installed in the Grafana host emulation (.config/grafana-host): its real plugin.json
 * routes, app settings with one token per exporter role, and the signed-in user's org role taken
 * from config.bootData.user (what setRole() sets), so every test request goes through Grafana's
 * app proxy rules: tree-matched routes, reqRole, templated URL and token.
 */
import { BackendSrv, config, setBackendSrv } from '@grafana/runtime';
import pluginJson from '../plugin.json';
import {
  createBackendSrv,
  GrafanaHost,
  inProcessTransport,
  isValidRole,
  type PluginRoute,
  type SignedInUser,
  type Upstream,
} from '../../../.config/grafana-host';
import { PLUGIN_ID } from '../constants';

export const TEST_EXPORTER_URL = 'http://exporter:9464';
export const TEST_TOKENS = {
  readToken: 'read-token-0123456789',
  ingestToken: 'ingest-token-0123456789',
  adminToken: 'admin-token-0123456789',
};

export const APP_ROUTES = pluginJson.routes as PluginRoute[];

/** The signed-in user as the page sees it (config.bootData.user), for the proxy's reqRole check. */
export function currentUser(): SignedInUser {
  const user = config.bootData?.user as { orgRole?: string; login?: string; isGrafanaAdmin?: boolean } | undefined;
  return {
    login: user?.login || 'test-user',
    orgRole: isValidRole(user?.orgRole) ? user!.orgRole : 'None',
    isGrafanaAdmin: Boolean(user?.isGrafanaAdmin),
  };
}

export function appHost(upstream?: Upstream, secureJsonData: Record<string, string> = TEST_TOKENS): GrafanaHost {
  return new GrafanaHost({
    plugins: [{ id: PLUGIN_ID, type: 'app', routes: APP_ROUTES }],
    appSettings: {
      [PLUGIN_ID]: { enabled: true, jsonData: { url: TEST_EXPORTER_URL }, secureJsonData: { ...secureJsonData } },
    },
    upstream,
    // The app's writes name the Grafana user: installed with [dataproxy] send_user_header = true (README).
    sendUserHeader: true,
  });
}

/** getBackendSrv() as Grafana's frontend, in front of `host` (the signed-in user: currentUser()). */
export function installHost(host: GrafanaHost): void {
  const srv = createBackendSrv(inProcessTransport(host, currentUser));
  setBackendSrv({ fetch: srv.fetch } as unknown as BackendSrv);
}

/**
 * A stand-in exporter that checks tokens as exporter/src/api/auth.ts does (401 unknown or missing
 * token, 403 too low a role), with the exporter's error body; `answer` gives the rest.
 */
export function exporterAuth(
  roles: Record<string, 'read' | 'ingest' | 'admin'>,
  answer: (method: string, path: string) => { status: number; body: unknown }
): Upstream {
  const rank = { read: 1, ingest: 2, admin: 3 };
  const json = (status: number, body: unknown) => ({
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: Buffer.from(JSON.stringify(body)),
  });
  return async (out) => {
    const path = out.path.split('?')[0];
    if (path === '/api/v1/health') {
      return json(answer('GET', path).status, answer('GET', path).body);
    }
    const m = /^Bearer\s+(\S+)$/i.exec(out.headers.Authorization ?? '');
    const role = m ? roles[m[1]] : undefined;
    if (!m) {
      return json(401, { error: 'Unauthorized', message: 'missing bearer token (Authorization: Bearer <token>)' });
    }
    if (!role) {
      return json(401, { error: 'Unauthorized', message: 'unknown token' });
    }
    const needs = out.method === 'GET' ? 'read' : exporterWriteRole(path);
    if (rank[role] < rank[needs]) {
      return json(403, { error: 'Forbidden', message: `this needs the ${needs} role; the token has ${role}` });
    }
    const a = answer(out.method, path);
    return json(a.status, a.body);
  };
}

/**
 * The exporter role a write needs (exporter/src/api/*-routes.ts): records and incident steps
 * `ingest`; freezes, the org, saved reviews and red-line waivers `admin`.
 */
export function exporterWriteRole(path: string): 'ingest' | 'admin' {
  return /^\/api\/v1\/(freezes|org|reviews|red-lines)(\/|$)/.test(path) ? 'admin' : 'ingest';
}
