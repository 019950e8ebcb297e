/** The shared API client core: query strings, paging, and the exporter's errors as messages. */
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  BallastApi,
  grafanaTransport,
  HttpFailure,
  queryString,
  type GrafanaFetchError,
  type GrafanaFetchOptions,
} from '../src/index.js';

describe('queryString', () => {
  it('keeps set parameters only', () => {
    expect(queryString({ a: 1, b: '', c: undefined, d: null, e: false, f: 'x y' })).toBe('?a=1&e=false&f=x+y');
    expect(queryString({})).toBe('');
  });
});

describe('BallastApi', () => {
  it('follows pages up to max, asking for no more than is left', async () => {
    const asked: string[] = [];
    const api = new BallastApi('/base', async ({ url }) => {
      asked.push(url);
      const offset = Number(new URL(url, 'http://x').searchParams.get('offset'));
      const limit = Number(new URL(url, 'http://x').searchParams.get('limit'));
      const total = 2500;
      const n = Math.max(0, Math.min(limit, total - offset));
      return { items: Array.from({ length: n }, (_, i) => offset + i), total, limit, offset };
    });
    const all = await api.list<number>('/api/v1/alerts', { team: 'a' }, 10_000);
    expect(all.items).toHaveLength(2500);
    expect(all.total).toBe(2500);
    expect(asked).toEqual([
      '/base/api/v1/alerts?team=a&limit=1000&offset=0',
      '/base/api/v1/alerts?team=a&limit=1000&offset=1000',
      '/base/api/v1/alerts?team=a&limit=1000&offset=2000',
    ]);
    const some = await api.list<number>('/api/v1/alerts', {}, 1500);
    expect(some.items).toHaveLength(1500);
  });

  it("turns the exporter's error body into one message naming the fields", async () => {
    const api = new BallastApi('', async () => {
      throw new HttpFailure(400, 'Bad Request', {
        error: 'Bad Request',
        message: 'the request has invalid fields',
        issues: [{ path: 'window', message: 'must be one of 7d, 30d' }],
      });
    });
    const err = await api.get('/api/v1/kpis', { window: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 400,
      path: '/api/v1/kpis',
      message: 'the request has invalid fields: window must be one of 7d, 30d',
    });
  });

  it('nothing answering is status 0 with the reason', async () => {
    const api = new BallastApi('', async () => {
      throw new Error('connect ECONNREFUSED');
    });
    await expect(api.get('/x')).rejects.toMatchObject({ status: 0, message: 'connect ECONNREFUSED' });
  });
});

describe('grafanaTransport', () => {
  const isFetchError = (e: unknown): e is GrafanaFetchError =>
    typeof e === 'object' && e !== null && 'status' in e && 'data' in e;

  it("calls backendSrv without Grafana's toasts; JSON bodies only on writes", async () => {
    const calls: GrafanaFetchOptions[] = [];
    const api = new BallastApi(
      '/p',
      grafanaTransport(async (o) => (calls.push(o), { data: { ok: true } }), isFetchError)
    );
    expect(await api.get('/a', { q: 1 })).toEqual({ ok: true });
    await api.put('/b', { x: 1 });
    expect(calls).toEqual([
      { url: '/p/a?q=1', method: 'GET', showErrorAlert: false, showSuccessAlert: false },
      {
        url: '/p/b',
        method: 'PUT',
        data: { x: 1 },
        headers: { 'Content-Type': 'application/json' },
        showErrorAlert: false,
        showSuccessAlert: false,
      },
    ]);
  });

  it('keeps the status and body of a refused call (e.g. the gate’s 423)', async () => {
    const body = { allowed: false, checkId: 'c1' };
    const api = new BallastApi(
      '',
      grafanaTransport(async () => Promise.reject({ status: 423, statusText: 'Locked', data: body }), isFetchError)
    );
    await expect(api.get('/gate')).rejects.toMatchObject({ status: 423, body, message: 'Locked' });
  });
});
