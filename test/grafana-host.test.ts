// The Grafana host emulation (.config/grafana-host/) rule by rule, each test naming the Grafana
// source it mirrors. Upstream is a real HTTP server on loopback that records what arrives.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createBackendSrv,
  GrafanaHost,
  inProcessTransport,
  interpolateString,
  matchRoutePath,
  type PluginRoute,
  type SignedInUser,
} from '../.config/grafana-host/index.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let upstream: Server;
let upstreamUrl = '';
const seen: Seen[] = [];
let answer: (s: Seen) => { status: number; headers?: Record<string, string>; body?: string } = () => ({
  status: 200,
  body: '{"ok":true}',
});

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, body };
      seen.push(s);
      const a = answer(s);
      if (a.status === 0) {
        return; // never answer (timeout case)
      }
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => upstream.close(() => r())));

/** The FetchError shape backend-srv.ts throws. */
interface FetchErr {
  status?: number;
  statusText?: string;
  data?: unknown;
}

const viewer: SignedInUser = { login: 'vic', orgRole: 'Viewer' };
const editor: SignedInUser = { login: 'eddie', orgRole: 'Editor' };
const admin: SignedInUser = { login: 'ada', orgRole: 'Admin' };

const bearer = (key: string) => [{ name: 'Authorization', content: `Bearer {{ .SecureJsonData.${key} }}` }];

function appHost(routes: PluginRoute[], extra: Partial<ConstructorParameters<typeof GrafanaHost>[0]> = {}) {
  return new GrafanaHost({
    plugins: [{ id: 'test-app', type: 'app', routes }],
    appSettings: {
      'test-app': {
        enabled: true,
        jsonData: { url: upstreamUrl },
        secureJsonData: { read: 'r-token', write: 'w-token' },
      },
    },
    upstreamTimeoutMs: 1000,
    ...extra,
  });
}

async function call(
  host: GrafanaHost,
  user: SignedInUser,
  method: string,
  url: string,
  headers: Record<string, string> = {},
  body?: string
) {
  seen.length = 0;
  const res = await host.handle({ method, url, headers, body, user, remoteAddr: '10.0.0.7' });
  const text = res.body.toString();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: text
      ? (() => {
          try {
            return JSON.parse(text);
          } catch {
            return undefined;
          }
        })()
      : undefined,
    upstream: seen[0] as Seen,
  };
}

describe('pkg/web/tree.go (Tree.Add / Tree.Match), as pluginproxy.go HandleRequest uses it', () => {
  test('a static path matches itself only: `ballast` does not match `ballast/api/v1/org`', () => {
    expect(matchRoutePath('ballast', 'ballast')).toEqual({});
    expect(matchRoutePath('ballast', 'ballast/api/v1/org')).toBeNull();
  });
  test('`*` captures the rest (one or more segments), not the bare prefix', () => {
    expect(matchRoutePath('ballast/*', 'ballast/api/v1/org')?.['*']).toBe('api/v1/org');
    expect(matchRoutePath('ballast/*', 'ballast/org')?.['*']).toBe('org');
    expect(matchRoutePath('ballast/*', 'ballast')).toBeNull();
  });
  test('`:param` is one segment; one leading and trailing slash are ignored', () => {
    expect(matchRoutePath('a/:id', 'a/x')).toEqual({ ':id': 'x' });
    expect(matchRoutePath('a/:id', 'a/x/y')).toBeNull();
    expect(matchRoutePath('/a/*', '/a/b/c/')?.['*']).toBe('b/c');
  });
  test('segments are matched and captured after url.PathUnescape: %2F becomes / inside `*`', () => {
    expect(matchRoutePath('api/v1/freezes/*', 'api/v1/freezes/x%2F..%2Forg')?.['*']).toBe('x/../org');
    expect(matchRoutePath('api/v1/freezes/*', 'api/v1/%66reezes/x')?.['*']).toBe('x');
  });
});

