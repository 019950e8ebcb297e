/** The store's behaviour, run identically against SQLite and a real PostgreSQL. */
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { migrate, MIGRATIONS } from '../src/store/migrations/index.js';
import { openServices, type Services } from '../src/server.js';
import { ConflictError, ValidationError } from '../src/service/errors.js';
import { GateService } from '../src/service/gate.js';
import { Store } from '../src/store/store.js';
import { smallOrg } from './helpers/org.js';
import { STORE_TARGETS } from './helpers/stores.js';
import { recordQuery } from '../src/api/list-params.js';

const logger = pino({ level: 'silent' });
const incident = (over: Record<string, unknown> = {}) => ({
  title: 'Checkout errors',
  priority: 'P1',
  service: 'checkout-api',
  startedAt: '2026-03-01T10:00:00Z',
  detectedAt: '2026-03-01T10:02:00+00:00',
  recoveredAt: '2026-03-01T10:40:00Z',
  detectionSource: 'monitoring',
  ...over,
});
const alert = (i: number, over: Record<string, unknown> = {}) => ({
  id: `a-${i}`,
  name: 'HighErrorRate',
  severity: i % 2 ? 'critical' : 'warning',
  service: 'checkout-api',
  startsAt: new Date(Date.UTC(2026, 2, 1, 0, i)).toISOString(),
  ...over,
});

