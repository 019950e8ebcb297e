/**
 * The aggregate service called directly on a store (src/service/aggregates.ts): what a query
 * refuses, alerts per name with the KPI's verdict rules and accuracy, and changes per change system
 * (every system of the org listed, a system the org no longer has after them) with coverage,
 * failure ratio, freeze violations and the org's integration ratio. Counts are worked out by hand.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AggregateService } from '../src/service/aggregates.js';
import { ValidationError } from '../src/service/errors.js';
import { FreezeService } from '../src/service/freezes.js';
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

const FROM = Date.parse('2026-03-01T00:00:00Z');
const TO = Date.parse('2026-03-02T00:00:00Z');
const at = (hhmm: string) => `2026-03-01T${hhmm}:00.000Z`;

async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues;
}

describe.each(STORE_TARGETS)('aggregates on $kind', (target) => {
  let store: Store;
  let aggregates: AggregateService;
  const page = { limit: 100, offset: 0 };

  const ready = once(async () => {
    store = await Store.open(await target.fresh());
    const orgs = new OrgService(store);
    const org = smallOrg();
    org.policy.transientAlertMinutes = 5;
    org.changeSystems.push({ id: 'legacy', name: 'Legacy tool', integrated: false });
    await orgs.replace(org);
    const freezes = new FreezeService(store, orgs);
    const records = new RecordService(store, orgs, freezes);
    aggregates = new AggregateService(store, orgs);
    const alert = (id: string, name: string, extra: object) => ({
      id,
      name,
      severity: 'critical',
      service: 'checkout-api',
      startsAt: at('01:00'),
      ...extra,
    });
    await records.put('incidents', 'inc', {
      title: 'Down',
      priority: 'P1',
      service: 'checkout-api',
      startedAt: at('00:30'),
      detectedAt: at('00:30'),
      detectionSource: 'monitoring',
    });
    // Errors: actionable x1, inferred actionable x1 (incident), noise x1, inferred noise x1 (2 min), unreviewed x1.
    // Disk: noise x3 (ledger), unreviewed x1 (resolved after 10 min). Warning-level alerts are not counted.
    await records.batch('alerts', {
      records: [
        alert('e1', 'Errors', { verdict: 'actionable' }),
        alert('e2', 'Errors', { incident: 'inc' }),
        alert('e3', 'Errors', { verdict: 'noise', incident: 'inc' }),
        alert('e4', 'Errors', { endsAt: at('01:02') }),
        alert('e5', 'Errors', {}),
        alert('e6', 'Errors', { severity: 'warning', verdict: 'noise' }),
        alert('e7', 'Errors', { startsAt: new Date(TO).toISOString(), verdict: 'noise' }),
        alert('d1', 'Disk', { verdict: 'noise', service: 'ledger-db' }),
        alert('d2', 'Disk', { verdict: 'noise', service: 'ledger-db' }),
        alert('d4', 'Disk', { verdict: 'noise', service: 'ledger-db' }),
        alert('d3', 'Disk', { endsAt: at('01:10'), service: 'ledger-db' }),
      ],
    });
    await records.put('freezes', 'fz', {
      name: 'F',
      reason: 'R',
      scope: { team: 'checkout' },
      startsAt: at('10:00'),
      endsAt: at('12:00'),
      announcedAt: at('00:00'), // before the changes: only they can violate it
    });
    const change = (id: string, system: string, hhmm: string, extra: object = {}) => ({
      id,
      system,
      kind: 'deploy',
      service: 'checkout-api',
      startedAt: at(hhmm),
      ...extra,
    });
    await records.batch('changes', {
      records: [
        change('c1', 'argo-cd', '09:00', { result: 'success' }),
        change('c2', 'argo-cd', '10:30', { result: 'failed' }),
        change('c3', 'manual', '11:00', { exemption: 'CAB' }),
        change('c4', 'manual', '11:30', { result: 'rolled_back' }),
        change('c5', 'manual', '11:00', { service: 'ledger-db', result: 'success', controlled: true }),
        change('c6', 'legacy', '13:00', { service: 'catalog-web' }),
      ],
    });
    // A system the org then drops: its changes are still listed, after the org's systems.
    await records.put('changes', 'c7', change('c7', 'legacy', '14:00', { service: 'catalog-web' }));
    const next = smallOrg();
    next.policy.transientAlertMinutes = 5;
    await orgs.replace({ ...next, changeSystems: [...next.changeSystems] });
  });
  afterAll(() => store?.close());

  it('a range is required and must not end before it starts; unknown owners are named', async () => {
    await ready();
    expect(await refusal(aggregates.alertsByName({ ...page }))).toEqual([
      { path: 'from', message: 'is required' },
      { path: 'to', message: 'is required' },
    ]);
    expect(await refusal(aggregates.changesBySystem({ from: FROM }))).toEqual([{ path: 'to', message: 'is required' }]);
    expect(await refusal(aggregates.changesBySystem({ to: TO }))).toEqual([{ path: 'from', message: 'is required' }]);
    expect(await refusal(aggregates.changesBySystem({ from: TO + 1, to: TO }))).toEqual([
      { path: 'from', message: 'must not be after to' },
    ]);
    expect(
      await refusal(
        aggregates.alertsByName({
          from: FROM,
          to: TO,
          businessLine: ['x'],
          team: ['checkout', 'y'],
          service: ['z'],
          ...page,
        })
      )
    ).toEqual([
      { path: 'businessLine', message: 'unknown business line "x"' },
      { path: 'team', message: 'unknown team "y"' },
      { path: 'service', message: 'unknown service "z"' },
    ]);
    expect((await aggregates.changesBySystem({ from: TO, to: TO })).items.every((s) => s.changes === 0)).toBe(true);
  });

  it('alerts per name, counted by the verdict rules, with accuracy = actionable / (actionable + noise)', async () => {
    await ready();
    const result = await aggregates.alertsByName({ from: FROM, to: TO, ...page });
    expect(result).toMatchObject({
      from: new Date(FROM).toISOString(),
      to: new Date(TO).toISOString(),
      total: 2,
      limit: 100,
      offset: 0,
    });
    expect(result.items).toEqual([
      {
        name: 'Errors',
        alerts: 5,
        actionable: 2,
        inferredActionable: 1,
        noise: 2,
        inferredNoise: 1,
        unreviewed: 1,
        accuracy: 0.5,
      },
      {
        name: 'Disk',
        alerts: 4,
        actionable: 0,
        inferredActionable: 0,
        noise: 3,
        inferredNoise: 0,
        unreviewed: 1,
        accuracy: 0,
      },
    ]);
    // By alert count (5 before 4) by default; by noise (3 before 2) when asked.
    expect(
      (await aggregates.alertsByName({ from: FROM, to: TO, sort: 'noise', ...page })).items.map((i) => i.name)
    ).toEqual(['Disk', 'Errors']);
    const ledger = await aggregates.alertsByName({ from: FROM, to: TO, team: ['ledger'], ...page });
    expect(ledger.items.map((i) => [i.name, i.alerts])).toEqual([['Disk', 4]]);
    const second = await aggregates.alertsByName({ from: FROM, to: TO, limit: 1, offset: 1 });
    expect(second).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(second.items.map((i) => i.name)).toEqual(['Disk']);
  });

  it('changes per system: the org’s systems in order, then systems it no longer lists', async () => {
    await ready();
    const result = await aggregates.changesBySystem({ from: FROM, to: TO });
    expect(result.from).toBe(new Date(FROM).toISOString());
    expect(result.to).toBe(new Date(TO).toISOString());
    // argo-cd integrated, manual not: 1 of 2.
    expect(result.integration).toEqual({ integrated: 1, total: 2, ratio: 0.5 });
    expect(result.items).toEqual([
      {
        system: 'argo-cd',
        name: 'Argo CD',
        integrated: true,
        // c2 started inside the freeze: a violation is never controlled.
        changes: 2,
        controlled: 1,
        withResult: 2,
        failed: 1,
        freezeViolations: 1,
        coverage: 0.5,
        failureRatio: 0.5,
      },
      {
        system: 'manual',
        name: 'Manual console',
        integrated: false,
        // c5's own controlled: true is a claim without evidence: not counted.
        changes: 3,
        controlled: 0,
        withResult: 2,
        failed: 1,
        freezeViolations: 1,
        coverage: 0,
        failureRatio: 0.5,
      },
      {
        system: 'legacy',
        name: 'legacy',
        integrated: null,
        changes: 2,
        controlled: 0,
        withResult: 0,
        failed: 0,
        freezeViolations: 0,
        coverage: 0,
        failureRatio: null,
      },
    ]);
  });

  it('a system without changes in the range is listed with zeros; owner filters narrow the counts', async () => {
    await ready();
    const ledger = await aggregates.changesBySystem({ from: FROM, to: TO, team: ['ledger'] });
    expect(ledger.items.map((s) => [s.system, s.changes, s.coverage, s.failureRatio])).toEqual([
      ['argo-cd', 0, null, null],
      ['manual', 1, 0, 0],
    ]);
  });
});
