/**
 * Freeze windows with history (issue 14, point 2) through the real HTTP API on SQLite and a real
 * PostgreSQL: a window written today that starts hours earlier leaves the morning's changes
 * alone; deleting a window keeps it (hidden, versions kept, the gate stops answering for it) and
 * does not cut a single past violation; an edit is a new version that never moves the past;
 * announcedAt is given only on the first write and never moved; the violation is stored on the
 * change and is what `?violation=` and the freeze_violations KPI read.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inEffectOrder, versionInForce, violatedFreezeHistories, type FreezeHistory } from '../src/domain/freezes.js';
import { KpiService } from '../src/service/kpis.js';
import { smallOrg } from './helpers/org.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(STORE_TARGETS)('freeze history on $kind', (target) => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer(await target.fresh());
    expect((await server.call('PUT', '/api/v1/org', { body: smallOrg() })).status).toBe(200);
  });
  afterEach(async () => {
    await server.close();
  });

  const json = async (path: string) => {
    const res = await server.call('GET', path);
    expect(res.status, path).toBe(200);
    return (await res.json()) as Record<string, unknown> & { items: Record<string, unknown>[]; total: number };
  };
  const changes = (list: [string, number][]) =>
    server.call('POST', '/api/v1/changes/batch', {
      role: 'ingest',
      body: {
        records: list.map(([id, at]) => ({
          id,
          system: 'argo-cd',
          service: 'checkout-api',
          kind: 'deploy',
          startedAt: iso(at),
        })),
      },
    });
  /** The KPI over the window ending `aheadMs` from now (a change just started must be inside it). */
  const freezeViolations = async (window: '7d' | '30d' = '30d', aheadMs = 0) => {
    const kpis = new KpiService(server.services.store, server.services.orgs, { now: () => Date.now() + aheadMs });
    const { values } = await kpis.values(window, { level: 'org' }, ['freeze_violations']);
    return values[0]!.value;
  };
  const violationIds = async () =>
    (await json('/api/v1/changes?violation=true&limit=100')).items.map((c) => c.id as string).sort();

  it('a window written today that started hours ago leaves the changes made before it alone', async () => {
    const now = Date.now();
    // This morning's changes, before anybody announced a freeze.
    expect(
      (
        await changes([
          ['morning-1', now - 5 * HOUR],
          ['morning-2', now - 2 * HOUR],
        ])
      ).status
    ).toBe(200);
    const created = await server.call('PUT', '/api/v1/freezes/today', {
      body: {
        name: 'Incident freeze',
        reason: 'major incident',
        scope: { team: 'checkout' },
        startsAt: iso(now - 6 * HOUR),
        endsAt: iso(now + 6 * HOUR),
      },
    });
    expect(created.status).toBe(201);
    const freeze = (await created.json()) as { announcedAt: string; version: number };
    expect(freeze.version).toBe(1);
    const announcedAt = Date.parse(freeze.announcedAt);
    expect(announcedAt).toBeGreaterThanOrEqual(now);
    // A change reported late that started before the announcement, and one started after it.
    expect(
      (
        await changes([
          ['late-report', now - HOUR],
          ['after', announcedAt + MIN],
        ])
      ).status
    ).toBe(200);
    expect(await violationIds()).toEqual(['after']);
    expect((await json('/api/v1/changes/morning-1')).violatedFreezes).toEqual([]);
    expect(await json('/api/v1/changes/after')).toMatchObject({ violatedFreezes: ['today'], controlled: false });
    expect((await json('/api/v1/changes?violation=false&limit=100')).total).toBe(3);
    expect(await freezeViolations('7d', HOUR)).toBe(1);
    // As stored: the flag the KPI and the list read.
    const flags = await server.services.store.db
      .selectFrom('changes')
      .select(['id', 'freeze_violation'])
      .orderBy('id')
      .execute();
    expect(flags.map((f) => [f.id, Number(f.freeze_violation)])).toEqual([
      ['after', 1],
      ['late-report', 0],
      ['morning-1', 0],
      ['morning-2', 0],
    ]);
  });

  it('deleting a window keeps it and every past violation; the gate stops answering for it', async () => {
    const now = Date.now();
    const put = await server.call('PUT', '/api/v1/freezes/quarter', {
      body: {
        name: 'Quarter close',
        reason: 'audit',
        scope: { service: 'checkout-api' },
        startsAt: iso(now - 20 * DAY),
        endsAt: iso(now + DAY),
        announcedAt: iso(now - 25 * DAY),
      },
    });
    expect(put.status).toBe(201);
    const history = (await json('/api/v1/freezes/quarter/history')).items as { reason?: string }[];
    expect(history[0]!.reason).toContain('announcedAt given explicitly');
    const inside: [string, number][] = [1, 3, 5, 8, 13].map((d) => [`in-${d}`, now - d * DAY]);
    expect((await changes([...inside, ['before', now - 22 * DAY]])).status).toBe(200);
    expect(await violationIds()).toEqual(['in-1', 'in-13', 'in-3', 'in-5', 'in-8']);
    expect(await freezeViolations()).toBe(5);
    expect((await server.call('GET', '/api/v1/gate?service=checkout-api')).status).toBe(423);

    expect((await server.call('DELETE', '/api/v1/freezes/quarter')).status).toBe(204);
    // Past violations did not move.
    expect(await violationIds()).toEqual(['in-1', 'in-13', 'in-3', 'in-5', 'in-8']);
    expect(await freezeViolations()).toBe(5);
    expect((await server.call('GET', '/api/v1/gate?service=checkout-api')).status).toBe(200);
    // Kept for history: hidden from lists unless asked, read by id, its versions listed.
    expect((await json('/api/v1/freezes')).total).toBe(0);
    const all = await json('/api/v1/freezes?includeEnded=true');
    expect(all.items.map((f) => [f.id, f.version, typeof f.endedAt])).toEqual([['quarter', 2, 'string']]);
    expect((await json('/api/v1/freezes/quarter')).endedAt).toBe(all.items[0]!.endedAt);
    const versions = (await json('/api/v1/freezes/quarter/versions')).items;
    expect(versions.map((v) => [v.version, v.ended, v.name])).toEqual([
      [1, false, 'Quarter close'],
      [2, true, 'Quarter close'],
    ]);
    expect(versions[0]!.announcedAt).toBe(iso(now - 25 * DAY));
    // A change started after the end is no violation; one reported late from before it still is.
    expect(
      (
        await changes([
          ['after-end', Date.now() + MIN],
          ['late', now - 2 * DAY],
        ])
      ).status
    ).toBe(200);
    expect(await violationIds()).toEqual(['in-1', 'in-13', 'in-3', 'in-5', 'in-8', 'late']);
    expect((await server.call('DELETE', '/api/v1/freezes/quarter')).status).toBe(404);
    const audit = (await json('/api/v1/freezes/quarter/history')).items as { action: string }[];
    expect(audit.map((e) => e.action)).toEqual(['created', 'ended']);
  });

  it('an edit is a new version from now on: the past is judged on what the window said then', async () => {
    const now = Date.now();
    const body = {
      name: 'Release freeze',
      reason: 'launch',
      scope: { team: 'checkout' },
      startsAt: iso(now - 10 * DAY),
      endsAt: iso(now + 10 * DAY),
      announcedAt: iso(now - 11 * DAY),
    };
    expect((await server.call('PUT', '/api/v1/freezes/release', { body })).status).toBe(201);
    expect((await changes([['day-5', now - 5 * DAY]])).status).toBe(200);
    expect(await violationIds()).toEqual(['day-5']);

    // Narrowed to end before day 5: only from now on. Re-sending announcedAt unchanged is fine.
    const edited = await server.call('PUT', '/api/v1/freezes/release', {
      body: { ...body, endsAt: iso(now - 7 * DAY) },
    });
    expect(edited.status).toBe(200);
    expect((await edited.json()) as object).toMatchObject({ version: 2, announcedAt: body.announcedAt });
    // The same body again changes nothing: no new version.
    expect(
      (await server.call('PUT', '/api/v1/freezes/release', { body: { ...body, endsAt: iso(now - 7 * DAY) } })).status
    ).toBe(200);
    expect((await json('/api/v1/freezes/release/versions')).items).toHaveLength(2);
    // A change reported late that started on day 4 is judged by version 1, in force then.
    expect((await changes([['day-4', now - 4 * DAY]])).status).toBe(200);
    expect(await violationIds()).toEqual(['day-4', 'day-5']);
    expect(await freezeViolations()).toBe(2);
    // A change starting after the edit is judged by version 2, which is over by then.
    expect((await changes([['later', Date.now() + MIN]])).status).toBe(200);
    expect(await violationIds()).toEqual(['day-4', 'day-5']);

    // announcedAt is never moved, not even by an admin.
    const moved = await server.call('PUT', '/api/v1/freezes/release', {
      body: { ...body, announcedAt: iso(now - 30 * DAY) },
    });
    expect(moved.status).toBe(400);
    expect(((await moved.json()) as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(['announcedAt']);
  });

  it('a window edit re-judges changes that start after it', async () => {
    const now = Date.now();
    // Two changes planned for tomorrow, written before any freeze.
    expect(
      (
        await changes([
          ['tomorrow', now + DAY],
          ['next-week', now + 7 * DAY],
        ])
      ).status
    ).toBe(200);
    expect(await violationIds()).toEqual([]);
    const freeze = {
      name: 'Holiday',
      reason: 'staff away',
      scope: {},
      startsAt: iso(now + 12 * HOUR),
      endsAt: iso(now + 2 * DAY),
    };
    expect((await server.call('PUT', '/api/v1/freezes/holiday', { body: freeze })).status).toBe(201);
    expect(await violationIds()).toEqual(['tomorrow']);
    expect((await json('/api/v1/changes/tomorrow')).controlled).toBe(false);
    expect(
      (await server.call('PUT', '/api/v1/freezes/holiday', { body: { ...freeze, endsAt: iso(now + 8 * DAY) } })).status
    ).toBe(200);
    expect(await violationIds()).toEqual(['next-week', 'tomorrow']);
    expect((await server.call('DELETE', '/api/v1/freezes/holiday')).status).toBe(204);
    expect(await violationIds()).toEqual([]);
    expect((await json('/api/v1/changes/tomorrow')).controlled).toBe(true);
    // Each move is in the change's history, under whoever wrote the window, saying which one.
    const history = (await json('/api/v1/changes/tomorrow/history')).items as unknown as {
      action: string;
      actor: { name: string };
      changes: unknown[];
      reason?: string;
    }[];
    const reason = 'judged again after freeze window "holiday" changed';
    expect(history.map(({ action, actor, changes, reason }) => ({ action, by: actor.name, changes, reason }))).toEqual([
      { action: 'created', by: 'ingest-1', changes: expect.any(Array), reason: undefined },
      {
        action: 'updated',
        by: 'admin-1',
        changes: [
          { field: 'violatedFreezes', from: [], to: ['holiday'] },
          { field: 'controlled', from: true, to: false },
        ],
        reason,
      },
      {
        action: 'updated',
        by: 'admin-1',
        changes: [
          { field: 'violatedFreezes', from: ['holiday'], to: [] },
          { field: 'controlled', from: false, to: true },
        ],
        reason,
      },
    ]);
  });
});

