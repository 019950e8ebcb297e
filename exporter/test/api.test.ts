/** The REST API end to end over HTTP: every endpoint, every error class, auth and idempotence. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../src/domain/records.js';
import { smallOrg } from './helpers/org.js';
import { startTestServer, TOKENS, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

const change = {
  title: 'Deploy checkout 1.2.3',
  system: 'argo-cd',
  service: 'checkout-api',
  kind: 'deploy',
  startedAt: '2026-03-02T09:00:00Z',
  finishedAt: '2026-03-02T09:05:00Z',
  result: 'success',
};

/** One valid record per collection (actions need incident inc-1 first). */
const SAMPLES: Record<(typeof COLLECTIONS)[number], Record<string, unknown>> = {
  incidents: {
    title: 'Checkout errors',
    priority: 'P1',
    service: 'checkout-api',
    startedAt: '2026-03-01T10:00:00Z',
    detectedAt: '2026-03-01T10:02:00Z',
    detectionSource: 'monitoring',
    steps: [{ step: 'response', at: '2026-03-01T10:03:00Z', owner: 'Ann' }],
  },
  alerts: {
    name: 'HighErrorRate',
    severity: 'critical',
    team: 'ledger',
    startsAt: '2026-03-01T10:01:00Z',
    incident: 'inc-1',
  },
  findings: {
    check: 'disk-usage',
    targetType: 'server',
    severity: 'high',
    service: 'ledger-db',
    foundAt: '2026-03-01T06:00:00Z',
    dueAt: '2026-03-03T06:00:00Z',
  },
  changes: change,
  freezes: {
    name: 'Year end',
    reason: 'Peak season',
    scope: { businessLine: 'commerce' },
    startsAt: '2026-12-20T00:00:00Z',
    endsAt: '2027-01-03T00:00:00Z',
  },
  drills: {
    scenario: 'DB failover',
    team: 'ledger',
    startedAt: '2026-03-04T14:00:00Z',
    recoveredAt: '2026-03-04T14:09:00Z',
    score: 85,
  },
  actions: { incident: 'inc-1', title: 'Alert on p99 latency', owner: 'Ken', dueAt: '2026-03-15T00:00:00Z' },
};

