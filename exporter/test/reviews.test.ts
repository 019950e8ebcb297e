/**
 * Committee reviews: period bounds (weeks across a year end, months in a timezone, a running
 * period), the draft's numbers against goals and the period before, and saved snapshots that
 * do not move when late data arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewRanges } from '../src/domain/reviews.js';
import { smallOrg } from './helpers/org.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

const at = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

describe('reviewRanges', () => {
  const later = at('2027-06-01T00:00:00Z');

  it('takes the week from Monday 00:00, across a year end', () => {
    const { current, previous } = reviewRanges('week', at('2026-01-01T12:00:00Z'), later, 'UTC');
    expect([iso(current.from), iso(current.to)]).toEqual(['2025-12-29T00:00:00.000Z', '2026-01-05T00:00:00.000Z']);
    expect([iso(previous.from), iso(previous.to)]).toEqual(['2025-12-22T00:00:00.000Z', '2025-12-29T00:00:00.000Z']);
    expect(current.days).toBe(7);
  });

  it('takes calendar months in the org timezone', () => {
    const { current, previous } = reviewRanges('month', at('2026-03-31T22:30:00Z'), later, 'Europe/Berlin');
    // 22:30Z on 31 March is already 1 April in Berlin (CEST, +02:00).
    expect([iso(current.from), iso(current.to)]).toEqual(['2026-03-31T22:00:00.000Z', '2026-04-30T22:00:00.000Z']);
    expect([iso(previous.from), iso(previous.to)]).toEqual(['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z']);
  });

  it('ends a running period now and cuts the previous one to the same elapsed time', () => {
    const now = at('2026-11-04T12:00:00Z'); // Wednesday
    const { current, previous } = reviewRanges('week', now, now, 'UTC');
    expect([iso(current.from), iso(current.to)]).toEqual(['2026-11-02T00:00:00.000Z', iso(now)]);
    expect([iso(previous.from), iso(previous.to)]).toEqual(['2026-10-26T00:00:00.000Z', '2026-10-28T12:00:00.000Z']);
  });
});

describe.each(STORE_TARGETS)('reviews API on $kind', (target) => {
  let server: TestServer;
  const put = async (collection: string, id: string, body: unknown) => {
    const res = await server.call('PUT', `/api/v1/${collection}/${id}`, { body });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
  };
  const incident = (priority: string, service: string, startedAt: string, minutes: number, extra: object = {}) => ({
    title: `${priority} on ${service}`,
    priority,
    service,
    startedAt,
    detectedAt: startedAt,
    recoveredAt: iso(at(startedAt) + minutes * 60_000),
    detectionSource: 'monitoring',
    ...extra,
  });
  const draft = async (query: string) => {
    const res = await server.call('GET', `/api/v1/reviews/draft?${query}`, { role: 'read' });
    expect(res.status).toBe(200);
    return res.json();
  };
  const orgCell = (review: { scopes: { level: string; cells: Record<string, unknown> }[] }, kpi: string) =>
    review.scopes.find((s) => s.level === 'org')!.cells[kpi];

  beforeAll(async () => {
    server = await startTestServer(await target.fresh());
    expect((await server.call('PUT', '/api/v1/org', { body: smallOrg() })).status).toBe(200);
    await put('incidents', 'i1', incident('P0', 'checkout-api', '2026-11-03T10:00:00Z', 60));
    await put('incidents', 'i2', incident('P1', 'catalog-web', '2026-11-04T10:00:00Z', 180));
    await put('incidents', 'low', incident('P3', 'catalog-web', '2026-11-04T10:00:00Z', 600));
    await put(
      'incidents',
      'drill',
      incident('P0', 'ledger-db', '2026-11-04T10:00:00Z', 900, { drill: true, detectionSource: 'drill' })
    );
    await put('incidents', 'before', incident('P0', 'ledger-db', '2026-10-28T10:00:00Z', 30));
    const action = (dueAt: string, completedAt?: string) => ({
      incident: 'i1',
      title: 'Add a canary',
      owner: 'Ken',
      dueAt,
      ...(completedAt ? { completedAt } : {}),
    });
    await put('actions', 'a-open', action('2026-11-05T00:00:00Z'));
    await put('actions', 'a-late', action('2026-11-05T00:00:00Z', '2026-11-12T00:00:00Z'));
    await put('actions', 'a-done', action('2026-11-05T00:00:00Z', '2026-11-04T00:00:00Z'));
    await put('actions', 'a-future', action('2026-11-20T00:00:00Z'));
  });
  afterAll(() => server?.close());

  it('drafts a week: KPIs against goals and the week before, top incidents, overdue actions', async () => {
    const review = await draft('period=week&at=2026-11-04T08:00:00Z');
    expect(review).toMatchObject({
      period: 'week',
      from: '2026-11-02T00:00:00.000Z',
      to: '2026-11-09T00:00:00.000Z',
      previousFrom: '2026-10-26T00:00:00.000Z',
    });
    expect(review.scopes.map((s: { level: string; id: string }) => `${s.level}:${s.id}`).sort()).toEqual([
      'business_line:commerce',
      'business_line:payments',
      'org:org',
    ]);
    expect(orgCell(review, 'high_priority_incidents')).toMatchObject({ value: 2, previous: 1 });
    // mean of 1 h and 3 h against the org's 30 min goal; the week before had one 30 min recovery.
    expect(orgCell(review, 'mttr_seconds')).toEqual({ value: 7200, target: 1800, status: 'missed', previous: 1800 });
    expect(review.topIncidents.map((i: { id: string }) => i.id)).toEqual(['i2', 'i1']);
    expect(review.topIncidents[0]).toMatchObject({ team: 'catalog', businessLine: 'commerce', priority: 'P1' });
    expect(review.overdueActions.map((a: { id: string }) => a.id)).toEqual(['a-late', 'a-open']);
    expect(review.overdueActionsTotal).toBe(2);
  });

  it('saves a snapshot that late data does not change, and a retry does not save twice', async () => {
    const body = {
      id: 'weekly-2026-45',
      period: 'week',
      at: '2026-11-04T08:00:00Z',
      title: 'Week 45',
      notes: 'Checkout canary agreed',
    };
    const first = await server.call('POST', '/api/v1/reviews', { body });
    expect(first.status).toBe(201);
    const saved = await first.json();
    expect(saved).toMatchObject({ id: 'weekly-2026-45', title: 'Week 45', notes: 'Checkout canary agreed' });

    await put('incidents', 'late', incident('P0', 'ledger-db', '2026-11-05T10:00:00Z', 60));
    expect(orgCell(await draft('period=week&at=2026-11-04T08:00:00Z'), 'high_priority_incidents')).toMatchObject({
      value: 3,
    });

    const reopened = await (await server.call('GET', '/api/v1/reviews/weekly-2026-45', { role: 'read' })).json();
    expect(reopened).toEqual(saved);
    const retry = await server.call('POST', '/api/v1/reviews', { body });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual(saved);

    const generated = await server.call('POST', '/api/v1/reviews', {
      body: { period: 'month', at: '2026-10-15T00:00:00Z', title: 'October' },
    });
    expect(generated.status).toBe(201);
    const { id } = await generated.json();
    expect(id).toMatch(/^rv-/);
    const list = await (await server.call('GET', '/api/v1/reviews', { role: 'read' })).json();
    expect(list.items.map((r: { id: string }) => r.id).sort()).toEqual([id, 'weekly-2026-45'].sort());
    expect(list.items.find((r: { id: string }) => r.id === id)).toMatchObject({
      period: 'month',
      from: '2026-10-01T00:00:00.000Z',
      to: '2026-11-01T00:00:00.000Z',
      title: 'October',
    });
  });

  it('refuses bad input with the field named, and writes nothing', async () => {
    const before = (await (await server.call('GET', '/api/v1/reviews', { role: 'read' })).json()).items.length;
    const bad = async (res: Response, status: number, path?: string) => {
      expect(res.status).toBe(status);
      if (path) expect((await res.json()).issues.map((i: { path: string }) => i.path)).toContain(path);
    };
    await bad(await server.call('GET', '/api/v1/reviews/draft?period=year', { role: 'read' }), 400, 'period');
    await bad(
      await server.call(
        'GET',
        `/api/v1/reviews/draft?period=week&at=${encodeURIComponent(iso(Date.now() + 86_400_000))}`,
        { role: 'read' }
      ),
      400,
      'at'
    );
    await bad(await server.call('POST', '/api/v1/reviews', { body: { period: 'week', title: ' ' } }), 400, 'title');
    await bad(
      await server.call('POST', '/api/v1/reviews', { body: { period: 'week', title: 'x', colour: 'red' } }),
      400
    );
    await bad(
      await server.call('POST', '/api/v1/reviews', { role: 'ingest', body: { period: 'week', title: 'x' } }),
      403
    );
    await bad(await server.call('GET', '/api/v1/reviews', { role: null }), 401);
    await bad(await server.call('GET', '/api/v1/reviews/nope', { role: 'read' }), 404);
    expect((await (await server.call('GET', '/api/v1/reviews', { role: 'read' })).json()).items).toHaveLength(before);
  });
});
