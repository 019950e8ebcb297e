/**
 * The KPI service called directly on a store (src/service/kpis.ts), with a fixed clock: the
 * snapshot cache (kept while the data revision and its age allow, shared by concurrent callers),
 * the scope filters of `values`, org-only KPIs, the steps of `series`, and the scopes of the
 * scorecard. Two recovered P1 incidents (10 and 30 minutes) make the numbers easy to check by hand.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { KpiService, present, scopeKey } from '../src/service/kpis.js';
import { OrgService } from '../src/service/org.js';
import { RecordService } from '../src/service/records.js';
import { Store } from '../src/store/store.js';
import { smallOrg } from './helpers/org.js';
import { STORE_TARGETS } from './helpers/stores.js';

/**
 * Setup run by the first test that needs it, not in a beforeAll: Stryker counts code run in a hook
 * as "static" (its Vitest runner starts per-test coverage at beforeEach): such a mutant runs every test.
 */
const once = <T>(setup: () => Promise<T>) => {
  let done: Promise<T> | undefined;
  return () => (done ??= setup());
};

const NOW = Date.parse('2026-03-10T00:00:00Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('scope helpers (pure)', () => {
  it('org-only KPIs exist at the org only; scope keys tell scopes apart', () => {
    const team = { level: 'team' as const, businessLine: 'payments', team: 'checkout' };
    const org = { level: 'org' as const, businessLine: null, team: null };
    expect(present('change_system_integration_ratio', org)).toBe(true);
    expect(present('change_system_integration_ratio', team)).toBe(false);
    expect(present('mttr_seconds', team)).toBe(true);
    expect(scopeKey(team)).toBe('team|payments|checkout');
    expect(scopeKey(org)).toBe('org||');
    expect(scopeKey({ level: 'business_line', businessLine: 'payments', team: null })).toBe('business_line|payments|');
  });
});

