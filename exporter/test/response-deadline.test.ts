/**
 * BALLAST_RESPONSE_TIMEOUT_MS: a request stuck on the database (here: behind a lock another
 * PostgreSQL session holds) is answered 503 with Retry-After by the deadline, the handler's late
 * answer is dropped, and the exporter goes on serving. The statement timeout (statement_timeout)
 * ends the stuck statement on the server side.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

const postgres = STORE_TARGETS.find((t) => t.kind === 'postgres');
let server: TestServer;
let databaseUrl: string;

beforeAll(async () => {
  if (!postgres) return;
  const store = await postgres.fresh();
  databaseUrl = store.databaseUrl!;
  server = await startTestServer(store, {
    responseTimeoutMs: 400,
    dbTimeouts: { queryMs: 1_500, connectMs: 1_000, idleInTransactionMs: 5_000 },
  });
});
afterAll(async () => {
  await server?.close();
});

it.runIf(postgres)('a request behind a lock is 503 at the deadline; the late answer is dropped', async () => {
  const blocker = new pg.Client({ connectionString: databaseUrl });
  await blocker.connect();
  try {
    await blocker.query('begin');
    await blocker.query('lock table org in access exclusive mode');
    const t0 = performance.now();
    const res = await server.call('GET', '/api/v1/org', { role: 'read' });
    const ms = performance.now() - t0;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await res.json()).message).toContain('BALLAST_RESPONSE_TIMEOUT_MS');
    expect(ms).toBeGreaterThanOrEqual(390);
    expect(ms).toBeLessThan(1_400);
    // the statement times out on the server meanwhile (statement_timeout); the handler's error
    // comes after the 503 and is dropped without taking the process or the connection down
    await new Promise((r) => setTimeout(r, 1_700));
  } finally {
    await blocker.query('rollback').catch(() => {});
    await blocker.end();
  }
  const again = await server.call('GET', '/api/v1/org', { role: 'read' });
  expect(again.status).toBe(200);
});
