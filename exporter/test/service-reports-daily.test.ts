/**
 * The daily report's facts (src/service/reports/daily-facts.ts) on a store seeded inside each
 * test: the reported day's alerts (high severity, noisiest, per business line for the business
 * volume), the high-priority incidents open now, new and overdue findings, the day's changes and
 * freeze violations, today's freezes and the red-line item. Every count is picked by hand from the
 * records below (reported day: 2026-03-09 UTC; now: 2026-03-10 09:00 UTC).
 */
import { describe, expect, it } from 'vitest';
import type { Org } from '../src/domain/org.js';
import type { ReportsConfig } from '../src/domain/reports-config.js';
import { FreezeService } from '../src/service/freezes.js';
import { KpiService } from '../src/service/kpis.js';
import { RedLineService } from '../src/service/red-lines.js';
import { dailyFacts } from '../src/service/reports/daily-facts.js';
import { smallOrg } from './helpers/org.js';
import { openRecords } from './helpers/services.js';
import { STORE_TARGETS } from './helpers/stores.js';

const NOW = Date.parse('2026-03-10T09:00:00.000Z');
const t = (s: string) => `2026-${s}:00.000Z`;
const ms = (s: string) => Date.parse(t(s));

const REPORTS = {
  grafanaUrl: 'https://grafana.example/',
  businessVolume: [
    { businessLine: 'payments', query: 'sum(orders)', unit: 'orders' },
    { businessLine: 'commerce', query: 'sum(carts)', unit: 'carts' },
  ],
  destinations: [{ id: 'hook', kind: 'webhook', urlEnv: 'T_HOOK_URL' }],
  daily: { time: '08:30', timezone: 'UTC', destinations: ['hook'] },
} as unknown as ReportsConfig;

function factsOrg(): Org {
  return {
    ...smallOrg(),
    goals: [
      { year: 2026, kpi: 'mttr_seconds', target: 1800 },
      { year: 2026, kpi: 'high_priority_alerts_per_day', target: 2 },
    ],
    redLines: { finding_overdue: { enabled: true, days: 4 } },
  };
}

