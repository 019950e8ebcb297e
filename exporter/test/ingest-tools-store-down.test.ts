/**
 * The Jira, inspection-finding, LitmusChaos and Chaos Mesh receivers answer 503 when the store is
 * down, so the sender retries (pattern of ingest-store-down.test.ts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../test/support/postgres.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { amNotification, writeConfigFile } from './ingest-fixtures.js';
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
const deliveries: [string, () => unknown][] = [
  [
    'jira',
    () =>
      jiraIssueEvent('jira:issue_created', {
        id: String(Date.now()),
        key: 'OPS-1',
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
        { status: 'firing', labels: { alertname: 'X', app: 'ledger-db' }, startsAt: now(), fingerprint: 'ab12' },
      ]),
  ],
  ['litmus', () => chaosResult({ uid: `u-${Date.now()}`, created: now(), verdict: 'Pass' })],
  ['chaos-mesh', () => chaosMeshEvent({ reason: 'Started', at: now(), uid: `c-${Date.now()}`, name: 'ledger-kill' })],
];

it('answers 200 while PostgreSQL is up and 503 once it is stopped, for each receiver', async () => {
  const send = (source: string, body: unknown) =>
    server.call('POST', `/api/v1/ingest/${source}`, { role: 'ingest', body });
  for (const [source, body] of deliveries) expect((await send(source, body())).status, source).toBe(200);
  await postgres.stop();
  for (const [source, body] of deliveries) {
    const res = await send(source, body());
    expect(res.status, source).toBe(503);
    expect((await res.json()).message).toMatch(/retry/);
  }
});