describe.each(STORE_TARGETS)('API on $kind', (target) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await target.fresh());
    expect((await server.call('PUT', '/api/v1/org', { body: smallOrg() })).status).toBe(200);
  });
  afterAll(() => server?.close());

  it('serves health without a token', async () => {
    const res = await server.call('GET', '/api/v1/health', { role: null });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', apiVersion: 'v1', store: { kind: target.kind } });
    expect(body.store.migrations.length).toBeGreaterThan(0);
  });

  it('creates, reads, lists and idempotently rewrites every collection', async () => {
    for (const collection of COLLECTIONS) {
      const id = collection === 'incidents' ? 'inc-1' : `${collection}-1`;
      const path = `/api/v1/${collection}/${id}`;
      const created = await server.call('PUT', path, { body: SAMPLES[collection] });
      expect(created.status, `${collection}: ${await created.clone().text()}`).toBe(201);
      const first = await created.json();
      const again = await server.call('PUT', path, { body: SAMPLES[collection] });
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual(first);
      const got = await server.call('GET', path, { role: 'read' });
      expect(await got.json()).toEqual(first);
      const list = await (await server.call('GET', `/api/v1/${collection}`, { role: 'read' })).json();
      expect(list).toMatchObject({ total: 1, limit: 100, offset: 0 });
      expect(list.items[0]).toEqual(first);
    }
  });

  it('returns stored records with their resolved team and business line', async () => {
    const action = await (await server.call('GET', '/api/v1/actions/actions-1', { role: 'read' })).json();
    expect(action).toMatchObject({ incident: 'inc-1', team: 'checkout', businessLine: 'payments' });
    const alert = await (await server.call('GET', '/api/v1/alerts/alerts-1', { role: 'read' })).json();
    expect(alert).toMatchObject({ team: 'ledger', businessLine: 'payments', verdict: null });
  });

  it('appends a step and deletes a freeze', async () => {
    const step = { step: 'war_room', at: '2026-03-01T10:06:00Z', owner: 'Ken', note: 'bridge opened' };
    const added = await server.call('POST', '/api/v1/incidents/inc-1/steps', { role: 'ingest', body: step });
    expect(added.status).toBe(201);
    expect((await added.json()).steps).toHaveLength(2);
    expect((await server.call('POST', '/api/v1/incidents/inc-1/steps', { role: 'ingest', body: step })).status).toBe(
      200
    );
    expect((await server.call('POST', '/api/v1/incidents/nope/steps', { body: step })).status).toBe(404);
    expect((await server.call('DELETE', '/api/v1/freezes/freezes-1')).status).toBe(204);
    expect((await server.call('DELETE', '/api/v1/freezes/freezes-1')).status).toBe(404);
  });

  it('takes batches all or nothing and names the bad record', async () => {
    const records = Array.from({ length: 5 }, (_, i) => ({ ...change, id: `batch-${i}` }));
    records[3] = { ...records[3]!, finishedAt: '2026-03-02T08:00:00Z', kind: 'rocket' };
    const bad = await server.call('POST', '/api/v1/changes/batch', { role: 'ingest', body: { records } });
    expect(bad.status).toBe(400);
    const error = await bad.json();
    expect(error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['records[3].kind']);
    expect((await (await server.call('GET', '/api/v1/changes?limit=1', { role: 'read' })).json()).total).toBe(1);
    records[3] = { ...change, id: 'batch-3' };
    const ok = await server.call('POST', '/api/v1/changes/batch', { role: 'ingest', body: { records } });
    expect(await ok.json()).toEqual({ created: 5, updated: 0, unchanged: 0 });
    const retry = await server.call('POST', '/api/v1/changes/batch', { role: 'ingest', body: { records } });
    expect(await retry.json()).toEqual({ created: 0, updated: 0, unchanged: 5 });
  });

  it('answers 400 naming every bad field and why, writing nothing', async () => {
    const res = await server.call('PUT', '/api/v1/incidents/inc-bad', {
      body: {
        ...SAMPLES.incidents,
        team: 'nope',
        service: undefined,
        detectionSource: 'psychic',
        startedAt: 'yesterday',
        bogus: 1,
      },
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    const byPath = Object.fromEntries(body.issues.map((i: { path: string; message: string }) => [i.path, i.message]));
    expect(Object.keys(byPath).sort()).toEqual(['bogus', 'detectionSource', 'startedAt']);
    expect(byPath.bogus).toBe('unknown field');
    expect(byPath.startedAt).toContain('ISO 8601');
    const unknownTeam = await server.call('PUT', '/api/v1/incidents/inc-bad', {
      body: { ...SAMPLES.incidents, service: undefined, team: 'nope' },
    });
    expect((await unknownTeam.json()).issues).toEqual([{ path: 'team', message: 'unknown team "nope"' }]);
    const backwards = await server.call('PUT', '/api/v1/changes/c-bad', {
      body: { ...change, finishedAt: '2026-03-01T00:00:00Z' },
    });
    expect((await backwards.json()).issues).toEqual([{ path: 'finishedAt', message: 'must not be before startedAt' }]);
    expect((await server.call('GET', '/api/v1/incidents/inc-bad', { role: 'read' })).status).toBe(404);
    expect((await server.call('GET', '/api/v1/alerts?limit=5000', { role: 'read' })).status).toBe(400);
    expect((await server.call('GET', '/api/v1/alerts?from=someday', { role: 'read' })).status).toBe(400);
    expect((await server.call('PUT', '/api/v1/alerts/bad%20id', { body: SAMPLES.alerts })).status).toBe(400);
    expect(
      (
        await server.call('PUT', '/api/v1/org', {
          body: { ...smallOrg(), teams: [{ id: 'x', name: 'X', businessLine: 'nope', manager: 'M' }] },
        })
      ).status
    ).toBe(400);
  });

  it('refuses a broken JSON body, a non-JSON body and an oversized body', async () => {
    const broken = await server.call('PUT', '/api/v1/alerts/a-1', { body: '{"name":' });
    expect(broken.status).toBe(400);
    const text = await server.call('PUT', '/api/v1/alerts/a-1', {
      body: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    const huge = {
      records: Array.from({ length: 10_001 }, (_, i) => ({ ...change, id: `h-${i}`, title: 'x'.repeat(1200) })),
    };
    const tooBig = await server.call('POST', '/api/v1/changes/batch', { role: 'ingest', body: huge });
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()).message).toContain('BALLAST_BODY_LIMIT');
  });

  it('refuses batches over 10,000 records', async () => {
    const records = Array.from({ length: 10_001 }, (_, i) => ({ id: `n-${i}` }));
    const res = await server.call('POST', '/api/v1/drills/batch', { role: 'ingest', body: { records } });
    expect(res.status).toBe(400);
    expect((await res.json()).issues[0].path).toBe('records');
  });

  it('answers 409 when the org would orphan records', async () => {
    const org = smallOrg();
    org.teams = org.teams.filter((t) => t.id !== 'ledger');
    org.services = org.services.filter((s) => s.team !== 'ledger');
    const res = await server.call('PUT', '/api/v1/org', { body: org });
    expect(res.status).toBe(409);
    expect((await res.json()).issues.length).toBeGreaterThan(0);
  });

  it('enforces tokens and roles', async () => {
    expect((await server.call('GET', '/api/v1/alerts', { role: null })).status).toBe(401);
    const wrong = await server.call('GET', '/api/v1/alerts', {
      role: null,
      headers: { authorization: `Bearer ${TOKENS.read}x` },
    });
    expect(wrong.status).toBe(401);
    expect((await server.call('GET', '/metrics', { role: null })).status).toBe(401);
    expect((await server.call('GET', '/metrics', { role: 'read' })).status).toBe(200);
    expect((await server.call('PUT', '/api/v1/alerts/a-9', { role: 'read', body: SAMPLES.alerts })).status).toBe(403);
    expect((await server.call('PUT', '/api/v1/freezes/f-9', { role: 'ingest', body: SAMPLES.freezes })).status).toBe(
      403
    );
    expect((await server.call('PUT', '/api/v1/org', { role: 'ingest', body: smallOrg() })).status).toBe(403);
    expect((await server.call('PUT', '/api/v1/alerts/a-9', { role: 'ingest', body: SAMPLES.alerts })).status).toBe(201);
    expect((await server.call('GET', '/api/v1/alerts/a-404', { role: 'read' })).status).toBe(404);
    expect((await server.call('GET', '/api/v1/nothing-here', { role: 'read' })).status).toBe(404);
  });

  it('serves an OpenAPI 3 document with a path for every collection', async () => {
    const doc = await (await server.call('GET', '/api/v1/openapi.json', { role: null })).json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const collection of COLLECTIONS) {
      expect(doc.paths[`/api/v1/${collection}/{id}`].put.requestBody).toBeDefined();
      expect(doc.components.schemas).toHaveProperty(collection[0]!.toUpperCase() + collection.slice(1, -1));
    }
    expect(doc.components.schemas.Incident.properties.detectionSource.enum).toContain('monitoring');
  });
});
