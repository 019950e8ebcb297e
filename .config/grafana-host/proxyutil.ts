/**
 * What every Grafana proxy does to a request and its answer: pkg/util/proxyutil/proxyutil.go
 * (PrepareProxyRequest, ClearCookieHeader, ApplyUserHeader, SetProxyResponseHeaders) and
 * pkg/util/proxyutil/reverse_proxy.go (NewReverseProxy: modifyResponse, errorHandler).
 */
import { delHeader, getHeader, Headers, HostResponse, setHeader, SignedInUser } from './model';

/** UserHeaderName. */
export const USER_HEADER = 'X-Grafana-User';

/** PrepareProxyRequest: X-Grafana-Referer from Referer; Origin, Referer, X-Forwarded-Host/Port/Proto removed; X-Forwarded-For appended. */
export function prepareProxyRequest(headers: Headers, remoteAddr?: string): void {
  setHeader(headers, 'X-Grafana-Referer', getHeader(headers, 'Referer') ?? '');
  for (const h of ['Origin', 'Referer', 'X-Forwarded-Host', 'X-Forwarded-Port', 'X-Forwarded-Proto']) {
    delHeader(headers, h);
  }
  if (remoteAddr) {
    const prior = getHeader(headers, 'X-Forwarded-For');
    setHeader(headers, 'X-Forwarded-For', prior ? `${prior}, ${remoteAddr}` : remoteAddr);
  }
}

/** ApplyUserHeader: X-Grafana-User removed, then set to the login when send_user_header is on and the user is not anonymous. */
export function applyUserHeader(sendUserHeader: boolean, headers: Headers, user: SignedInUser): void {
  delHeader(headers, USER_HEADER);
  if (sendUserHeader && !user.isAnonymous) {
    setHeader(headers, USER_HEADER, user.login);
  }
}

function parseCookies(header: string | undefined): Array<[string, string]> {
  if (!header) {
    return [];
  }
  return header
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p.includes('='))
    .map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as [string, string]);
}

/** ClearCookieHeader: every cookie dropped except the data source's keepCookies (exact, `prefix[]`, `[]`), never the skipped (login) ones. */
export function clearCookieHeader(headers: Headers, keepCookieNames: string[], skipCookieNames: string[]): void {
  const keep = new Map<string, string>();
  for (const [name, value] of parseCookies(getHeader(headers, 'Cookie'))) {
    for (const v of keepCookieNames) {
      if (v === '[]' || (v.endsWith('[]') ? name.startsWith(v.slice(0, -2)) : name === v)) {
        keep.set(name, value);
      }
    }
  }
  for (const s of skipCookieNames) {
    keep.delete(s);
  }
  delHeader(headers, 'Cookie');
  const sorted = [...keep.keys()].sort();
  if (sorted.length) {
    headers.Cookie = sorted.map((n) => `${n}=${keep.get(n)}`).join('; ');
  }
}

/** modifyResponse of NewReverseProxy: Set-Cookie removed, Content-Security-Policy: sandbox. */
export function modifyProxyResponse(res: HostResponse): HostResponse {
  delHeader(res.headers, 'Set-Cookie');
  setHeader(res.headers, 'Content-Security-Policy', 'sandbox');
  return res;
}

export type UpstreamFailure = 'canceled' | 'timeout' | 'failed';

/** errorHandler of NewReverseProxy: 499 client gone, 504 upstream timeout, 502 anything else; no body. */
export function proxyErrorResponse(kind: UpstreamFailure): HostResponse {
  return { status: kind === 'canceled' ? 499 : kind === 'timeout' ? 504 : 502, headers: {}, body: Buffer.alloc(0) };
}

/** Go's url.Parse, as far as a route URL needs it: scheme://host/path?query, or a bare path (no scheme: the request then fails). */
export function parseGoURL(raw: string): { scheme: string; host: string; path: string; rawQuery: string } {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/.exec(raw);
  if (!m) {
    const [p = '', q = ''] = raw.split('?');
    return { scheme: '', host: '', path: p, rawQuery: q };
  }
  return { scheme: m[1]!.toLowerCase(), host: m[2]!, path: m[3]!, rawQuery: m[4] ?? '' };
}
