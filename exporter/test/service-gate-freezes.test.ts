/**
 * The gate and the freeze services called directly on a store (no HTTP): which open windows refuse
 * a service or a team, what a kept gate answer holds, `/freeze-occurrences` (validation, filters,
 * order, truncation) and `/freezes` (active, range, order, paging), and the scope rule `overlaps`.
 * Expected answers are worked out by hand from the windows below.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { OrgIndex } from '../src/domain/org.js';
import { NotFoundError, ValidationError } from '../src/service/errors.js';
import { FreezeService, freezeWindow, overlaps } from '../src/service/freezes.js';
import { GateService } from '../src/service/gate.js';
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

const HOUR = 3_600_000;

/** The issues a call was refused with (it must be refused with a ValidationError). */
async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues;
}

describe('overlaps (pure)', () => {
  const index = new OrgIndex(smallOrg());

  it('a scope meets a target unless they differ on a level both name', () => {
    expect(overlaps({}, [{ service: 'ledger-db', team: 'ledger', businessLine: 'payments' }], index)).toBe(true);
    expect(overlaps({ service: 'ledger-db' }, [{ service: 'ledger-db' }], index)).toBe(true);
    expect(overlaps({ service: 'ledger-db' }, [{ service: 'checkout-api' }], index)).toBe(false);
    // A service's scope reaches its team and business line.
    expect(overlaps({ service: 'ledger-db' }, [{ team: 'ledger' }], index)).toBe(true);
    expect(overlaps({ service: 'ledger-db' }, [{ team: 'checkout' }], index)).toBe(false);
    expect(overlaps({ service: 'ledger-db' }, [{ businessLine: 'payments' }], index)).toBe(true);
    expect(overlaps({ service: 'ledger-db' }, [{ businessLine: 'commerce' }], index)).toBe(false);
    // A team's scope reaches its business line.
    expect(overlaps({ team: 'catalog' }, [{ businessLine: 'commerce' }], index)).toBe(true);
    expect(overlaps({ team: 'catalog' }, [{ businessLine: 'payments' }], index)).toBe(false);
    expect(overlaps({ team: 'catalog' }, [{ service: 'catalog-web', team: 'catalog' }], index)).toBe(true);
    expect(overlaps({ businessLine: 'payments' }, [{ team: 'ledger', businessLine: 'payments' }], index)).toBe(true);
    expect(overlaps({ businessLine: 'payments' }, [{ team: 'catalog', businessLine: 'commerce' }], index)).toBe(false);
    // Any one target of the list is enough.
    expect(overlaps({ team: 'catalog' }, [{ team: 'ledger' }, { team: 'catalog' }], index)).toBe(true);
    expect(overlaps({ team: 'catalog' }, [], index)).toBe(false);
  });

  it('a stored row becomes a window: null columns are left out', () => {
    const row = {
      id: 'f1',
      name: 'N',
      reason: 'R',
      scope_business_line: null,
      scope_team: 'ledger',
      scope_service: null,
      starts_at: null,
      ends_at: null,
      cron: '0 9 * * *',
      duration_minutes: 30,
      timezone: 'UTC',
    };
    expect(freezeWindow(row)).toEqual({
      id: 'f1',
      name: 'N',
      reason: 'R',
      scope: { team: 'ledger' },
      startsAt: undefined,
      endsAt: undefined,
      schedule: { cron: '0 9 * * *', durationMinutes: 30, timezone: 'UTC' },
    });
    expect(
      freezeWindow({
        ...row,
        scope_business_line: 'payments',
        scope_team: null,
        scope_service: 'ledger-db',
        cron: null,
        starts_at: 5,
        ends_at: 9,
      })
    ).toEqual({
      id: 'f1',
      name: 'N',
      reason: 'R',
      scope: { businessLine: 'payments', service: 'ledger-db' },
      startsAt: 5,
      endsAt: 9,
      schedule: undefined,
    });
  });
});

