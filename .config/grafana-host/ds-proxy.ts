/**
 * Grafana's data source proxy, `/api/datasources/proxy/uid/:uid/*`:
 *   - pkg/services/datasourceproxy/datasourceproxy.go `extractProxyPath`: the escaped path after the uid;
 *   - pkg/api/pluginproxy/ds_proxy.go `validateRequest`: routes IN ORDER, method filter, then a PREFIX
 *     match of util.CleanRelativePath(proxyPath) against CleanRelativePath(route.path) (so route
 *     `ballast` also matches `ballastfoo/...`); a matched route the user's role lacks → 403
 *     "plugin proxy route access denied". No route matching is NOT an error: the request goes to the
 *     data source's own URL field without any route headers;
 *   - `director`: Cookie cleared except the data source's keepCookies (proxyutil.ClearCookieHeader,
 *     the login cookie never kept), X-Grafana-User per send_user_header, User-Agent set; with a
 *     route, ApplyRoute (ds_auth_provider.go): path = JoinURLFragments(route URL path,
 *     TrimPrefix(proxyPath, route.path)), addQueryString re-encodes the query (sorted, as
 *     url.Values.Encode does), route headers templated and SET;
 *   - `HandleRequest` modifyResponse: an upstream 401 becomes 400 with the plain-text body
 *     "Authentication to data source failed" (no Content-Type), so the browser never sees 401.
 */
import { interpolateString, TemplateData, TemplateError } from './template';
import {
  DataSourceSettings,
  goEscapePath,
  Headers,
  HostResponse,
  isValidRole,
  jsonApiErr,
  joinURLFragments,
  OutgoingRequest,
  PluginRoute,
  roleIncludes,
  setHeader,
  SignedInUser,
} from './model';
import { applyUserHeader, clearCookieHeader, parseGoURL, prepareProxyRequest } from './proxyutil';

const DS_PREFIX = /^\/api\/datasources\/proxy\/([\d]+|uid\/[\w-]+)\/?/;

/** proxyPathRegexp / extractProxyPath. */
export function splitDsProxyUrl(url: string): { uid: string; proxyPath: string; rawQuery: string } | null {
  const [escapedPath = '', rawQuery = ''] = url.split(/\?(.*)/s);
  const m = DS_PREFIX.exec(escapedPath);
  if (!m) {
    return null;
  }
  return { uid: m[1]!.replace(/^uid\//, ''), proxyPath: escapedPath.replace(DS_PREFIX, ''), rawQuery };
}

/** util.CleanRelativePath: filepath.Clean(filepath.Join("/", p)) made relative to "/". */
export function cleanRelativePath(p: string): string {
  const parts: string[] = [];
  for (const seg of `/${p}`.split('/')) {
    if (seg === '' || seg === '.') {
      continue;
    }
    if (seg === '..') {
      parts.pop();
    } else {
      parts.push(seg);
    }
  }
  return parts.length ? parts.join('/') : '.';
}

export type DsRouteDecision = { route: PluginRoute | null } | { response: HostResponse };

/** validateRequest's route loop (FlagDatasourceProxyDisableRBAC off: hasAccessToRoute, reqRole only). */
export function matchDsRoute(
  routes: PluginRoute[],
  method: string,
  proxyPath: string,
  user: SignedInUser
): DsRouteDecision {
  for (const route of routes) {
    if (route.method && route.method !== '*' && route.method !== method) {
      continue;
    }
    if (!cleanRelativePath(proxyPath).startsWith(cleanRelativePath(route.path))) {
      continue;
    }
    if (isValidRole(route.reqRole) && !roleIncludes(user.orgRole, route.reqRole)) {
      return { response: jsonApiErr(403, 'plugin proxy route access denied') };
    }
    return { route };
  }
  return { route: null };
}

/** url.Values.Encode: keys sorted, QueryEscape (space as +). */
function encodeQuery(rawQuery: string): string {
  const values = new Map<string, string[]>();
  for (const part of rawQuery.split('&')) {
    if (!part) {
      continue;
    }
    const [k = '', v = ''] = part.split(/=(.*)/s);
    const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    const key = dec(k);
    values.set(key, [...(values.get(key) ?? []), dec(v)]);
  }
  const esc = (s: string) =>
    encodeURIComponent(s)
      .replace(/%20/g, '+')
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [...values.keys()]
    .sort()
    .flatMap((k) => values.get(k)!.map((v) => `${esc(k)}=${esc(v)}`))
    .join('&');
}

export interface DsDirectorInput {
  ds: DataSourceSettings;
  route: PluginRoute | null;
  proxyPath: string;
  rawQuery: string;
  method: string;
  headers: Headers;
  body?: Buffer;
  user: SignedInUser;
  sendUserHeader: boolean;
  loginCookieName: string;
  remoteAddr?: string;
}

export function dsProxyDirector(input: DsDirectorInput): OutgoingRequest | HostResponse {
  const target = parseGoURL(input.ds.url);
  const headers: Headers = { ...input.headers };
  let scheme = target.scheme;
  let host = target.host;
  // director: RawPath = JoinURLFragments(ds URL path, proxyPath), Path its unescaping; sent as RawPath.
  let outPath = joinURLFragments(target.path, input.proxyPath);
  let rawQuery = input.rawQuery;
  const dsAuth = Object.keys(headers).find((k) => k.toLowerCase() === 'x-ds-authorization');
  if (dsAuth) {
    setHeader(headers, 'Authorization', headers[dsAuth]!);
    delete headers[dsAuth];
  }
  applyUserHeader(input.sendUserHeader, headers, input.user);
  const keepCookies = Array.isArray(input.ds.jsonData.keepCookies) ? (input.ds.jsonData.keepCookies as string[]) : [];
  clearCookieHeader(headers, keepCookies, [input.loginCookieName]);
  setHeader(headers, 'User-Agent', 'Grafana/12');
  if (input.route) {
    const data: TemplateData = {
      URL: input.ds.url,
      JsonData: input.ds.jsonData,
      SecureJsonData: input.ds.secureJsonData,
    };
    // ApplyRoute logs template errors and carries on with what it has.
    try {
      if (input.route.url) {
        const routeUrl = parseGoURL(interpolateString(input.route.url, data));
        scheme = routeUrl.scheme;
        host = routeUrl.host;
        // ApplyRoute sets Path from the ESCAPED proxyPath; RawPath no longer matches, so Go
        // re-escapes Path when sending: a %XX in the browser's path arrives as %25XX.
        outPath = goEscapePath(
          joinURLFragments(
            routeUrl.path,
            input.proxyPath.startsWith(input.route.path)
              ? input.proxyPath.slice(input.route.path.length)
              : input.proxyPath
          )
        );
      }
    } catch (e) {
      if (!(e instanceof TemplateError)) {
        throw e;
      }
    }
    rawQuery = encodeQuery(rawQuery);
    for (const h of input.route.headers ?? []) {
      try {
        setHeader(headers, h.name, interpolateString(h.content, data));
      } catch (e) {
        if (!(e instanceof TemplateError)) {
          throw e;
        }
        break;
      }
    }
  }
  prepareProxyRequest(headers, input.remoteAddr);
  return {
    method: input.method,
    scheme,
    host,
    path: `${outPath}${rawQuery ? `?${rawQuery}` : ''}`,
    headers,
    body: input.body,
  };
}

/** modifyResponse: upstream 401 → 400 "Authentication to data source failed" (plain text, empty header set). */
export function rewriteDsResponse(res: HostResponse): HostResponse {
  if (res.status !== 401) {
    return res;
  }
  return { status: 400, headers: {}, body: Buffer.from('Authentication to data source failed') };
}
