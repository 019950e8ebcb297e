/**
 * Route contract: every URL the app's code can request, matched against the app's plugin.json
 * routes under Grafana's real rules (.config/grafana-host: pkg/api/pluginproxy/pluginproxy.go
 * HandleRequest + pkg/web/tree.go), for Viewer, Editor and Admin. A URL no route takes, a write a
 * Viewer can make, a write that travels with more than the exporter role it needs, an exporter
 * write the app never makes that a route would still forward, or a route nothing uses: each fails.
 * (The page tests check the same for the URLs they request: testing/mockBackend.ts fails a test
 * on any request Grafana's proxy would refuse.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { api } from './api/client';
import { ADMIN_PROXY_BASE, PROXY_BASE } from './constants';
import { mockBackend, refusals, setRole } from './testing/mockBackend';
import { appHost, TEST_TOKENS, APP_ROUTES } from './testing/grafanaHost';
import type { OrgRole } from '../../.config/grafana-host';

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';
/** Exporter roles (exporter/src/api/auth.ts) and the app setting holding a token of each. */
const TOKEN_OF = {
  read: TEST_TOKENS.readToken,
  ingest: TEST_TOKENS.ingestToken,
  admin: TEST_TOKENS.adminToken,
} as const;

/**
 * Every exporter call in the app's code (pages, components, api/client.ts), with the exporter role
 * its guard requires (exporter/src/api/*-routes.ts: reads `read`; records and incident steps
 * `ingest`; freezes, saved reviews, the org and red-line waivers `admin`). `:id` stands for a path
 * segment. `admin`: made through the Admin-only routes (ADMIN_PROXY_BASE, `ballast-admin/`);
 * `both`: Admins through those, Editors through the Editor route (writerApi()).
 */
const CALLS: Array<{ method: Method; path: string; needs: keyof typeof TOKEN_OF; base?: 'admin' | 'both' }> = [
  { method: 'GET', path: '/health', needs: 'read' },
  { method: 'GET', path: '/org', needs: 'read' },
  { method: 'GET', path: '/scorecard', needs: 'read' },
  { method: 'GET', path: '/kpis', needs: 'read' },
  { method: 'GET', path: '/gate', needs: 'read' },
  { method: 'GET', path: '/alerts', needs: 'read' },
  { method: 'GET', path: '/alerts-by-name', needs: 'read' },
  { method: 'GET', path: '/changes-by-system', needs: 'read' },
  { method: 'GET', path: '/incidents', needs: 'read' },
  { method: 'GET', path: '/incidents/:id', needs: 'read' },
  { method: 'GET', path: '/changes', needs: 'read' },
  { method: 'GET', path: '/changes/:id', needs: 'read' },
  { method: 'GET', path: '/freezes', needs: 'read' },
  { method: 'GET', path: '/freeze-occurrences', needs: 'read' },
  { method: 'GET', path: '/actions', needs: 'read' },
  { method: 'GET', path: '/findings', needs: 'read' },
  { method: 'GET', path: '/drills', needs: 'read' },
  { method: 'GET', path: '/reviews', needs: 'read' },
  { method: 'GET', path: '/reviews/draft', needs: 'read' },
  { method: 'GET', path: '/reviews/:id', needs: 'read' },
  { method: 'GET', path: '/reports', needs: 'read' },
  { method: 'GET', path: '/reports/:id', needs: 'read' },
  { method: 'GET', path: '/incidents/:id/history', needs: 'read' },
  { method: 'GET', path: '/changes/:id/history', needs: 'read' },
  { method: 'GET', path: '/alerts/:id/history', needs: 'read' },
  { method: 'GET', path: '/freezes/:id/history', needs: 'read' },
  { method: 'GET', path: '/red-lines/violations', needs: 'read' },
  { method: 'PUT', path: '/alerts/:id', needs: 'ingest' },
  { method: 'PUT', path: '/freezes/:id', needs: 'admin' },
  { method: 'DELETE', path: '/freezes/:id', needs: 'admin' },
  { method: 'POST', path: '/reviews', needs: 'admin' },
  { method: 'PUT', path: '/incidents/:id', needs: 'ingest' },
  { method: 'POST', path: '/incidents/:id/steps', needs: 'ingest' },
  { method: 'PUT', path: '/findings/:id', needs: 'ingest' },
  { method: 'PUT', path: '/actions/:id', needs: 'ingest' },
  { method: 'PUT', path: '/changes/:id', needs: 'ingest', base: 'both' },
  { method: 'PUT', path: '/org', needs: 'admin', base: 'admin' },
  { method: 'POST', path: '/red-lines/violations/:id/waiver', needs: 'admin', base: 'admin' },
];