describe.each(STORE_TARGETS)('gate and freezes on $kind', (target) => {
  let store: Store;
  let orgs: OrgService;
  let records: RecordService;
  let freezes: FreezeService;
  let gate: GateService;
  const now = Date.now();
  const remove = (id: string) => store.db.deleteFrom('freezes').where('id', '=', id).execute();
  const put = (id: string, body: object) =>
    records.put('freezes', id, { name: `Freeze ${id}`, reason: `Reason ${id}`, ...body });

  const ready = once(async () => {
    store = await Store.open(await target.fresh());
    orgs = new OrgService(store);
    await orgs.replace(smallOrg());
    freezes = new FreezeService(store, orgs);
    records = new RecordService(store, orgs, freezes);
    gate = new GateService(store, orgs);
    // Open now: ledger-db until now+2h, all of commerce until now+1h. Closed: checkout a day ago.
    await put('ledger-db-now', {
      scope: { service: 'ledger-db' },
      startsAt: new Date(now - HOUR).toISOString(),
      endsAt: new Date(now + 2 * HOUR).toISOString(),
    });
    await put('commerce-now', {
      scope: { businessLine: 'commerce' },
      startsAt: new Date(now - HOUR).toISOString(),
      endsAt: new Date(now + HOUR).toISOString(),
    });
    await put('checkout-past', {
      scope: { team: 'checkout' },
      startsAt: new Date(now - 26 * HOUR).toISOString(),
      endsAt: new Date(now - 25 * HOUR).toISOString(),
    });
  });
  afterAll(() => store?.close());

  describe('gate', () => {
    it('refuses a question without exactly one known service or team, and keeps nothing', async () => {
      await ready();
      expect(await refusal(gate.check({}))).toEqual([{ path: 'service', message: 'give either service or team' }]);
      expect(await refusal(gate.check({ service: 'ledger-db', team: 'ledger' }))).toEqual([
        { path: 'service', message: 'give either service or team' },
      ]);
      expect(await refusal(gate.check({ service: 'nope' }))).toEqual([
        { path: 'service', message: 'unknown service "nope"' },
      ]);
      expect(await refusal(gate.check({ team: 'nope' }))).toEqual([{ path: 'team', message: 'unknown team "nope"' }]);
      const kept = await store.db.selectFrom('gate_checks').select('id').execute();
      expect(kept).toEqual([]);
    });

    it('a service under an open window is refused, with the windows by end; another is allowed', async () => {
      await ready();
      const refused = await gate.check({ service: 'ledger-db' }, now);
      expect(refused).toMatchObject({ allowed: false, at: new Date(now).toISOString(), service: 'ledger-db' });
      expect(refused).not.toHaveProperty('team');
      expect(refused.freezes).toEqual([
        {
          id: 'ledger-db-now',
          name: 'Freeze ledger-db-now',
          reason: 'Reason ledger-db-now',
          startsAt: new Date(now - HOUR).toISOString(),
          endsAt: new Date(now + 2 * HOUR).toISOString(),
        },
      ]);
      const allowed = await gate.check({ service: 'checkout-api' }, now);
      expect(allowed).toMatchObject({ allowed: true, service: 'checkout-api', freezes: [] });
      expect(allowed.checkId).not.toBe(refused.checkId);
    });

    it('a team is refused by a window on one of its services or on its business line', async () => {
      await ready();
      expect((await gate.check({ team: 'ledger' }, now)).freezes.map((f) => f.id)).toEqual(['ledger-db-now']);
      expect((await gate.check({ team: 'catalog' }, now)).freezes.map((f) => f.id)).toEqual(['commerce-now']);
      expect(await gate.check({ team: 'checkout' }, now)).toMatchObject({ allowed: true, team: 'checkout' });
      // A day ago the checkout window was open, the others not yet.
      expect((await gate.check({ team: 'checkout' }, now - 25.5 * HOUR)).freezes.map((f) => f.id)).toEqual([
        'checkout-past',
      ]);
    });

    it('several open windows come by end, then id', async () => {
      await ready();
      await put('org-wide', {
        scope: {},
        startsAt: new Date(now - HOUR).toISOString(),
        endsAt: new Date(now + HOUR).toISOString(),
      });
      try {
        const answer = await gate.check({ service: 'catalog-web' }, now);
        expect(answer.freezes.map((f) => f.id)).toEqual(['commerce-now', 'org-wide']);
        const ledger = await gate.check({ service: 'ledger-db' }, now);
        expect(ledger.freezes.map((f) => f.id)).toEqual(['org-wide', 'ledger-db-now']);
      } finally {
        await remove('org-wide');
      }
    });

    it('an answer is kept as it was given and read back by its checkId', async () => {
      await ready();
      const refused = await gate.check({ service: 'ledger-db' }, now);
      expect(await gate.get(refused.checkId)).toEqual(refused);
      const allowed = await gate.check({ team: 'checkout' }, now);
      expect(await gate.get(allowed.checkId)).toEqual(allowed);
      const row = await store.db
        .selectFrom('gate_checks')
        .selectAll()
        .where('id', '=', refused.checkId)
        .executeTakeFirst();
      expect(row).toMatchObject({ service: 'ledger-db', team: null, allowed: 0, at: now });
      const error = await gate.get('gc-nope').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toBe('gate check "gc-nope" not found');
    });
  });

  describe('occurrences', () => {
    const day = Date.UTC(2026, 2, 2); // Monday 2026-03-02
    const readyOccurrences = once(async () => {
      await ready();
      // Announced before the days asked about: a window is drawn only where it was in force.
      await put('daily-ledger', {
        scope: { team: 'ledger' },
        schedule: { cron: '0 9 * * *', durationMinutes: 60, timezone: 'UTC' },
        announcedAt: '2026-01-01T00:00:00Z',
      });
      await put('daily-catalog', {
        scope: { service: 'catalog-web' },
        schedule: { cron: '0 9 * * *', durationMinutes: 30, timezone: 'UTC' },
        announcedAt: '2026-01-01T00:00:00Z',
      });
    });
    afterAll(async () => {
      await remove('daily-ledger');
      await remove('daily-catalog');
    });

    it('needs a range that does not end before it starts', async () => {
      await readyOccurrences();
      expect(await refusal(freezes.occurrences({}))).toEqual([
        { path: 'from', message: 'is required' },
        { path: 'to', message: 'is required' },
      ]);
      expect(await refusal(freezes.occurrences({ from: day }))).toEqual([{ path: 'to', message: 'is required' }]);
      expect(await refusal(freezes.occurrences({ to: day }))).toEqual([{ path: 'from', message: 'is required' }]);
      expect(await refusal(freezes.occurrences({ from: day + 1, to: day }))).toEqual([
        { path: 'from', message: 'must not be after to' },
      ]);
      expect((await freezes.occurrences({ from: day, to: day })).items).toEqual([]);
    });

    it('shows each window where it was in force: from its announcement, and an ended one for the past', async () => {
      await readyOccurrences();
      const t = (hh: string) => Date.parse(`2026-03-05T${hh}:00:00Z`);
      // Written at 10:30 for 10:00–12:00: in force from 10:30 only, as violations count.
      await put('late', {
        scope: { team: 'ledger' },
        startsAt: '2026-03-05T10:00:00Z',
        endsAt: '2026-03-05T12:00:00Z',
        announcedAt: '2026-03-05T10:30:00Z',
      });
      const late = await freezes.occurrences({ from: t('00'), to: t('23') });
      expect(late.items.filter((o) => o.freeze === 'late').map((o) => [o.startsAt, o.endsAt])).toEqual([
        ['2026-03-05T10:30:00.000Z', '2026-03-05T12:00:00.000Z'],
      ]);
      // Ended (DELETE /freezes/late): gone from the lists, still on the timeline of the past.
      await records.remove('freezes', 'late');
      expect((await freezes.list({ limit: 100, offset: 0 })).items.map((f) => f.id)).not.toContain('late');
      const after = await freezes.occurrences({ from: t('00'), to: t('23') });
      expect(after.items.filter((o) => o.freeze === 'late').map((o) => o.startsAt)).toEqual([
        '2026-03-05T10:30:00.000Z',
      ]);
      const future = await freezes.occurrences({ from: Date.now(), to: Date.now() + 3 * 24 * HOUR });
      expect(future.items.map((o) => o.freeze)).not.toContain('late');
    });

    it('each opening in the range, by start then freeze id, with the freeze’s scope', async () => {
      await readyOccurrences();
      const { items, truncated } = await freezes.occurrences({ from: day, to: day + 2 * 24 * HOUR });
      expect(truncated).toBe(false);
      expect(items.map((o) => [o.freeze, o.startsAt, o.endsAt])).toEqual([
        ['daily-catalog', '2026-03-02T09:00:00.000Z', '2026-03-02T09:30:00.000Z'],
        ['daily-ledger', '2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z'],
        ['daily-catalog', '2026-03-03T09:00:00.000Z', '2026-03-03T09:30:00.000Z'],
        ['daily-ledger', '2026-03-03T09:00:00.000Z', '2026-03-03T10:00:00.000Z'],
      ]);
      expect(items[1]).toEqual({
        freeze: 'daily-ledger',
        name: 'Freeze daily-ledger',
        reason: 'Reason daily-ledger',
        scope: { team: 'ledger' },
        startsAt: '2026-03-02T09:00:00.000Z',
        endsAt: '2026-03-02T10:00:00.000Z',
      });
    });

    it('owner filters keep the freezes whose scope meets each of them', async () => {
      await readyOccurrences();
      const ids = async (filter: object) => [
        ...new Set(
          (await freezes.occurrences({ from: day, to: day + 24 * HOUR, ...filter })).items.map((o) => o.freeze)
        ),
      ];
      expect(await ids({ team: ['ledger'] })).toEqual(['daily-ledger']);
      expect(await ids({ service: ['catalog-web'] })).toEqual(['daily-catalog']);
      expect(await ids({ businessLine: ['commerce'] })).toEqual(['daily-catalog']);
      expect(await ids({ businessLine: ['payments'] })).toEqual(['daily-ledger']);
      expect(await ids({ team: ['ledger', 'catalog'] })).toEqual(['daily-catalog', 'daily-ledger']);
      // Every filter given must meet the scope.
      expect(await ids({ team: ['ledger'], businessLine: ['commerce'] })).toEqual([]);
      expect(await ids({ team: [] })).toEqual(['daily-catalog', 'daily-ledger']);
    });
  });

  describe('list', () => {
    const page = { limit: 100, offset: 0 };
    const ids = async (query: object) => (await freezes.list({ ...page, ...query })).items.map((f) => f.id);

    it('newest start first; recurring ones (no start) last, by id', async () => {
      await ready();
      await put('weekly', {
        scope: { team: 'catalog' },
        schedule: { cron: '0 9 * * 1', durationMinutes: 60, timezone: 'UTC' },
      });
      await put('daily-a', { scope: {}, schedule: { cron: '0 3 * * *', durationMinutes: 1, timezone: 'UTC' } });
      try {
        expect(await ids({})).toEqual(['commerce-now', 'ledger-db-now', 'checkout-past', 'daily-a', 'weekly']);
        const result = await freezes.list({ limit: 2, offset: 1 });
        expect(result.items.map((f) => f.id)).toEqual(['ledger-db-now', 'checkout-past']);
        expect(result).toMatchObject({ total: 5, limit: 2, offset: 1 });
        expect(result.items[1]).toMatchObject({ id: 'checkout-past', scope: { team: 'checkout' } });
      } finally {
        await remove('weekly');
        await remove('daily-a');
      }
    });

    it('active: open now; a range: open at some time in it; owner filters', async () => {
      await ready();
      expect(await ids({ active: true })).toEqual(['commerce-now', 'ledger-db-now']);
      expect(await ids({ from: now - 26 * HOUR, to: now - 24 * HOUR })).toEqual(['checkout-past']);
      expect(await ids({ from: now + 1.5 * HOUR })).toEqual(['ledger-db-now']);
      expect(await ids({ to: now - 2 * HOUR })).toEqual(['checkout-past']);
      expect(await ids({ team: ['ledger'] })).toEqual(['ledger-db-now']);
      expect(await ids({ service: ['catalog-web'], active: true })).toEqual(['commerce-now']);
      expect((await freezes.list({ ...page, team: ['checkout'] })).total).toBe(1);
    });
  });
});
