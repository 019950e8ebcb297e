/**
 * Who did what (issue 14 point 3): named tokens, the Grafana user through a Grafana token only, an
 * append-only history per record and the audit list, written in the transaction of the change, on
 * both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTokens } from '../src/api/auth.js';
import { smallOrg } from './helpers/org.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

const GRAFANA = 'grafana-app-token-0123456789';
const PIPELINE = 'ci-pipeline-token-0123456789';
const ADMIN = 'admin-token-0123456789';
const READ = 'read-token-0123456789';
// The old form role:token is named by its role and its rank among that role's entries: ingest-2.
const TOKENS = `admin:ops-admin:${ADMIN},ingest:grafana-app:${GRAFANA},ingest:${PIPELINE},read:${READ}`;

const alert = (over: Record<string, unknown> = {}) => ({
  name: 'HighErrorRate',
  severity: 'critical',
  service: 'checkout-api',
  startsAt: '2026-11-20T10:00:00Z',
  ...over,
});

describe.each(STORE_TARGETS)('history and audit on $kind', (target) => {
  let server: TestServer;
  const as =
    (token: string, headers: Record<string, string> = {}) =>
    (method: string, path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
  const admin = as(ADMIN);
  const grafanaAlice = as(GRAFANA, { 'X-Grafana-User': 'alice', 'X-Ballast-Grafana-Role': 'Editor' });
  const pipeline = as(PIPELINE);
  const history = async (collection: string, id: string) => {
    const res = await as(READ)('GET', `/api/v1/${collection}/${id}/history`);
    expect(res.status).toBe(200);
    return (await res.json()).items as {
      seq: number;
      actor: { token: string; user?: string; name: string };
      action: string;
      changes: { field: string; from: unknown; to: unknown }[];
    }[];
  };

  beforeAll(async () => {
    server = await startTestServer(await target.fresh(), {
      tokens: parseTokens(TOKENS, 'grafana-app'),
    });
    expect((await admin('PUT', '/api/v1/org', smallOrg())).status).toBe(200);
  });
  afterAll(() => server?.close());

  it('names the Grafana user only through a token marked as a Grafana token', async () => {
    expect((await grafanaAlice('PUT', '/api/v1/alerts/a-1', alert())).status).toBe(201);
    // The same header with a token Grafana does not send is not believed: the token's name is recorded.
    const forged = as(PIPELINE, { 'X-Grafana-User': 'mallory' });
    expect((await forged('PUT', '/api/v1/alerts/a-1', alert({ endsAt: '2026-11-20T10:30:00Z' }))).status).toBe(200);
    const entries = await history('alerts', 'a-1');
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['created', { token: 'grafana-app', user: 'alice', name: 'alice' }],
      ['updated', { token: 'ingest-2', name: 'ingest-2' }],
    ]);
    expect(entries[1]!.changes).toEqual([{ field: 'endsAt', from: null, to: '2026-11-20T10:30:00.000Z' }]);
    expect(entries[0]!.seq).toBeLessThan(entries[1]!.seq);
  });

  it('records each changed field from what to what, and nothing for a write that changes nothing', async () => {
    const body = alert({ startsAt: '2026-11-21T08:00:00Z', severity: 'warning' });
    expect((await pipeline('PUT', '/api/v1/alerts/a-2', body)).status).toBe(201);
    expect((await pipeline('PUT', '/api/v1/alerts/a-2', body)).status).toBe(200);
    expect((await pipeline('PUT', '/api/v1/alerts/a-2', { ...body, severity: 'critical' })).status).toBe(200);
    const entries = await history('alerts', 'a-2');
    expect(entries.map((e) => e.action)).toEqual(['created', 'updated']);
    expect(entries[0]!.changes).toContainEqual({ field: 'severity', from: null, to: 'warning' });
    expect(entries[1]!.changes).toEqual([{ field: 'severity', from: 'warning', to: 'critical' }]);
  });

  it('keeps who gave a verdict and when; a later re-send by another sender does not take it over', async () => {
    const body = alert({ startsAt: '2026-11-22T08:00:00Z' });
    expect((await pipeline('PUT', '/api/v1/alerts/a-3', body)).status).toBe(201);
    const before = Date.now();
    const given = await grafanaAlice('PUT', '/api/v1/alerts/a-3', { ...body, verdict: 'noise' });
    expect(given.status).toBe(200);
    const record = await given.json();
    expect(record.verdictBy).toBe('alice');
    expect(Date.parse(record.verdictAt)).toBeGreaterThanOrEqual(before - 1);
    // A client may send back what it read (verdictBy/verdictAt are read-only): accepted and ignored.
    const resent = await pipeline('PUT', '/api/v1/alerts/a-3', {
      ...record,
      id: undefined,
      businessLine: undefined,
      verdictBy: 'mallory',
      endsAt: '2026-11-22T09:00:00Z',
    });
    expect(resent.status).toBe(200);
    expect(await resent.json()).toMatchObject({ verdict: 'noise', verdictBy: 'alice', verdictAt: record.verdictAt });
    const entries = await history('alerts', 'a-3');
    expect(entries[1]).toMatchObject({ actor: { name: 'alice' } });
    expect(entries[1]!.changes.map((c) => c.field)).toEqual(['verdict', 'verdictAt', 'verdictBy']);
  });

  it('writes no entry for a refused batch: the history commits or rolls back with the records', async () => {
    const res = await pipeline('POST', '/api/v1/alerts/batch', {
      records: [
        { id: 'b-ok', ...alert() },
        { id: 'b-bad', ...alert({ service: 'no-such-service' }) },
      ],
    });
    expect(res.status).toBe(400);
    expect(await history('alerts', 'b-ok')).toEqual([]);
    const ok = await pipeline('POST', '/api/v1/alerts/batch', { records: [{ id: 'b-ok', ...alert() }] });
    expect(ok.status).toBe(200);
    expect((await history('alerts', 'b-ok')).map((e) => e.actor.name)).toEqual(['ingest-2']);
  });

  it('records the receiver writes of a webhook under the token that sent it', async () => {
    const res = await pipeline('POST', '/api/v1/ingest/alertmanager', {
      version: '4',
      status: 'firing',
      receiver: 'ballast',
      groupKey: 'g',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'DiskFull', severity: 'critical', service: 'ledger-db' },
          annotations: {},
          startsAt: '2026-11-23T07:00:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          fingerprint: 'abc123',
        },
      ],
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const audit = await (await as(READ)('GET', '/api/v1/audit?collection=alerts&actor=ingest-2')).json();
    const entry = audit.items.find((e: { changes: { field: string; to: unknown }[] }) =>
      e.changes.some((c) => c.field === 'name' && c.to === 'DiskFull')
    );
    expect(entry).toMatchObject({ action: 'created', actor: { token: 'ingest-2' }, collection: 'alerts' });
  });

  it('keeps incident steps in the history, from the PUT and from the steps endpoint', async () => {
    const incident = {
      title: 'Checkout down',
      priority: 'P1',
      service: 'checkout-api',
      startedAt: '2026-11-24T10:00:00Z',
      detectedAt: '2026-11-24T10:05:00Z',
      detectionSource: 'monitoring',
      steps: [{ step: 'response', at: '2026-11-24T10:06:00Z', owner: 'Ken' }],
    };
    expect((await pipeline('PUT', '/api/v1/incidents/inc-1', incident)).status).toBe(201);
    const step = { step: 'judgment', at: '2026-11-24T10:10:00Z', owner: 'Ken' };
    expect((await grafanaAlice('POST', '/api/v1/incidents/inc-1/steps', step)).status).toBe(201);
    expect((await grafanaAlice('POST', '/api/v1/incidents/inc-1/steps', step)).status).toBe(200); // already there
    const entries = await history('incidents', 'inc-1');
    expect(entries.map((e) => [e.action, e.actor.name])).toEqual([
      ['created', 'ingest-2'],
      ['updated', 'alice'],
    ]);
    expect(entries[0]!.changes).toContainEqual({
      field: 'steps',
      from: null,
      to: [{ step: 'response', at: '2026-11-24T10:06:00.000Z', owner: 'Ken' }],
    });
    expect(entries[1]!.changes).toEqual([
      { field: 'steps', from: null, to: { step: 'judgment', at: '2026-11-24T10:10:00.000Z', owner: 'Ken' } },
    ]);
  });

  it('audits an org replace as what changed, summarizing entity lists by id', async () => {
    const org = smallOrg();
    org.goals = [{ year: 2026, kpi: 'mttr_seconds', target: 1200 }];
    org.teams[0]!.manager = 'Kenneth';
    expect((await admin('PUT', '/api/v1/org', org)).status).toBe(200);
    const audit = await (await as(READ)('GET', '/api/v1/audit?collection=org')).json();
    expect(audit.items[0]).toMatchObject({
      collection: 'org',
      id: 'org',
      action: 'replaced',
      actor: { name: 'ops-admin' },
    });
    expect(audit.items[0].changes).toEqual([
      {
        field: 'goals',
        from: [{ year: 2026, kpi: 'mttr_seconds', target: 1800 }],
        to: [{ year: 2026, kpi: 'mttr_seconds', target: 1200 }],
      },
      { field: 'teams', from: null, to: { added: [], removed: [], changed: ['checkout'] } },
    ]);
  });

  it('keeps who asked the freeze gate with its answer', async () => {
    const asked = await (await grafanaAlice('GET', '/api/v1/gate?service=checkout-api')).json();
    const check = await (await as(READ)('GET', `/api/v1/gate/checks/${asked.checkId}`)).json();
    expect(check).toMatchObject({ checkId: asked.checkId, askedBy: 'alice', service: 'checkout-api' });
    const byToken = await (await pipeline('GET', '/api/v1/gate?team=ledger')).json();
    expect(await (await as(READ)('GET', `/api/v1/gate/checks/${byToken.checkId}`)).json()).toMatchObject({
      askedBy: 'ingest-2',
    });
  });

  it('lists the audit newest first, filtered by actor, collection and time; a bad filter is a 400 naming it', async () => {
    const all = await (await as(READ)('GET', '/api/v1/audit?limit=1000')).json();
    expect(all.total).toBe(all.items.length);
    const seqs = all.items.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const alice = await (await as(READ)('GET', '/api/v1/audit?actor=alice')).json();
    expect(alice.total).toBeGreaterThanOrEqual(3);
    expect(alice.items.every((e: { actor: { name: string } }) => e.actor.name === 'alice')).toBe(true);
    const future = await (
      await as(READ)(`GET`, `/api/v1/audit?from=${new Date(Date.now() + 60_000).toISOString()}`)
    ).json();
    expect(future.total).toBe(0);
    const bad = await as(READ)('GET', '/api/v1/audit?collection=squads');
    expect(bad.status).toBe(400);
    expect((await bad.json()).issues[0]).toMatchObject({ path: 'collection' });
    expect((await as(READ)('GET', '/api/v1/audit?from=yesterday')).status).toBe(400);
  });
});