describe('pkg/api/pluginproxy/pluginproxy.go HandleRequest (app plugin proxy)', () => {
  const routes: PluginRoute[] = [
    {
      path: 'x/api/things/*',
      method: 'PUT',
      reqRole: 'Editor',
      url: '{{ .JsonData.url }}/api/things',
      headers: bearer('write'),
    },
    { path: 'x/api/*', method: 'GET', reqRole: 'Viewer', url: '{{ .JsonData.url }}/api', headers: bearer('read') },
    { path: 'x/api/*', reqRole: 'Viewer', url: '{{ .JsonData.url }}/api', headers: bearer('read') },
    {
      path: 'x/exact',
      method: 'POST',
      reqRole: 'Admin',
      url: '{{ .JsonData.url }}/exact/target',
      headers: bearer('write'),
    },
  ];
  test('the first route whose method and tree path match wins, and forwards `*` after the route URL', async () => {
    const host = appHost(routes);
    const r = await call(host, editor, 'PUT', '/api/plugin-proxy/test-app/x/api/things/t1?dry=1&a=b');
    expect(r.status).toBe(200);
    expect(r.upstream).toMatchObject({ method: 'PUT', url: '/api/things/t1?dry=1&a=b' });
    expect(r.upstream.headers.authorization).toBe('Bearer w-token');
    expect(host.log.at(-1)).toMatchObject({ routeIndex: 0, status: 200 });
  });
  test('a matched route the user lacks the role for answers 403 "plugin proxy route access denied", no later route is tried', async () => {
    const r = await call(appHost(routes), viewer, 'PUT', '/api/plugin-proxy/test-app/x/api/things/t1');
    // route 2 (no method, Viewer) would accept a PUT on x/api/*, but route 0 matched first
    expect(r).toMatchObject({ status: 403, json: { message: 'plugin proxy route access denied' } });
    expect(r.upstream).toBeUndefined();
  });
  test('RoleType.Includes: Admin passes Editor and Viewer routes; Editor does not pass Admin routes', async () => {
    expect((await call(appHost(routes), admin, 'PUT', '/api/plugin-proxy/test-app/x/api/things/t1')).status).toBe(200);
    expect((await call(appHost(routes), editor, 'POST', '/api/plugin-proxy/test-app/x/exact')).status).toBe(403);
  });
  test('no route matching: 404 "plugin route match not found" (the old `"path": "ballast"` case)', async () => {
    const host = appHost([{ path: 'ballast', method: 'GET', url: '{{ .JsonData.url }}' }]);
    const r = await call(host, admin, 'GET', '/api/plugin-proxy/test-app/ballast/api/v1/org');
    expect(r).toMatchObject({ status: 404, json: { message: 'plugin route match not found' } });
    expect(host.log.at(-1)?.refused).toEqual({ status: 404, message: 'plugin route match not found' });
  });
  test('a route without `*` forwards to its URL exactly: the browser path after it is dropped', async () => {
    const r = await call(appHost(routes), admin, 'POST', '/api/plugin-proxy/test-app/x/exact', {}, '{"a":1}');
    expect(r.upstream).toMatchObject({ method: 'POST', url: '/exact/target', body: '{"a":1}' });
  });
  test('the `*` value is sent unescaped and NOT normalised (Go client): %2F.. stays a dot segment upstream', async () => {
    const r = await call(appHost(routes), editor, 'PUT', '/api/plugin-proxy/test-app/x/api/things/a%2F..%2F..%2Fadmin');
    expect(r.upstream.url).toBe('/api/things/a/../../admin');
  });
  test('pkg/api/app_plugin_checks.go checkAppEnabled: a disabled or unconfigured app answers 404', async () => {
    const host = appHost(routes);
    host.appSettings['test-app']!.enabled = false;
    expect((await call(host, admin, 'GET', '/api/plugin-proxy/test-app/x/api/a')).json).toEqual({
      message: 'Plugin is not enabled',
    });
    const unconfigured = new GrafanaHost({ plugins: [{ id: 'test-app', type: 'app', routes }] });
    expect((await call(unconfigured, admin, 'GET', '/api/plugin-proxy/test-app/x/api/a')).json).toEqual({
      message: 'Plugin setting not found',
    });
  });
});

