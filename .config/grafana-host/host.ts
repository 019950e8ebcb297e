/**
 * The ONE Grafana host emulation of this repository: the server-side behaviour of Grafana that the
 * plugins rely on, from Grafana's source (each rule cites its file in app-proxy.ts, ds-proxy.ts,
 * proxyutil.ts, tree.ts, template.ts), and nothing else:
 *   GET/POST /api/plugins/:pluginId/settings     app settings (POST needs the org Admin role)
 *   ANY      /api/plugin-proxy/:pluginId/*        the app plugin proxy (tree-matched routes)
 *   ANY      /api/datasources/proxy/uid/:uid/*    the data source proxy (prefix-matched routes)
 * `handle()` is a plain function (used in-process by Vitest through backend-srv.ts); `listen()`
 * serves it over HTTP for the headless-Chromium harness pages, the signed-in user coming from a
 * `grafana_session` cookie as in Grafana. Every proxied request is logged for the route contract tests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { appProxyDirector, matchAppRoute, splitAppProxyUrl } from './app-proxy';
import { dsProxyDirector, matchDsRoute, rewriteDsResponse, splitDsProxyUrl } from './ds-proxy';
import {
  AppSettings,
  DataSourceSettings,
  HostRequest,
  HostResponse,
  jsonApiErr,
  PluginJson,
  roleIncludes,
  SignedInUser,
} from './model';
import { modifyProxyResponse } from './proxyutil';
import { httpUpstream, Upstream } from './upstream';

export interface HostOptions {
  /** The installed plugins' plugin.json (id, type, routes). */
  plugins: PluginJson[];
  /** App settings per app id (a missing entry: the app was never configured, Grafana answers 404). */
  appSettings?: Record<string, AppSettings>;
  dataSources?: DataSourceSettings[];
  /** grafana.ini [dataproxy] send_user_header (off by default). */
  sendUserHeader?: boolean;
  /** grafana.ini [auth] login_cookie_name. */
  loginCookieName?: string;
  /** Where proxied requests go; a real HTTP round trip unless a test answers them itself. */
  upstream?: Upstream;
  upstreamTimeoutMs?: number;
  /** Called with each proxied request's log entry as it starts (the entry is completed as it proceeds). */
  onProxyRequest?: (entry: ProxyLogEntry) => void;
}

export interface ProxyLogEntry {
  proxy: 'app' | 'datasource';
  pluginId: string;
  method: string;
  /** The URL as the browser asked for it. */
  url: string;
  role: SignedInUser['orgRole'];
  /** Index of the matched plugin.json route (app proxy), or null. */
  routeIndex: number | null;
  /** Set when Grafana itself refused (404/403/500) before any upstream call. */
  refused?: { status: number; message: string };
  /** What went upstream: method, path and the Authorization header sent. */
  forwarded?: { method: string; url: string; authorization?: string };
  status: number;
}

const SETTINGS = /^\/api\/plugins\/([\w-]+)\/settings\/?$/;

export class GrafanaHost {
  readonly log: ProxyLogEntry[] = [];
  readonly appSettings: Record<string, AppSettings>;
  private readonly upstream: Upstream;

  constructor(readonly options: HostOptions) {
    this.appSettings = options.appSettings ?? {};
    this.upstream = options.upstream ?? httpUpstream(options.upstreamTimeoutMs);
  }

  /** A proxied request's log entry, recorded as it starts and completed as it proceeds. */
  private start(proxy: ProxyLogEntry['proxy'], pluginId: string, req: HostRequest): ProxyLogEntry {
    const entry: ProxyLogEntry = {
      proxy,
      pluginId,
      method: req.method,
      url: req.url,
      role: req.user.orgRole,
      routeIndex: null,
      status: 0,
    };
    this.log.push(entry);
    this.options.onProxyRequest?.(entry);
    return entry;
  }

  private plugin(id: string): PluginJson | undefined {
    return this.options.plugins.find((p) => p.id === id);
  }

  async handle(req: HostRequest): Promise<HostResponse> {
    const path = req.url.split('?')[0]!;
    const settings = SETTINGS.exec(path);
    if (settings) {
      return this.settings(settings[1]!, req);
    }
    if (path.startsWith('/api/plugin-proxy/')) {
      return this.appProxy(req);
    }
    if (path.startsWith('/api/datasources/proxy/')) {
      return this.dsProxy(req);
    }
    return jsonApiErr(404, 'Not found');
  }

  /** GET: the app's meta as the config page receives it; POST: UpdatePluginSetting (secure fields merged, never echoed). */
  private settings(pluginId: string, req: HostRequest): HostResponse {
    const plugin = this.plugin(pluginId);
    if (!plugin) {
      return jsonApiErr(404, 'Plugin not found, no installed plugin with that id');
    }
    const current = this.appSettings[pluginId] ?? { enabled: false, jsonData: {}, secureJsonData: {} };
    if (req.method === 'GET') {
      const secureJsonFields = Object.fromEntries(
        Object.entries(current.secureJsonData).map(([k, v]) => [k, v !== ''])
      );
      return json(200, {
        id: pluginId,
        type: plugin.type,
        enabled: current.enabled,
        pinned: current.pinned ?? false,
        jsonData: current.jsonData,
        secureJsonFields,
      });
    }
    if (req.method !== 'POST') {
      return jsonApiErr(405, 'Method Not Allowed');
    }
    if (!roleIncludes(req.user.orgRole, 'Admin')) {
      return jsonApiErr(
        403,
        "You'll need additional permissions to perform this action. Permissions needed: plugins:write"
      );
    }
    let cmd: {
      enabled?: boolean;
      pinned?: boolean;
      jsonData?: Record<string, unknown>;
      secureJsonData?: Record<string, string>;
    };
    try {
      cmd = JSON.parse(String(req.body ?? '{}'));
    } catch {
      return jsonApiErr(400, 'bad request data');
    }
    this.appSettings[pluginId] = {
      enabled: cmd.enabled ?? current.enabled,
      pinned: cmd.pinned ?? current.pinned,
      jsonData: cmd.jsonData ?? {},
      secureJsonData: { ...current.secureJsonData, ...(cmd.secureJsonData ?? {}) },
    };
    return json(200, { message: 'Plugin settings updated' });
  }

