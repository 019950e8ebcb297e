/**
 * Committee reviews: period bounds (weeks across a year end, months and quarters in a timezone, a
 * running period), what changed past the threshold, the draft's numbers against goals and the
 * period before per scope (a business line's top incidents are its own, not its share of the
 * org's), decisions recorded as improvement actions, and saved snapshots that do not move when
 * late data arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewRanges, whatChanged, type JudgedScope } from '../src/domain/reviews.js';
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

  it('takes calendar quarters in the org timezone, across a year end', () => {
    const q4 = reviewRanges('quarter', at('2026-11-15T00:00:00Z'), later, 'Europe/Berlin');
    expect([iso(q4.current.from), iso(q4.current.to)]).toEqual([
      '2026-09-30T22:00:00.000Z',
      '2026-12-31T23:00:00.000Z',
    ]);
    expect(iso(q4.previous.from)).toBe('2026-06-30T22:00:00.000Z');
    const q1 = reviewRanges('quarter', at('2026-03-31T23:30:00Z'), later, 'UTC');
    expect([iso(q1.current.from), iso(q1.current.to)]).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
    ]);
    expect([iso(q1.previous.from), iso(q1.previous.to)]).toEqual([
      '2025-10-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
  });

  it('ends a running period now and cuts the previous one to the same elapsed time', () => {
    const now = at('2026-11-04T12:00:00Z'); // Wednesday
    const { current, previous } = reviewRanges('week', now, now, 'UTC');
    expect([iso(current.from), iso(current.to)]).toEqual(['2026-11-02T00:00:00.000Z', iso(now)]);
    expect([iso(previous.from), iso(previous.to)]).toEqual(['2026-10-26T00:00:00.000Z', '2026-10-28T12:00:00.000Z']);
  });
});

describe('whatChanged', () => {
  const kpis = [
    { key: 'mttr_seconds', direction: 'lower' as const },
    { key: 'mttd_seconds', direction: 'lower' as const },
    { key: 'detection_ratio', direction: 'higher' as const },
    { key: 'high_priority_incidents', direction: 'lower' as const },
  ];
  const cell = (previous: number | null, value: number | null, target: number | null = null) => ({
    previous,
    value,
    target,
    // The status of `value` as the scorecard gives it (no target: no_data).
    status: (target === null || value === null ? 'no_data' : value <= target ? 'met' : 'missed') as never,
  });
  const scope = (id: string, cells: JudgedScope['cells']): JudgedScope => ({ level: 'team', id, name: id, cells });

  it('lists moves past the threshold and status changes, largest first; not what stayed put', () => {
    const moved = whatChanged(
      [
        scope('a', {
          mttr_seconds: cell(1000, 1040), // +4 %: below 5 %
          mttd_seconds: cell(300, 300), // "5m → 5m"
          detection_ratio: cell(0.5, 0.6), // +20 %, better
          high_priority_incidents: cell(0, 2), // from 0: first of all
        }),
        scope('b', {
          mttr_seconds: cell(2000, 1800, 1800), // −10 %, missed → met
          mttd_seconds: cell(100, 95), // −5 % exactly: listed
          detection_ratio: cell(null, 0.9), // nothing to compare with
          high_priority_incidents: cell(4, 3, 3), // −25 %, missed → met
        }),
      ],
      kpis,
      0.05
    );
    expect(moved.map((m) => `${m.scope}:${m.kpi}:${m.reasons.join('+')}:${m.better ? 'better' : 'worse'}`)).toEqual([
      'a:high_priority_incidents:threshold:worse',
      'b:high_priority_incidents:threshold+status:better',
      'a:detection_ratio:threshold:better',
      'b:mttr_seconds:threshold+status:better',
      'b:mttd_seconds:threshold:better',
    ]);
    expect(moved[3]).toMatchObject({ statusBefore: 'missed', status: 'met', previous: 2000, value: 1800 });
    expect(moved[2]!.relative).toBeCloseTo(0.2);
  });

  it('a higher threshold keeps only the bigger moves and every status change', () => {
    const moved = whatChanged(
      [scope('b', { mttr_seconds: cell(2000, 1800, 1800), detection_ratio: cell(0.5, 0.6) })],
      kpis,
      0.5
    );
    expect(moved.map((m) => [m.kpi, m.reasons])).toEqual([['mttr_seconds', ['status']]]);
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
    // September: ten long Commerce incidents fill the org's top ten; Payments has two short ones.
    for (let n = 1; n <= 10; n++) {
      await put(
        'incidents',
        `big-${n}`,
        incident('P0', 'catalog-web', `2026-09-${String(n + 1).padStart(2, '0')}T10:00:00Z`, 600)
      );
    }
    await put('incidents', 'pay-1', incident('P1', 'checkout-api', '2026-09-20T10:00:00Z', 30));
    await put('incidents', 'pay-2', incident('P0', 'ledger-db', '2026-09-21T10:00:00Z', 45));
    await put('incidents', 'aug-pay', incident('P0', 'checkout-api', '2026-08-10T10:00:00Z', 40));
    // Overdue at the end of September, done in October (so no later review sees them overdue).
    const september = (incident: string) => ({
      incident,
      title: `Follow up ${incident}`,
      owner: 'Ken',
      dueAt: '2026-09-10T00:00:00Z',
      completedAt: '2026-10-05T00:00:00Z',
    });
    await put('actions', 'sep-pay', september('pay-1'));
    await put('actions', 'sep-com', september('big-1'));
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

  const ids = (items: { id: string }[]) => items.map((i) => i.id);

  it("a business line's top incidents are its own, not its share of the org's top ten", async () => {
    const org = await draft('period=month&at=2026-09-15T00:00:00Z');
    expect(org.scope).toEqual({ level: 'org', id: 'org', name: 'Organization' });
    expect(org.topIncidents).toHaveLength(10);
    // The bug: filtering these for Payments gave "Top incidents (0)".
    expect(org.topIncidents.filter((i: { businessLine: string }) => i.businessLine === 'payments')).toEqual([]);

    const payments = await draft('period=month&at=2026-09-15T00:00:00Z&business_line=payments');
    expect(payments.scope).toEqual({ level: 'business_line', id: 'payments', name: 'Payments' });
    expect(ids(payments.topIncidents)).toEqual(['pay-2', 'pay-1']); // 45 min, then 30 min
    const line = payments.scopes.find((s: { level: string }) => s.level === 'business_line');
    expect(line.cells.high_priority_incidents.value).toBe(payments.topIncidents.length);
    // The business line and its teams, not the org or Commerce.
    expect(payments.scopes.map((s: { level: string; id: string }) => `${s.level}:${s.id}`)).toEqual([
      'business_line:payments',
      'team:checkout',
      'team:ledger',
    ]);
    expect(ids(payments.overdueActions)).toEqual(['sep-pay']);
    expect(payments.overdueActionsTotal).toBe(1);
    expect(ids(org.overdueActions).sort()).toEqual(['sep-com', 'sep-pay']);

    const ledger = await draft('period=month&at=2026-09-15T00:00:00Z&team=ledger');
    expect(ids(ledger.topIncidents)).toEqual(['pay-2']);
    expect(ledger.scopes.map((s: { id: string }) => s.id)).toEqual(['ledger']);
    expect(ledger.overdueActions).toEqual([]);

    const catalog = await draft('period=month&at=2026-09-15T00:00:00Z&team=catalog');
    expect(ids(catalog.overdueActions)).toEqual(['sep-com']);
  });

  it("a service's review counts only its records", async () => {
    const review = await draft('period=month&at=2026-09-15T00:00:00Z&service=checkout-api');
    expect(review.scope).toEqual({ level: 'service', id: 'checkout-api', name: 'Checkout API' });
    expect(ids(review.topIncidents)).toEqual(['pay-1']);
    expect(ids(review.overdueActions)).toEqual(['sep-pay']);
    expect(review.scopes).toHaveLength(1);
    expect(review.scopes[0]).toMatchObject({ level: 'service', id: 'checkout-api', owner: 'Dennis' });
    // pay-1 only (30 min), against August's aug-pay (40 min); ledger-db's pay-2 is not counted.
    expect(review.scopes[0].cells.high_priority_incidents).toMatchObject({ value: 1, previous: 1 });
    expect(review.scopes[0].cells.mttr_seconds).toMatchObject({ value: 1800, previous: 2400, status: 'met' });
    expect(review.scopes[0].cells.overdue_actions).toMatchObject({ value: 1, previous: 0 });
  });

  it('takes the quarter', async () => {
    const review = await draft('period=quarter&at=2026-09-15T00:00:00Z&business_line=payments');
    expect([review.from, review.to, review.previousFrom]).toEqual([
      '2026-07-01T00:00:00.000Z',
      '2026-10-01T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
    ]);
    expect(ids(review.topIncidents)).toEqual(['pay-2', 'aug-pay', 'pay-1']);
  });

  it('"what changed" lists the moves past the org\'s threshold and the status changes, largest first', async () => {
    const changes = async () =>
      (await draft('period=month&at=2026-09-15T00:00:00Z&business_line=payments')).changes as {
        scope: string;
        kpi: string;
        previous: number;
        value: number;
        relative: number | null;
        reasons: string[];
        better: boolean;
      }[];
    const find = (list: Awaited<ReturnType<typeof changes>>, scope: string, kpi: string) =>
      list.find((c) => c.scope === scope && c.kpi === kpi);
    const byDefault = await changes();
    expect(byDefault.length).toBeGreaterThan(0);
    for (const c of byDefault) expect(c.value, `${c.scope} ${c.kpi}`).not.toBe(c.previous);
    const sizes = byDefault.map((c) => (c.relative === null ? Infinity : Math.abs(c.relative)));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    // Payments MTTR: mean of 30 and 45 min (2250 s) against August's 40 min: −6.25 %, still missed.
    expect(find(byDefault, 'payments', 'mttr_seconds')).toMatchObject({
      previous: 2400,
      value: 2250,
      better: true,
      reasons: ['threshold'],
    });
    // Checkout MTTR 40 → 30 min: −25 %, and missed → met against the 30 min goal.
    expect(find(byDefault, 'checkout', 'mttr_seconds')?.reasons).toEqual(['threshold', 'status']);
    // Ledger had no incident in August: from 0, listed first.
    expect(byDefault[0]).toMatchObject({ relative: null });

    const org = smallOrg();
    const setThreshold = async (changeThreshold: number) =>
      expect((await server.call('PUT', '/api/v1/org', { body: { ...org, review: { changeThreshold } } })).status).toBe(
        200
      );
    await setThreshold(0.5);
    try {
      const strict = await changes();
      expect(find(strict, 'payments', 'mttr_seconds')).toBeUndefined();
      expect(find(strict, 'checkout', 'mttr_seconds')?.reasons).toEqual(['status']);
      expect(strict.length).toBeLessThan(byDefault.length);
      const review = await draft('period=month&at=2026-09-15T00:00:00Z&business_line=payments');
      expect(review.changeThreshold).toBe(0.5);
    } finally {
      expect((await server.call('PUT', '/api/v1/org', { body: org })).status).toBe(200);
    }
    const bad = await server.call('PUT', '/api/v1/org', { body: { ...org, review: { changeThreshold: -1 } } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).issues.map((i: { path: string }) => i.path)).toContain('review.changeThreshold');
  });

  it('records decisions as improvement actions of the scope, lists attendees; a retry records nothing twice', async () => {
    const body = {
      id: 'payments-2026-09',
      period: 'month',
      at: '2026-09-15T00:00:00Z',
      business_line: 'payments',
      title: 'Payments, September',
      attendees: ['Ada CTO', 'Ken'],
      savedBy: 'Ada CTO',
      decisions: [{ title: 'Canary for checkout', owner: 'Ken', dueAt: '2027-01-15T00:00:00Z', incident: 'pay-1' }],
    };
    const first = await server.call('POST', '/api/v1/reviews', { body });
    expect(first.status, await first.clone().text()).toBe(201);
    const saved = await first.json();
    expect(saved).toMatchObject({
      scope: { level: 'business_line', id: 'payments' },
      attendees: ['Ada CTO', 'Ken'],
      savedBy: 'admin-1', // the token that saved it, not the name the body gave
      decisions: [{ actionId: 'payments-2026-09-decision-1', owner: 'Ken', dueAt: '2027-01-15T00:00:00Z' }],
    });
    expect(ids(saved.topIncidents)).toEqual(['pay-2', 'pay-1']);
    const action = await server.call('GET', '/api/v1/actions/payments-2026-09-decision-1', { role: 'read' });
    expect(action.status).toBe(200);
    // The action counts where the KPIs look: the incident's team and business line.
    expect(await action.json()).toMatchObject({
      title: 'Canary for checkout',
      owner: 'Ken',
      incident: 'pay-1',
      team: 'checkout',
      businessLine: 'payments',
    });
    const retry = await server.call('POST', '/api/v1/reviews', { body });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual(saved);
    const listed = await (await server.call('GET', '/api/v1/actions?incident=pay-1', { role: 'read' })).json();
    expect(ids(listed.items).sort()).toEqual(['payments-2026-09-decision-1', 'sep-pay']);
    const list = await (await server.call('GET', '/api/v1/reviews', { role: 'read' })).json();
    expect(list.items.find((r: { id: string }) => r.id === 'payments-2026-09').scope).toMatchObject({
      level: 'business_line',
      id: 'payments',
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
    const get = (query: string) => server.call('GET', `/api/v1/reviews/draft?${query}`, { role: 'read' });
    await bad(await get('period=week&team=nope'), 400, 'team');
    await bad(await get('period=week&business_line=nope'), 400, 'business_line');
    await bad(await get('period=week&service=nope'), 400, 'service');
    await bad(await get('period=week&business_line=payments&team=checkout'), 400, 'team');
    await bad(await get('period=week&team='), 400, 'team');
    const decision = { title: 'x', owner: 'Ken', dueAt: '2027-01-15T00:00:00Z', incident: 'pay-1' };
    const save = (extra: object) =>
      server.call('POST', '/api/v1/reviews', { body: { id: 'refused', period: 'week', title: 'x', ...extra } });
    await bad(await save({ decisions: [{ ...decision, incident: 'nope' }] }), 400, 'decisions[0].incident');
    await bad(await save({ decisions: [decision, { ...decision, owner: ' ' }] }), 400, 'decisions[1].owner');
    await bad(await save({ decisions: [{ ...decision, dueAt: 'soon' }] }), 400, 'decisions[0].dueAt');
    await bad(await save({ attendees: [''] }), 400, 'attendees[0]');
    await bad(await save({ team: 'checkout', service: 'checkout-api' }), 400, 'service');
    expect((await server.call('GET', '/api/v1/actions/refused-decision-1', { role: 'read' })).status).toBe(404);
    expect((await server.call('GET', '/api/v1/reviews/refused', { role: 'read' })).status).toBe(404);
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