describe('pluginproxy.go director + utils.go interpolateString/addHeaders + proxyutil', () => {
  const routes: PluginRoute[] = [
    {
      path: 'x/*',
      url: '{{ .JsonData.url }}/base',
      headers: [...bearer('read'), { name: 'X-Extra', content: '{{ .JsonData.team }}' }],
    },
  ];
  test('URL and headers are templated from jsonData / secureJsonData; route headers replace what the browser sent', async () => {
    const host = appHost(routes);
    host.appSettings['test-app']!.jsonData.team = 'payments';
    const r = await call(host, viewer, 'GET', '/api/plugin-proxy/test-app/x/y', {
      authorization: 'Bearer from-browser',
    });
    expect(r.upstream.url).toBe('/base/y');
    expect(r.upstream.headers.authorization).toBe('Bearer r-token');
    expect(r.upstream.headers['x-extra']).toBe('payments');
  });
  test('text/template: a missing key prints `<no value>`, `orEmpty` gives "", numbers print plainly', () => {
    const data = { JsonData: { port: 9464, n: null }, SecureJsonData: {} };
    expect(interpolateString('Bearer {{ .SecureJsonData.token }}', data)).toBe('Bearer <no value>');
    expect(interpolateString('[{{ .SecureJsonData.token | orEmpty }}][{{ .JsonData.n | orEmpty }}]', data)).toBe(
      '[][]'
    );
    expect(interpolateString('{{.JsonData.port}}', data)).toBe('9464');
    expect(() => interpolateString('{{ if .JsonData.port }}x{{ end }}', data)).toThrow(/could not parse template/);
  });
  test('an unset secret reaches the upstream as `Bearer <no value>`', async () => {
    const host = appHost(routes);
    host.appSettings['test-app']!.secureJsonData = {};
    expect((await call(host, viewer, 'GET', '/api/plugin-proxy/test-app/x/y')).upstream.headers.authorization).toBe(
      'Bearer <no value>'
    );
  });
  test('a URL template Grafana cannot execute answers 500 "Could not interpolate plugin route url"', async () => {
    const r = await call(
      appHost([{ path: 'x/*', url: '{{ .Nope }}' }]),
      viewer,
      'GET',
      '/api/plugin-proxy/test-app/x/y'
    );
    expect(r).toMatchObject({ status: 500, json: { message: 'Could not interpolate plugin route url' } });
  });
  test('Cookie is removed; X-Grafana-User only with send_user_header (and a browser-sent one is dropped)', async () => {
    const off = await call(appHost(routes), viewer, 'GET', '/api/plugin-proxy/test-app/x/y', {
      cookie: 'grafana_session=abc; other=1',
      'x-grafana-user': 'mallory',
    });
    expect(off.upstream.headers.cookie).toBeUndefined();
    expect(off.upstream.headers['x-grafana-user']).toBeUndefined();
    const on = await call(appHost(routes, { sendUserHeader: true }), viewer, 'GET', '/api/plugin-proxy/test-app/x/y', {
      'x-grafana-user': 'mallory',
    });
    expect(on.upstream.headers['x-grafana-user']).toBe('vic');
  });
  test('proxyutil.PrepareProxyRequest: Origin/Referer dropped, X-Grafana-Referer and X-Forwarded-For set', async () => {
    const r = await call(appHost(routes), viewer, 'GET', '/api/plugin-proxy/test-app/x/y', {
      origin: 'http://g',
      referer: 'http://g/a/test-app',
    });
    expect(r.upstream.headers.origin).toBeUndefined();
    expect(r.upstream.headers.referer).toBeUndefined();
    expect(r.upstream.headers['x-grafana-referer']).toBe('http://g/a/test-app');
    expect(r.upstream.headers['x-forwarded-for']).toBe('10.0.0.7');
  });
  test('the app proxy does NOT rewrite an upstream 401 (unlike the data source proxy); Set-Cookie dropped, CSP sandbox', async () => {
    answer = () => ({ status: 401, headers: { 'set-cookie': 'a=b' }, body: '{"message":"unknown token"}' });
    try {
      const r = await call(appHost(routes), viewer, 'GET', '/api/plugin-proxy/test-app/x/y');
      expect(r).toMatchObject({ status: 401, json: { message: 'unknown token' } });
      expect(r.headers['set-cookie']).toBeUndefined();
      expect(r.headers['Content-Security-Policy']).toBe('sandbox');
    } finally {
      answer = () => ({ status: 200, body: '{"ok":true}' });
    }
  });
  test('proxyutil/reverse_proxy.go errorHandler: unreachable upstream → 502, upstream timeout → 504, both with an empty body', async () => {
    const host = appHost(routes);
    host.appSettings['test-app']!.jsonData.url = 'http://127.0.0.1:9'; // discard port: refused
    expect(await call(host, viewer, 'GET', '/api/plugin-proxy/test-app/x/y')).toMatchObject({ status: 502, text: '' });
    host.appSettings['test-app']!.jsonData.url = upstreamUrl;
    answer = () => ({ status: 0 });
    try {
      expect(await call(host, viewer, 'GET', '/api/plugin-proxy/test-app/x/y')).toMatchObject({
        status: 504,
        text: '',
      });
    } finally {
      answer = () => ({ status: 200, body: '{"ok":true}' });
    }
  });
});

