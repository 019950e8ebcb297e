/**
 * "Save & test" (DataSource.testDatasource) against Grafana's real answers, reproduced by the host
 * emulation: the data source proxy turns the exporter's 401 into 400 "Authentication to data
 * source failed" (ds_proxy.go modifyResponse), an unreachable URL into a bare 502 and a timeout
 * into a bare 504 (proxyutil errorHandler). The message must still name the real cause.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostResponse, Upstream } from '../../../.config/grafana-host';
import { makeDataSource } from './dataSource';
import { dsHost, installHost } from './grafanaHost';

const URL_ = 'http://ballast-exporter:9464';
const json = (status: number, body: unknown): HostResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: Buffer.from(JSON.stringify(body)),
});
const health = json(200, {
  status: 'ok',
  version: '0.1.0',
  apiVersion: 'v1',
  store: { kind: 'sqlite', migrations: [] },
});

function exporterAnswering(org: HostResponse): Upstream {
  return async (out) => (out.path.startsWith('/api/v1/health') ? health : org);
}

async function saveAndTest(upstream?: Upstream, url = URL_, timeoutMs?: number) {
  const host = dsHost({ exporterUrl: url, token: 'read-token-0123456789', upstream, timeoutMs });
  installHost(host);
  const result = await makeDataSource({ url }).testDatasource();
  return { result, statuses: host.log.map((e) => e.status) };
}

describe('Save & test names the cause behind Grafana’s answer', () => {
  test('a refused token: the exporter 401 arrives as Grafana’s 400, and is named as a refused token', async () => {
    const { result, statuses } = await saveAndTest(
      exporterAnswering(json(401, { error: 'Unauthorized', message: 'unknown token' }))
    );
    expect(statuses).toEqual([200, 400]);
    expect(result).toMatchObject({
      status: 'error',
      message: expect.stringMatching(
        /refused the API token \(401\), which Grafana’s data source proxy reports as 400 “Authentication to data source failed”/
      ),
    });
  });

  test('a token without the read role: the exporter 403 passes through with its message', async () => {
    const { result } = await saveAndTest(
      exporterAnswering(json(403, { error: 'Forbidden', message: 'this needs the read role; the token has none' }))
    );
    expect(result.message).toMatch(/no read role \(403: this needs the read role/);
  });

  test('nothing listening: Grafana’s bare 502 is named as a connection failure', async () => {
    const { result, statuses } = await saveAndTest(undefined, 'http://127.0.0.1:9');
    expect(statuses).toEqual([502]);
    expect(result.message).toMatch(
      /^Cannot reach the exporter at http:\/\/127\.0\.0\.1:9: Grafana's server could not connect/
    );
  });

  test('an exporter that never answers: Grafana’s 504 is named as a timeout', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const { result, statuses } = await saveAndTest(
        undefined,
        `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        300
      );
      expect(statuses).toEqual([504]);
      expect(result.message).toMatch(/no answer in time \(Grafana's proxy timed out: 504\)/);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  test('another server at the URL: its 404 says there is no Ballast API there', async () => {
    const { result } = await saveAndTest(async () => json(404, { message: 'Not Found' }));
    expect(result.message).toMatch(/has no Ballast API \(HTTP 404 Not Found\)/);
  });
});
