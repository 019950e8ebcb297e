/**
 * Grafana's app plugin proxy, `/api/plugin-proxy/:pluginId/*`:
 *   - pkg/api/api.go registers it behind `checkAppEnabled` (404 "Plugin not found" / "Plugin is not enabled");
 *   - pkg/api/plugin_proxy.go `ProxyPluginRequest` / `extractProxyPath` takes the path after the app id;
 *   - pkg/api/pluginproxy/pluginproxy.go `HandleRequest` walks the routes IN ORDER: a route whose
 *     method differs is skipped; the first whose path matches in the route tree (tree.ts) wins;
 *     if the user's org role lacks its reqRole the answer is 403 "plugin proxy route access denied"
 *     (no later route is tried); when none matches, 404 "plugin route match not found".
 *     The forwarded path is `params["*"]` (unescaped), or nothing when the route has no `*`;
 *   - `director`: URL templated (500 "Could not interpolate plugin route url"), path =
 *     JoinURLFragments(route URL path, forwarded path), the query passed on unchanged, Cookie and
 *     Set-Cookie removed, X-Grafana-Context set, X-Grafana-User per send_user_header
 *     (proxyutil.ApplyUserHeader), route headers templated and SET (replacing what the browser sent).
 *   - NO rewrite of the upstream answer except proxyutil's (Set-Cookie dropped, CSP sandbox): an
 *     upstream 401 reaches the browser as 401, unlike the data source proxy.
 */
import { matchRoutePath } from './tree';
import { interpolateString, TemplateData, TemplateError } from './template';
import {
  AppSettings,
  delHeader,
  Headers,
  HostResponse,
  isValidRole,
  jsonApiErr,
  goEscapePath,
  joinURLFragments,
  OutgoingRequest,
  PluginRoute,
  setHeader,
  SignedInUser,
  userHasRole,
} from './model';
import { applyUserHeader, parseGoURL, prepareProxyRequest } from './proxyutil';

const PROXY_PREFIX = /^\/api\/plugin-proxy\/([\w-]+)\/?/;

/** pluginProxyPathRegexp / extractProxyPath: the app id and the escaped path after it (no query). */
export function splitAppProxyUrl(url: string): { pluginId: string; proxyPath: string; rawQuery: string } | null {
  const [escapedPath = '', rawQuery = ''] = url.split(/\?(.*)/s);
  const m = PROXY_PREFIX.exec(escapedPath);
  if (!m) {
    return null;
  }
  return { pluginId: m[1]!, proxyPath: escapedPath.replace(PROXY_PREFIX, ''), rawQuery };
}

export type RouteDecision =
  | { matched: true; route: PluginRoute; index: number; forwardPath: string }
  | { matched: false; response: HostResponse };

/** hasAccessToRoute: reqAction (RBAC) is not emulated and refused loudly; otherwise reqRole via ctx.HasUserRole (SignedInUser.HasRole). */
function hasAccessToRoute(route: PluginRoute, user: SignedInUser): boolean {
  if (route.reqAction) {
    throw new Error(
      `grafana-host: reqAction (${route.reqAction}) needs Grafana's RBAC, which this emulation does not model`
    );
  }
  if (isValidRole(route.reqRole)) {
    return userHasRole(user, route.reqRole);
  }
  return true;
}

/** HandleRequest's route loop. */
export function matchAppRoute(
  routes: PluginRoute[],
  method: string,
  proxyPath: string,
  user: SignedInUser
): RouteDecision {
  for (let index = 0; index < routes.length; index++) {
    const route = routes[index]!;
    if (route.method && route.method !== '*' && route.method !== method) {
      continue;
    }
    const params = matchRoutePath(route.path, proxyPath);
    if (!params) {
      continue;
    }
    if (!hasAccessToRoute(route, user)) {
      return { matched: false, response: jsonApiErr(403, 'plugin proxy route access denied') };
    }
    // (FlagPluginProxyPreserveTrailingSlash, off by default, would keep a trailing slash.)
    return { matched: true, route, index, forwardPath: params['*'] ?? '' };
  }
  return { matched: false, response: jsonApiErr(404, 'plugin route match not found') };
}

export interface AppDirectorInput {
  route: PluginRoute;
  forwardPath: string;
  rawQuery: string;
  method: string;
  headers: Headers;
  body?: Buffer;
  user: SignedInUser;
  settings: AppSettings;
  sendUserHeader: boolean;
  remoteAddr?: string;
}

/** `director` (+ wrapDirector's PrepareProxyRequest): the upstream request, or Grafana's 500. */
export function appProxyDirector(input: AppDirectorInput): OutgoingRequest | HostResponse {
  const data: TemplateData = { JsonData: input.settings.jsonData, SecureJsonData: input.settings.secureJsonData };
  let interpolated: string;
  try {
    interpolated = interpolateString(input.route.url ?? '', data);
  } catch (e) {
    if (e instanceof TemplateError) {
      return jsonApiErr(500, 'Could not interpolate plugin route url');
    }
    throw e;
  }
  const target = parseGoURL(interpolated);
  const headers: Headers = { ...input.headers };
  delHeader(headers, 'Cookie');
  delHeader(headers, 'Set-Cookie');
  setHeader(
    headers,
    'X-Grafana-Context',
    JSON.stringify({ Login: input.user.login, OrgRole: input.user.orgRole, OrgId: input.user.orgId ?? 1 })
  );
  applyUserHeader(input.sendUserHeader, headers, input.user);
  try {
    for (const h of input.route.headers ?? []) {
      setHeader(headers, h.name, interpolateString(h.content, data));
    }
  } catch (e) {
    if (e instanceof TemplateError) {
      return jsonApiErr(500, 'Failed to render plugin headers');
    }
    throw e;
  }
  prepareProxyRequest(headers, input.remoteAddr);
  const path = joinURLFragments(target.path, input.forwardPath);
  return {
    method: input.method,
    scheme: target.scheme,
    host: target.host,
    // Path holds the unescaped `*`; Go re-escapes it when sending (URL.EscapedPath).
    path: `${goEscapePath(path)}${input.rawQuery ? `?${input.rawQuery}` : ''}`,
    headers,
    body: input.body,
  };
}