describe('pkg/api/pluginproxy/ds_proxy.go (data source proxy)', () => {
  const dsRoutes: PluginRoute[] = [{ path: 'ballast', url: '{{ .JsonData.url }}', headers: bearer('apiToken') }];
  const dsHost = (routes = dsRoutes, extra: Partial<ConstructorParameters<typeof GrafanaHost>[0]> = {}) =>
    new GrafanaHost({
      plugins: [{ id: 'test-ds', type: 'datasource', routes }],
      dataSources: [
        {
          uid: 'ds1',
          type: 'test-ds',
          url: '',
          jsonData: { url: upstreamUrl, keepCookies: ['keep'] },
          secureJsonData: { apiToken: 'ds-token' },
        },
      ],
      upstreamTimeoutMs: 1000,
      ...extra,
    });
  test('validateRequest matches by PREFIX of CleanRelativePath: `ballast` also takes `ballastfoo/...`', async () => {
    const r = await call(dsHost(), viewer, 'GET', '/api/datasources/proxy/uid/ds1/ballast/api/v1/org');
    expect(r.upstream.url).toBe('/api/v1/org');
    expect(r.upstream.headers.authorization).toBe('Bearer ds-token');
    const odd = await call(dsHost(), viewer, 'GET', '/api/datasources/proxy/uid/ds1/ballastfoo/x');
    expect(odd.upstream.url).toBe('/foo/x');
  });
  test('no route matching is not refused: the request goes to the data source URL field, without route headers (here: none, 502)', async () => {
    const host = dsHost();
    const r = await call(host, viewer, 'GET', '/api/datasources/proxy/uid/ds1/other/path');
    expect(r.status).toBe(502);
    expect(host.log.at(-1)).toMatchObject({ routeIndex: null, forwarded: { authorization: undefined } });
  });
  test('reqRole on a data source route: 403 "plugin proxy route access denied"', async () => {
    const r = await call(
      dsHost([{ path: 'ballast', method: 'POST', reqRole: 'Editor', url: '{{ .JsonData.url }}' }]),
      viewer,
      'POST',
      '/api/datasources/proxy/uid/ds1/ballast/x'
    );
    expect(r).toMatchObject({ status: 403, json: { message: 'plugin proxy route access denied' } });
  });
  test('modifyResponse: an upstream 401 becomes 400 with the plain text "Authentication to data source failed"', async () => {
    answer = () => ({ status: 401, body: '{"message":"unknown token"}' });
    try {
      const r = await call(dsHost(), viewer, 'GET', '/api/datasources/proxy/uid/ds1/ballast/api/v1/org');
      expect(r.status).toBe(400);
      expect(r.text).toBe('Authentication to data source failed');
      expect(r.headers['content-type']).toBeUndefined();
    } finally {
      answer = () => ({ status: 200, body: '{"ok":true}' });
    }
  });
  test('proxyutil.ClearCookieHeader keeps only keepCookies, never the login cookie; X-DS-Authorization becomes Authorization (then the route sets its own)', async () => {
    const r = await call(
      dsHost([{ path: 'ballast', url: '{{ .JsonData.url }}' }]),
      viewer,
      'GET',
      '/api/datasources/proxy/uid/ds1/ballast/x',
      {
        cookie: 'grafana_session=s; keep=1; drop=2',
        'x-ds-authorization': 'Bearer from-plugin',
      }
    );
    expect(r.upstream.headers.cookie).toBe('keep=1');
    expect(r.upstream.headers.authorization).toBe('Bearer from-plugin');
    expect(r.upstream.headers['x-ds-authorization']).toBeUndefined();
  });
  test('ApplyRoute/addQueryString re-encodes the query (sorted keys, + for space); escapes in the path are escaped again', async () => {
    const r = await call(
      dsHost(),
      viewer,
      'GET',
      '/api/datasources/proxy/uid/ds1/ballast/api/v1/incidents/a%3Ab?z=1&a=x%20y'
    );
    expect(r.upstream.url).toBe('/api/v1/incidents/a%253Ab?a=x+y&z=1');
  });
  test('X-Grafana-User with send_user_header', async () => {
    expect(
      (
        await call(
          dsHost(dsRoutes, { sendUserHeader: true }),
          viewer,
          'GET',
          '/api/datasources/proxy/uid/ds1/ballast/x'
        )
      ).upstream.headers['x-grafana-user']
    ).toBe('vic');
  });
});

