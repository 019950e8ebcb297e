/**
 * The business volume of a report (src/service/reports/business-volume.ts): the number of an
 * instant-query result (scalar, summed vector, anything else refused), and the query itself
 * against a stand-in Prometheus started inside each test (what it is sent, each failure's reason).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { queryVolume, valueOf } from '../src/service/reports/business-volume.js';

describe('valueOf (pure)', () => {
  it('a scalar as is, a vector summed; no data, a non-number and other result types named', () => {
    expect(valueOf('scalar', [1700000000, '12.5'])).toEqual({ value: 12.5, error: null });
    expect(valueOf('scalar', [1700000000, 'NaN'])).toEqual({ value: null, error: 'not a finite number' });
    expect(valueOf('scalar', [1700000000, '+Inf'])).toEqual({ value: null, error: 'not a finite number' });
    expect(valueOf('vector', [{ value: [1, '3'] }, { value: [1, '4.5'] }])).toEqual({ value: 7.5, error: null });
    expect(valueOf('vector', [{ value: [1, '0'] }])).toEqual({ value: 0, error: null });
    expect(valueOf('vector', [])).toEqual({ value: null, error: 'no data' });
    expect(valueOf('vector', [{ value: [1, '2'] }, { value: [1, 'NaN'] }])).toEqual({
      value: null,
      error: 'not a finite number',
    });
    expect(valueOf('matrix', [])).toEqual({ value: null, error: 'the query returns a matrix, not a number' });
    expect(valueOf('string', [1, 'x'])).toEqual({ value: null, error: 'the query returns a string, not a number' });
  });
});

describe('queryVolume against a stand-in Prometheus', () => {
  const servers: ReturnType<typeof createServer>[] = [];
  afterAll(async () => {
    for (const s of servers) await new Promise((resolve) => s.close(resolve));
  });

  /** A server answering each request with `reply`; what it was sent is recorded. */
  async function prometheus(reply: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
    const seen: { method?: string; url?: string; type?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], body });
        reply(req, body, res);
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, seen };
  }
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  it('posts the query and the time in seconds to api/v1/query, under a path prefix too', async () => {
    const prom = await prometheus((_req, _body, res) =>
      json(res, 200, {
        status: 'success',
        data: { resultType: 'vector', result: [{ value: [1, '40'] }, { value: [1, '2'] }] },
      })
    );
    expect(await queryVolume(prom.url, 'sum(orders_total)', 1_772_323_200_500)).toEqual({ value: 42, error: null });
    expect(prom.seen[0]).toEqual({
      method: 'POST',
      url: '/api/v1/query',
      type: 'application/x-www-form-urlencoded',
      body: 'query=sum%28orders_total%29&time=1772323200.5',
    });
    expect(await queryVolume(`${prom.url}/prom/`, 'q', 1000)).toEqual({ value: 42, error: null });
    expect(prom.seen[1]!.url).toBe('/prom/api/v1/query');
    expect(await queryVolume(`${prom.url}/prom`, 'q', 1000)).toEqual({ value: 42, error: null });
    expect(prom.seen[2]!.url).toBe('/prom/api/v1/query');
    expect(prom.seen[2]!.body).toBe('query=q&time=1');
  });

  it('an error answer gives its message (cut to 200 characters); another answer its HTTP status', async () => {
    const long = 'e'.repeat(250);
    let answer: { status: number; body: unknown } = { status: 400, body: { status: 'error', error: 'parse error' } };
    const prom = await prometheus((_req, _body, res) => {
      if (typeof answer.body === 'string') {
        res.writeHead(answer.status);
        res.end(answer.body);
      } else json(res, answer.status, answer.body);
    });
    expect(await queryVolume(prom.url, 'q', 0)).toEqual({ value: null, error: 'Prometheus: parse error' });
    answer = { status: 422, body: { status: 'error', error: long } };
    expect(await queryVolume(prom.url, 'q', 0)).toEqual({ value: null, error: `Prometheus: ${'e'.repeat(200)}` });
    answer = { status: 502, body: 'Bad gateway' };
    expect(await queryVolume(prom.url, 'q', 0)).toEqual({ value: null, error: 'Prometheus HTTP 502' });
    answer = { status: 200, body: { status: 'success' } };
    expect(await queryVolume(prom.url, 'q', 0)).toEqual({ value: null, error: 'Prometheus HTTP 200' });
    answer = { status: 503, body: { status: 'error' } };
    expect(await queryVolume(prom.url, 'q', 0)).toEqual({ value: null, error: 'Prometheus HTTP 503' });
    answer = { status: 200, body: { status: 'success', data: { resultType: 'scalar', result: [0, '7'] } } };
    expect(await queryVolume(prom.url, 'q', 0)).toEqual({ value: 7, error: null });
  });

  it('a Prometheus that is not there is named by the error code', async () => {
    const prom = await prometheus(() => undefined);
    const closed = servers.pop()!;
    await new Promise((resolve) => closed.close(resolve));
    expect(await queryVolume(prom.url, 'q', 0)).toEqual({ value: null, error: 'Prometheus: ECONNREFUSED' });
  });
});
