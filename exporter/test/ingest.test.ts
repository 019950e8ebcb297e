/**
 * The ingestion receivers over real HTTP on both stores: payloads shaped like each tool's documented
 * examples, idempotence under re-sends and duplicates (asserted on the KPI values), unassigned
 * alerts, 400/401/413 refusals that write nothing, and the /metrics counters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GateService } from '../src/service/gate.js';
import { KpiService } from '../src/service/kpis.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';
import {
  amNotification,
  cdEventDeployed,
  CLOUDEVENTS_SPEC_EXAMPLE,
  GITHUB_SECRET,
  githubDeploymentStatus,
  githubHeaders,
  PAGERDUTY_EXAMPLE,
  writeConfigFile,
} from './ingest-fixtures.js';

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();

describe.each(STORE_TARGETS)('ingestion on $kind', (target) => {
  let server: TestServer;
  let kpis: KpiService;
  const post = (source: string, body: unknown, headers: Record<string, string> = {}) =>
    server.call('POST', `/api/v1/ingest/${source}`, { role: 'ingest', body, headers });
  const list = async (collection: string, query = '') =>
    (await server.call('GET', `/api/v1/${collection}?limit=1000${query}`, { role: 'read' })).json();
  const orgKpi = async (kpi: string) => {
    const { values } = await kpis.values('30d', { level: 'org' });
    return values.find((v: { kpi: string }) => v.kpi === kpi)!;
  };
  const metric = async (name: string, source: string) => {
    const text = await (await server.call('GET', '/metrics', { role: 'read' })).text();
    const line = text.split('\n').find((l) => l.startsWith(`ballast_ingest_${name}_total{source="${source}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  beforeAll(async () => {
    server = await startTestServer(await target.fresh(), {
      configFile: await writeConfigFile(),
      webhookSecrets: { github: GITHUB_SECRET },
    });
    kpis = new KpiService(server.services.store, server.services.orgs);
  });
  afterAll(() => server?.close());

  describe('Alertmanager', () => {
    const start = ago(3);
    const checkout = { alertname: 'HighErrorRate', severity: 'critical', app: 'checkout-api', instance: 'a:9090' };
    const stray = { alertname: 'DiskFull', severity: 'critical', host: 'db-7' };
    const firing = amNotification([
      { status: 'firing', labels: checkout, startsAt: start, fingerprint: 'c6b9a1e2f3d4a5b6' },
      { status: 'firing', labels: stray, startsAt: start, fingerprint: '0a1b2c3d4e5f6071' },
    ]);

    it('turns each alert into one record, keyed by fingerprint and startsAt, owned via the configured label', async () => {
      const before = await orgKpi('high_priority_alerts_per_day');
      const res = await post('alertmanager', firing);
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await res.json()).toMatchObject({ received: 2, created: 2, updated: 0, deduplicated: 0, unassigned: 1 });
      const id = `am-c6b9a1e2f3d4a5b6-${Date.parse(start)}`;
      const record = await (await server.call('GET', `/api/v1/alerts/${id}`, { role: 'read' })).json();
      expect(record).toMatchObject({
        name: 'HighErrorRate',
        severity: 'critical',
        service: 'checkout-api',
        team: 'checkout',
        businessLine: 'payments',
        verdict: null,
      });
      expect(record.endsAt).toBeUndefined();
      const after = await orgKpi('high_priority_alerts_per_day');
      expect((after.numerator ?? 0) - (before?.numerator ?? 0)).toBe(2);
    });

    it('keeps alerts that match no service or team under the unassigned team, counted at org level', async () => {
      const { items } = await list('alerts', '&team=unassigned');
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ name: 'DiskFull', team: 'unassigned' });
      expect(items[0].businessLine).toBeUndefined();
      expect(await metric('unassigned', 'alertmanager')).toBe(1);
      // The org can still be replaced (unassigned alerts orphan nothing), but not claim the reserved id.
      const { revision: _r, ...org } = await (await server.call('GET', '/api/v1/org')).json();
      expect((await server.call('PUT', '/api/v1/org', { body: org })).status).toBe(200);
      const reserved = await server.call('PUT', '/api/v1/org', {
        body: {
          ...org,
          teams: [...org.teams, { id: 'unassigned', name: 'U', businessLine: 'payments', manager: 'M' }],
        },
      });
      expect(reserved.status).toBe(400);
      // Only alerts may be unassigned.
      const incident = {
        title: 'X',
        priority: 'P1',
        team: 'unassigned',
        startedAt: ago(1),
        detectedAt: ago(1),
        detectionSource: 'user',
      };
      expect((await server.call('PUT', '/api/v1/incidents/unowned', { body: incident })).status).toBe(400);
    });

    it('changes nothing when the same notification is re-sent, also with a repeat inside one body', async () => {
      const stored = await list('alerts');
      const repeat = { ...firing, alerts: [...firing.alerts, firing.alerts[0]!] };
      const res = await post('alertmanager', repeat);
      expect(await res.json()).toMatchObject({ received: 3, created: 0, updated: 0, deduplicated: 3 });
      expect(await list('alerts')).toEqual(stored);
      expect((await orgKpi('high_priority_alerts_per_day')).numerator).toBe(2);
      expect(await metric('deduplicated', 'alertmanager')).toBe(3);
    });

    it('sets endsAt on the same record when resolved, and a stale firing re-send does not reopen it', async () => {
      const id = `am-c6b9a1e2f3d4a5b6-${Date.parse(start)}`;
      // A person triaged the alert meanwhile: ingestion must keep the verdict.
      const triaged = await (await server.call('GET', `/api/v1/alerts/${id}`, { role: 'read' })).json();
      const { id: _id, updatedAt: _u, businessLine: _b, ...input } = triaged;
      expect(
        (
          await server.call('PUT', `/api/v1/alerts/${id}`, {
            role: 'ingest',
            body: { ...input, verdict: 'actionable' },
          })
        ).status
      ).toBe(200);

      const end = ago(1);
      const resolved = amNotification([
        { status: 'resolved', labels: checkout, startsAt: start, endsAt: end, fingerprint: 'c6b9a1e2f3d4a5b6' },
      ]);
      expect(await (await post('alertmanager', resolved)).json()).toMatchObject({ updated: 1, created: 0 });
      expect(await (await post('alertmanager', firing)).json()).toMatchObject({
        updated: 0,
        created: 0,
        deduplicated: 2,
      });
      const record = await (await server.call('GET', `/api/v1/alerts/${id}`, { role: 'read' })).json();
      expect(record).toMatchObject({ endsAt: new Date(Date.parse(end)).toISOString(), verdict: 'actionable' });
      expect((await list('alerts')).total).toBe(2);
      expect((await orgKpi('high_priority_alerts_per_day')).numerator).toBe(2);
    });

    it('keeps an owner given by hand to an unassigned alert when it is notified again', async () => {
      const id = `am-0a1b2c3d4e5f6071-${Date.parse(start)}`;
      const {
        id: _id,
        updatedAt: _u,
        businessLine: _b,
        team: _t,
        ...input
      } = await (await server.call('GET', `/api/v1/alerts/${id}`, { role: 'read' })).json();
      expect(
        (await server.call('PUT', `/api/v1/alerts/${id}`, { role: 'ingest', body: { ...input, service: 'ledger-db' } }))
          .status
      ).toBe(200);
      expect(await (await post('alertmanager', firing)).json()).toMatchObject({ deduplicated: 2, updated: 0 });
      expect(await (await server.call('GET', `/api/v1/alerts/${id}`, { role: 'read' })).json()).toMatchObject({
        service: 'ledger-db',
        team: 'ledger',
      });
    });

    it('refuses a malformed notification with 400 naming the field, and writes nothing', async () => {
      const before = await list('alerts');
      const bad = amNotification([{ status: 'firing', labels: checkout, startsAt: ago(1), fingerprint: 'not hex!' }]);
      const res = await post('alertmanager', bad);
      expect(res.status).toBe(400);
      expect((await res.json()).issues).toEqual([expect.objectContaining({ path: 'alerts[0].fingerprint' })]);
      const old = await post('alertmanager', { ...firing, version: '3' });
      expect((await old.json()).issues[0].path).toBe('version');
      const notJson = await server.call('POST', '/api/v1/ingest/alertmanager', {
        role: 'ingest',
        body: '{"version": "4", ',
        headers: { 'content-type': 'application/json' },
      });
      expect(notJson.status).toBe(400);
      expect(await list('alerts')).toEqual(before);
      // JSON syntax errors are refused by the shared body parser, before any receiver counts them.
      expect(await metric('rejected', 'alertmanager')).toBe(2);
    });

    it('needs the ingest role', async () => {
      const res = await server.call('POST', '/api/v1/ingest/alertmanager', { role: 'read', body: firing });
      expect(res.status).toBe(403);
    });
  });

  describe('GitHub deployment_status', () => {
    const created = ago(5);
    const send = (body: unknown, headers?: Record<string, string>) => {
      const raw = JSON.stringify(body);
      return server.call('POST', '/api/v1/ingest/github', {
        role: null,
        body: raw,
        headers: headers ?? githubHeaders(raw),
      });
    };

    it('verifies X-Hub-Signature-256: a bad signature is 401 and writes nothing', async () => {
      const body = githubDeploymentStatus({ id: 42, state: 'in_progress', createdAt: created, statusAt: created });
      const raw = JSON.stringify(body);
      const forged = await send(body, githubHeaders(raw, 'wrong-secret'));
      expect(forged.status).toBe(401);
      const unsigned = await send(body, { 'x-github-event': 'deployment_status' });
      expect(unsigned.status).toBe(401);
      expect((await unsigned.json()).message).toMatch(/^X-Hub-Signature-256 is missing/);
      // Signed, then changed in flight.
      const tampered = await server.call('POST', '/api/v1/ingest/github', {
        role: null,
        body: raw.replace('checkout-service', 'checkout-servicf'),
        headers: githubHeaders(raw),
      });
      expect(tampered.status).toBe(401);
      expect((await list('changes')).total).toBe(0);
      // The unsigned one is refused before its body is read (api/app.ts), like any request without credentials.
      expect(await metric('rejected', 'github')).toBe(2);
    });

    it('records one change per deployment, finished by its success status, controlled through the cited gate check', async () => {
      // The workflow asked the gate a minute before the deployment started (its evidence).
      const gate = await new GateService(server.services.store, server.services.orgs).check(
        { service: 'checkout-api' },
        Date.parse(created) - 60_000
      );
      const payload = { gateCheck: gate.checkId };
      const running = await send(
        githubDeploymentStatus({ id: 42, state: 'in_progress', createdAt: created, statusAt: created, payload })
      );
      expect(running.status, await running.clone().text()).toBe(200);
      const done = githubDeploymentStatus({ id: 42, state: 'success', createdAt: created, statusAt: ago(4), payload });
      expect(await (await send(done)).json()).toMatchObject({ updated: 1 });
      expect(await (await send(done)).json()).toMatchObject({ deduplicated: 1, updated: 0 });
      // A late "in_progress" re-delivery does not undo the result.
      expect(
        await (
          await send(
            githubDeploymentStatus({ id: 42, state: 'in_progress', createdAt: created, statusAt: created, payload })
          )
        ).json()
      ).toMatchObject({ deduplicated: 1 });
      const change = await (await server.call('GET', '/api/v1/changes/gh-42', { role: 'read' })).json();
      expect(change).toMatchObject({
        system: 'github',
        service: 'checkout-api',
        kind: 'deploy',
        result: 'success',
        gateCheck: gate.checkId,
        controlled: true,
      });
      expect(change.finishedAt).toBeDefined();
      // Not integrated, no gate check: uncontrolled.
      await send(githubDeploymentStatus({ id: 43, state: 'failure', createdAt: ago(2), statusAt: ago(2) }));
      const coverage = await orgKpi('change_control_coverage_ratio');
      expect([coverage.numerator, coverage.denominator]).toEqual([1, 2]);
      const failures = await orgKpi('change_failure_ratio');
      expect([failures.numerator, failures.denominator]).toEqual([1, 2]);
    });

    it('answers a ping and refuses an unmapped repository with 400', async () => {
      const raw = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
      const ping = await server.call('POST', '/api/v1/ingest/github', {
        role: null,
        body: raw,
        headers: { ...githubHeaders(raw), 'x-github-event': 'ping' },
      });
      expect(await ping.json()).toMatchObject({ ignored: 1, created: 0 });
      const res = await send(
        githubDeploymentStatus({
          id: 77,
          state: 'success',
          repo: 'acme/unknown',
          createdAt: created,
          statusAt: created,
        })
      );
      expect(res.status).toBe(400);
      expect((await res.json()).issues[0]).toMatchObject({ path: 'repository.full_name' });
    });
  });

  describe('Argo CD', () => {
    const startedAt = ago(6);
    const notification = (phase: string, finishedAt = '<no value>') => ({
      application: 'ledger-main',
      namespace: 'argocd',
      project: 'default',
      phase,
      startedAt,
      finishedAt,
      revision: 'a10867b14bb761a232cd80139fbd4c0d33264240',
      repoURL: 'https://github.com/acme/ledger.git',
      labels: null,
    });

    it('updates one change per sync operation from running to succeeded', async () => {
      expect(await (await post('argocd', notification('Running'))).json()).toMatchObject({ created: 1 });
      const finished = ago(5.5);
      expect(await (await post('argocd', notification('Succeeded', finished))).json()).toMatchObject({ updated: 1 });
      expect(await (await post('argocd', notification('Succeeded', finished))).json()).toMatchObject({
        deduplicated: 1,
      });
      const id = `argocd-argocd.ledger-main-${Date.parse(startedAt)}`;
      const change = await (await server.call('GET', `/api/v1/changes/${id}`, { role: 'read' })).json();
      expect(change).toMatchObject({ system: 'argo-cd', service: 'ledger-db', result: 'success', controlled: true });
    });

    it('enforces its 64 KiB body limit with 413', async () => {
      const res = await post('argocd', { ...notification('Running'), padding: 'x'.repeat(70 * 1024) });
      expect(res.status).toBe(413);
    });
  });

  describe('PagerDuty Change Events v2', () => {
    it('records the documented example once, however often it is sent', async () => {
      const first = await post('pagerduty', PAGERDUTY_EXAMPLE);
      expect(await first.json()).toMatchObject({ created: 1 });
      expect(await (await post('pagerduty', PAGERDUTY_EXAMPLE)).json()).toMatchObject({ deduplicated: 1, created: 0 });
      const { items } = await list('changes', '&system=pagerduty');
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        title: PAGERDUTY_EXAMPLE.payload.summary,
        service: 'catalog-web',
        result: 'success',
        startedAt: '2020-07-17T08:42:58.315Z',
      });
    });

    it('names a missing summary', async () => {
      const res = await post('pagerduty', { ...PAGERDUTY_EXAMPLE, payload: { source: 'x' } });
      expect(res.status).toBe(400);
      expect((await res.json()).issues[0].path).toBe('payload.summary');
    });
  });

  describe('CloudEvents 1.0', () => {
    it('ignores events that are no change (the spec example) and records change events once', async () => {
      const ignored = await server.call('POST', '/api/v1/ingest/cloudevents', {
        role: 'ingest',
        body: CLOUDEVENTS_SPEC_EXAMPLE,
        headers: { 'content-type': 'application/cloudevents+json' },
      });
      expect(await ignored.json()).toMatchObject({ ignored: 1, created: 0 });
      const event = cdEventDeployed('271069a8-fc18-44f1-b38f-9d70a1695819', ago(1));
      const batch = [event, event, CLOUDEVENTS_SPEC_EXAMPLE];
      const res = await server.call('POST', '/api/v1/ingest/cloudevents', {
        role: 'ingest',
        body: batch,
        headers: { 'content-type': 'application/cloudevents-batch+json' },
      });
      expect(await res.json()).toMatchObject({ received: 3, created: 1, deduplicated: 1, ignored: 1 });
      const { items } = await list('changes', '&system=cloudevents');
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ service: 'ledger-db', result: 'success', kind: 'deploy' });
    });

    it('names the bad attribute of a batch member', async () => {
      const res = await post('cloudevents', [
        cdEventDeployed('e-1', ago(1)),
        { specversion: '0.3', id: 'x', source: 's', type: 't' },
      ]);
      expect(res.status).toBe(400);
      expect((await res.json()).issues[0].path).toBe('[1].specversion');
    });
  });

  it('lists the receivers and the gate in the OpenAPI document', async () => {
    const { paths } = await (await server.call('GET', '/api/v1/openapi.json', { role: null })).json();
    for (const source of ['alertmanager', 'github', 'argocd', 'pagerduty', 'cloudevents'])
      expect(paths[`/api/v1/ingest/${source}`]?.post).toBeDefined();
    expect(paths['/api/v1/gate']?.get).toBeDefined();
  });

  it('counts received items per source in /metrics', async () => {
    expect(await metric('received', 'alertmanager')).toBeGreaterThanOrEqual(10);
    expect(await metric('written', 'github')).toBe(3);
    expect(await metric('written', 'pagerduty')).toBe(1);
  });
});