describe('the version in force (pure)', () => {
  const spec = (id: string, startsAt: number, endsAt: number) => ({
    id,
    name: id,
    reason: 'r',
    scope: {},
    startsAt,
    endsAt,
  });
  const history: FreezeHistory = {
    id: 'w',
    versions: inEffectOrder([
      { version: 3, effectiveAt: 300, ended: true, spec: spec('w', 0, 1000) },
      { version: 1, effectiveAt: 100, ended: false, spec: spec('w', 0, 1000) },
      { version: 2, effectiveAt: 200, ended: false, spec: spec('w', 0, 150) },
    ]),
  };

  it('is the last version announced at or before the moment; none before the first, none once ended', () => {
    expect([50, 100, 199, 200, 299, 300, 900].map((at) => versionInForce(history, at)?.version ?? null)).toEqual([
      null,
      1,
      1,
      2,
      2,
      null,
      null,
    ]);
  });

  it('judges each change on that version: an edit or the end never reaches back', () => {
    const at = (startedAt: number) => ({ startedAt, service: null, team: null, businessLine: null, exemption: null });
    // 120: v1 (0-1000) holds it; 220: v2 ends the window at 150; 320: ended; 120 exempt: no violation.
    expect(
      violatedFreezeHistories([history], [at(50), at(120), at(220), at(320), { ...at(120), exemption: 'ok' }])
    ).toEqual([[], ['w'], [], [], []]);
  });
});
