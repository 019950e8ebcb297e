/**
 * The report scheduler called directly (src/service/reports/scheduler.ts) with an injected clock
 * and a stand-in `deliver` that records each send: nothing without a reports: section; the daily
 * report due by its send time, produced once and sent once per destination however many ticks and
 * schedulers; retries with the configured backoff until the last attempt; a destination removed
 * meanwhile; a delivery whose process died mid-send; the committee packs (week, month, saved
 * review); start/stop. Each test has its own store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Org } from '../src/domain/org.js';
import type { ReportsConfig } from '../src/domain/reports-config.js';
import { FreezeService } from '../src/service/freezes.js';
import { KpiService } from '../src/service/kpis.js';
import { OrgService } from '../src/service/org.js';
import { RecordService } from '../src/service/records.js';
import type { Deliver, SendResult } from '../src/service/reports/ports.js';
import { ReportScheduler, SEND_LEASE_MS } from '../src/service/reports/scheduler.js';
import { ReviewService } from '../src/service/reviews.js';
import { Store } from '../src/store/store.js';
import { smallOrg } from './helpers/org.js';
import { STORE_TARGETS } from './helpers/stores.js';

/** Tuesday 2026-03-10, 09:00 UTC: after the 08:30 send time. */
const NOW = Date.parse('2026-03-10T09:00:00.000Z');

function reportsOrg(extra: Partial<ReportsConfig> = {}): Org {
  return {
    ...smallOrg(),
    reports: {
      grafanaUrl: 'https://grafana.example/',
      businessVolume: [],
      smtp: { host: '127.0.0.1', port: 2525, secure: false, from: 'Ballast <ballast@example.com>' },
      destinations: [
        { id: 'hook', kind: 'webhook', urlEnv: 'T_HOOK_URL' },
        { id: 'mail', kind: 'email', to: ['eng@example.com'] },
      ],
      daily: { time: '08:30', timezone: 'UTC', destinations: ['hook', 'mail'] },
      ...extra,
    } as ReportsConfig,
  };
}