/**
 * Exporter writes the app never makes: no role may reach them with a write token through the app's
 * routes (`admin`: through the Admin prefix). POST /incidents/batch lies under the steps route
 * (`incidents/*`): a route before it takes it and sends the read token, which the exporter refuses.
 */
const NEVER: Array<{ method: Method; path: string; admin?: true }> = [
  { method: 'PUT', path: '/org' },
  { method: 'POST', path: '/incidents/batch' },
  { method: 'POST', path: '/alerts/batch' },
  { method: 'POST', path: '/freezes/batch' },
  { method: 'POST', path: '/changes/batch' },
  { method: 'POST', path: '/findings/batch' },
  { method: 'POST', path: '/actions/batch' },
  { method: 'DELETE', path: '/alerts/:id' },
  { method: 'POST', path: '/alerts/ingest' },
  { method: 'POST', path: '/ingest/alertmanager' },
  { method: 'PUT', path: '/reviews/:id' },
  { method: 'PUT', path: '/drills/:id' },
  { method: 'POST', path: '/red-lines/violations/:id/waiver' },
  { method: 'PUT', path: '/incidents/:id', admin: true },
  { method: 'PUT', path: '/alerts/:id', admin: true },
  { method: 'PUT', path: '/freezes/:id', admin: true },
  { method: 'GET', path: '/org', admin: true },
];

const ROLES: OrgRole[] = ['Viewer', 'Editor', 'Admin'];
const concrete = (p: string) => p.replace(/:id/g, 'id-1%3Ax');
/** The routes no call uses on purpose: a write path shadowed with the read token. */
const isShadow = (r: { method?: string; headers?: Array<{ content: string }> }) =>
  r.method !== 'GET' && Boolean(r.headers?.[0]?.content.includes('.readToken'));

async function attempt(
  role: OrgRole,
  method: Method,
  apiPath: string,
  options: { admin?: boolean; headers?: Record<string, string>; isGrafanaAdmin?: boolean } = {}
) {
  const forwarded: Array<{ path: string; authorization?: string; headers: Record<string, string> }> = [];
  const host = appHost(async (out) => {
    forwarded.push({ path: out.path, authorization: out.headers.Authorization, headers: out.headers });
    return { status: 200, headers: {}, body: Buffer.from('{}') };
  });
  const res = await host.handle({
    method,
    url: `${options.admin ? ADMIN_PROXY_BASE : PROXY_BASE}/api/v1${concrete(apiPath)}?limit=1`,
    user: { login: 'u', orgRole: role, isGrafanaAdmin: options.isGrafanaAdmin },
    headers: options.headers,
    body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
  });
  return {
    status: res.status,
    message: res.status >= 400 ? JSON.parse(res.body.toString()).message : undefined,
    forwarded: forwarded[0],
    routeIndex: host.log[0].routeIndex,
  };
}

/** Each call once per base it is made through. */
const ATTEMPTS = CALLS.flatMap((c) =>
  (c.base === 'both' ? [false, true] : [c.base === 'admin']).map((admin) => ({ ...c, admin }))
);

