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
import { PROXY_BASE } from './constants';
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
 * its guard requires (exporter/src/api/*-routes.ts: reads `read`; alert records `ingest`;
 * freezes and saved reviews `admin`). `:id` stands for a path segment.
 */
const CALLS: Array<{ method: Method; path: string; needs: keyof typeof TOKEN_OF }> = [
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
  { method: 'GET', path: '/alerts-by-name', needs: 'read' },
  { method: 'GET', path: '/changes-by-system', needs: 'read' },
  { method: 'GET', path: '/actions', needs: 'read' },
  { method: 'GET', path: '/findings', needs: 'read' },
  { method: 'GET', path: '/drills', needs: 'read' },
  { method: 'GET', path: '/reviews', needs: 'read' },
  { method: 'GET', path: '/reviews/draft', needs: 'read' },
  { method: 'GET', path: '/reviews/:id', needs: 'read' },
  { method: 'GET', path: '/reports', needs: 'read' },
  { method: 'GET', path: '/reports/:id', needs: 'read' },
  { method: 'PUT', path: '/alerts/:id', needs: 'ingest' },
  { method: 'PUT', path: '/freezes/:id', needs: 'admin' },
  { method: 'DELETE', path: '/freezes/:id', needs: 'admin' },
  { method: 'POST', path: '/reviews', needs: 'admin' },
];

/** Exporter writes the app never makes: no role may reach them through the app's routes. */
const NEVER: Array<{ method: Method; path: string }> = [
  { method: 'PUT', path: '/org' },
  { method: 'PUT', path: '/incidents/:id' },
  { method: 'PUT', path: '/changes/:id' },
  { method: 'POST', path: '/incidents/:id/steps' },
  { method: 'POST', path: '/alerts/batch' },
  { method: 'POST', path: '/freezes/batch' },
  { method: 'DELETE', path: '/alerts/:id' },
  { method: 'POST', path: '/alerts/ingest' },
  { method: 'PUT', path: '/reviews/:id' },
];

const ROLES: OrgRole[] = ['Viewer', 'Editor', 'Admin'];
const concrete = (p: string) => p.replace(/:id/g, 'id-1%3Ax');

async function attempt(role: OrgRole, method: Method, apiPath: string) {
  const forwarded: Array<{ path: string; authorization?: string }> = [];
  const host = appHost(async (out) => {
    forwarded.push({ path: out.path, authorization: out.headers.Authorization });
    return { status: 200, headers: {}, body: Buffer.from('{}') };
  });
  const res = await host.handle({
    method,
    url: `${PROXY_BASE}/api/v1${concrete(apiPath)}?limit=1`,
    user: { login: 'u', orgRole: role },
    body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
  });
  return {
    status: res.status,
    message: res.status >= 400 ? JSON.parse(res.body.toString()).message : undefined,
    forwarded: forwarded[0],
    routeIndex: host.log[0].routeIndex,
  };
}

describe('app routes (plugin.json) under Grafana app proxy rules', () => {
  test.each(CALLS.flatMap((c) => ROLES.map((role) => ({ ...c, role }))))(
    '$method $path as $role',
    async ({ method, path: p, needs, role }) => {
      const r = await attempt(role, method, p);
      if (method !== 'GET' && role === 'Viewer') {
        expect(r).toMatchObject({ status: 403, message: 'plugin proxy route access denied' });
        expect(r.forwarded).toBeUndefined();
        return;
      }
      expect(r.status).toBe(200);
      // the exporter receives exactly the path asked for, with the query, and the token of the role it needs
      expect(r.forwarded.path).toBe(`/api/v1${concrete(p).replace('%3A', ':')}?limit=1`);
      expect(r.forwarded.authorization).toBe(`Bearer ${TOKEN_OF[needs]}`);
    }
  );

  test.each(NEVER.flatMap((c) => ROLES.map((role) => ({ ...c, role }))))(
    '$method $path is refused for $role',
    async ({ method, path: p, role }) => {
      const r = await attempt(role, method, p);
      expect([403, 404]).toContain(r.status);
      expect(r.forwarded).toBeUndefined();
    }
  );

  test('every declared route is used by some call of the app (no privilege nobody needs)', async () => {
    const used = new Set<number>();
    for (const c of CALLS) {
      const r = await attempt('Admin', c.method, c.path);
      used.add(r.routeIndex!);
    }
    expect([...used].sort()).toEqual(APP_ROUTES.map((_, i) => i));
  });

  test('the exporter URL and tokens come from the app settings, never from the browser', () => {
    for (const r of APP_ROUTES) {
      expect(r.url).toMatch(/^\{\{ \.JsonData\.url \}\}\/api\/v1(\/|$)/);
      expect(r.headers).toEqual([
        {
          name: 'Authorization',
          content: expect.stringMatching(/^Bearer \{\{ \.SecureJsonData\.(readToken|ingestToken|adminToken) \}\}$/),
        },
      ]);
      expect(['Viewer', 'Editor']).toContain(r.reqRole);
      expect(r.method).toMatch(/^(GET|PUT|POST|DELETE)$/);
    }
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
    const call = /\bapi\.(get|list|put|post|delete|gate)\s*(?:<[^()]*?>)?\(\s*(?:(['`])(\/[^'`$]*)(\$\{)?|[^)'`]*\))/g;
    for (const file of files) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(call)) {
        const method = { get: 'GET', list: 'GET', gate: 'GET', put: 'PUT', post: 'POST', delete: 'DELETE' }[m[1]]!;
        const p = m[1] === 'gate' ? '/gate' : `${m[3]}${m[4] ? ':id' : ''}`;
        found.add(`${method} ${p}`);
      }
    }
    expect(found.size).toBeGreaterThan(15);
    const listed = new Set(CALLS.map((c) => `${c.method} ${c.path}`));
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