describe.each(STORE_TARGETS)('report scheduler service on $kind', (target) => {
  const opened: Store[] = [];
  // Each test's store is closed after it (PostgreSQL would run out of connections otherwise).
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  async function open(org: Org = reportsOrg(), results: Record<string, SendResult[]> = {}) {
    const store = await Store.open(await target.fresh());
    opened.push(store);
    const orgs = new OrgService(store);
    await orgs.replace(org);
    const clock = { now: NOW };
    const records = new RecordService(store, orgs);
    const kpis = new KpiService(store, orgs, { now: () => clock.now });
    const freezes = new FreezeService(store, orgs);
    const reviews = new ReviewService(store, orgs, kpis, records);
    const sent: { destination: string; delivery: string; report: string }[] = [];
    const deliver: Deliver = async (destination, rendered, ids) => {
      expect(rendered).toBeDefined();
      sent.push({ destination: destination.id, ...ids });
      return results[destination.id]?.shift() ?? { ok: true };
    };
    const metrics = {
      produced: [] as string[],
      deliveries: [] as string[],
      observed: [] as unknown[],
    };
    const scheduler = (instance = 'host-a', retry = { baseMs: 1000, maxMs: 3000, maxAttempts: 3 }) =>
      new ReportScheduler({ store, records, freezes, kpis }, orgs, reviews, deliver, {
        now: () => clock.now,
        instance,
        retry,
        metrics: {
          produced: (kind) => metrics.produced.push(kind),
          delivery: (kind, destination, outcome) => metrics.deliveries.push(`${kind}:${destination}:${outcome}`),
          observe: (counts) => metrics.observed.push(counts),
        },
      });
    const deliveries = async () =>
      (
        await store.db
          .selectFrom('report_deliveries' as never)
          .select(['id', 'status', 'attempts', 'last_error', 'next_attempt_at'] as never[])
          .orderBy('id' as never)
          .execute()
      ).map((r) => {
        const row = r as {
          id: string;
          status: string;
          attempts: number;
          last_error: string | null;
          next_attempt_at: number | null;
        };
        return [
          row.id,
          row.status,
          Number(row.attempts),
          row.last_error,
          row.next_attempt_at === null ? null : Number(row.next_attempt_at) - NOW,
        ];
      });
    const reportIds = async () =>
      (
        await store.db
          .selectFrom('reports' as never)
          .select('id' as never)
          .orderBy('id' as never)
          .execute()
      ).map((r) => (r as { id: string }).id);
    return { store, orgs, clock, sent, metrics, scheduler, deliveries, reportIds, reviews };
  }

  it('without a reports: section a tick does nothing', async () => {
    const { scheduler, sent, metrics, reportIds } = await open(smallOrg());
    await scheduler().tick();
    expect(await reportIds()).toEqual([]);
    expect(sent).toEqual([]);
    expect(metrics.observed).toEqual([]);
  });

  it('the daily report: produced once, sent once to each destination, however many ticks and schedulers', async () => {
    const { scheduler, sent, metrics, deliveries, reportIds } = await open();
    const a = scheduler('host-a');
    const b = scheduler('host-b');
    await a.tick();
    await b.tick();
    await a.tick();
    expect(await reportIds()).toEqual(['rp-daily-2026-03-10']);
    expect(sent.map(({ destination, delivery, report }) => [destination, delivery, report])).toEqual([
      ['hook', 'rp-daily-2026-03-10:hook', 'rp-daily-2026-03-10'],
      ['mail', 'rp-daily-2026-03-10:mail', 'rp-daily-2026-03-10'],
    ]);
    expect(await deliveries()).toEqual([
      ['rp-daily-2026-03-10:hook', 'delivered', 1, null, null],
      ['rp-daily-2026-03-10:mail', 'delivered', 1, null, null],
    ]);
    expect(metrics.produced).toEqual(['daily']);
    expect(metrics.deliveries).toEqual(['daily:hook:delivered', 'daily:mail:delivered']);
    expect(metrics.observed).toHaveLength(3);
    expect(metrics.observed[2]).toEqual(
      expect.arrayContaining([
        { destination: 'hook', status: 'delivered', count: 1 },
        { destination: 'mail', status: 'delivered', count: 1 },
      ])
    );
  });

  it('before the send time the report due is the day before’s', async () => {
    const { scheduler, clock, reportIds } = await open();
    clock.now = Date.parse('2026-03-10T08:29:59.999Z');
    await scheduler().tick();
    expect(await reportIds()).toEqual(['rp-daily-2026-03-09']);
    clock.now = Date.parse('2026-03-10T08:30:00.000Z');
    await scheduler().tick();
    expect(await reportIds()).toEqual(['rp-daily-2026-03-09', 'rp-daily-2026-03-10']);
  });

  it('a failed send is retried after the backoff, doubled each time, until the last attempt fails for good', async () => {
    const { scheduler, clock, sent, metrics, deliveries } = await open(reportsOrg(), {
      hook: [{ ok: false, error: 'HTTP 500' }, { ok: false }, { ok: false, error: 'HTTP 502' }],
    });
    const s = scheduler();
    await s.tick();
    expect(await deliveries()).toEqual([
      ['rp-daily-2026-03-10:hook', 'retrying', 1, 'HTTP 500', 1000],
      ['rp-daily-2026-03-10:mail', 'delivered', 1, null, null],
    ]);
    // Not due yet a moment before the backoff ends.
    clock.now = NOW + 999;
    await s.tick();
    expect(sent).toHaveLength(2);
    clock.now = NOW + 1000;
    await s.tick();
    // Second attempt: waits 2 × 1000 from now; an error without a reason is "failed".
    expect((await deliveries())[0]).toEqual(['rp-daily-2026-03-10:hook', 'retrying', 2, 'failed', 1000 + 2000]);
    clock.now = NOW + 3000;
    await s.tick();
    expect((await deliveries())[0]).toEqual(['rp-daily-2026-03-10:hook', 'failed', 3, 'HTTP 502', null]);
    clock.now = NOW + 100_000;
    await s.tick();
    expect(sent.filter((x) => x.destination === 'hook')).toHaveLength(3);
    expect(metrics.deliveries).toEqual([
      'daily:hook:retrying',
      'daily:mail:delivered',
      'daily:hook:retrying',
      'daily:hook:failed',
    ]);
  });

  it('the backoff stops growing at its maximum', async () => {
    const { scheduler, clock, deliveries } = await open(reportsOrg(), {
      hook: [{ ok: false }, { ok: false }, { ok: false }, { ok: false }],
    });
    const s = scheduler('host-a', { baseMs: 1000, maxMs: 1500, maxAttempts: 5 });
    await s.tick();
    expect((await deliveries())[0]![4]).toBe(1000);
    clock.now = NOW + 1000;
    await s.tick();
    expect((await deliveries())[0]![4]).toBe(1000 + 1500);
    clock.now = NOW + 2500;
    await s.tick();
    expect((await deliveries())[0]![4]).toBe(2500 + 1500);
  });

  it('a destination removed from the config meanwhile is not sent to, and says so', async () => {
    const { scheduler, clock, sent, orgs, deliveries } = await open(reportsOrg(), {
      mail: [{ ok: false, error: 'SMTP 451' }],
    });
    const s = scheduler();
    await s.tick();
    const org = reportsOrg({
      destinations: [{ id: 'hook', kind: 'webhook', urlEnv: 'T_HOOK_URL' }],
      daily: { time: '08:30', timezone: 'UTC', destinations: ['hook'] },
    });
    await orgs.replace(org);
    clock.now = NOW + 1000;
    await s.tick();
    expect(sent.map((x) => x.destination)).toEqual(['hook', 'mail']);
    expect((await deliveries())[1]).toEqual([
      'rp-daily-2026-03-10:mail',
      'retrying',
      2,
      'destination "mail" is no longer configured',
      3000,
    ]);
  });

  it('a delivery whose process died mid-send is marked interrupted after its lease, never sent again', async () => {
    const { scheduler, clock, sent, metrics, deliveries } = await open();
    const dead = scheduler('host-dead');
    // Produced, then both deliveries taken by a process that stops before sending.
    await dead.reportStore.claim('daily', '2026-03-10', 'host-dead', NOW, 600_000);
    await dead.reportStore.produce(
      'rp-daily-2026-03-10',
      'host-dead',
      { title: 'T', document: '{}' },
      [{ id: 'hook', kind: 'webhook' }],
      NOW
    );
    await dead.reportStore.takeDue(NOW, 'host-dead', SEND_LEASE_MS);
    const s = scheduler();
    clock.now = NOW + SEND_LEASE_MS;
    await s.tick();
    expect((await deliveries())[0]![1]).toBe('sending');
    clock.now = NOW + SEND_LEASE_MS + 1;
    await s.tick();
    expect((await deliveries())[0]![1]).toBe('interrupted');
    expect(metrics.deliveries).toEqual(['daily:hook:interrupted']);
    expect(sent).toEqual([]);
  });

  it('a stored report without content is not sent: the delivery says why', async () => {
    const { scheduler, deliveries, sent } = await open();
    const s = scheduler();
    await s.reportStore.claim('daily', '2026-03-10', 'host-a', NOW, 600_000);
    await s.reportStore.produce(
      'rp-daily-2026-03-10',
      'host-a',
      { title: 'T', document: '' },
      [{ id: 'hook', kind: 'webhook' }],
      NOW
    );
    await s.tick();
    expect(sent).toEqual([]);
    expect((await deliveries())[0]).toEqual([
      'rp-daily-2026-03-10:hook',
      'retrying',
      1,
      'the report has no stored content',
      1000,
    ]);
  });

  it('the committee packs: the last closed week and month, and a review saved in the last day', async () => {
    const org = reportsOrg({
      daily: undefined,
      committee: {
        week: { destinations: ['hook'] },
        month: { destinations: ['mail'] },
        review: { destinations: ['hook', 'mail'] },
      },
    });
    const { scheduler, reportIds, sent, reviews, store, clock } = await open(org);
    await reviews.save({ id: 'rv-1', period: 'week', title: 'Weekly' });
    clock.now = NOW + 1;
    await scheduler().tick();
    expect(await reportIds()).toEqual(['rp-month-2026-02', 'rp-review-rv-1', 'rp-week-2026-W10']);
    expect(sent.map((x) => x.delivery).sort()).toEqual([
      'rp-month-2026-02:mail',
      'rp-review-rv-1:hook',
      'rp-review-rv-1:mail',
      'rp-week-2026-W10:hook',
    ]);
    const titles = await store.db
      .selectFrom('reports' as never)
      .select(['id', 'title'] as never[])
      .orderBy('id' as never)
      .execute();
    expect((titles as { id: string; title: string }[]).every((r) => r.title.length > 0)).toBe(true);
  });

  it('a review saved more than a day ago is not sent as a pack', async () => {
    const org = reportsOrg({ daily: undefined, committee: { review: { destinations: ['hook'] } } });
    const { scheduler, reportIds, reviews, clock } = await open(org);
    await reviews.save({ id: 'rv-1', period: 'week', title: 'Weekly' });
    clock.now = NOW + 24 * 3_600_000 + 1;
    await scheduler().tick();
    expect(await reportIds()).toEqual([]);
    clock.now = NOW + 24 * 3_600_000;
    await scheduler().tick();
    expect(await reportIds()).toEqual(['rp-review-rv-1']);
  });

  it('start ticks at once; stop waits for the tick in progress', async () => {
    const { scheduler, reportIds, sent } = await open();
    const s = scheduler();
    s.start(3_600_000);
    await s.stop();
    expect(await reportIds()).toEqual(['rp-daily-2026-03-10']);
    expect(sent).toHaveLength(2);
  });
});