  private async appProxy(req: HostRequest): Promise<HostResponse> {
    const split = splitAppProxyUrl(req.url)!;
    const entry = this.start('app', split.pluginId, req);
    const plugin = this.plugin(split.pluginId);
    // checkAppEnabled (pkg/api/app_plugin_checks.go)
    if (!plugin) {
      return refused(entry, jsonApiErr(404, 'Plugin not found'));
    }
    const settings = this.appSettings[split.pluginId];
    if (plugin.type === 'app' && !settings) {
      return refused(entry, jsonApiErr(404, 'Plugin setting not found'));
    }
    if (plugin.type === 'app' && !settings!.enabled) {
      return refused(entry, jsonApiErr(404, 'Plugin is not enabled'));
    }
    const decision = matchAppRoute(plugin.routes ?? [], req.method, split.proxyPath, req.user);
    if (!decision.matched) {
      return refused(entry, decision.response);
    }
    entry.routeIndex = decision.index;
    const out = appProxyDirector({
      route: decision.route,
      forwardPath: decision.forwardPath,
      rawQuery: split.rawQuery,
      method: req.method,
      headers: req.headers ?? {},
      body: toBuffer(req.body),
      user: req.user,
      settings: settings ?? { enabled: true, jsonData: {}, secureJsonData: {} },
      sendUserHeader: Boolean(this.options.sendUserHeader),
      remoteAddr: req.remoteAddr,
    });
    if ('status' in out) {
      return refused(entry, out);
    }
    entry.forwarded = {
      method: out.method,
      url: `${out.scheme}://${out.host}${out.path}`,
      authorization: out.headers.Authorization,
    };
    const res = modifyProxyResponse(await this.upstream(out));
    entry.status = res.status;
    return res;
  }

  private async dsProxy(req: HostRequest): Promise<HostResponse> {
    const split = splitDsProxyUrl(req.url);
    const ds = split && this.options.dataSources?.find((d) => d.uid === split.uid);
    const entry = this.start('datasource', ds?.type ?? '', req);
    if (!split || !ds) {
      return refused(entry, jsonApiErr(404, 'Unable to find datasource'));
    }
    const plugin = this.plugin(ds.type);
    if (!plugin) {
      return refused(entry, jsonApiErr(404, 'Unable to find datasource plugin'));
    }
    const routes = plugin.routes ?? [];
    const decision = matchDsRoute(routes, req.method, split.proxyPath, req.user);
    if ('response' in decision) {
      return refused(entry, decision.response);
    }
    entry.routeIndex = decision.route ? routes.indexOf(decision.route) : null;
    const out = dsProxyDirector({
      ds,
      route: decision.route,
      proxyPath: split.proxyPath,
      rawQuery: split.rawQuery,
      method: req.method,
      headers: req.headers ?? {},
      body: toBuffer(req.body),
      user: req.user,
      sendUserHeader: Boolean(this.options.sendUserHeader),
      loginCookieName: this.options.loginCookieName ?? 'grafana_session',
      remoteAddr: req.remoteAddr,
    });
    if ('status' in out) {
      entry.status = out.status;
      return out;
    }
    entry.forwarded = {
      method: out.method,
      url: `${out.scheme}://${out.host}${out.path}`,
      authorization: out.headers.Authorization,
    };
    const res = modifyProxyResponse(rewriteDsResponse(await this.upstream(out)));
    entry.status = res.status;
    return res;
  }

  /**
   * Serves `handle()` over HTTP on a free loopback port. The `grafana_session` cookie names a key
   * of `users` (no cookie or an unknown one: 401 "Unauthorized", as Grafana's reqSignedIn answers).
   * `serveOther` gets first go at every request (harness pages, built plugin files, icons).
   */
  async listen(
    users: Record<string, SignedInUser>,
    serveOther?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean
  ): Promise<{ url: string; close(): Promise<void> }> {
    const cookieName = this.options.loginCookieName ?? 'grafana_session';
    const server = http.createServer((req, res) => {
      if (serveOther?.(req, res)) {
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const cookie = (req.headers.cookie ?? '')
          .split(';')
          .map((c) => c.trim())
          .find((c) => c.startsWith(`${cookieName}=`));
        const user = cookie ? users[cookie.slice(cookieName.length + 1)] : undefined;
        const send = (r: HostResponse) => res.writeHead(r.status, r.headers).end(r.body);
        if (!user) {
          send(jsonApiErr(401, 'Unauthorized'));
          return;
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) {
          if (typeof v === 'string') {
            headers[k] = v;
          }
        }
        this.handle({
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers,
          body: Buffer.concat(chunks),
          user,
          remoteAddr: req.socket.remoteAddress,
        })
          .then(send)
          .catch((e: Error) => send(jsonApiErr(500, `grafana-host: ${e.message}`)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }
}

/** Grafana answered itself: logged as a refusal, never forwarded. */
function refused(entry: ProxyLogEntry, res: HostResponse): HostResponse {
  entry.refused = { status: res.status, message: JSON.parse(res.body.toString()).message };
  entry.status = res.status;
  return res;
}

function json(status: number, body: unknown): HostResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
}

function toBuffer(body: Buffer | string | undefined): Buffer | undefined {
  return body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
}