describe('public/app/core/services/backend_srv.ts as the plugins see it', () => {
  const routes: PluginRoute[] = [{ path: 'x/*', url: '{{ .JsonData.url }}', headers: bearer('read') }];
  test('processRequestError: a plain-text error body becomes {message, error: statusText, response}', async () => {
    const host = new GrafanaHost({
      plugins: [{ id: 'test-ds', type: 'datasource', routes: [{ path: 'ballast', url: '{{ .JsonData.url }}' }] }],
      dataSources: [{ uid: 'ds1', type: 'test-ds', url: '', jsonData: { url: upstreamUrl }, secureJsonData: {} }],
    });
    answer = () => ({ status: 401, body: '{}' });
    try {
      const srv = createBackendSrv(inProcessTransport(host, () => viewer));
      const err = await new Promise<FetchErr>((resolve) =>
        srv.fetch({ url: '/api/datasources/proxy/uid/ds1/ballast/x' }).subscribe({ error: resolve })
      );
      expect(err).toMatchObject({
        status: 400,
        statusText: 'Bad Request',
        data: {
          message: 'Authentication to data source failed',
          error: 'Bad Request',
          response: 'Authentication to data source failed',
        },
      });
    } finally {
      answer = () => ({ status: 200, body: '{"ok":true}' });
    }
  });
  test('handleStreamError: a 401 from a Grafana URL is retried once, then thrown with the JSON body', async () => {
    answer = () => ({ status: 401, body: '{"message":"unknown token"}' });
    try {
      const srv = createBackendSrv(inProcessTransport(appHost(routes), () => viewer));
      const err = await new Promise<FetchErr>((resolve) =>
        srv.fetch({ url: '/api/plugin-proxy/test-app/x/y' }).subscribe({ error: resolve })
      );
      expect(err).toMatchObject({ status: 401, data: { message: 'unknown token' } });
      expect(srv.requests.map((r) => r.status)).toEqual([401, 401]);
    } finally {
      answer = () => ({ status: 200, body: '{"ok":true}' });
    }
  });
  test('a 502 with an empty body arrives as data.message "Bad Gateway" (the empty string, then error copied to message)', async () => {
    const host = appHost(routes);
    host.appSettings['test-app']!.jsonData.url = 'http://127.0.0.1:9';
    const srv = createBackendSrv(inProcessTransport(host, () => viewer));
    const err = await new Promise<FetchErr>((resolve) =>
      srv.fetch({ url: '/api/plugin-proxy/test-app/x/y' }).subscribe({ error: resolve })
    );
    expect(err).toMatchObject({
      status: 502,
      statusText: 'Bad Gateway',
      data: { message: 'Bad Gateway', error: 'Bad Gateway', response: '' },
    });
  });
});

describe('GrafanaHost.listen: the same rules over HTTP, for the harness pages', () => {
  test('no session cookie: 401 "Unauthorized" (reqSignedIn); with one, the user of that session is the proxy user', async () => {
    const host = appHost([
      { path: 'x/*', method: 'PUT', reqRole: 'Editor', url: '{{ .JsonData.url }}', headers: bearer('write') },
    ]);
    const server = await host.listen({ v: viewer, e: editor }, (req, res) =>
      req.url === '/page' ? (res.writeHead(200).end('page'), true) : false
    );
    try {
      expect(await (await fetch(`${server.url}/page`)).text()).toBe('page');
      const anonymous = await fetch(`${server.url}/api/plugin-proxy/test-app/x/y`, { method: 'PUT', body: '{}' });
      expect([anonymous.status, await anonymous.json()]).toEqual([401, { message: 'Unauthorized' }]);
      const asViewer = await fetch(`${server.url}/api/plugin-proxy/test-app/x/y`, {
        method: 'PUT',
        body: '{}',
        headers: { cookie: 'grafana_session=v' },
      });
      expect(asViewer.status).toBe(403);
      seen.length = 0;
      const asEditor = await fetch(`${server.url}/api/plugin-proxy/test-app/x/y`, {
        method: 'PUT',
        body: '{"a":1}',
        headers: { cookie: 'grafana_session=e' },
      });
      expect(asEditor.status).toBe(200);
      expect(seen[0]).toMatchObject({ method: 'PUT', url: '/y', body: '{"a":1}' });
      expect(seen[0]!.headers.cookie).toBeUndefined();
      expect(seen[0]!.headers['x-forwarded-for']).toBe('127.0.0.1');
    } finally {
      await server.close();
    }
  });
});
