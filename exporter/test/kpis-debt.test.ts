/**
 * The debt KPIs (overdue_actions, action_completion_to_date_ratio, overdue_findings), hand-computed
 * on SQLite and PostgreSQL: what fell due before the window end counts however long ago, so the
 * issue's case holds: an action due in January and still open keeps a business line from "met"
 * while its 30-day action_completion_ratio is 100 %. Through the KPI service (values, scorecard,
 * as of an earlier end) and through /metrics.
 */
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KpiKey } from '../src/domain/kpi-keys.js';
import type { Org } from '../src/domain/org.js';
import { openServices, type Services } from '../src/server.js';
import { KpiService } from '../src/service/kpis.js';
import { parseMetrics, type Sample } from './helpers/metrics.js';
import { smallOrg } from './helpers/org.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

const NOW = Date.parse('2026-03-15T12:00:00Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The records of the case, relative to `now` except the January ones. */
function records(now: number) {
  const ago = (days: number) => iso(now - days * DAY);
  const incident = (id: string, service: string) => ({
    id,
    title: id,
    priority: 'P0',
    service,
    startedAt: ago(90),
    detectedAt: ago(90),
    recoveredAt: ago(89),
    detectionSource: 'monitoring',
  });
  const action = (id: string, incident: string, dueAt: string, completedAt?: string) => ({
    id,
    incident,
    title: id,
    owner: 'Ken',
    dueAt,
    ...(completedAt ? { completedAt } : {}),
  });
  const finding = (id: string, service: string, foundAt: string, dueAt?: string, closedAt?: string) => ({
    id,
    check: 'disk',
    targetType: 'server',
    severity: 'high',
    service,
    foundAt,
    ...(dueAt ? { dueAt } : {}),
    ...(closedAt ? { closedAt } : {}),
  });
  return {
    incidents: [incident('pay', 'checkout-api'), incident('com', 'catalog-web')],
    actions: [
      // Payments: the two due in the last 30 days are done (one late), so the windowed ratio is 1 …
      action('in-window-done', 'pay', ago(5), ago(6)),
      action('in-window-late', 'pay', ago(3), ago(2)),
      // … while one due on 10 January is still open, and one of 20 January was done.
      action('january-open', 'pay', '2026-01-10T00:00:00Z'),
      action('january-done', 'pay', '2026-01-20T00:00:00Z', '2026-01-25T00:00:00Z'),
      action('not-due-yet', 'pay', iso(now + 5 * DAY)),
      // Commerce: one overdue.
      action('commerce-open', 'com', ago(2)),
    ],
    findings: [
      finding('old-open', 'checkout-api', '2025-12-01T00:00:00Z', '2025-12-15T00:00:00Z'),
      // Overdue from 5 January until it was closed on 1 March.
      finding('closed-late', 'ledger-db', '2026-01-01T00:00:00Z', '2026-01-05T00:00:00Z', '2026-03-01T00:00:00Z'),
      finding('no-due-date', 'checkout-api', '2025-11-01T00:00:00Z'),
      finding('due-later', 'checkout-api', ago(1), iso(now + 3 * DAY)),
      finding('commerce-open', 'catalog-web', ago(40), ago(35)),
    ],
  };
}

function orgWithGoals(year: number): Org {
  const org = smallOrg();
  return {
    ...org,
    goals: [
      ...org.goals,
      { year, kpi: 'action_completion_ratio', target: 0.9 },
      { year, kpi: 'action_completion_to_date_ratio', target: 0.9 },
      { year, kpi: 'overdue_actions', target: 0, businessLine: 'payments' },
      { year, kpi: 'overdue_findings', target: 0, businessLine: 'payments' },
    ],
  };
}

describe.each(STORE_TARGETS)('debt KPIs on $kind', (target) => {
  let services: Services;
  let kpis: KpiService;
  let now = NOW;

  beforeEach(async () => {
    now = NOW;
    services = await openServices(await target.fresh(), pino({ level: 'silent' }));
    await services.orgs.replace(orgWithGoals(2026));
    kpis = new KpiService(services.store, services.orgs, { now: () => now });
    const r = records(NOW);
    await services.records.batch('incidents', { records: r.incidents });
    await services.records.batch('actions', { records: r.actions });
    await services.records.batch('findings', { records: r.findings });
  });
  afterEach(() => services.store.close());

  const line = async (window: '7d' | '30d' | 'ytd', kpi: KpiKey, businessLine: string) => {
    const { values } = await kpis.values(window, { level: 'business_line', businessLine }, [kpi]);
    expect(values).toHaveLength(1);
    return values[0]!;
  };

  it('counts what is overdue now, however long ago it fell due, the same in every window', async () => {
    for (const window of ['7d', '30d', 'ytd'] as const) {
      // january-open only: the late one was completed, not-due-yet is not due.
      expect(await line(window, 'overdue_actions', 'payments'), window).toMatchObject({ value: 1 });
      // in-window-done, in-window-late, january-done of the four due to date.
      expect(await line(window, 'action_completion_to_date_ratio', 'payments'), window).toMatchObject({
        value: 3 / 4,
        numerator: 3,
        denominator: 4,
      });
      // old-open only: closed-late was closed, no-due-date has none, due-later is not due.
      expect(await line(window, 'overdue_findings', 'payments'), window).toMatchObject({ value: 1 });
      expect(await line(window, 'overdue_findings', 'commerce'), window).toMatchObject({ value: 1 });
    }
    expect(await line('30d', 'overdue_actions', 'commerce')).toMatchObject({ value: 1 });
    const org = (await kpis.values('30d', { level: 'org' }, ['overdue_actions', 'overdue_findings'])).values;
    expect(org.map((v) => [v.kpi, v.value])).toEqual([
      ['overdue_actions', 2],
      ['overdue_findings', 2],
    ]);
    const team = (await kpis.values('30d', { team: 'ledger' }, ['overdue_findings'])).values;
    expect(team).toMatchObject([{ level: 'team', team: 'ledger', value: 0 }]);
  });

  it("the issue's case: the windowed ratio is met, the business line's debt is not", async () => {
    // The 30-day window holds only the two payments actions that were done.
    expect(await line('30d', 'action_completion_ratio', 'payments')).toMatchObject({ value: 1, denominator: 2 });
    const card = await kpis.scorecard('30d');
    const payments = card.scopes.find((s) => s.level === 'business_line' && s.id === 'payments')!;
    expect(payments.cells.action_completion_ratio).toMatchObject({ value: 1, target: 0.9, status: 'met' });
    expect(payments.cells.action_completion_to_date_ratio).toMatchObject({
      value: 0.75,
      target: 0.9,
      status: 'missed',
    });
    expect(payments.cells.overdue_actions).toMatchObject({ value: 1, target: 0, status: 'missed' });
    expect(payments.cells.overdue_findings).toMatchObject({ value: 1, target: 0, status: 'missed' });
    // Weights 1 each: windowed ratio met (1) and three debt KPIs missed (0) → 25 %.
    expect(payments.score).toBe(25);
    expect(card.kpis.map((k) => k.key)).toEqual(
      expect.arrayContaining(['overdue_actions', 'action_completion_to_date_ratio', 'overdue_findings'])
    );
  });

  it('a window ending earlier shows the debt as it stood then', async () => {
    now = Date.parse('2026-01-15T00:00:00Z');
    // Due by then: january-open (10 Jan), not completed; closed-late was overdue since 5 January.
    expect(await line('30d', 'overdue_actions', 'payments')).toMatchObject({ value: 1 });
    expect(await line('30d', 'action_completion_to_date_ratio', 'payments')).toMatchObject({
      value: 0,
      denominator: 1,
    });
    expect(await line('30d', 'overdue_findings', 'payments')).toMatchObject({ value: 2 });
    now = Date.parse('2026-01-05T00:00:00Z');
    // A fresh service: the snapshot cache does not expect the clock to go back.
    kpis = new KpiService(services.store, services.orgs, { now: () => now });
    expect(await line('30d', 'action_completion_to_date_ratio', 'payments')).toMatchObject({
      value: null,
      denominator: 0,
    });
    expect(await line('30d', 'overdue_actions', 'payments')).toMatchObject({ value: 0 });
    // closed-late is due on 5 January 00:00 exactly: due before the end means strictly before.
    expect(await line('30d', 'overdue_findings', 'payments')).toMatchObject({ value: 1 });
  });
});

describe.each(STORE_TARGETS)('debt KPIs in /metrics on $kind', (target) => {
  let server: TestServer;
  let written = 0;
  const base = Date.now();

  beforeAll(async () => {
    server = await startTestServer(await target.fresh(), { refreshIntervalMs: 100 });
    const put = async (path: string, body: unknown, method = 'POST') => {
      const res = await server.call(method, path, { body });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
    };
    await put('/api/v1/org', orgWithGoals(new Date(base).getUTCFullYear()), 'PUT');
    const r = records(base);
    // The January records are the past here, however far: still overdue now.
    await put('/api/v1/incidents/batch', { records: r.incidents });
    await put('/api/v1/actions/batch', { records: r.actions });
    await put('/api/v1/findings/batch', { records: r.findings });
    written = Date.now();
  });
  afterAll(() => server?.close());

  it('exports every debt KPI per window and scope, with its numerator and denominator', async () => {
    // The refresher runs every 100 ms: poll until a snapshot started after the last write.
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
    for (const window of ['7d', '30d']) {
      expect(value('stability_overdue_actions', { window, business_line: 'payments' }), window).toBe(1);
      expect(value('stability_overdue_actions', { window }), window).toBe(2);
      expect(value('stability_overdue_findings', { window, business_line: 'commerce' }), window).toBe(1);
      expect(value('stability_action_completion_to_date_ratio', { window, business_line: 'payments' })).toBe(0.75);
      expect(value('stability_improvement_actions_due_to_date', { window, business_line: 'payments' })).toBe(4);
      expect(value('stability_improvement_actions_completed_to_date', { window, business_line: 'payments' })).toBe(3);
    }
    expect(value('stability_overdue_findings', { window: '30d', business_line: 'payments', team: 'checkout' })).toBe(1);
  });
});
