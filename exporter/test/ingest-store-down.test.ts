/**
 * Every kind of receiver (alerts, changes' siblings: incidents, findings, drills, Jira's incidents)
 * answers 503 when the store is down, so the sender retries, and the exporter process survives
 * PostgreSQL going away.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../test/support/postgres.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { amNotification, writeConfigFile } from './ingest-fixtures.js';
import { pagerDutyEvent } from './ingest-incident-fixtures.js';
import { chaosMeshEvent, chaosResult, jiraIssueEvent, TOOLS_INGESTION } from './ingest-tools-fixtures.js';

let postgres: PostgresServer;
let server: TestServer;

beforeAll(async () => {
  postgres = await startPostgres();
  server = await startTestServer(
    { dataDir: '/nonexistent', databaseUrl: postgres.url },
    { configFile: await writeConfigFile({ ingestion: TOOLS_INGESTION }) }
  );
});
afterAll(async () => {
  await server?.close();
  await postgres?.stop();
});

const now = () => new Date().toISOString();
let n = 0;
/** A fresh delivery per call (a new record each time, so nothing is settled as unchanged). */
const deliveries: [string, () => unknown][] = [
  [
    'alertmanager',
    () =>
      amNotification([
        {
          status: 'firing',
          labels: { alertname: 'X', app: 'checkout-api' },
          startsAt: now(),
          fingerprint: `aa0${++n}`,
        },
      ]),
  ],
  [
    'pagerduty-incidents',
    () => {
      const at = now();
      return pagerDutyEvent({ type: 'incident.triggered', at, createdAt: at, service: 'checkout-api' });
    },
  ],
  [
    'jira',
    () =>
      jiraIssueEvent('jira:issue_created', {
        id: String(++n),
        key: `OPS-${n}`,
        issuetype: 'Incident',
        summary: 'Down',
        created: now(),
        components: ['payments-gateway'],
      }),
  ],
  [
    'alertmanager-findings',
    () =>
      amNotification([
        { status: 'firing', labels: { alertname: 'X', app: 'ledger-db' }, startsAt: now(), fingerprint: `ab0${++n}` },
      ]),
  ],
  ['litmus', () => chaosResult({ uid: `u-${++n}`, created: now(), verdict: 'Pass' })],
  ['chaos-mesh', () => chaosMeshEvent({ reason: 'Started', at: now(), uid: `c-${++n}`, name: 'ledger-kill' })],
];

it('answers 200 while PostgreSQL is up and 503 once it is stopped, for each kind of receiver', async () => {
  const send = (source: string, body: unknown) =>
    server.call('POST', `/api/v1/ingest/${source}`, { role: 'ingest', body });
  for (const [source, body] of deliveries) {
    const res = await send(source, body());
    expect(res.status, `${source}: ${await res.clone().text()}`).toBe(200);
  }
  await postgres.stop();
  for (const [source, body] of deliveries) {
    const res = await send(source, body());
    expect(res.status, source).toBe(503);
    expect((await res.json()).message).toMatch(/retry/);
  }
  const health = await server.call('GET', '/api/v1/health', { role: null });
  expect(health.status).toBe(503);
});