describe.each(STORE_TARGETS)('store on $kind', (target) => {
  let services: Services | null = null;
  const open = async () => {
    services = await openServices(await target.fresh(), logger);
    await services.orgs.replace(smallOrg());
    return services;
  };
  afterEach(async () => {
    await services?.store.close();
    services = null;
  });

  it('applies migrations once, idempotently, and reports them', async () => {
    const config = await target.fresh();
    const first = await Store.open(config);
    const names = await first.migrations();
    expect(names).toEqual(MIGRATIONS.map((m) => m.name));
    await first.close();
    const second = await Store.open(config);
    expect(await second.migrations()).toEqual(names);
    expect(await migrate(second.db, second.kind)).toEqual([]);
    await second.close();
  });

  it('leaves the schema unchanged when a migration fails', async () => {
    const store = await Store.open(await target.fresh());
    const broken = {
      name: '999-broken',
      up: async (db: Parameters<(typeof MIGRATIONS)[number]['up']>[0]) => {
        await db.schema.createTable('half_done').addColumn('id', 'text').execute();
        await sql`select * from no_such_table`.execute(db);
      },
    };
    await expect(migrate(store.db, store.kind, [...MIGRATIONS, broken])).rejects.toThrow();
    const tables = (await store.db.introspection.getTables()).map((t) => t.name);
    expect(tables).not.toContain('half_done');
    expect(await store.migrations()).not.toContain('999-broken');
    await store.close();
  });

  it('round-trips a record with timestamps normalised to UTC', async () => {
    const { records } = await open();
    const { record, outcome } = await records.put(
      'incidents',
      'inc-1',
      incident({ startedAt: '2026-03-01T12:00:00+02:00' })
    );
    expect(outcome).toBe('created');
    expect(record).toMatchObject({
      id: 'inc-1',
      startedAt: '2026-03-01T10:00:00.000Z',
      team: 'checkout',
      businessLine: 'payments',
      drill: false,
      cause: 'unknown',
      steps: [],
    });
    expect(await records.get('incidents', 'inc-1')).toEqual(record);
  });

  it('writes the same record twice without changing anything', async () => {
    const { records, store } = await open();
    await records.put('incidents', 'inc-1', incident());
    const before = await records.get('incidents', 'inc-1');
    const revision = await store.revision();
    const again = await records.put('incidents', 'inc-1', incident());
    expect(again.outcome).toBe('unchanged');
    expect(again.record.updatedAt).toBe(before.updatedAt);
    const changed = await records.put('incidents', 'inc-1', incident({ title: 'Checkout 5xx' }));
    expect(changed.outcome).toBe('updated');
    expect(changed.record.title).toBe('Checkout 5xx');
    expect(await store.revision()).toBeGreaterThan(revision);
  });

  it('writes a batch all or nothing, naming the bad record by index', async () => {
    const { records } = await open();
    const good = Array.from({ length: 50 }, (_, i) => alert(i));
    const bad = [...good.slice(0, 20), alert(20, { service: 'nope' }), ...good.slice(21)];
    const error = await records.batch('alerts', { records: bad }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: 'records[20].service', message: 'unknown service "nope"' },
    ]);
    expect((await records.list('alerts', recordQuery('alerts', {}))).total).toBe(0);

    expect(await records.batch('alerts', { records: good })).toEqual({ created: 50, updated: 0, unchanged: 0 });
    const retried = [...good.slice(0, 49), alert(49, { verdict: 'noise' })];
    expect(await records.batch('alerts', { records: retried })).toEqual({ created: 0, updated: 1, unchanged: 49 });
    expect((await records.list('alerts', recordQuery('alerts', {}))).total).toBe(50);
  });

  it('lists with filters, newest first, paginated', async () => {
    const { records } = await open();
    await records.batch('alerts', {
      records: Array.from({ length: 30 }, (_, i) => alert(i, i === 3 ? { verdict: 'noise' } : {})),
    });
    const page = await records.list('alerts', recordQuery('alerts', { limit: '10', offset: '5' }));
    expect(page.total).toBe(30);
    expect(page.items.map((a) => a.id)).toEqual(Array.from({ length: 10 }, (_, i) => `a-${24 - i}`));
    expect((await records.list('alerts', recordQuery('alerts', { severity: 'critical' }))).total).toBe(15);
    expect((await records.list('alerts', recordQuery('alerts', { highSeverity: 'true', verdict: 'none' }))).total).toBe(
      14
    );
    expect((await records.list('alerts', recordQuery('alerts', { verdict: 'noise' }))).items.map((a) => a.id)).toEqual([
      'a-3',
    ]);
    const window = await records.list(
      'alerts',
      recordQuery('alerts', { from: '2026-03-01T00:10:00Z', to: '2026-03-01T00:20:00Z' })
    );
    expect(window.total).toBe(10);
    expect((await records.list('alerts', recordQuery('alerts', { team: 'ledger' }))).total).toBe(0);
    expect((await records.list('alerts', recordQuery('alerts', { businessLine: 'payments,commerce' }))).total).toBe(30);
  });

  it('scans matching rows a step at a time, in list order, ties split across steps included', async () => {
    const { records, store } = await open();
    const minute = (m: number) => new Date(Date.UTC(2026, 2, 1, 0, m)).toISOString();
    await records.batch('alerts', {
      records: Array.from({ length: 7 }, (_, i) => alert(i, { startsAt: minute(Math.floor(i / 2)) })),
    });
    const steps: string[][] = [];
    const where = [{ column: 'starts_at', op: '>=' as const, value: Date.parse(minute(1)) }];
    for await (const rows of store.scan('alerts', { where, orderBy: 'starts_at', columns: ['id'], step: 2 })) {
      expect(Object.keys(rows[0]!).sort()).toEqual(['id', 'starts_at']); // the asked-for and order columns only
      steps.push(rows.map((row) => row.id as string));
    }
    expect(steps).toEqual([['a-6', 'a-4'], ['a-5', 'a-2'], ['a-3']]);
    const listed = await records.list('alerts', recordQuery('alerts', { from: minute(1) }));
    expect(listed.items.map((a) => a.id)).toEqual(steps.flat());
  });

  it('appends incident steps once and keeps them in order', async () => {
    const { records } = await open();
    await records.put('incidents', 'inc-1', incident());
    const step = { step: 'war_room', at: '2026-03-01T10:10:00Z', owner: 'Ken' };
    expect(
      (await records.appendStep('inc-1', { step: 'response', at: '2026-03-01T10:03:00Z', owner: 'Ann' })).added
    ).toBe(true);
    expect((await records.appendStep('inc-1', step)).added).toBe(true);
    const again = await records.appendStep('inc-1', step);
    expect(again.added).toBe(false);
    expect((again.record.steps as { step: string }[]).map((s) => s.step)).toEqual(['response', 'war_room']);
  });

  it('re-resolves teams when the org moves a service, and refuses to orphan records', async () => {
    const { records, orgs } = await open();
    await records.put('incidents', 'inc-1', incident());
    await records.put('actions', 'act-1', {
      incident: 'inc-1',
      title: 'Add alert',
      owner: 'Ken',
      dueAt: '2026-04-01T00:00:00Z',
    });
    const moved = smallOrg();
    moved.services[0]!.team = 'catalog';
    await orgs.replace(moved);
    expect(await records.get('incidents', 'inc-1')).toMatchObject({ team: 'catalog', businessLine: 'commerce' });
    expect(await records.get('actions', 'act-1')).toMatchObject({ team: 'catalog', businessLine: 'commerce' });

    const without = smallOrg();
    without.services = without.services.slice(1);
    await expect(orgs.replace(without)).rejects.toBeInstanceOf(ConflictError);
    expect((await orgs.current()).org.services).toHaveLength(3);
  });

  it('settles a re-sent batch that changes nothing without a write: the data revision stays', async () => {
    const { records, orgs, store } = await open();
    const org = await orgs.index();
    const merge = (incoming: Record<string, unknown>, stored: Record<string, unknown>) => ({ ...stored, ...incoming });
    const batch = [0, 1, 2].map((i) => ({ id: `a-${i}`, input: alert(i) }));
    expect((await records.mergeBatch('alerts', batch, merge, org)).created).toBe(3);
    const written = await store.revision();
    const again = await records.mergeBatch('alerts', batch, merge, org);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(await store.revision()).toBe(written);
    const resolved = batch.map((r, i) => (i === 1 ? { ...r, input: alert(1, { endsAt: '2026-03-01T01:00:00Z' }) } : r));
    expect(await records.mergeBatch('alerts', resolved, merge, org)).toMatchObject({
      updated: 1,
      unchanged: 2,
    });
    expect(await store.revision()).toBe(written + 1);
  });

  it('treats changes from integrated systems, or cleared by the gate, as controlled unless they say otherwise', async () => {
    const services = await open();
    const { records } = services;
    const change = { system: 'argo-cd', service: 'catalog-web', kind: 'deploy', startedAt: '2026-03-02T09:00:00Z' };
    expect((await records.put('changes', 'c-1', change)).record.controlled).toBe(true);
    expect((await records.put('changes', 'c-2', { ...change, system: 'manual' })).record.controlled).toBe(false);
    const check = await new GateService(services.store, services.orgs).check(
      { service: 'catalog-web' },
      Date.parse(change.startedAt) - 60_000
    );
    expect(
      (await records.put('changes', 'c-3', { ...change, system: 'manual', gateCheck: check.checkId })).record.controlled
    ).toBe(true);
    expect(
      (await records.list('changes', recordQuery('changes', { controlled: 'false' }))).items.map((c) => c.id)
    ).toEqual(['c-2']);
  });

  it('deletes freezes and lists the active ones', async () => {
    const { records } = await open();
    const now = Date.now();
    await records.put('freezes', 'f-now', {
      name: 'Now',
      reason: 'testing',
      scope: { team: 'checkout' },
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 60_000).toISOString(),
    });
    await records.put('freezes', 'f-later', {
      name: 'Later',
      reason: 'testing',
      scope: {},
      startsAt: new Date(now + 3_600_000).toISOString(),
      endsAt: new Date(now + 7_200_000).toISOString(),
    });
    expect((await records.list('freezes', recordQuery('freezes', { active: 'true' }))).items.map((f) => f.id)).toEqual([
      'f-now',
    ]);
    expect((await records.list('freezes', recordQuery('freezes', { team: 'catalog' }))).items.map((f) => f.id)).toEqual(
      ['f-later']
    );
    await records.remove('freezes', 'f-now');
    expect((await records.list('freezes', recordQuery('freezes', {}))).total).toBe(1);
  });
});

// PostgreSQL only (a statement's plan), wherever the store targets include it.
describe.each(STORE_TARGETS.filter((t) => t.kind === 'postgres'))('store on $kind only', (target) => {
  // PostgreSQL's plan cache (src/backend/utils/cache/plancache.c, choose_custom_plan) switches a
  // named statement to a generic plan after five runs; chosen on a young table, an id lookup's
  // generic plan scans every row against every id, and ingest slowed as the table grew.
  it('plans named statements with their values, never generically', async () => {
    const services = await openServices(await target.fresh(), logger);
    const { store } = services;
    onTestFinished(() => store.close());
    const plans = await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 12; i++) await store.rowsById(trx, 'changes', [`c-${i}`, `c-${i + 1}`], { lock: true });
      const { rows } = await sql<{ generic: number; custom: number }>`
        select coalesce(sum(generic_plans), 0)::int as generic, coalesce(sum(custom_plans), 0)::int as custom
        from pg_prepared_statements where statement like '%from "changes" where "id" in%'`.execute(trx);
      return rows[0]!;
    });
    expect(plans.generic).toBe(0);
    expect(plans.custom).toBeGreaterThanOrEqual(6); // named from the second run on
  });
});
