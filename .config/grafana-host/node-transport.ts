/** GrafanaHost.handle as a backend-srv.ts transport, for Vitest: the signed-in user is asked for per request. */
import { STATUS_CODES } from 'node:http';
import type { Transport } from './backend-srv';
import type { GrafanaHost } from './host';
import type { SignedInUser } from './model';

export function inProcessTransport(host: GrafanaHost, user: () => SignedInUser): Transport {
  return async (req) => {
    const res = await host.handle({
      method: req.method,
      url: req.url,
      headers: { ...req.headers },
      body: req.body,
      user: user(),
      remoteAddr: '127.0.0.1',
    });
    return {
      status: res.status,
      statusText: STATUS_CODES[res.status] ?? '',
      headers: res.headers,
      body: res.body.toString('utf8'),
    };
  };
}