describe('app routes (plugin.json) under Grafana app proxy rules', () => {
  test.each(
    ATTEMPTS.flatMap((c) => ROLES.map((role) => ({ ...c, role, base: c.admin ? 'ballast-admin' : 'ballast' })))
  )('$method $path through $base as $role', async ({ method, path: p, needs, role, admin }) => {
    const r = await attempt(role, method, p, { admin });
    const needed: OrgRole = admin ? 'Admin' : method === 'GET' ? 'Viewer' : 'Editor';
    if (ROLES.indexOf(role) < ROLES.indexOf(needed)) {
      expect(r).toMatchObject({ status: 403, message: 'plugin proxy route access denied' });
      expect(r.forwarded).toBeUndefined();
      return;
    }
    expect(r.status).toBe(200);
    // the exporter receives exactly the path asked for, with the query, and the token of the role it needs
    expect(r.forwarded.path).toBe(`/api/v1${concrete(p).replace('%3A', ':')}?limit=1`);
    // an Admin's exemption travels with the admin token: the exporter sees an admin
    expect(r.forwarded.authorization).toBe(`Bearer ${TOKEN_OF[admin ? 'admin' : needs]}`);
    expect(r.forwarded.headers['X-Ballast-Grafana-Role']).toBe(needed);
  });

  test.each(NEVER.flatMap((c) => ROLES.map((role) => ({ ...c, role }))))(
    '$method $path is refused for $role',
    async ({ method, path: p, role, admin }) => {
      const r = await attempt(role, method, p, { admin });
      if (r.forwarded) {
        // only under a shadowing route, with the read token (the exporter: 403 "this needs the ingest role")
        expect(r.forwarded.authorization).toBe(`Bearer ${TOKEN_OF.read}`);
        expect(isShadow(APP_ROUTES[r.routeIndex!]!)).toBe(true);
        return;
      }
      expect([403, 404]).toContain(r.status);
    }
  );

  test('every declared route is used by some call of the app (no privilege nobody needs)', async () => {
    const used = new Set<number>();
    for (const c of ATTEMPTS) {
      const r = await attempt('Admin', c.method, c.path, { admin: c.admin });
      used.add(r.routeIndex!);
    }
    const shadows = APP_ROUTES.flatMap((r, i) => (isShadow(r) ? [i] : []));
    expect(shadows.map((i) => `${APP_ROUTES[i]!.method} ${APP_ROUTES[i]!.path}`)).toEqual([
      'POST ballast/api/v1/incidents/batch',
    ]);
    expect([...used, ...shadows].sort((a, b) => a - b)).toEqual(APP_ROUTES.map((_, i) => i));
  });

  test('the exporter URL and tokens come from the app settings, never from the browser; each route names its reqRole', () => {
    for (const r of APP_ROUTES) {
      expect(r.url).toMatch(/^\{\{ \.JsonData\.url \}\}\/api\/v1(\/|$)/);
      expect(r.headers).toEqual([
        {
          name: 'Authorization',
          content: expect.stringMatching(/^Bearer \{\{ \.SecureJsonData\.(readToken|ingestToken|adminToken) \}\}$/),
        },
        { name: 'X-Ballast-Grafana-Role', content: r.reqRole },
      ]);
      expect(['Viewer', 'Editor', 'Admin']).toContain(r.reqRole);
      expect(r.method).toMatch(/^(GET|PUT|POST|DELETE)$/);
      // Admin routes live under their own prefix, so no Editor route on the same path shadows them
      expect(r.path.startsWith('ballast-admin/')).toBe(r.reqRole === 'Admin');
    }
  });

  test('the exporter learns the Grafana user and the route role; a browser cannot forge either (pluginproxy.go director: ApplyUserHeader, then route headers set)', async () => {
    const forged = { 'X-Grafana-User': 'someone-else', 'X-Ballast-Grafana-Role': 'Admin' };
    const r = await attempt('Editor', 'PUT', '/incidents/:id', { headers: forged });
    expect(r.status).toBe(200);
    expect(r.forwarded.headers['X-Grafana-User']).toBe('u');
    expect(r.forwarded.headers['X-Ballast-Grafana-Role']).toBe('Editor');
  });

  test('a Grafana server admin passes the Admin routes whatever their org role (pkg/services/user/identity.go SignedInUser.HasRole)', async () => {
    expect((await attempt('Viewer', 'PUT', '/org', { admin: true })).status).toBe(403);
    const r = await attempt('Viewer', 'PUT', '/org', { admin: true, isGrafanaAdmin: true });
    expect(r.status).toBe(200);
    expect(r.forwarded.authorization).toBe(`Bearer ${TOKEN_OF.admin}`);
  });

  test('CALLS lists every exporter call in the code (a new call must be added here, and get a route)', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, f.name);
        if (f.isDirectory() && f.name !== 'testing') {
          walk(full);
        } else if (/\.(ts|tsx)$/.test(f.name) && !/\.test\./.test(f.name)) {
          files.push(full);
        }
      }
    };
    walk(__dirname);
    const found = new Set<string>();
    // api.* (Editor/Viewer routes), adminApi.* (Admin routes), writerApi().* (either, by role);
    // history/redLineViolations/waive are the contract client's own calls (BallastApi).
    const call =
      /\b(api|adminApi|writerApi\(\))\.(get|list|put|post|delete|gate|history|redLineViolations|waive)\s*(?:<[^()]*?>)?\(\s*(?:(['`])(\/[^'`$]*)(?:(\$\{)[^}]*\}([^'`$]*))?|[^)'`]*\))/g;
    const METHOD: Record<string, string> = {
      get: 'GET',
      list: 'GET',
      gate: 'GET',
      put: 'PUT',
      post: 'POST',
      delete: 'DELETE',
    };
    const OWN: Record<string, string> = {
      gate: 'GET /gate',
      history: 'GET /{collection}/:id/history',
      redLineViolations: 'GET /red-lines/violations',
      waive: 'POST /red-lines/violations/:id/waiver',
    };
    const BASE: Record<string, string> = { api: 'ballast', adminApi: 'admin', 'writerApi()': 'both' };
    for (const file of files) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(call)) {
        // `/incidents/${id}/steps` → /incidents/:id/steps
        const what = OWN[m[2]] ?? `${METHOD[m[2]]} ${m[4]}${m[5] ? `:id${m[6]}` : ''}`;
        found.add(`${BASE[m[1]]} ${what}`);
      }
    }
    expect(found.size).toBeGreaterThan(15);
    const listed = new Set(
      CALLS.map((c) =>
        `${c.base === 'admin' ? 'admin' : c.base === 'both' ? 'both' : 'ballast'} ${c.method} ${c.path}`.replace(
          /^ballast GET \/(incidents|changes|alerts|freezes)\/:id\/history$/,
          'ballast GET /{collection}/:id/history'
        )
      )
    );
    expect([...found].filter((f) => !listed.has(f))).toEqual([]);
    // and nothing listed that the code no longer calls (a stale entry would keep a route alive)
    expect([...listed].filter((l) => !found.has(l))).toEqual([]);
  });

  test('page tests fail on a request Grafana would refuse (testing/mockBackend.ts)', async () => {
    setRole('Viewer');
    const { host } = mockBackend([], { allowRefusals: true });
    await expect(api.put('/freezes/f1', {})).rejects.toMatchObject({
      status: 403,
      message: 'plugin proxy route access denied',
    });
    setRole('Editor');
    await expect(api.delete('/alerts/a1')).rejects.toMatchObject({
      status: 404,
      message: 'plugin route match not found',
    });
    expect(refusals(host).map((e) => e.refused!.status)).toEqual([403, 404]);
  });
});
