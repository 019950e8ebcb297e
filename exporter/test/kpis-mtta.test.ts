/**
 * MTTA (mtta_seconds, mtta_p50_seconds), hand-computed on SQLite and PostgreSQL: acknowledgedAt −
 * detectedAt over the high-priority production incidents started in the window and acknowledged
 * before its end; an acknowledgement stamped before the detection counts 0. Through the KPI
 * service (team, business line, org, an earlier window end) and through /metrics.
 */
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KpiKey } from '../src/domain/kpi-keys.js';
import { openServices, type Services } from '../src/server.js';
import { KpiService } from '../src/service/kpis.js';
import { parseMetrics, type Sample } from './helpers/metrics.js';
import { smallOrg } from './helpers/org.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

const NOW = Date.parse('2026-03-15T12:00:00Z');
const DAY = 86_400_000;
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Each incident starts `daysAgo` before `now`, is detected `detect` minutes later and acknowledged `ack` minutes after its start. */
function incidents(now: number) {
  const incident = (
    id: string,
    service: string,
    daysAgo: number,
    detect: number,
    ack: number | undefined,
    extra: object = {}
  ) => {
    const start = now - daysAgo * DAY;
    return {
      id,
      title: id,
      priority: 'P0',
      service,
      startedAt: iso(start),
      detectedAt: iso(start + detect * MIN),
      ...(ack !== undefined ? { acknowledgedAt: iso(start + ack * MIN) } : {}),
      detectionSource: 'monitoring',
      ...extra,
    };
  };
  return [
    incident('a', 'checkout-api', 2, 1, 3), // 120 s
    incident('b', 'checkout-api', 10, 1, 11, { priority: 'P1' }), // 600 s, outside 7d
    incident('c', 'checkout-api', 3, 5, 3), // acknowledged before detected: 0 s
    incident('d', 'checkout-api', 1, 1, undefined), // never acknowledged: not counted
    incident('e', 'checkout-api', 1, 1, 2, { drill: true }), // a drill: left out
    incident('f', 'checkout-api', 1, 1, 90, { priority: 'P3' }), // not high priority: left out
    incident('g', 'ledger-db', 4, 2, 7), // 300 s
    incident('h', 'catalog-web', 5, 2, undefined), // commerce: none acknowledged
  ];
}

