/**
 * `GET /alerts-by-name` and `GET /changes-by-system` over HTTP on both stores, on hand-made records
 * with hand-computed expected values: the verdict rules of alert_accuracy_ratio (human verdict
 * first, inferred actionable when linked to an incident, inferred noise when resolved sooner than
 * policy.transientAlertMinutes), the change-control rules and freeze violations, range boundaries,
 * owner filters, paging, and the KPI itself agreeing with the per-name sums.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KpiService } from '../src/service/kpis.js';
import { smallOrg } from './helpers/org.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

const FROM = '2026-03-01T00:00:00.000Z';
const TO = '2026-03-02T00:00:00.000Z';
const at = (time: string) => `2026-03-01T${time}:00.000Z`;
const range = `from=${FROM}&to=${TO}`;

const org = () => {
  const o = smallOrg();
  o.policy.transientAlertMinutes = 5;
  o.changeSystems.push({ id: 'legacy', name: 'Legacy tool', integrated: false });
  return o;
};

// HighErrorRate: actionable a1 + inferred a3; noise a2, a11 (verdict beats the incident link) + inferred a4; a5 unreviewed.
// DiskFull: noise a6; a7 resolved after 10 min (not transient): unreviewed. LatencyHigh: a10 at the range start.
const alerts = [
  {
    id: 'a1',
    name: 'HighErrorRate',
    severity: 'critical',
    service: 'checkout-api',
    startsAt: at('01:00'),
    verdict: 'actionable',
  },
  {
    id: 'a2',
    name: 'HighErrorRate',
    severity: 'critical',
    service: 'checkout-api',
    startsAt: at('02:00'),
    verdict: 'noise',
  },
  {
    id: 'a3',
    name: 'HighErrorRate',
    severity: 'critical',
    service: 'checkout-api',
    startsAt: at('03:00'),
    incident: 'inc-1',
  },
  {
    id: 'a4',
    name: 'HighErrorRate',
    severity: 'critical',
    service: 'checkout-api',
    startsAt: at('04:00'),
    endsAt: at('04:03'),
  },
  { id: 'a5', name: 'HighErrorRate', severity: 'critical', service: 'checkout-api', startsAt: at('05:00') },
  {
    id: 'a11',
    name: 'HighErrorRate',
    severity: 'critical',
    service: 'checkout-api',
    startsAt: at('06:00'),
    endsAt: at('06:01'),
    incident: 'inc-1',
    verdict: 'noise',
  },
  { id: 'a6', name: 'DiskFull', severity: 'critical', service: 'ledger-db', startsAt: at('03:00'), verdict: 'noise' },
  {
    id: 'a7',
    name: 'DiskFull',
    severity: 'critical',
    service: 'ledger-db',
    startsAt: at('07:00'),
    endsAt: at('07:10'),
  },
  {
    id: 'a10',
    name: 'LatencyHigh',
    severity: 'critical',
    service: 'catalog-web',
    startsAt: FROM,
    verdict: 'actionable',
  },
  // Not counted: low severity; started at the range's end (exclusive).
  {
    id: 'a8',
    name: 'HighErrorRate',
    severity: 'warning',
    service: 'checkout-api',
    startsAt: at('08:00'),
    verdict: 'actionable',
  },
  {
    id: 'a9',
    name: 'HighErrorRate',
    severity: 'critical',
    service: 'checkout-api',
    startsAt: TO,
    verdict: 'actionable',
  },
];

// Freeze f1 covers team checkout 10:00-12:00 (announced the month before). argo-cd is integrated: its
// changes count as controlled unless inside the freeze (c2); c5's own `controlled: true` is only a claim.
const changes = [
  { id: 'c1', system: 'argo-cd', kind: 'deploy', service: 'checkout-api', startedAt: at('09:00'), result: 'success' },
  { id: 'c2', system: 'argo-cd', kind: 'deploy', service: 'checkout-api', startedAt: at('10:30'), result: 'failed' },
  {
    id: 'c3',
    system: 'manual',
    kind: 'config',
    service: 'checkout-api',
    startedAt: at('11:00'),
    exemption: 'hotfix approved by the CAB',
  },
  {
    id: 'c4',
    system: 'manual',
    kind: 'deploy',
    service: 'checkout-api',
    startedAt: at('11:30'),
    result: 'rolled_back',
  },
  {
    id: 'c5',
    system: 'manual',
    kind: 'deploy',
    service: 'ledger-db',
    startedAt: at('11:00'),
    result: 'success',
    controlled: true,
  },
  { id: 'c7', system: 'legacy', kind: 'other', service: 'catalog-web', startedAt: at('13:00') },
  // Not counted: at the range's end.
  { id: 'c6', system: 'manual', kind: 'deploy', service: 'catalog-web', startedAt: TO, result: 'failed' },
];

describe.each(STORE_TARGETS)('aggregates on $kind', (target) => {
  let server: TestServer;
  const get = async (path: string, role: 'read' | null = 'read') => {
    const res = await server.call('GET', `/api/v1/${path}`, { role });
    return { status: res.status, body: await res.json() };
  };
  // Admin: c3's exemption takes a token that may grant one.
  const batch = async (collection: string, records: object[], role: 'ingest' | 'admin' = 'ingest') => {
    const res = await server.call('POST', `/api/v1/${collection}/batch`, { role, body: { records } });
    expect(res.status, await res.clone().text()).toBe(200);
  };

  beforeAll(async () => {
    server = await startTestServer(await target.fresh());
    expect((await server.call('PUT', '/api/v1/org', { body: org() })).status).toBe(200);
    await batch('alerts', alerts);
    const freeze = {
      name: 'Checkout launch',
      reason: 'Launch day',
      scope: { team: 'checkout' },
      startsAt: at('10:00'),
      endsAt: at('12:00'),
      announcedAt: '2026-02-01T00:00:00Z',
    };
    expect((await server.call('PUT', '/api/v1/freezes/f1', { body: freeze })).status).toBe(201);
    await batch('changes', changes, 'admin');
    // The org stops listing "legacy": its change stays, shown with integrated null.
    expect(
      (await server.call('PUT', '/api/v1/org', { body: { ...org(), changeSystems: smallOrg().changeSystems } })).status
    ).toBe(200);
  });
  afterAll(() => server?.close());

  describe('alerts by name', () => {
    const highErrorRate = {
      name: 'HighErrorRate',
      alerts: 6,
      actionable: 2,
      inferredActionable: 1,
      noise: 3,
      inferredNoise: 1,
      unreviewed: 1,
      accuracy: 2 / 5,
    };
    const diskFull = {
      name: 'DiskFull',
      alerts: 2,
      actionable: 0,
      inferredActionable: 0,
      noise: 1,
      inferredNoise: 0,
      unreviewed: 1,
      accuracy: 0,
    };
    const latencyHigh = {
      name: 'LatencyHigh',
      alerts: 1,
      actionable: 1,
      inferredActionable: 0,
      noise: 0,
      inferredNoise: 0,
      unreviewed: 0,
      accuracy: 1,
    };

    it('counts high-severity alerts in [from, to) by the KPI verdict rules, most fired first', async () => {
      const { status, body } = await get(`alerts-by-name?${range}`);
      expect(status).toBe(200);
      expect(body).toEqual({
        from: FROM,
        to: TO,
        items: [highErrorRate, diskFull, latencyHigh],
        total: 3,
        limit: 100,
        offset: 0,
      });
    });

    it('sorts by noise, pages, and narrows to owners', async () => {
      expect((await get(`alerts-by-name?${range}&sort=noise`)).body.items.map((i: { name: string }) => i.name)).toEqual(
        ['HighErrorRate', 'DiskFull', 'LatencyHigh']
      );
      expect((await get(`alerts-by-name?${range}&limit=1&offset=1`)).body).toMatchObject({
        items: [diskFull],
        total: 3,
        limit: 1,
        offset: 1,
      });
      expect((await get(`alerts-by-name?${range}&team=checkout`)).body).toMatchObject({
        items: [highErrorRate],
        total: 1,
      });
      expect((await get(`alerts-by-name?${range}&service=ledger-db,catalog-web`)).body.items).toEqual([
        diskFull,
        latencyHigh,
      ]);
      expect((await get(`alerts-by-name?${range}&businessLine=commerce`)).body.items).toEqual([latencyHigh]);
    });

    it('adds up to alert_accuracy_ratio of the same range', async () => {
      const kpis = new KpiService(server.services.store, server.services.orgs);
      const index = await server.services.orgs.index();
      const window = await kpis.computeWindow(
        { window: '30d', from: Date.parse(FROM), to: Date.parse(TO), days: 1, year: 2026 },
        index
      );
      const orgValue = window.scopes.find((s) => s.level === 'org')!.values.alert_accuracy_ratio;
      const { items } = (await get(`alerts-by-name?${range}`)).body as { items: (typeof highErrorRate)[] };
      const sum = (f: 'actionable' | 'noise') => items.reduce((n, i) => n + i[f], 0);
      expect(orgValue).toMatchObject({
        numerator: sum('actionable'),
        denominator: sum('actionable') + sum('noise'),
        value: 3 / 7,
      });
    });

    it('refuses a missing range, a bad sort, an unknown team and a bad page with 400 naming each', async () => {
      const missing = await get('alerts-by-name');
      expect(missing.status).toBe(400);
      expect(missing.body.issues.map((i: { path: string }) => i.path)).toEqual(['from', 'to']);
      const bad = await get(`alerts-by-name?${range}&sort=loudest&limit=0`);
      expect(bad.status).toBe(400);
      expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['limit', 'sort']);
      const unknown = await get(`alerts-by-name?${range}&team=nope`);
      expect(unknown).toMatchObject({
        status: 400,
        body: { issues: [{ path: 'team', message: 'unknown team "nope"' }] },
      });
      expect((await get(`alerts-by-name?from=${TO}&to=${FROM}`)).body.issues[0]).toMatchObject({ path: 'from' });
      expect((await get(`alerts-by-name?${range}`, null)).status).toBe(401);
    });
  });

  describe('changes by system', () => {
    const argo = {
      system: 'argo-cd',
      name: 'Argo CD',
      integrated: true,
      changes: 2,
      controlled: 1,
      coverage: 0.5,
      withResult: 2,
      failed: 1,
      failureRatio: 0.5,
      freezeViolations: 1,
    };
    const manual = {
      system: 'manual',
      name: 'Manual console',
      integrated: false,
      changes: 3,
      controlled: 0,
      coverage: 0,
      withResult: 2,
      failed: 1,
      failureRatio: 0.5,
      freezeViolations: 1,
    };
    const legacy = {
      system: 'legacy',
      name: 'legacy',
      integrated: null,
      changes: 1,
      controlled: 0,
      coverage: 0,
      withResult: 0,
      failed: 0,
      failureRatio: null,
      freezeViolations: 0,
    };

    it('gives coverage, failures and freeze violations per system of the org, then systems it no longer lists', async () => {
      const { status, body } = await get(`changes-by-system?${range}`);
      expect(status).toBe(200);
      expect(body).toEqual({
        from: FROM,
        to: TO,
        integration: { integrated: 1, total: 2, ratio: 0.5 },
        items: [argo, manual, legacy],
      });
    });

    it('lists every system with zeros for a scope without its changes', async () => {
      const { body } = await get(`changes-by-system?${range}&team=ledger`);
      expect(body.items).toEqual([
        {
          ...argo,
          changes: 0,
          controlled: 0,
          coverage: null,
          withResult: 0,
          failed: 0,
          failureRatio: null,
          freezeViolations: 0,
        },
        {
          ...manual,
          changes: 1,
          controlled: 0,
          coverage: 0,
          withResult: 1,
          failed: 0,
          failureRatio: 0,
          freezeViolations: 0,
        },
      ]);
    });

    it('agrees with freeze_violations and change_control_coverage_ratio of the same range', async () => {
      const kpis = new KpiService(server.services.store, server.services.orgs);
      const window = await kpis.computeWindow(
        { window: '30d', from: Date.parse(FROM), to: Date.parse(TO), days: 1, year: 2026 },
        await server.services.orgs.index()
      );
      const values = window.scopes.find((s) => s.level === 'org')!.values;
      expect(values.freeze_violations.value).toBe(
        argo.freezeViolations + manual.freezeViolations + legacy.freezeViolations
      );
      expect(values.change_control_coverage_ratio).toMatchObject({ numerator: 1, denominator: 6 });
    });

    it('refuses a missing range and an unknown service with 400', async () => {
      expect((await get('changes-by-system?from=2026-03-01T00:00:00Z')).body.issues).toEqual([
        { path: 'to', message: 'is required' },
      ]);
      expect((await get(`changes-by-system?${range}&service=nope`)).body.issues).toEqual([
        { path: 'service', message: 'unknown service "nope"' },
      ]);
    });
  });

  it('documents both endpoints in the OpenAPI document', async () => {
    const { body } = await get('openapi.json', null);
    expect(body.paths['/api/v1/alerts-by-name'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['from', 'to', 'team', 'sort', 'limit'])
    );
    expect(body.paths['/api/v1/changes-by-system'].get.responses['200']).toBeDefined();
  });
});