describe.each(STORE_TARGETS)('daily report facts on $kind', (target) => {
  async function seeded(org: Org = factsOrg()) {
    const { store, orgs, records } = await openRecords(target, org);
    const freezes = new FreezeService(store, orgs);
    const kpis = new KpiService(store, orgs, { now: () => NOW });
    const redLines = new RedLineService(store, orgs, { now: () => NOW });
    const alert = (id: string, name: string, severity: string, service: string, startsAt: string) =>
      records.put('alerts', id, { name, severity, service, startsAt: t(startsAt) });
    await alert('al-1', 'Latency', 'critical', 'checkout-api', '03-09T01:00');
    await alert('al-2', 'Latency', 'critical', 'checkout-api', '03-09T02:00');
    await alert('al-3', 'Latency', 'critical', 'ledger-db', '03-09T23:59');
    await alert('al-4', 'Disk', 'warning', 'catalog-web', '03-09T10:00');
    await alert('al-5', 'Cpu', 'critical', 'catalog-web', '03-09T00:00');
    await alert('al-6', 'Latency', 'critical', 'checkout-api', '03-08T23:59'); // the day before
    await alert('al-7', 'Latency', 'critical', 'checkout-api', '03-10T00:00'); // today
    const incident = (id: string, owner: object, startedAt: string, extra: object = {}) =>
      records.put('incidents', id, {
        title: `Outage ${id}`,
        priority: 'P1',
        ...owner,
        startedAt: t(startedAt),
        detectedAt: t(startedAt),
        detectionSource: 'monitoring',
        ...extra,
      });
    await incident('i-1', { service: 'checkout-api' }, '03-09T03:00');
    await incident('i-2', { service: 'ledger-db' }, '03-08T00:00', { recoveredAt: t('03-10T10:00') }); // open at now
    await incident('i-3', { service: 'checkout-api' }, '03-09T04:00', { recoveredAt: t('03-09T06:00') });
    await incident('i-4', { service: 'checkout-api' }, '03-09T04:00', { priority: 'P3' });
    await incident('i-5', { service: 'checkout-api' }, '03-09T04:00', { drill: true });
    await incident('i-6', { team: 'catalog' }, '03-10T08:00');
    await incident('i-7', { service: 'checkout-api' }, '03-10T10:00'); // after now
    const finding = (id: string, owner: object, check: string, foundAt: string, extra: object = {}) =>
      records.put('findings', id, {
        check,
        targetType: 'application',
        severity: 'high',
        ...owner,
        foundAt: t(foundAt),
        ...extra,
      });
    await finding('f-1', { service: 'ledger-db' }, 'TLS', '03-09T12:00');
    await finding('f-2', { team: 'checkout' }, 'Backup', '03-09T06:00');
    await finding('f-3', { service: 'catalog-web' }, 'Patch', '03-01T00:00', { dueAt: t('03-05T00:00') });
    await finding('f-4', { service: 'catalog-web' }, 'Patch', '03-01T00:00', {
      dueAt: t('03-06T00:00'),
      closedAt: t('03-10T12:00'),
    });
    await finding('f-5', { service: 'catalog-web' }, 'Patch', '03-01T00:00', {
      dueAt: t('03-07T00:00'),
      closedAt: t('03-08T00:00'),
    });
    await finding('f-6', { service: 'catalog-web' }, 'Patch', '03-01T00:00', { dueAt: t('03-20T00:00') });
    await records.put('freezes', 'fz', {
      name: 'Catalog freeze',
      reason: 'Sale',
      scope: { service: 'catalog-web' },
      startsAt: t('03-09T00:00'),
      endsAt: t('03-09T23:00'),
      announcedAt: t('03-01T00:00'),
    });
    await records.put('freezes', 'fz-today', {
      name: 'Ledger freeze',
      reason: 'Audit',
      scope: { service: 'ledger-db' },
      startsAt: t('03-10T12:00'),
      endsAt: t('03-10T14:00'),
      announcedAt: t('03-01T00:00'),
    });
    const change = (id: string, system: string, service: string, startedAt: string, title?: string) =>
      records.put('changes', id, {
        ...(title ? { title } : {}),
        system,
        kind: 'deploy',
        service,
        startedAt: t(startedAt),
      });
    await change('c-1', 'argo-cd', 'checkout-api', '03-09T08:00');
    await change('c-2', 'manual', 'checkout-api', '03-09T09:00');
    await change('c-3', 'argo-cd', 'catalog-web', '03-09T10:00', 'Catalog release');
    await change('c-4', 'argo-cd', 'catalog-web', '03-09T11:00');
    await change('c-5', 'manual', 'checkout-api', '03-10T01:00'); // today
    return { store, orgs, records, freezes, kpis, redLines };
  }

  it('the reported day’s alerts, the incidents open now, the findings, changes and today’s freezes', async () => {
    const sources = await seeded();
    const facts = await dailyFacts(sources, await sources.orgs.index(), REPORTS, '2026-03-10', NOW);
    expect(facts.key).toBe('2026-03-10');
    expect(facts.timezone).toBe('UTC');
    expect(facts.reported).toEqual({ from: ms('03-09T00:00'), to: ms('03-10T00:00') });
    expect(facts.today).toEqual({ from: ms('03-10T00:00'), to: ms('03-11T00:00') });
    expect(facts.highSeverityAlerts).toEqual({ total: 4, target: 2 });
    expect(facts.noisiest).toEqual([
      { name: 'Latency', count: 3, highSeverity: 3 },
      { name: 'Cpu', count: 1, highSeverity: 1 },
      { name: 'Disk', count: 1, highSeverity: 0 },
    ]);
    expect(facts.openIncidents).toEqual({
      total: 3,
      items: [
        { id: 'i-2', title: 'Outage i-2', priority: 'P1', startedAt: ms('03-08T00:00'), owner: 'Ledger DB' },
        { id: 'i-1', title: 'Outage i-1', priority: 'P1', startedAt: ms('03-09T03:00'), owner: 'Checkout API' },
        { id: 'i-6', title: 'Outage i-6', priority: 'P1', startedAt: ms('03-10T08:00'), owner: 'Catalog' },
      ],
    });
    expect(facts.newFindings).toEqual({
      total: 2,
      items: [
        { id: 'f-1', check: 'TLS', severity: 'high', owner: 'Ledger DB' },
        { id: 'f-2', check: 'Backup', severity: 'high', owner: 'Checkout' },
      ],
    });
    expect(facts.overdueFindings).toEqual({
      total: 2,
      items: [
        { id: 'f-3', check: 'Patch', dueAt: ms('03-05T00:00'), owner: 'Catalog Web' },
        { id: 'f-4', check: 'Patch', dueAt: ms('03-06T00:00'), owner: 'Catalog Web' },
      ],
    });
    expect(facts.changes).toEqual({ total: 4, uncontrolled: 3 });
    expect(facts.violations).toEqual({
      total: 2,
      items: [
        { id: 'c-4', title: 'c-4', owner: 'Catalog Web', freezes: ['fz'] },
        { id: 'c-3', title: 'Catalog release', owner: 'Catalog Web', freezes: ['fz'] },
      ],
    });
    expect(facts.freezes).toEqual([
      {
        freeze: 'fz-today',
        name: 'Ledger freeze',
        reason: 'Audit',
        startsAt: ms('03-10T12:00'),
        endsAt: ms('03-10T14:00'),
      },
    ]);
    expect(facts.businessVolume).toEqual([
      {
        businessLine: 'payments',
        name: 'Payments',
        unit: 'orders',
        value: null,
        error: 'no Prometheus configured',
        alerts: 3,
        highSeverityAlerts: 3,
      },
      {
        businessLine: 'commerce',
        name: 'Commerce',
        unit: 'carts',
        value: null,
        error: 'no Prometheus configured',
        alerts: 2,
        highSeverityAlerts: 1,
      },
    ]);
    // i-3 took 2 h to recover (goal 30 min): missed for the org and for payments.
    expect(facts.missedKpis).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kpi: 'mttr_seconds', businessLine: null, value: 7200, target: 1800 }),
        expect.objectContaining({ kpi: 'mttr_seconds', businessLine: 'payments', scope: 'Payments', value: 7200 }),
      ])
    );
    expect(facts.missedKpis.some((m) => m.businessLine === 'commerce' && m.kpi === 'mttr_seconds')).toBe(false);
  });

  it('the red-line item: violations that began on the reported day, and those in force now', async () => {
    const sources = await seeded();
    const index = await sources.orgs.index();
    const facts = await dailyFacts(sources, index, REPORTS, '2026-03-10', NOW);
    // Grace 4 days: f-3 (due 03-05) crossed on 03-09; f-4 (due 03-06) on 03-10 00:00, still open at now.
    expect(facts.redLines).toEqual({
      inForce: 2,
      new: {
        total: 1,
        items: [
          {
            id: 'finding_overdue:f-3',
            rule: 'finding_overdue',
            title: 'Patch (application)',
            owner: 'Alan',
            since: ms('03-09T00:00'),
          },
        ],
      },
    });
    const { redLines, ...withoutRedLines } = sources;
    expect(redLines).toBeDefined();
    expect((await dailyFacts(withoutRedLines, index, REPORTS, '2026-03-10', NOW)).redLines).toBeUndefined();
    await sources.orgs.replace({ ...factsOrg(), redLines: {} });
    expect(
      (await dailyFacts(sources, await sources.orgs.index(), REPORTS, '2026-03-10', NOW)).redLines
    ).toBeUndefined();
  });

  it('without a daily section the org’s timezone is used', async () => {
    const org = factsOrg();
    org.policy = { ...org.policy, timezone: 'Europe/Berlin' };
    const sources = await seeded(org);
    const facts = await dailyFacts(
      sources,
      await sources.orgs.index(),
      { ...REPORTS, daily: undefined },
      '2026-03-10',
      NOW
    );
    expect(facts.timezone).toBe('Europe/Berlin');
    // 2026-03-09 in Berlin (CET): 03-08 23:00 UTC to 03-09 23:00 UTC.
    expect(facts.reported).toEqual({ from: ms('03-08T23:00'), to: ms('03-09T23:00') });
    // al-3 (23:59 UTC) is on the 10th there; al-6 (03-08 23:59 UTC) on the 9th.
    expect(facts.noisiest[0]).toEqual({ name: 'Latency', count: 3, highSeverity: 3 });
  });
});
