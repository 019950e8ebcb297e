/**
 * Alert identity (issue 15 point 8) and the write path under racing writers (issue 17 defects 2,
 * 13, and 16's Alertmanager zero endsAt), over real HTTP on both stores: an Alertmanager alert is
 * one record per firing episode of its fingerprint, whatever its startsAt does while it is open;
 * concurrent identical writes are created once and counted once; shuffled concurrent batches do
 * not deadlock. Migration 009 gives old receiver rows their fingerprint, ids unchanged.
 */
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServices } from '../src/server.js';
import { KpiService } from '../src/service/kpis.js';
import { connect } from '../src/store/connect.js';
import { migrate, MIGRATIONS } from '../src/store/migrations/index.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';
import { amNotification, writeConfigFile, type AmAlert } from './ingest-fixtures.js';

const HOUR = 3_600_000;
const labels = { alertname: 'HighErrorRate', severity: 'critical', app: 'checkout-api' };

describe.each(STORE_TARGETS)('alert identity on $kind', (target) => {
  let server: TestServer;
  let kpis: KpiService;
  let n = 0;
  const post = (alerts: AmAlert[]) =>
    server.call('POST', '/api/v1/ingest/alertmanager', { role: 'ingest', body: amNotification(alerts) });
  const postOk = async (alerts: AmAlert[]) => {
    const res = await post(alerts);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as { created: number; updated: number; deduplicated: number };
  };
  const ofFingerprint = async (fingerprint: string) => {
    const { items } = await (await server.call('GET', '/api/v1/alerts?limit=1000', { role: 'read' })).json();
    return (items as { fingerprint?: string; startsAt: string; endsAt?: string; id: string }[]).filter(
      (a) => a.fingerprint === fingerprint
    );
  };
  const highPriorityAlerts = async () => {
    const { values } = await kpis.values('30d', { level: 'org' });
    return values.find((v) => v.kpi === 'high_priority_alerts_per_day')!.numerator ?? 0;
  };
  const written = async () => {
    const text = await (await server.call('GET', '/metrics', { role: 'read' })).text();
    const line = text.split('\n').find((l) => l.startsWith('ballast_ingest_written_total{source="alertmanager"}'));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  beforeAll(async () => {
    server = await startTestServer(await target.fresh(), { configFile: await writeConfigFile() });
    kpis = new KpiService(server.services.store, server.services.orgs);
  });
  afterAll(() => server?.close());

  it('keeps one record when Alertmanager moves startsAt to the earlier second within the episode', async () => {
    const fingerprint = `a1${++n}`;
    // amtool alert add: Alertmanager stamps the alert with its clock (milliseconds) …
    const first = new Date(Date.now() - 3 * HOUR + 734).toISOString();
    // … then the same alert with --end: merged to the earlier, second-precision start.
    const moved = new Date(Math.floor(Date.parse(first) / 1000) * 1000).toISOString();
    const end = new Date(Date.parse(first) + 60_000).toISOString();
    const before = await highPriorityAlerts();

    expect(await postOk([{ status: 'firing', labels, startsAt: first, fingerprint }])).toMatchObject({ created: 1 });
    expect(await postOk([{ status: 'firing', labels, startsAt: moved, fingerprint }])).toMatchObject({
      created: 0,
      updated: 1,
    });
    expect(await postOk([{ status: 'resolved', labels, startsAt: moved, endsAt: end, fingerprint }])).toMatchObject({
      created: 0,
      updated: 1,
    });
    const records = await ofFingerprint(fingerprint);
    expect(records).toEqual([
      expect.objectContaining({ id: `am-${fingerprint}-${Date.parse(first)}`, startsAt: moved, endsAt: end }),
    ]);
    expect((await highPriorityAlerts()) - before).toBe(1);

    // Re-sends of either notification change nothing: a stale firing neither reopens nor moves it.
    for (const alert of [
      { status: 'resolved' as const, labels, startsAt: moved, endsAt: end, fingerprint },
      { status: 'firing' as const, labels, startsAt: first, fingerprint },
      { status: 'firing' as const, labels, startsAt: moved, fingerprint },
    ])
      expect(await postOk([alert])).toMatchObject({ created: 0, updated: 0, deduplicated: 1 });
    expect(await ofFingerprint(fingerprint)).toEqual(records);
    expect((await highPriorityAlerts()) - before).toBe(1);
  });

  it('updates the open episode when startsAt moves later; a firing after the resolve is a new record', async () => {
    const fingerprint = `b2${++n}`;
    const start = new Date(Date.now() - 5 * HOUR).toISOString();
    const later = new Date(Date.now() - 4 * HOUR).toISOString();
    const before = await highPriorityAlerts();
    await postOk([{ status: 'firing', labels, startsAt: start, fingerprint }]);
    expect(await postOk([{ status: 'firing', labels, startsAt: later, fingerprint }])).toMatchObject({ updated: 1 });
    const end = new Date(Date.now() - 3 * HOUR).toISOString();
    await postOk([{ status: 'resolved', labels, startsAt: later, endsAt: end, fingerprint }]);
    const again = new Date(Date.now() - 2 * HOUR).toISOString();
    expect(await postOk([{ status: 'firing', labels, startsAt: again, fingerprint }])).toMatchObject({ created: 1 });
    const records = await ofFingerprint(fingerprint);
    expect(records.map((r) => [r.id, r.startsAt, r.endsAt])).toEqual([
      [`am-${fingerprint}-${Date.parse(again)}`, again, undefined],
      [`am-${fingerprint}-${Date.parse(start)}`, later, end],
    ]);
    expect((await highPriorityAlerts()) - before).toBe(2);
  });

  it('writes two notifications of one episode in one body once', async () => {
    const fingerprint = `c3${++n}`;
    const start = new Date(Date.now() - 2 * HOUR).toISOString();
    await postOk([{ status: 'firing', labels, startsAt: start, fingerprint }]);
    const moved = new Date(Date.parse(start) - 1000).toISOString();
    const end = new Date(Date.now() - HOUR).toISOString();
    expect(
      await postOk([
        { status: 'firing', labels, startsAt: moved, fingerprint },
        { status: 'resolved', labels, startsAt: moved, endsAt: end, fingerprint },
      ])
    ).toMatchObject({ created: 0, updated: 1, deduplicated: 1 });
    expect(await ofFingerprint(fingerprint)).toEqual([expect.objectContaining({ startsAt: moved, endsAt: end })]);
  });

  it("takes a resolve with Go's zero endsAt as no end: no zero-length alert, a stored end is kept", async () => {
    const fingerprint = `d4${++n}`;
    const start = new Date(Date.now() - 2 * HOUR).toISOString();
    const zero = '0001-01-01T00:00:00Z';
    await postOk([{ status: 'firing', labels, startsAt: start, fingerprint }]);
    expect(await postOk([{ status: 'resolved', labels, startsAt: start, endsAt: zero, fingerprint }])).toMatchObject({
      updated: 0,
      deduplicated: 1,
    });
    expect((await ofFingerprint(fingerprint))[0]!.endsAt).toBeUndefined();
    const end = new Date(Date.now() - HOUR).toISOString();
    await postOk([{ status: 'resolved', labels, startsAt: start, endsAt: end, fingerprint }]);
    expect(await postOk([{ status: 'resolved', labels, startsAt: start, endsAt: zero, fingerprint }])).toMatchObject({
      deduplicated: 1,
    });
    expect((await ofFingerprint(fingerprint))[0]!.endsAt).toBe(end);
  });

  it('answers 201 once to 20 concurrent identical PUTs of a new record', async () => {
    const body = {
      name: 'Concurrent',
      severity: 'critical',
      service: 'checkout-api',
      startsAt: new Date(Date.now() - HOUR).toISOString(),
    };
    const id = `put-race-${++n}`;
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => server.call('PUT', `/api/v1/alerts/${id}`, { role: 'ingest', body }))
    );
    const codes = statuses.map((r) => r.status).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 200)).toHaveLength(19);
  });

  it('counts 100 new alerts as written once however many concurrent re-sends carry them', async () => {
    const start = new Date(Date.now() - HOUR).toISOString();
    const base = ++n;
    const alerts: AmAlert[] = Array.from({ length: 100 }, (_, i) => ({
      status: 'firing',
      labels: { ...labels, instance: `i-${i}` },
      startsAt: start,
      fingerprint: `e5${base}f${i.toString(16)}`,
    }));
    const writtenBefore = await written();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, k) => post(shuffled(alerts, k))));
    const bodies = await Promise.all(answers.map(async (r) => ({ status: r.status, ...(await r.json()) })));
    expect(bodies.map((b) => b.status)).toEqual(Array(10).fill(200));
    expect(bodies.reduce((sum, b) => sum + b.created, 0)).toBe(100);
    expect(bodies.reduce((sum, b) => sum + b.updated, 0)).toBe(0);
    expect((await written()) - writtenBefore).toBe(100);
  });

  it('writes 8 concurrent shuffled batches of the same 2,000 ids without a deadlock', async () => {
    const start = new Date(Date.now() - HOUR).toISOString();
    const base = ++n;
    const records = Array.from({ length: 2000 }, (_, i) => ({
      id: `race-${base}-${i}`,
      name: 'Race',
      severity: 'warning',
      service: 'ledger-db',
      startsAt: start,
    }));
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, k) =>
        server.call('POST', '/api/v1/alerts/batch', { role: 'ingest', body: { records: shuffled(records, k) } })
      )
    );
    const bodies = await Promise.all(answers.map(async (r) => ({ status: r.status, ...(await r.json()) })));
    expect(bodies.map((b) => b.status)).toEqual(Array(8).fill(200));
    expect(bodies.reduce((sum, b) => sum + b.created, 0)).toBe(2000);
  });
});

