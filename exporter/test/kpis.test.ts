/**
 * Every KPI definition on hand-made records, through the record service and the real SQL, on
 * SQLite and PostgreSQL: edge cases included (no data, open incidents, alerts without verdict,
 * transient inference, window boundaries, a recurring freeze across a DST change).
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KpiKey } from '../src/domain/kpi-keys.js';
import type { Org } from '../src/domain/org.js';
import { openServices, type Services } from '../src/server.js';
import { ValidationError } from '../src/service/errors.js';
import { GateService } from '../src/service/gate.js';
import { KpiService } from '../src/service/kpis.js';
import { readerFor } from '../src/store/sqlite-reader.js';
import { smallOrg } from './helpers/org.js';
import { STORE_TARGETS } from './helpers/stores.js';

const NOW = Date.parse('2026-03-15T12:00:00Z');
const MIN = 60_000;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const ago = (days: number, plusMinutes = 0) => iso(NOW - days * DAY + plusMinutes * MIN);

describe.each(STORE_TARGETS)('KPIs on $kind', (target) => {
  let services: Services;
  let kpis: KpiService;
  let reader: ReturnType<typeof readerFor>;
  let now = NOW;

  beforeEach(async () => {
    now = NOW;
    services = await openServices(await target.fresh(), pino({ level: 'silent' }));
    await services.orgs.replace(smallOrg());
    // As the server runs it: on SQLite the queries go through the worker-thread reader.
    reader = readerFor(services.store);
    kpis = new KpiService(services.store, services.orgs, { now: () => now, reader: reader.db });
  });
  afterEach(async () => {
    await reader.close();
    await services.store.close();
  });

  const batch = (collection: Parameters<Services['records']['batch']>[0], records: object[]) =>
    services.records.batch(collection, { records });
  const value = async (
    window: '7d' | '30d' | '90d' | 'ytd',
    kpi: KpiKey,
    scope: { level?: 'org' | 'business_line' | 'team'; businessLine?: string; team?: string } = { level: 'org' }
  ) => {
    const { values } = await kpis.values(window, scope, [kpi]);
    expect(values).toHaveLength(1);
    return values[0]!;
  };
  const setPolicy = async (policy: Partial<Org['policy']>) => {
    const org = smallOrg();
    await services.orgs.replace({ ...org, policy: { ...org.policy, ...policy } });
  };

  it('without records: counts are 0, ratios and means have no value, drill coverage counts the teams', async () => {
    expect(await value('30d', 'high_priority_incidents')).toMatchObject({ value: 0, numerator: 0 });
    for (const kpi of [
      'mttr_seconds',
      'mttr_p50_seconds',
      'mttd_seconds',
      'detection_ratio',
      'alert_accuracy_ratio',
      'inspection_closure_ratio',
      'change_failure_ratio',
      'action_completion_ratio',
      'drill_score',
      'incident_data_quality_ratio',
    ] as const) {
      expect((await value('30d', kpi)).value, kpi).toBeNull();
    }
    expect(await value('30d', 'drill_coverage_ratio')).toMatchObject({ value: 0, numerator: 0, denominator: 3 });
    expect(await value('30d', 'high_priority_alerts_per_day')).toMatchObject({ value: 0, denominator: 30 });
    expect(await value('30d', 'change_system_integration_ratio')).toMatchObject({
      value: 0.5,
      numerator: 1,
      denominator: 2,
    });
    const teamValues = (await kpis.values('30d', { level: 'team' })).values;
    expect(teamValues.some((v) => v.kpi === 'change_system_integration_ratio')).toBe(false);
    expect(teamValues.filter((v) => v.kpi === 'mttr_seconds')).toHaveLength(3);
  });

  it('incident KPIs: high priority only, no drills, open incidents out of MTTR, data quality, stages', async () => {
    await batch('incidents', [
      // recovered after 60 min; complete timestamps; detected by monitoring
      {
        id: 'i1',
        title: 't',
        priority: 'P0',
        service: 'checkout-api',
        startedAt: ago(10),
        detectedAt: ago(10, 5),
        acknowledgedAt: ago(10, 10),
        recoveredAt: ago(10, 60),
        detectionSource: 'monitoring',
        steps: [
          { step: 'response', at: ago(10, 3), owner: 'a' },
          { step: 'judgment', at: ago(10, 8), owner: 'a' },
          { step: 'war_room', at: ago(10, 15), owner: 'a' },
          { step: 'judgment', at: ago(10, 20), owner: 'a' },
        ],
      },
      // not yet recovered; reported by a user
      {
        id: 'i2',
        title: 't',
        priority: 'P1',
        service: 'ledger-db',
        startedAt: ago(5),
        detectedAt: ago(5, 20),
        detectionSource: 'user',
      },
      // older than 30 days, inside 90
      {
        id: 'i3',
        title: 't',
        priority: 'P0',
        service: 'catalog-web',
        startedAt: ago(40),
        detectedAt: ago(40, 10),
        acknowledgedAt: ago(40, 11),
        recoveredAt: ago(40, 120),
        detectionSource: 'inspection',
      },
      // low priority and a drill: left out
      {
        id: 'i4',
        title: 't',
        priority: 'P3',
        service: 'checkout-api',
        startedAt: ago(3),
        detectedAt: ago(3, 1),
        recoveredAt: ago(3, 2),
        detectionSource: 'monitoring',
      },
      {
        id: 'i5',
        title: 't',
        priority: 'P0',
        service: 'checkout-api',
        startedAt: ago(2),
        detectedAt: ago(2, 1),
        recoveredAt: ago(2, 2),
        detectionSource: 'drill',
        drill: true,
      },
      // acknowledged before detected: out of order; team only
      {
        id: 'i6',
        title: 't',
        priority: 'P0',
        team: 'checkout',
        startedAt: ago(1),
        detectedAt: ago(1, 2),
        acknowledgedAt: ago(1, 1),
        recoveredAt: ago(1, 30),
        detectionSource: 'monitoring',
      },
      // recovered only after the window's end (future): counts as not recovered yet
      {
        id: 'i7',
        title: 't',
        priority: 'P1',
        service: 'catalog-web',
        startedAt: ago(0, -30),
        detectedAt: ago(0, -29),
        recoveredAt: ago(0, 30),
        detectionSource: 'monitoring',
      },
    ]);
    expect(await value('30d', 'high_priority_incidents')).toMatchObject({ value: 4 });
    expect(await value('30d', 'mttr_seconds')).toMatchObject({ value: 2700, numerator: 5400, denominator: 2 });
    expect((await value('30d', 'mttr_p50_seconds')).value).toBe(2700);
    expect((await value('30d', 'mttr_p90_seconds')).value).toBeCloseTo(3420, 6);
    expect(await value('30d', 'mttd_seconds')).toMatchObject({ value: ((5 + 20 + 2 + 1) * 60) / 4, denominator: 4 });
    expect(await value('30d', 'detection_ratio')).toMatchObject({ value: 3 / 4, numerator: 3, denominator: 4 });
    expect(await value('30d', 'incident_data_quality_ratio')).toMatchObject({ value: 1 / 4, numerator: 1 });
    expect((await value('90d', 'high_priority_incidents')).value).toBe(5);
    expect((await value('90d', 'mttr_seconds')).value).toBe((3600 + 1800 + 7200) / 3);
    expect((await value('30d', 'high_priority_incidents', { team: 'checkout' })).value).toBe(2);
    expect((await value('30d', 'mttr_seconds', { level: 'business_line', businessLine: 'payments' })).value).toBe(2700);
    expect((await value('30d', 'mttr_seconds', { level: 'business_line', businessLine: 'commerce' })).value).toBeNull();
    expect((await value('90d', 'mttr_seconds', { level: 'business_line', businessLine: 'commerce' })).value).toBe(7200);

    const stages = (await kpis.snapshot()).windows['30d'].scopes.find((s) => s.level === 'org')!.tally.stages;
    // response 3 min after the start, judgment (first time) 5 min later, war room 7 min after that
    expect(stages.response).toEqual({ count: 1, ms: 3 * MIN });
    expect(stages.judgment).toEqual({ count: 1, ms: 5 * MIN });
    expect(stages.war_room).toEqual({ count: 1, ms: 7 * MIN });
    expect(stages.escalation).toEqual({ count: 0, ms: 0 });
  });

  it('alert accuracy: verdicts, incident links as actionable, transient inference only when configured', async () => {
    const alert = (id: string, extra: object) => ({
      id,
      name: 'HighLatency',
      severity: 'critical',
      service: 'checkout-api',
      startsAt: ago(2),
      ...extra,
    });
    await batch('alerts', [
      alert('a1', { verdict: 'actionable' }),
      alert('a2', { verdict: 'noise' }),
      alert('a3', { incident: 'i1' }), // no verdict, linked: actionable (inferred)
      alert('a4', { endsAt: ago(2, 2) }), // no verdict, resolved after 2 min
      alert('a5', { endsAt: ago(2, 30) }), // no verdict, resolved after 30 min
      alert('a6', { severity: 'warning', verdict: 'noise' }), // not high severity
      alert('a7', { verdict: 'noise', incident: 'i1' }), // a human verdict wins over the link
    ]);
    expect(await value('7d', 'alert_accuracy_ratio')).toMatchObject({
      value: 2 / 4,
      numerator: 2,
      denominator: 4,
      inferred: { actionable: 1, noise: 0 },
    });
    expect(await value('7d', 'high_priority_alerts_per_day')).toMatchObject({
      value: 6 / 7,
      numerator: 6,
      denominator: 7,
    });
    let tally = (await kpis.snapshot()).windows['7d'].scopes.find((s) => s.level === 'org')!.tally;
    expect(tally.counts.unreviewed).toBe(2);

    await setPolicy({ transientAlertMinutes: 5 });
    expect(await value('7d', 'alert_accuracy_ratio')).toMatchObject({
      value: 2 / 5,
      numerator: 2,
      denominator: 5,
      inferred: { actionable: 1, noise: 1 },
    });
    tally = (await kpis.snapshot()).windows['7d'].scopes.find((s) => s.level === 'org')!.tally;
    expect(tally.counts.unreviewed).toBe(1);
  });

  it('findings, changes on the window boundary, actions and drills', async () => {
    await batch('findings', [
      {
        id: 'f1',
        check: 'disk',
        targetType: 'server',
        severity: 'high',
        service: 'checkout-api',
        foundAt: ago(3),
        closedAt: ago(1),
      },
      {
        id: 'f2',
        check: 'disk',
        targetType: 'server',
        severity: 'high',
        service: 'checkout-api',
        foundAt: ago(3),
        dueAt: ago(1),
      },
      {
        id: 'f3',
        check: 'disk',
        targetType: 'server',
        severity: 'high',
        service: 'ledger-db',
        foundAt: ago(100),
        closedAt: ago(99),
      },
      {
        id: 'f4',
        check: 'disk',
        targetType: 'server',
        severity: 'high',
        service: 'ledger-db',
        foundAt: ago(3),
        dueAt: ago(-5),
      },
    ]);
    const change = (id: string, startedAt: string, extra: object = {}) => ({
      id,
      system: 'argo-cd',
      service: 'ledger-db',
      kind: 'deploy',
      startedAt,
      ...extra,
    });
    // A gate answer asked 5 minutes before c4 started: c4's evidence.
    const check = await new GateService(services.store, services.orgs).check(
      { service: 'ledger-db' },
      NOW - DAY - 5 * MIN
    );
    await batch('changes', [
      change('c1', ago(7), { result: 'failed' }), // exactly at the 7d window's start: inside
      change('c2', iso(NOW - 7 * DAY - 1), { result: 'success' }), // 1 ms before: outside
      change('c3', ago(1), { system: 'manual', result: 'rolled_back' }),
      change('c4', ago(1), { system: 'manual', gateCheck: check.checkId }),
      change('c5', iso(NOW), { result: 'failed' }), // exactly at the window's end: outside
    ]);
    // Actions of an unknown incident are refused as a whole, naming each record, and count nowhere.
    const refused = batch('actions', [
      { id: 'x1', incident: 'i-none', title: 't', owner: 'o', dueAt: ago(2), completedAt: ago(3) },
      { id: 'x2', incident: 'i-none', title: 't', owner: 'o', dueAt: ago(2) },
      { id: 'x3', incident: 'i-none', title: 't', owner: 'o', dueAt: ago(-2) }, // due later: not yet due
    ]);
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    const issues = await refused.then(
      () => [],
      (error: ValidationError) => error.issues
    );
    expect(issues.map((i) => i.message)).toEqual(Array(3).fill('unknown incident "i-none"'));
    expect(issues.map((i) => i.path)).toEqual(
      [0, 1, 2].map((n) => expect.stringMatching(new RegExp(`\\[${n}\\]\\.?incident$`)))
    );
    expect(await value('30d', 'action_completion_ratio')).toMatchObject({ value: null, denominator: 0 });
    await batch('incidents', [
      {
        id: 'inc',
        title: 't',
        priority: 'P2',
        service: 'checkout-api',
        startedAt: ago(20),
        detectedAt: ago(20, 1),
        detectionSource: 'monitoring',
      },
    ]);
    await batch('actions', [
      { id: 'x1', incident: 'inc', title: 't', owner: 'o', dueAt: ago(2), completedAt: ago(3) },
      { id: 'x2', incident: 'inc', title: 't', owner: 'o', dueAt: ago(2) },
      { id: 'x3', incident: 'inc', title: 't', owner: 'o', dueAt: ago(-2) },
    ]);
    await batch('drills', [
      { id: 'd1', scenario: 'db failover', team: 'checkout', startedAt: ago(10), score: 80 },
      { id: 'd2', scenario: 'db failover', team: 'checkout', service: 'checkout-api', startedAt: ago(5), score: 60 },
      { id: 'd3', scenario: 'dns', team: 'catalog', startedAt: ago(60), score: 90 },
    ]);

    expect(await value('30d', 'inspection_closure_ratio')).toMatchObject({
      value: 1 / 3,
      numerator: 1,
      denominator: 3,
    });
    expect((await kpis.snapshot()).overdue.find((o) => o.scope.team === 'checkout')!.count).toBe(1);
    expect((await kpis.snapshot()).overdue.find((o) => o.scope.level === 'org')!.count).toBe(1);
    expect(await value('7d', 'change_control_coverage_ratio')).toMatchObject({
      value: 2 / 3,
      numerator: 2,
      denominator: 3,
    });
    expect(await value('7d', 'change_failure_ratio')).toMatchObject({ value: 1, numerator: 2, denominator: 2 });
    expect(await value('30d', 'change_failure_ratio')).toMatchObject({ value: 2 / 3, denominator: 3 });
    expect(await value('30d', 'action_completion_ratio')).toMatchObject({ value: 0.5, numerator: 1, denominator: 2 });
    expect((await value('30d', 'action_completion_ratio', { team: 'checkout' })).value).toBe(0.5);
    expect(await value('30d', 'drill_score')).toMatchObject({ value: 70, numerator: 140, denominator: 2 });
    expect(await value('90d', 'drill_coverage_ratio')).toMatchObject({ value: 2 / 3, numerator: 2, denominator: 3 });
    expect((await value('30d', 'drill_coverage_ratio', { team: 'checkout' })).value).toBe(1);
    expect((await value('30d', 'drill_coverage_ratio', { team: 'ledger' })).value).toBe(0);
    expect(
      (await value('30d', 'drill_coverage_ratio', { level: 'business_line', businessLine: 'payments' })).value
    ).toBe(0.5);
  });

  it('freeze violations: a weekly Europe/Berlin freeze stays at 18:00 local across the DST change', async () => {
    now = Date.parse('2026-04-10T12:00:00Z');
    await batch('freezes', [
      {
        id: 'fri',
        name: 'Friday evening',
        reason: 'weekend',
        scope: { team: 'checkout' },
        schedule: { cron: '0 18 * * 5', durationMinutes: 120, timezone: 'Europe/Berlin' },
        announcedAt: '2026-03-01T00:00:00Z', // before the changes: a window violates only changes after it
      },
      {
        id: 'pay',
        name: 'Payments close',
        reason: 'month end',
        scope: { businessLine: 'payments' },
        startsAt: '2026-03-27T17:00:00Z',
        endsAt: '2026-03-27T18:00:00Z',
        announcedAt: '2026-03-01T00:00:00Z',
      },
    ]);
    const change = (id: string, startedAt: string, extra: object = {}) => ({
      id,
      system: 'argo-cd',
      service: 'checkout-api',
      kind: 'deploy',
      startedAt,
      ...extra,
    });
    await batch('changes', [
      change('before-dst', '2026-03-27T17:30:00Z'), // 18:30 CET: inside both freezes, counted once
      change('after-dst', '2026-04-03T16:30:00Z'), // 18:30 CEST: inside
      change('after-dst-late', '2026-04-03T18:30:00Z'), // 20:30 CEST: outside (inside if DST were ignored)
      change('exempt', '2026-04-03T16:45:00Z', { exemption: 'security fix' }),
      change('ledger', '2026-03-27T17:45:00Z', { service: 'ledger-db' }), // only the payments freeze
      change('catalog', '2026-03-27T17:45:00Z', { service: 'catalog-web' }), // no freeze applies
      change('start', '2026-04-03T16:00:00Z'), // at the occurrence's start: inside
      change('end', '2026-04-03T18:00:00Z'), // at its end: outside
    ]);
    expect((await value('30d', 'freeze_violations')).value).toBe(4);
    expect((await value('30d', 'freeze_violations', { team: 'checkout' })).value).toBe(3);
    expect((await value('30d', 'freeze_violations', { team: 'ledger' })).value).toBe(1);
    expect((await value('30d', 'freeze_violations', { level: 'business_line', businessLine: 'commerce' })).value).toBe(
      0
    );
    expect((await value('7d', 'freeze_violations')).value).toBe(2);
  });

  it('records are seen as soon as they are written (cache keyed by the data revision)', async () => {
    expect((await value('30d', 'high_priority_incidents')).value).toBe(0);
    await batch('incidents', [
      {
        id: 'n1',
        title: 't',
        priority: 'P0',
        service: 'checkout-api',
        startedAt: ago(1),
        detectedAt: ago(1, 1),
        detectionSource: 'monitoring',
      },
    ]);
    expect((await value('30d', 'high_priority_incidents')).value).toBe(1);
  });

  it('scorecard: targets (pro-rated counts for ytd), status, previous window and score', async () => {
    const org = smallOrg();
    org.goals = [
      { year: 2026, kpi: 'mttr_seconds', target: 1800 },
      { year: 2026, kpi: 'high_priority_incidents', target: 10 },
      { year: 2026, kpi: 'detection_ratio', target: 0.9, team: 'checkout' },
    ];
    await services.orgs.replace(org);
    await batch('incidents', [
      {
        id: 'p1',
        title: 't',
        priority: 'P0',
        service: 'checkout-api',
        startedAt: '2025-02-01T00:00:00Z',
        detectedAt: '2025-02-01T00:01:00Z',
        recoveredAt: '2025-02-01T01:00:00Z',
        detectionSource: 'monitoring',
      },
      {
        id: 'y1',
        title: 't',
        priority: 'P0',
        service: 'checkout-api',
        startedAt: '2026-02-01T00:00:00Z',
        detectedAt: '2026-02-01T00:01:00Z',
        recoveredAt: '2026-02-01T00:32:00Z',
        detectionSource: 'user',
      },
      {
        id: 'y2',
        title: 't',
        priority: 'P0',
        service: 'catalog-web',
        startedAt: '2026-02-02T00:00:00Z',
        detectedAt: '2026-02-02T00:01:00Z',
        recoveredAt: '2026-02-02T00:30:00Z',
        detectionSource: 'monitoring',
      },
      {
        id: 'y3',
        title: 't',
        priority: 'P0',
        service: 'catalog-web',
        startedAt: '2026-02-03T00:00:00Z',
        detectedAt: '2026-02-03T00:01:00Z',
        detectionSource: 'monitoring',
      },
    ]);
    const card = await kpis.scorecard('ytd');
    expect(card).toMatchObject({ window: 'ytd', year: 2026 });
    expect(card.kpis.map((k) => k.key)).toContain('mttr_seconds');
    const orgScope = card.scopes.find((s) => s.level === 'org')!;
    expect(orgScope).toMatchObject({ id: 'org', owner: null, businessLine: null });
    const share = (NOW - Date.parse('2026-01-01T00:00:00Z')) / (365 * DAY);
    expect(orgScope.cells.high_priority_incidents!.target).toBeCloseTo(10 * share, 10); // ≈ 2.00
    expect(orgScope.cells.high_priority_incidents).toMatchObject({ value: 3, status: 'missed', previous: 1 });
    expect(orgScope.cells.mttr_seconds).toMatchObject({
      value: (1920 + 1800) / 2,
      target: 1800,
      status: 'at_risk',
      previous: 3600,
    });
    const checkout = card.scopes.find((s) => s.level === 'team' && s.id === 'checkout')!;
    expect(checkout).toMatchObject({ name: 'Checkout', owner: 'Ken', businessLine: 'payments' });
    expect(checkout.cells.mttr_seconds).toMatchObject({ value: 1920, target: 1800, status: 'at_risk' });
    expect(checkout.cells.detection_ratio).toMatchObject({ value: 0, target: 0.9, status: 'missed' });
    expect(checkout.cells.high_priority_incidents).toMatchObject({ target: null, status: 'no_data' });
    expect(checkout.score).toBe(Math.round(((0.5 * 3 + 0 * 2) / 5) * 1000) / 10);
    expect(card.scopes.find((s) => s.id === 'ledger')!.score).toBeNull();
    expect(orgScope.score).toBe(Math.round(((0 * 3 + 0.5 * 3) / 6) * 1000) / 10);
  });

  it('series: the KPI as it stood at each step, from history', async () => {
    await batch('incidents', [
      {
        id: 's1',
        title: 't',
        priority: 'P0',
        service: 'checkout-api',
        startedAt: ago(3),
        detectedAt: ago(3, 1),
        recoveredAt: ago(3, 10),
        detectionSource: 'monitoring',
      },
      {
        id: 's2',
        title: 't',
        priority: 'P0',
        service: 'ledger-db',
        startedAt: ago(1),
        detectedAt: ago(1, 1),
        recoveredAt: ago(0, -60),
        detectionSource: 'monitoring',
      },
    ]);
    const res = await kpis.series('mttr_seconds', '7d', NOW - 4 * DAY, NOW, DAY, { level: 'org' });
    expect(res.unit).toBe('seconds');
    expect(res.series).toHaveLength(1);
    expect(res.series[0]!.points.map((p) => p.value)).toEqual([null, null, 600, 600, (600 + DAY / 1000 - 3600) / 2]);
    const teams = await kpis.series('high_priority_incidents', '7d', NOW - DAY, NOW, DAY, {
      level: 'team',
      businessLine: 'payments',
    });
    expect(teams.series.map((s) => [s.team, s.points.map((p) => p.value)])).toEqual([
      ['checkout', [1, 1]],
      ['ledger', [0, 1]],
    ]);
  });
});
