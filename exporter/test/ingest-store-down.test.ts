/**
 * A receiver answers 503 when the store is down, so the sender (Alertmanager, GitHub…) retries,
 * and the exporter process survives PostgreSQL going away.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../test/support/postgres.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { amNotification, writeConfigFile } from './ingest-fixtures.js';
import { pagerDutyEvent } from './ingest-incident-fixtures.js';

let postgres: PostgresServer;
let server: TestServer;

beforeAll(async () => {
  postgres = await startPostgres();
  server = await startTestServer(
    { dataDir: '/nonexistent', databaseUrl: postgres.url },
    { configFile: await writeConfigFile() }
  );
});
afterAll(async () => {
  await server?.close();
  await postgres?.stop();
});

const notification = (fingerprint: string) =>
  amNotification([
    {
      status: 'firing',
      labels: { alertname: 'X', app: 'checkout-api' },
      startsAt: new Date().toISOString(),
      fingerprint,
    },
  ]);

it('answers 200 while PostgreSQL is up and 503 once it is stopped', async () => {
  const ok = await server.call('POST', '/api/v1/ingest/alertmanager', { role: 'ingest', body: notification('aa01') });
  expect(ok.status).toBe(200);
  await postgres.stop();
  for (const fingerprint of ['aa02', 'aa03']) {
    const res = await server.call('POST', '/api/v1/ingest/alertmanager', {
      role: 'ingest',
      body: notification(fingerprint),
    });
    expect(res.status).toBe(503);
    expect((await res.json()).message).toMatch(/retry/);
  }
  const health = await server.call('GET', '/api/v1/health', { role: null });
  expect(health.status).toBe(503);
});

it('answers 503 to the incident receivers too while PostgreSQL is down', async () => {
  const at = new Date().toISOString();
  const event = pagerDutyEvent({ type: 'incident.triggered', at, createdAt: at, service: 'checkout-api' });
  const res = await server.call('POST', '/api/v1/ingest/pagerduty-incidents', { role: 'ingest', body: event });
  expect(res.status).toBe(503);
  expect((await res.json()).message).toMatch(/retry/);
});