describe.each(STORE_TARGETS)('migration 009 on $kind', (target) => {
  it("gives the receiver's old rows their fingerprint (ids unchanged), and a moved start then updates them", async () => {
    const config = await target.fresh();
    const before = MIGRATIONS.findIndex((m) => m.name === '009-alert-fingerprint');
    expect(before).toBeGreaterThan(0);
    const old = connect(config);
    await migrate(old.db, old.kind, MIGRATIONS.slice(0, before));
    await old.db.insertInto('data_revision').values({ id: 1, revision: 0 }).execute();
    const start = Date.now() - 3 * HOUR + 250;
    const rows = [
      { id: `am-c6b9a1e2f3d4a5b6-${start}`, starts_at: start },
      { id: `am-00ff-${Date.parse('0001-01-01T00:00:00Z')}`, starts_at: Date.parse('0001-01-01T00:00:00Z') },
      { id: 'api-written', starts_at: start },
      { id: `am-notmine-${start + 1}`, starts_at: start }, // its tail is not its start: not a receiver id
    ];
    for (const r of rows)
      await sql`insert into alerts (id, name, severity, service, team, business_line, starts_at, ends_at, verdict, incident, updated_at)
        values (${r.id}, 'HighErrorRate', 'critical', 'checkout-api', 'checkout', 'payments', ${r.starts_at}, null, null, null, ${start})`.execute(
        old.db
      );
    await old.db.destroy();

    const services = await openServices(config, pino({ level: 'silent' }));
    try {
      const stored = await services.store.db.selectFrom('alerts').select(['id', 'fingerprint']).orderBy('id').execute();
      expect(stored).toEqual([
        { id: rows[1]!.id, fingerprint: '00ff' },
        { id: rows[0]!.id, fingerprint: 'c6b9a1e2f3d4a5b6' },
        { id: `am-notmine-${start + 1}`, fingerprint: null },
        { id: 'api-written', fingerprint: null },
      ]);
    } finally {
      await services.store.close();
    }
    const server = await startTestServer(config, { configFile: await writeConfigFile() });
    try {
      const moved = new Date(Math.floor(start / 1000) * 1000).toISOString();
      const res = await server.call('POST', '/api/v1/ingest/alertmanager', {
        role: 'ingest',
        body: amNotification([{ status: 'firing', labels, startsAt: moved, fingerprint: 'c6b9a1e2f3d4a5b6' }]),
      });
      expect(await res.json()).toMatchObject({ created: 0, updated: 1 });
      const record = await (await server.call('GET', `/api/v1/alerts/${rows[0]!.id}`, { role: 'read' })).json();
      expect(record).toMatchObject({ startsAt: moved, fingerprint: 'c6b9a1e2f3d4a5b6' });
    } finally {
      await server.close();
    }
  });
});

/** A deterministic shuffle (a different order per seed). */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed * 7919 + 17;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
