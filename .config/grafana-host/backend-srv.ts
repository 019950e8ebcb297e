/**
 * Grafana's FRONTEND side of a request, for getBackendSrv().fetch() in tests and harness pages:
 * public/app/core/services/backend_srv.ts and public/app/core/utils/fetch.ts, reduced to what
 * changes what a plugin sees:
 *   - parseUrlFromOptions (params serialised), parseHeaders (Accept default; Content-Type
 *     application/json for POST/PUT/PATCH), parseBody (JSON.stringify of data);
 *   - parseRequestOptions: on Grafana's own URLs an `Authorization` header is moved to `X-DS-Authorization`;
 *   - parseResponseBody: the text, JSON.parse'd when it parses (so a plain-text answer stays a string);
 *   - a non-2xx answer throws FetchError {status, statusText, data, config};
 *   - handleStreamError: a 401 on a Grafana URL is retried once (after the session check);
 *   - processRequestError: data defaults to {message: 'Unexpected error'}; a string body becomes
 *     {message: body, error: statusText, response: body}; `error` copied to `message` if needed.
 * Browser-safe (no Node imports): the transport is window.fetch in a harness page, or
 * GrafanaHost.handle in-process (node-transport.ts).
 */
import { Observable } from 'rxjs';

export interface WireRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface WireResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
}

export type Transport = (req: WireRequest) => Promise<WireResponse>;

export interface FetchOptions {
  url: string;
  method?: string;
  params?: Record<string, unknown>;
  data?: unknown;
  headers?: Record<string, string>;
  [key: string]: unknown;
}

/** isLocalUrl (public/app/core/utils/query.ts): a URL of Grafana's own origin. */
function isLocalUrl(url: string): boolean {
  return !/^https?:\/\//i.test(url) || url.startsWith(globalThis.location?.origin ?? '\u0000');
}

function serializeParams(params: Record<string, unknown>): string {
  return Object.keys(params)
    .filter((k) => {
      const v = params[k] as { length?: number } | undefined;
      return v !== undefined && !(v && v.length === 0);
    })
    .map((k) => {
      const v = params[k];
      return Array.isArray(v)
        ? v.map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(String(x))}`).join('&')
        : `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`;
    })
    .join('&');
}

function toWire(options: FetchOptions): WireRequest {
  const method = (options.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.headers ?? {})) {
    headers[k.toLowerCase()] = v;
  }
  if (isLocalUrl(options.url) && headers.authorization) {
    headers['x-ds-authorization'] = headers.authorization;
    delete headers.authorization;
  }
  if (['POST', 'PUT', 'PATCH'].includes(method) && !headers['content-type']) {
    headers['content-type'] = 'application/json';
  }
  if (!headers.accept) {
    headers.accept = 'application/json, text/plain, */*';
  }
  const qs = options.params ? serializeParams(options.params) : '';
  const url = qs ? `${options.url}?${qs}` : options.url;
  const isJson = headers['content-type']?.toLowerCase() === 'application/json';
  const body =
    options.data === undefined || options.data === null || options.data === ''
      ? undefined
      : typeof options.data === 'string'
        ? options.data
        : isJson
          ? JSON.stringify(options.data)
          : new URLSearchParams(options.data as Record<string, string>).toString();
  return { method, url, headers, body };
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface RecordedFetch {
  method: string;
  url: string;
  status: number;
}

/** A BackendSrv whose fetch() behaves like Grafana's; every request is recorded in `requests`. */
export function createBackendSrv(transport: Transport): {
  fetch: (options: FetchOptions) => Observable<unknown>;
  requests: RecordedFetch[];
} {
  const requests: RecordedFetch[] = [];
  const fetch = (options: FetchOptions) =>
    new Observable((subscriber) => {
      const wire = toWire(options);
      const attempt = (retried: boolean): void => {
        transport(wire)
          .then((res) => {
            requests.push({ method: wire.method, url: wire.url, status: res.status });
            const data = parseBody(res.body);
            if (res.status >= 200 && res.status < 300) {
              subscriber.next({
                data,
                status: res.status,
                statusText: res.statusText,
                ok: true,
                headers: res.headers,
                url: wire.url,
                redirected: false,
                type: 'basic',
                config: options,
              });
              subscriber.complete();
              return;
            }
            if (res.status === 401 && isLocalUrl(wire.url) && !retried) {
              attempt(true);
              return;
            }
            subscriber.error(
              processRequestError({ status: res.status, statusText: res.statusText, data, config: options })
            );
          })
          .catch((e: Error) => {
            requests.push({ method: wire.method, url: wire.url, status: 0 });
            // fromFetch rejects with a TypeError: no status, and processRequestError supplies data.
            subscriber.error(processRequestError({ message: e.message, config: options } as unknown as FetchErrorLike));
          });
      };
      attempt(false);
    });
  return { fetch, requests };
}

interface FetchErrorLike {
  status?: number;
  statusText?: string;
  data?: unknown;
  config: FetchOptions;
}

/** processRequestError. */
export function processRequestError(err: FetchErrorLike): FetchErrorLike {
  err.data = err.data ?? { message: 'Unexpected error' };
  if (typeof err.data === 'string') {
    err.data = { message: err.data, error: err.statusText, response: err.data };
  }
  const data = err.data as { message?: string; error?: unknown };
  if (data && !data.message && typeof data.error === 'string') {
    data.message = data.error;
  }
  return err;
}
