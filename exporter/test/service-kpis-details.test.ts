/**
 * Details of the KPI and freeze services that the broader service tests leave open (found by
 * mutation testing): the default cache age, overdue findings per scope, the transient-alert policy,
 * freeze windows in a series, previous values of org-only KPIs, and the owner filters of
 * /freeze-occurrences meeting a freeze through a team or a business line.
 *
 * Kept as equivalent (no test can tell them apart), service/kpis.ts: `matches` reading a team
 * scope's business line from the org instead of the scope (rollUp sets it to the same id).
 * service/aggregates.ts: the `from !== undefined` half of the from > to check (undefined > to is
 * false anyway), `field in tally.counts` (extra fields are never read) and the ValueContext of
 * `formula` (the ratios it computes read neither `days` nor the change systems).
 * service/freezes.ts: `rows.length === 0` in violatedBy (violatedFreezes answers [] too) and
 * `timed` (every stored window has an occurrence between 2000 and the end of a Date).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FreezeService } from '../src/service/freezes.js';
import { KpiService } from '../src/service/kpis.js';
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

describe.each(STORE_TARGETS)('KPI and freeze details on $kind', (target) => {
  let store: Store;
  let orgs: OrgService;
  let records: RecordService;
  let freezes: FreezeService;
  const ready = once(async () => {
    store = await Store.open(await target.fresh());
    orgs = new OrgService(store);
    await orgs.replace({ ...smallOrg(), policy: { ...smallOrg().policy, transientAlertMinutes: 5 } });
    freezes = new FreezeService(store, orgs);
    records = new RecordService(store, orgs, freezes);
    // An overdue open finding of checkout (due a day before NOW), one not yet due, one closed.
    const finding = { check: 'tls', targetType: 'application', severity: 'high', foundAt: iso(NOW - 5 * DAY) };
    await records.put('findings', 'f-overdue', { ...finding, service: 'checkout-api', dueAt: iso(NOW - DAY) });
    await records.put('findings', 'f-later', { ...finding, service: 'ledger-db', dueAt: iso(NOW + DAY) });
    // An unreviewed critical alert resolved after 2 minutes: noise under a 5-minute policy.
    await records.put('alerts', 'al-short', {
      name: 'Flap',
      severity: 'critical',
      service: 'catalog-web',
      startsAt: iso(NOW - DAY),
      endsAt: iso(NOW - DAY + 2 * 60_000),
    });
    // A freeze on team checkout over a day (announced before it), and a checkout change inside it.
    await records.put('freezes', 'fz-checkout', {
      name: 'F',
      reason: 'R',
      scope: { team: 'checkout' },
      startsAt: iso(NOW - 3 * DAY),
      endsAt: iso(NOW - 2 * DAY),
      announcedAt: iso(NOW - 4 * DAY),
    });
    await records.put('freezes', 'fz-commerce', {
      name: 'F',
      reason: 'R',
      scope: { businessLine: 'commerce' },
      startsAt: iso(NOW - 3 * DAY),
      endsAt: iso(NOW - 2 * DAY),
      announcedAt: iso(NOW - 4 * DAY),
    });
    await records.put('changes', 'c-frozen', {
      system: 'argo-cd',
      kind: 'deploy',
      service: 'checkout-api',
      startedAt: iso(NOW - 2.5 * DAY),
    });
  });
  afterAll(() => store?.close());

  it('the cache lasts a minute by default', async () => {
    await ready();
    let now = NOW;
    const kpis = new KpiService(store, orgs, { now: () => now });
    const first = await kpis.snapshot();
    now = NOW + 59_999;
    expect(await kpis.snapshot()).toBe(first);
    now = NOW + 60_000;
    expect(await kpis.snapshot()).not.toBe(first);
  });

  it('overdue findings are counted per scope: team, its business line, the org', async () => {
    await ready();
    const snapshot = await new KpiService(store, orgs, { now: () => NOW }).snapshot();
    expect(snapshot.overdue.map(({ scope, count }) => [scope.level, scope.team ?? scope.businessLine, count])).toEqual([
      ['org', null, 1],
      ['business_line', 'payments', 1],
      ['business_line', 'commerce', 0],
      ['team', 'checkout', 1],
      ['team', 'ledger', 0],
      ['team', 'catalog', 0],
    ]);
  });

  it('the transient-alert policy makes a short unreviewed alert noise; without it the alert is not judged', async () => {
    await ready();
    const accuracy = async () =>
      (await new KpiService(store, orgs, { now: () => NOW }).values('7d', { level: 'org' }, ['alert_accuracy_ratio']))
        .values[0]!;
    expect(await accuracy()).toMatchObject({ value: 0, numerator: 0, denominator: 1 });
    await orgs.replace(smallOrg()); // transientAlertMinutes: null
    try {
      expect(await accuracy()).toMatchObject({ value: null, denominator: 0 });
    } finally {
      await orgs.replace({ ...smallOrg(), policy: { ...smallOrg().policy, transientAlertMinutes: 5 } });
    }
  });

  it('a series of freeze violations reads the freeze windows', async () => {
    await ready();
    const kpis = new KpiService(store, orgs, { now: () => NOW });
    const result = await kpis.series('freeze_violations', '7d', NOW, NOW, DAY, { team: 'checkout' });
    expect(result.series.map((s) => s.points.map((p) => p.value))).toEqual([[1]]);
  });

  it('an org-only KPI has no previous value below the org', async () => {
    await ready();
    const card = await new KpiService(store, orgs, { now: () => NOW }).scorecard('30d');
    const cell = (id: string) => card.scopes.find((s) => s.id === id)!.cells.change_system_integration_ratio!;
    expect(cell('org')).toMatchObject({ value: 0.5, previous: 0.5 });
    expect(cell('checkout')).toMatchObject({ value: null, previous: null });
  });

  it('occurrence filters: a service meets a freeze of its team or business line only', async () => {
    await ready();
    const ids = async (filter: object) =>
      (await freezes.occurrences({ from: NOW - 4 * DAY, to: NOW, ...filter })).items.map((o) => o.freeze);
    expect(await ids({})).toEqual(['fz-checkout', 'fz-commerce']);
    // ledger-db is in payments like checkout, but in another team.
    expect(await ids({ service: ['ledger-db'] })).toEqual([]);
    expect(await ids({ service: ['checkout-api'] })).toEqual(['fz-checkout']);
    expect(await ids({ service: ['catalog-web'] })).toEqual(['fz-commerce']);
    // An unknown team (no business line known) is not refused here: it meets a business-line freeze, not another team's.
    expect(await ids({ team: ['nope'] })).toEqual(['fz-commerce']);
    expect(await ids({ team: ['ledger'] })).toEqual([]);
  });
});
