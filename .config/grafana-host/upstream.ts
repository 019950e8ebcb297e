/**
 * Sends a proxied request the way Go's http.Transport does for Grafana's ReverseProxy: the path
 * exactly as the director left it (no dot-segment resolution, unlike WHATWG fetch), hop-by-hop
 * headers dropped (httputil.ReverseProxy), and failures mapped by proxyutil's errorHandler
 * (timeout → 504, anything else → 502, both without a body).
 */
import http from 'node:http';
import https from 'node:https';
import { delHeader, HostResponse, OutgoingRequest } from './model';
import { proxyErrorResponse } from './proxyutil';

const HOP_BY_HOP = [
  'Connection',
  'Proxy-Connection',
  'Keep-Alive',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'Te',
  'Trailer',
  'Transfer-Encoding',
  'Upgrade',
];

export type Upstream = (req: OutgoingRequest) => Promise<HostResponse>;

/** A real HTTP(S) round trip. `timeoutMs` stands for Grafana's dataproxy timeout (30 s by default). */
export function httpUpstream(timeoutMs = 30_000): Upstream {
  return (out) =>
    new Promise<HostResponse>((resolve) => {
      if (out.scheme !== 'http' && out.scheme !== 'https') {
        // Go: `unsupported protocol scheme ""` (e.g. the URL template rendered `<no value>`).
        resolve(proxyErrorResponse('failed'));
        return;
      }
      const headers = { ...out.headers };
      for (const h of [...HOP_BY_HOP, 'Host', 'Content-Length']) {
        delHeader(headers, h);
      }
      const [hostname, port] = out.host.startsWith('[')
        ? [out.host.slice(1, out.host.indexOf(']')), out.host.split(']:')[1]]
        : out.host.split(':');
      const lib = out.scheme === 'https' ? https : http;
      const req = lib.request(
        {
          method: out.method,
          hostname,
          port: port ? Number(port) : undefined,
          path: out.path || '/',
          headers: { ...headers, Host: out.host },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const resHeaders: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) {
                resHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
              }
            }
            for (const h of HOP_BY_HOP) {
              delHeader(resHeaders, h);
            }
            delHeader(resHeaders, 'Content-Length');
            resolve({ status: res.statusCode ?? 502, headers: resHeaders, body: Buffer.concat(chunks) });
          });
          res.on('error', () => resolve(proxyErrorResponse('failed')));
        }
      );
      req.on('timeout', () => {
        req.destroy();
        resolve(proxyErrorResponse('timeout'));
      });
      req.on('error', () => resolve(proxyErrorResponse('failed')));
      if (out.body && out.body.length && out.method !== 'GET' && out.method !== 'HEAD') {
        req.end(out.body);
      } else {
        req.end();
      }
    });
}
