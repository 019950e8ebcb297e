/**
 * The change-freeze gate: 200/423 over HTTP with a checkId that makes a change controlled, scope
 * rules (service, team, business line, org), freeze violations in the KPIs, and recurring windows
 * across DST changes in Europe/Berlin and America/New_York.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GateService } from '../src/service/gate.js';
import { KpiService } from '../src/service/kpis.js';
import { smallOrg } from './helpers/org.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const at = (s: string) => Date.parse(s);

describe.each(STORE_TARGETS)('gate on $kind', (target) => {
  let server: TestServer;
  let gate: GateService;
  const put = (collection: string, id: string, body: unknown) =>
    server.call('PUT', `/api/v1/${collection}/${id}`, { body });
  const ask = (query: string) => server.call('GET', `/api/v1/gate?${query}`, { role: 'read' });
  const orgKpi = async (kpi: string) => {
    const { values } = await new KpiService(server.services.store, server.services.orgs).values('30d', {
      level: 'org',
    });
    return values.find((v: { kpi: string }) => v.kpi === kpi)!;
  };

  beforeAll(async () => {
    server = await startTestServer(await target.fresh());
    expect((await server.call('PUT', '/api/v1/org', { body: smallOrg() })).status).toBe(200);
    gate = new GateService(server.services.store, server.services.orgs);
  });
  afterAll(() => server?.close());

  describe('over HTTP', () => {
    const now = Date.now();
    beforeAll(async () => {
      // Announced before the changes below start: a window violates only changes after its announcement.
      const window = { startsAt: iso(now - HOUR), endsAt: iso(now + 2 * HOUR), announcedAt: iso(now - 2 * HOUR) };
      expect(
        (
          await put('freezes', 'ledger-migration', {
            name: 'Ledger migration',
            reason: 'Schema migration in progress',
            scope: { service: 'ledger-db' },
            ...window,
          })
        ).status
      ).toBe(201);
      expect(
        (
          await put('freezes', 'catalog-sale', {
            name: 'Catalog sale',
            reason: 'Black Friday',
            scope: { businessLine: 'commerce' },
            ...window,
          })
        ).status
      ).toBe(201);
      expect(
        (
          await put('freezes', 'old', {
            name: 'Old',
            reason: 'Past',
            scope: {},
            startsAt: iso(now - 5 * HOUR),
            endsAt: iso(now - 4 * HOUR),
            announcedAt: iso(now - 6 * HOUR),
          })
        ).status
      ).toBe(201);
    });

    it('allows a service no open window covers, with a checkId', async () => {
      const res = await ask('service=checkout-api');
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toMatchObject({ allowed: true, service: 'checkout-api', freezes: [] });
      expect(body.checkId).toMatch(/^gc-[0-9a-f-]{36}$/);
      const stored = await (await server.call('GET', `/api/v1/gate/checks/${body.checkId}`, { role: 'read' })).json();
      expect(stored).toEqual(body);
    });

    it('answers 423 naming each open window, its reason and end', async () => {
      const res = await ask('service=ledger-db');
      expect(res.status).toBe(423);
      const body = await res.json();
      expect(body).toMatchObject({
        allowed: false,
        freezes: [
          {
            id: 'ledger-migration',
            name: 'Ledger migration',
            reason: 'Schema migration in progress',
            startsAt: iso(now - HOUR),
            endsAt: iso(now + 2 * HOUR),
          },
        ],
      });
      expect(body.checkId).toBeDefined();
      // Through its business line.
      const catalog = await (await ask('service=catalog-web')).json();
      expect(catalog.freezes.map((f: { id: string }) => f.id)).toEqual(['catalog-sale']);
    });

    it('refuses a team when one of its services is frozen, but not a sibling team', async () => {
      expect((await ask('team=ledger')).status).toBe(423);
      expect((await ask('team=checkout')).status).toBe(200);
    });

    it('is 400 without exactly one known target', async () => {
      for (const query of ['', 'service=nope', 'team=nope', 'service=ledger-db&team=ledger', 'service=a&service=b']) {
        const res = await ask(query);
        expect(res.status, query).toBe(400);
        expect((await res.json()).issues.length, query).toBeGreaterThan(0);
      }
      expect((await server.call('GET', '/api/v1/gate/checks/gc-nope', { role: 'read' })).status).toBe(404);
    });

    it('makes a change citing the checkId controlled; a change inside a window without exemption is a violation', async () => {
      const { checkId } = await (await ask('service=checkout-api')).json();
      const base = { system: 'manual', kind: 'deploy', startedAt: iso(now - 30 * 60_000) };
      // Started right after the gate answered (a check asked after the start is no evidence).
      const cited = await (
        await put('changes', 'c-cited', {
          ...base,
          startedAt: iso(Date.now()),
          service: 'checkout-api',
          gateCheck: checkId,
        })
      ).json();
      expect(cited.controlled).toBe(true);
      expect((await (await put('changes', 'c-plain', { ...base, service: 'checkout-api' })).json()).controlled).toBe(
        false
      );
      const coverage = await orgKpi('change_control_coverage_ratio');
      expect([coverage.numerator, coverage.denominator]).toEqual([1, 2]);
      expect((await orgKpi('freeze_violations')).value).toBe(0);

      await put('changes', 'c-frozen', { ...base, service: 'ledger-db' });
      await put('changes', 'c-exempt', { ...base, service: 'ledger-db', exemption: 'Fix for the migration itself' });
      expect((await orgKpi('freeze_violations')).value).toBe(1);
    });

    it('marks each change with the freezes it violated, and filters changes by violation, as the KPI counts', async () => {
      const list = async (query: string) =>
        (await server.call('GET', `/api/v1/changes?${query}`, { role: 'read' })).json();
      const all = await list('limit=1000');
      const violated = Object.fromEntries(
        all.items.map((c: { id: string; violatedFreezes: string[] }) => [c.id, c.violatedFreezes])
      );
      expect(violated).toMatchObject({
        'c-frozen': ['ledger-migration'],
        'c-exempt': [],
        'c-plain': [],
        'c-cited': [],
      });
      const stored = await (await server.call('GET', '/api/v1/changes/c-frozen', { role: 'read' })).json();
      expect(stored.violatedFreezes).toEqual(['ledger-migration']);

      const only = await list('violation=true');
      expect([only.total, only.items.map((c: { id: string }) => c.id)]).toEqual([1, ['c-frozen']]);
      expect(only.total).toBe((await orgKpi('freeze_violations')).value);
      const others = await list('violation=false&limit=2');
      expect([others.total, others.items.length]).toEqual([all.total - 1, 2]);
      // A page of the filtered list holds whole records, in the order of the unfiltered list.
      const nonViolating = all.items.filter((c: { violatedFreezes: string[] }) => c.violatedFreezes.length === 0);
      const paged = await list('violation=false&limit=2&offset=1');
      expect(paged.items).toEqual(nonViolating.slice(1, 3));
      expect((await list('violation=true&service=checkout-api')).total).toBe(0);
      expect((await server.call('GET', '/api/v1/changes?violation=maybe', { role: 'read' })).status).toBe(400);
    });

    it('lists freeze occurrences in a range, filtered by scope, and needs from and to', async () => {
      const occurrences = async (query: string) =>
        server.call('GET', `/api/v1/freeze-occurrences?${query}`, { role: 'read' });
      const range = `from=${encodeURIComponent(iso(now - 6 * HOUR))}&to=${encodeURIComponent(iso(now + 6 * HOUR))}`;
      const body = await (await occurrences(range)).json();
      expect(body.truncated).toBe(false);
      expect(body.items.map((o: { freeze: string }) => o.freeze)).toEqual(['old', 'catalog-sale', 'ledger-migration']);
      expect(body.items[2]).toEqual({
        freeze: 'ledger-migration',
        name: 'Ledger migration',
        reason: 'Schema migration in progress',
        scope: { service: 'ledger-db' },
        startsAt: iso(now - HOUR),
        endsAt: iso(now + 2 * HOUR),
      });
      const ledger = await (await occurrences(`${range}&team=ledger`)).json();
      expect(ledger.items.map((o: { freeze: string }) => o.freeze)).toEqual(['old', 'ledger-migration']);
      const missing = await occurrences('to=2026-01-01T00:00:00Z');
      expect(missing.status).toBe(400);
      expect((await missing.json()).issues.map((i: { path: string }) => i.path)).toEqual(['from']);
    });
  });

  describe('recurring windows across DST', () => {
    const weekend = (id: string, timezone: string) =>
      put('freezes', id, {
        name: `Weekend ${timezone}`,
        reason: 'No weekend changes',
        scope: { team: 'catalog' },
        schedule: { cron: '0 18 * * 5', durationMinutes: 64 * 60, timezone },
        announcedAt: '2026-01-01T00:00:00Z',
      });
    const check = (when: string) => gate.check({ service: 'catalog-web' }, at(when));
    const open = async (when: string) => (await check(when)).freezes.filter((f) => f.id.startsWith('weekend'));

    beforeAll(async () => {
      // Remove the fixed windows of the HTTP tests: only the recurring ones count here.
      for (const id of ['ledger-migration', 'catalog-sale', 'old'])
        await server.call('DELETE', `/api/v1/freezes/${id}`);
      expect((await weekend('weekend-berlin', 'Europe/Berlin')).status).toBe(201);
    });

    it('Europe/Berlin spring-forward weekend: opens Friday 18:00 CET, stays open through the skipped hour, 64 h later it ends', async () => {
      expect(await open('2026-03-27T16:59:59Z')).toEqual([]); // 17:59:59 CET
      const [window] = await open('2026-03-27T17:00:00Z'); // 18:00 CET
      expect(window).toMatchObject({ startsAt: '2026-03-27T17:00:00.000Z', endsAt: '2026-03-30T09:00:00.000Z' });
      expect(await open('2026-03-29T01:00:00Z')).toHaveLength(1); // 03:00 CEST, right after the jump
      expect(await open('2026-03-30T08:59:59Z')).toHaveLength(1);
      expect(await open('2026-03-30T09:00:00Z')).toEqual([]);
      // The next Friday is in summer time: still 18:00 local, now 16:00Z.
      expect(await open('2026-04-03T15:59:59Z')).toEqual([]);
      expect((await open('2026-04-03T16:00:00Z'))[0]).toMatchObject({ startsAt: '2026-04-03T16:00:00.000Z' });
    });

    it('Europe/Berlin fall-back weekend: opens Friday 18:00 CEST, the repeated hour is inside, next Friday 18:00 CET', async () => {
      expect(await open('2026-10-23T15:59:59Z')).toEqual([]);
      expect((await open('2026-10-23T16:00:00Z'))[0]).toMatchObject({
        startsAt: '2026-10-23T16:00:00.000Z',
        endsAt: '2026-10-26T08:00:00.000Z',
      });
      expect(await open('2026-10-25T00:30:00Z')).toHaveLength(1); // 02:30 CEST
      expect(await open('2026-10-25T01:30:00Z')).toHaveLength(1); // 02:30 CET, the same wall time again
      expect(await open('2026-10-30T16:30:00Z')).toEqual([]); // 17:30 CET
      expect((await open('2026-10-30T17:00:00Z'))[0]).toMatchObject({ startsAt: '2026-10-30T17:00:00.000Z' });
    });

    it('a daily window starting in the skipped or repeated hour opens once that day', async () => {
      await put('freezes', 'weekend-nightly', {
        name: 'Nightly batch',
        reason: 'Batch window',
        scope: { service: 'catalog-web' },
        schedule: { cron: '30 2 * * *', durationMinutes: 20, timezone: 'Europe/Berlin' },
      });
      const nightly = async (when: string) => (await open(when)).filter((f) => f.id === 'weekend-nightly');
      // 2026-03-29 02:30 does not exist in Berlin: the window opens when the clock resumes, 03:30 CEST.
      expect(await nightly('2026-03-29T01:00:00Z')).toEqual([]);
      expect((await nightly('2026-03-29T01:35:00Z'))[0]).toMatchObject({ startsAt: '2026-03-29T01:30:00.000Z' });
      // 2026-10-25 02:30 happens twice: one window, not two.
      const first = await nightly('2026-10-25T00:35:00Z');
      const second = await nightly('2026-10-25T01:35:00Z');
      expect(first.length + second.length).toBe(1);
      await server.call('DELETE', '/api/v1/freezes/weekend-nightly');
    });

    it('expands recurring windows into occurrences in their own timezone', async () => {
      const res = await server.call(
        'GET',
        '/api/v1/freeze-occurrences?from=2026-03-20T00:00:00Z&to=2026-04-06T00:00:00Z',
        { role: 'read' }
      );
      const { items } = await res.json();
      // Friday 18:00 Berlin: CET (17:00Z) before the change, CEST (16:00Z) after; each 64 h long.
      expect(items.map((o: { startsAt: string; endsAt: string }) => [o.startsAt, o.endsAt])).toEqual([
        ['2026-03-20T17:00:00.000Z', '2026-03-23T09:00:00.000Z'],
        ['2026-03-27T17:00:00.000Z', '2026-03-30T09:00:00.000Z'], // 64 elapsed hours across the jump
        ['2026-04-03T16:00:00.000Z', '2026-04-06T08:00:00.000Z'],
      ]);
    });

    it('America/New_York business-hours freeze follows EST → EDT → EST', async () => {
      await server.call('DELETE', '/api/v1/freezes/weekend-berlin');
      await put('freezes', 'weekend-ny', {
        name: 'Trading hours',
        reason: 'Market open',
        scope: { businessLine: 'commerce' },
        schedule: { cron: '30 9 * * 1-5', durationMinutes: 390, timezone: 'America/New_York' },
      });
      // Friday before the change (EST, UTC-5) and Monday after it (EDT, UTC-4): 09:30 local both.
      expect((await open('2026-03-06T14:30:00Z'))[0]).toMatchObject({
        startsAt: '2026-03-06T14:30:00.000Z',
        endsAt: '2026-03-06T21:00:00.000Z',
      });
      expect(await open('2026-03-09T13:29:59Z')).toEqual([]);
      expect((await open('2026-03-09T13:30:00Z'))[0]).toMatchObject({
        startsAt: '2026-03-09T13:30:00.000Z',
        endsAt: '2026-03-09T20:00:00.000Z',
      });
      expect(await open('2026-03-08T15:00:00Z')).toEqual([]); // Sunday
      // Back to EST on 2026-11-01.
      expect(await open('2026-11-02T13:30:00Z')).toEqual([]);
      expect((await open('2026-11-02T14:30:00Z'))[0]).toMatchObject({ startsAt: '2026-11-02T14:30:00.000Z' });
    });
  });
});