describe.each(STORE_TARGETS)('KPI service on $kind', (target) => {
  let store: Store;
  let orgs: OrgService;
  let records: RecordService;
  let now = NOW;
  let kpis: KpiService;
  const incident = (service: string, startedAt: number, minutes: number) => ({
    title: 'Down',
    priority: 'P1',
    service,
    startedAt: iso(startedAt),
    detectedAt: iso(startedAt),
    recoveredAt: iso(startedAt + minutes * 60_000),
    detectionSource: 'monitoring',
  });

  const ready = once(async () => {
    store = await Store.open(await target.fresh());
    orgs = new OrgService(store);
    const org = smallOrg();
    org.goals = [
      { year: 2026, kpi: 'mttr_seconds', target: 1200 },
      { year: 2026, kpi: 'mttr_seconds', target: 300, team: 'checkout' },
    ];
    await orgs.replace(org);
    records = new RecordService(store, orgs);
    kpis = new KpiService(store, orgs, { now: () => now, maxAgeMs: 60_000 });
    await records.put('incidents', 'i-checkout', incident('checkout-api', NOW - 2 * DAY, 10));
    await records.put('incidents', 'i-catalog', incident('catalog-web', NOW - 5 * DAY, 30));
  });
  afterAll(() => store?.close());

  describe('snapshot cache', () => {
    it('kept while nothing is written and it is younger than maxAgeMs; concurrent callers share one', async () => {
      await ready();
      now = NOW;
      const [a, b] = await Promise.all([kpis.snapshot(), kpis.snapshot()]);
      expect(a).toBe(b);
      expect(kpis.last()).toBe(a);
      expect(a.computedAt).toBe(NOW);
      now = NOW + 59_999;
      expect(await kpis.snapshot()).toBe(a);
      now = NOW + 60_000;
      const aged = await kpis.snapshot();
      expect(aged).not.toBe(a);
      expect(aged.computedAt).toBe(NOW + 60_000);
      expect(aged.revision).toBe(a.revision);
      now = NOW;
    });

    it('a write (a new data revision) makes the next read recompute', async () => {
      await ready();
      const before = await kpis.snapshot();
      await records.put('incidents', 'i-ledger', incident('ledger-db', NOW - DAY, 20));
      const after = await kpis.snapshot();
      expect(after).not.toBe(before);
      expect(after.revision).toBeGreaterThan(before.revision);
      const org = after.windows['30d'].scopes.find((s) => s.level === 'org')!;
      expect(org.values.high_priority_incidents.value).toBe(3);
      // Out of the KPIs again (not high priority), by a write: the next read sees it.
      await records.put('incidents', 'i-ledger', { ...incident('ledger-db', NOW - DAY, 20), priority: 'P3' });
    });

    it('a fresh service starts without a snapshot', async () => {
      await ready();
      expect(new KpiService(store, orgs).last()).toBeNull();
    });
  });

  describe('values', () => {
    const mttr = async (filter: object) =>
      (await kpis.values('30d', filter, ['mttr_seconds'])).values.map((v) => [
        v.level,
        v.businessLine,
        v.team,
        v.value,
      ]);

    it('every scope by default, the window’s bounds and the data revision', async () => {
      await ready();
      const result = await kpis.values('7d', {}, ['mttr_seconds']);
      expect(result).toMatchObject({ window: '7d', from: iso(NOW - 7 * DAY), to: iso(NOW) });
      expect(result.revision).toBe(await store.revision());
      // 7 days: checkout (10 min) and catalog (30 min) both started inside.
      expect(result.values.map((v) => [v.level, v.businessLine, v.team, v.value])).toEqual([
        ['org', null, null, 1200],
        ['business_line', 'payments', null, 600],
        ['business_line', 'commerce', null, 1800],
        ['team', 'payments', 'checkout', 600],
        ['team', 'payments', 'ledger', null],
        ['team', 'commerce', 'catalog', 1800],
      ]);
      const v = result.values[0]!;
      expect(v).toMatchObject({ kpi: 'mttr_seconds', numerator: 2400, denominator: 2 });
    });

    it('filters by level, team and business line (a team belongs to its line)', async () => {
      await ready();
      expect(await mttr({ level: 'business_line' })).toEqual([
        ['business_line', 'payments', null, 600],
        ['business_line', 'commerce', null, 1800],
      ]);
      expect(await mttr({ team: 'catalog' })).toEqual([['team', 'commerce', 'catalog', 1800]]);
      expect(await mttr({ businessLine: 'payments' })).toEqual([
        ['business_line', 'payments', null, 600],
        ['team', 'payments', 'checkout', 600],
        ['team', 'payments', 'ledger', null],
      ]);
      expect(await mttr({ businessLine: 'payments', level: 'team' })).toEqual([
        ['team', 'payments', 'checkout', 600],
        ['team', 'payments', 'ledger', null],
      ]);
      expect(await mttr({ level: 'org', team: 'catalog' })).toEqual([]);
    });

    it('org-only KPIs are given for the org alone', async () => {
      await ready();
      const { values } = await kpis.values('30d', {}, ['change_system_integration_ratio', 'high_priority_incidents']);
      const integration = values.filter((v) => v.kpi === 'change_system_integration_ratio');
      expect(integration.map((v) => v.level)).toEqual(['org']);
      expect(integration[0]).toMatchObject({ value: 0.5, numerator: 1, denominator: 2 });
      expect(values.filter((v) => v.kpi === 'high_priority_incidents')).toHaveLength(6);
    });
  });

  describe('series', () => {
    it('one point per step from `from` to `to` (included), each computed from the records', async () => {
      await ready();
      const result = await kpis.series('high_priority_incidents', '7d', NOW - 6 * DAY, NOW, 2 * DAY, { level: 'org' });
      expect(result).toMatchObject({ kpi: 'high_priority_incidents', window: '7d', unit: 'count' });
      expect(result.series).toHaveLength(1);
      // At -6d: none yet; -4d: catalog (started -5d); -2d: still catalog only (checkout starts at
      // that very instant, and a window ends before its `to`); now: both.
      expect(result.series[0]).toEqual({
        level: 'org',
        businessLine: null,
        team: null,
        points: [
          { at: iso(NOW - 6 * DAY), value: 0 },
          { at: iso(NOW - 4 * DAY), value: 1 },
          { at: iso(NOW - 2 * DAY), value: 1 },
          { at: iso(NOW), value: 2 },
        ],
      });
    });

    it('a series per scope matching the filter; org-only KPIs have the org only', async () => {
      await ready();
      const teams = await kpis.series('mttr_seconds', '30d', NOW - DAY, NOW, DAY, {
        businessLine: 'payments',
        level: 'team',
      });
      expect(teams.series.map((s) => [s.team, s.points.map((p) => p.value)])).toEqual([
        ['checkout', [600, 600]],
        ['ledger', [null, null]],
      ]);
      expect(teams.unit).toBe('seconds');
      const integration = await kpis.series('change_system_integration_ratio', '30d', NOW, NOW, DAY, {});
      expect(integration.series.map((s) => s.level)).toEqual(['org']);
    });
  });

  describe('scorecard', () => {
    it('names each scope and judges each KPI against the target that applies', async () => {
      await ready();
      const card = await kpis.scorecard('30d');
      expect(card).toMatchObject({
        window: '30d',
        year: 2026,
        generatedAt: iso(NOW),
        from: iso(NOW - 30 * DAY),
        to: iso(NOW),
      });
      const scopes = card.scopes.map((s) => [s.level, s.id, s.name, s.owner, s.businessLine]);
      expect(scopes).toEqual([
        ['org', 'org', 'Organization', null, null],
        ['business_line', 'payments', 'Payments', 'Ada CTO', 'payments'],
        ['business_line', 'commerce', 'Commerce', 'Grace CTO', 'commerce'],
        ['team', 'checkout', 'Checkout', 'Ken', 'payments'],
        ['team', 'ledger', 'Ledger', 'Barbara', 'payments'],
        ['team', 'catalog', 'Catalog', 'Linus', 'commerce'],
      ]);
      const cell = (id: string) => card.scopes.find((s) => s.id === id)!.cells.mttr_seconds;
      // org 1200 s against 1200: met; checkout 600 against its own 300: missed; catalog 1800 against the org's 1200: missed.
      expect(cell('org')).toEqual({ value: 1200, target: 1200, status: 'met', previous: null });
      expect(cell('checkout')).toEqual({ value: 600, target: 300, status: 'missed', previous: null });
      expect(cell('catalog')).toEqual({ value: 1800, target: 1200, status: 'missed', previous: null });
      expect(cell('ledger')).toEqual({ value: null, target: 1200, status: 'no_data', previous: null });
      // Only mttr_seconds is judged (the only goal): met is 100, missed 0, nothing judged null.
      expect(card.scopes.find((s) => s.id === 'org')!.score).toBe(100);
      expect(card.scopes.find((s) => s.id === 'checkout')!.score).toBe(0);
      expect(card.scopes.find((s) => s.id === 'ledger')!.score).toBeNull();
      // An org-only KPI has no value below the org.
      expect(card.scopes.find((s) => s.id === 'checkout')!.cells.change_system_integration_ratio!.value).toBeNull();
      expect(card.scopes.find((s) => s.id === 'org')!.cells.change_system_integration_ratio!.value).toBe(0.5);
    });

    it('the previous window’s value beside each cell', async () => {
      await ready();
      await records.put('incidents', 'i-old', incident('checkout-api', NOW - 40 * DAY, 5));
      try {
        const card = await kpis.scorecard('30d');
        expect(card.scopes.find((s) => s.id === 'checkout')!.cells.mttr_seconds).toMatchObject({
          value: 600,
          previous: 300,
        });
        expect(card.scopes.find((s) => s.id === 'org')!.cells.mttr_seconds).toMatchObject({
          value: 1200,
          previous: 300,
        });
        expect(card.scopes.find((s) => s.id === 'catalog')!.cells.mttr_seconds).toMatchObject({ previous: null });
      } finally {
        await records.put('incidents', 'i-old', { ...incident('checkout-api', NOW - 40 * DAY, 5), priority: 'P3' });
      }
    });
  });
});