describe.each(STORE_TARGETS)('MTTA on $kind', (target) => {
  let services: Services;
  let kpis: KpiService;
  let now = NOW;

  beforeEach(async () => {
    now = NOW;
    services = await openServices(await target.fresh(), pino({ level: 'silent' }));
    await services.orgs.replace(smallOrg());
    kpis = new KpiService(services.store, services.orgs, { now: () => now });
    await services.records.batch('incidents', { records: incidents(NOW) });
  });
  afterEach(() => services.store.close());

  const value = async (window: '7d' | '30d', kpi: KpiKey, filter: Parameters<KpiService['values']>[1]) => {
    const { values } = await kpis.values(window, filter, [kpi]);
    expect(values).toHaveLength(1);
    return values[0]!;
  };

  it('is the mean and median acknowledgement time per team, business line and org', async () => {
    // checkout: a 120, b 600, c 0 → mean 720 / 3 = 240, median 120.
    expect(await value('30d', 'mtta_seconds', { team: 'checkout' })).toMatchObject({
      value: 240,
      numerator: 720,
      denominator: 3,
    });
    expect(await value('30d', 'mtta_p50_seconds', { team: 'checkout' })).toMatchObject({ value: 120, denominator: 3 });
    expect(await value('30d', 'mtta_seconds', { team: 'ledger' })).toMatchObject({ value: 300, denominator: 1 });
    // payments = checkout + ledger: (720 + 300) / 4 = 255; median of 0, 120, 300, 600 = 210.
    expect(await value('30d', 'mtta_seconds', { level: 'business_line', businessLine: 'payments' })).toMatchObject({
      value: 255,
      denominator: 4,
    });
    expect(await value('30d', 'mtta_p50_seconds', { level: 'business_line', businessLine: 'payments' })).toMatchObject({
      value: 210,
    });
    expect(await value('30d', 'mtta_seconds', { level: 'org' })).toMatchObject({ value: 255, denominator: 4 });
    // commerce: one incident, never acknowledged: no value (not 0).
    expect(await value('30d', 'mtta_seconds', { team: 'catalog' })).toMatchObject({ value: null, denominator: 0 });
    // 7d holds a and c only: (120 + 0) / 2.
    expect(await value('7d', 'mtta_seconds', { team: 'checkout' })).toMatchObject({ value: 60, denominator: 2 });
  });

  it('counts an acknowledgement only when it came before the window end', async () => {
    const bStart = NOW - 10 * DAY;
    now = bStart + 6 * MIN; // b started, acknowledged only at +11 min
    expect(await value('30d', 'mtta_seconds', { team: 'checkout' })).toMatchObject({ value: null, denominator: 0 });
    now = bStart + 20 * MIN;
    kpis = new KpiService(services.store, services.orgs, { now: () => now });
    expect(await value('30d', 'mtta_seconds', { team: 'checkout' })).toMatchObject({ value: 600, denominator: 1 });
  });

  it('is in the KPI definitions and the scorecard', async () => {
    const card = await kpis.scorecard('30d');
    expect(card.kpis.map((k) => k.key)).toEqual(expect.arrayContaining(['mtta_seconds', 'mtta_p50_seconds']));
    const checkout = card.scopes.find((s) => s.level === 'team' && s.id === 'checkout')!;
    expect(checkout.cells.mtta_seconds).toMatchObject({ value: 240 });
  });
});

describe.each(STORE_TARGETS)('MTTA in /metrics on $kind', (target) => {
  let server: TestServer;
  let written = 0;

  beforeAll(async () => {
    server = await startTestServer(await target.fresh(), { refreshIntervalMs: 100 });
    const put = async (path: string, body: unknown, method = 'POST') => {
      const res = await server.call(method, path, { body });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
    };
    await put('/api/v1/org', smallOrg(), 'PUT');
    await put('/api/v1/incidents/batch', { records: incidents(Date.now()) });
    written = Date.now();
  });
  afterAll(() => server?.close());

  it('exports the KPI with its numerator and denominator families', async () => {
    let samples: Sample[] = [];
    for (let i = 0; i < 100; i++) {
      samples = parseMetrics(await (await server.call('GET', '/metrics', { role: 'read' })).text()).samples;
      const computedAt = samples.find((s) => s.name === 'ballast_kpi_snapshot_timestamp_seconds')?.value ?? 0;
      if (computedAt * 1000 > written) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const value = (name: string, labels: Record<string, string>) =>
      samples.find(
        (s) =>
          s.name === name &&
          Object.keys(labels).length === Object.keys(s.labels).length &&
          Object.entries(labels).every(([k, v]) => s.labels[k] === v)
      )?.value;
    const checkout = { window: '30d', business_line: 'payments', team: 'checkout' };
    expect(value('stability_mtta_seconds', checkout)).toBe(240);
    expect(value('stability_mtta_p50_seconds', checkout)).toBe(120);
    expect(value('stability_high_priority_incidents_acknowledged', checkout)).toBe(3);
    expect(value('stability_high_priority_incidents_acknowledgement_seconds', checkout)).toBe(720);
    expect(value('stability_mtta_seconds', { window: '30d' })).toBe(255);
    // No acknowledged incident: no series, while the denominator family says 0.
    const catalog = { window: '30d', business_line: 'commerce', team: 'catalog' };
    expect(value('stability_mtta_seconds', catalog)).toBeUndefined();
    expect(value('stability_high_priority_incidents_acknowledged', catalog)).toBe(0);
  });
});
