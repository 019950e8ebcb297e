/**
 * Route contract of the data source: every URL its code can request, matched against its
 * plugin.json routes under Grafana's data source proxy rules (.config/grafana-host/ds-proxy.ts:
 * pkg/api/pluginproxy/ds_proxy.go validateRequest + ApplyRoute), for Viewer, Editor and Admin.
 * Each must reach the exporter at the same API path with the read token; a write must never
 * travel with the token; a call the code makes that is not listed here fails the suite.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { OrgRole } from '../../../.config/grafana-host';
import { RECORD_TYPES } from '../types';
import { DS_ROUTES, dsHost, PROXY_URL } from './grafanaHost';

const EXPORTER = 'http://ballast-exporter:9464';
const TOKEN = 'read-token-0123456789';

/** Every exporter path the data source requests (api/client.ts, queries/, datasource.ts, variables). */
const CALLS = [
  '/api/v1/health',
  '/api/v1/org',
  '/api/v1/kpis/definitions',
  '/api/v1/kpis',
  '/api/v1/kpis/series',
  '/api/v1/scorecard',
  '/api/v1/freeze-occurrences',
  ...RECORD_TYPES.map((t) => `/api/v1/${t}`),
];
const ROLES: OrgRole[] = ['Viewer', 'Editor', 'Admin'];

async function attempt(role: OrgRole, method: string, apiPath: string) {
  const forwarded: Array<{ url: string; authorization?: string }> = [];
  const host = dsHost({
    exporterUrl: EXPORTER,
    token: TOKEN,
    upstream: async (out) => {
      forwarded.push({ url: `${out.scheme}://${out.host}${out.path}`, authorization: out.headers.Authorization });
      return { status: 200, headers: {}, body: Buffer.from('{}') };
    },
  });
  const res = await host.handle({
    method,
    url: `${PROXY_URL}/ballast${apiPath}?limit=1&from=2026-01-01T00%3A00%3A00Z`,
    user: { login: 'u', orgRole: role },
  });
  return { status: res.status, forwarded: forwarded[0], entry: host.log[0] };
}

describe('data source routes (plugin.json) under Grafana data source proxy rules', () => {
  test.each(CALLS.flatMap((p) => ROLES.map((role) => ({ p, role }))))('GET $p as $role', async ({ p, role }) => {
    const r = await attempt(role, 'GET', p);
    expect(r.status).toBe(200);
    // ApplyRoute: route URL + the path after `ballast`; addQueryString re-encodes the query (sorted)
    expect(r.forwarded).toEqual({
      url: `${EXPORTER}${p}?from=2026-01-01T00%3A00%3A00Z&limit=1`,
      authorization: `Bearer ${TOKEN}`,
    });
  });

  test.each(['POST', 'PUT', 'DELETE', 'PATCH'])(
    '%s never travels with the token (no route takes it)',
    async (method) => {
      const r = await attempt('Admin', method, '/api/v1/org');
      expect(r.entry.routeIndex).toBeNull();
      // sent to the data source's own (empty) URL field, without the route's token: Grafana's transport fails it
      expect(r.forwarded.authorization).toBeUndefined();
      expect(r.forwarded.url).toMatch(/^:\/\/\//);
    }
  );

  test('the route takes its URL and token from the data source settings', () => {
    expect(DS_ROUTES).toEqual([
      {
        path: 'ballast',
        method: 'GET',
        url: '{{ .JsonData.url }}',
        headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiToken }}' }],
      },
    ]);
  });

  test('CALLS lists every exporter path in the code', () => {
    const root = path.join(__dirname, '..');
    const found = new Set<string>();
    const walk = (dir: string) => {
      for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, f.name);
        if (f.isDirectory() && f.name !== 'testing') {
          walk(full);
        } else if (/\.tsx?$/.test(f.name) && !/\.test\./.test(f.name)) {
          for (const m of fs.readFileSync(full, 'utf8').matchAll(/['`](\/api\/v1\/[^'`?]*)['`?]/g)) {
            found.add(m[1]);
          }
        }
      }
    };
    walk(root);
    const expanded = [...found].flatMap((p) =>
      p === '/api/v1/${type}' ? RECORD_TYPES.map((t) => `/api/v1/${t}`) : [p]
    );
    expect(expanded.length).toBeGreaterThan(5);
    expect(expanded.filter((p) => !CALLS.includes(p))).toEqual([]);
  });
});
