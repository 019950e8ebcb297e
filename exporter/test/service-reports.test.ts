/**
 * Reading stored reports (src/service/reports/service.ts) on a store seeded inside each test
 * through the report store: the list (produced only, newest first, by kind, paged) with each
 * report's delivery counts by status, and one report with its content and deliveries.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../src/service/errors.js';
import { isReportKind, ReportService } from '../src/service/reports/service.js';
import { ReportStore } from '../src/store/reports.js';
import { Store } from '../src/store/store.js';
import { STORE_TARGETS } from './helpers/stores.js';

const T = Date.parse('2026-03-10T06:00:00.000Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('isReportKind (pure)', () => {
  it('names the four kinds only', () => {
    expect(['daily', 'week', 'month', 'review'].every(isReportKind)).toBe(true);
    expect(isReportKind('quarter')).toBe(false);
    expect(isReportKind('')).toBe(false);
  });
});

describe.each(STORE_TARGETS)('report service on $kind', (target) => {
  const opened: Store[] = [];
  // Each test's store is closed after it (PostgreSQL would run out of connections otherwise).
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  async function seeded() {
    const store = await Store.open(await target.fresh());
    opened.push(store);
    const reports = new ReportStore(store);
    const produce = async (kind: 'daily' | 'week', key: string, at: number, destinations: string[]) => {
      const { id } = await reports.claim(kind, key, 'host-a', at - MIN, 600_000);
      await reports.produce(
        id,
        'host-a',
        { title: `Report ${key}`, document: JSON.stringify({ key }) },
        destinations.map((d) => ({ id: d, kind: d.startsWith('mail') ? 'email' : 'webhook' })),
        at
      );
      return id;
    };
    const d1 = await produce('daily', '2026-03-08', T - 2 * 24 * 60 * MIN, ['hook-a']);
    const d2 = await produce('daily', '2026-03-09', T - 24 * 60 * MIN, ['hook-a', 'mail-b', 'hook-c']);
    const w1 = await produce('week', '2026-W10', T, []);
    // Claimed, never produced: not listed, not found.
    await reports.claim('daily', '2026-03-10', 'host-b', T, 600_000);
    // d2: hook-a delivered, mail-b retrying with an error, hook-c still pending.
    const taken = await reports.takeDue(T - 24 * 60 * MIN + MIN, 'host-a', 5 * MIN);
    for (const d of taken) {
      if (d.report_id !== d2) continue;
      if (d.destination === 'hook-a')
        await reports.finish(
          d.id,
          'host-a',
          { status: 'delivered', error: null, nextAttemptAt: null },
          T - 23 * 60 * MIN
        );
      if (d.destination === 'mail-b')
        await reports.finish(
          d.id,
          'host-a',
          { status: 'retrying', error: 'SMTP 451', nextAttemptAt: T - 22 * 60 * MIN },
          T - 23 * 60 * MIN
        );
      if (d.destination === 'hook-c')
        await store.db
          .updateTable('report_deliveries' as never)
          .set({ status: 'pending', lease_until: null } as never)
          .where('id' as never, '=', d.id as never)
          .execute();
    }
    return { service: new ReportService(store), d1, d2, w1 };
  }

  it('lists produced reports newest first, with their deliveries counted by status', async () => {
    const { service, d1, d2, w1 } = await seeded();
    const all = await service.list({ limit: 10, offset: 0 });
    expect(all.total).toBe(3);
    expect(all.limit).toBe(10);
    expect(all.offset).toBe(0);
    expect(all.items).toEqual([
      {
        id: w1,
        kind: 'week',
        key: '2026-W10',
        title: 'Report 2026-W10',
        producedAt: iso(T),
        producedBy: 'host-a',
        deliveries: { total: 0 },
      },
      {
        id: d2,
        kind: 'daily',
        key: '2026-03-09',
        title: 'Report 2026-03-09',
        producedAt: iso(T - 24 * 60 * MIN),
        producedBy: 'host-a',
        deliveries: { total: 3, delivered: 1, retrying: 1, pending: 1 },
      },
      {
        id: d1,
        kind: 'daily',
        key: '2026-03-08',
        title: 'Report 2026-03-08',
        producedAt: iso(T - 2 * 24 * 60 * MIN),
        producedBy: 'host-a',
        deliveries: { total: 1, sending: 1 },
      },
    ]);
    const daily = await service.list({ limit: 1, offset: 1, kind: 'daily' });
    expect(daily.total).toBe(2);
    expect(daily.items.map((r) => r.id)).toEqual([d1]);
    expect((await service.list({ limit: 10, offset: 0, kind: 'month' })).items).toEqual([]);
  });

  it('one report: its content as sent and each delivery; a claimed or unknown one is not found', async () => {
    const { service, d2 } = await seeded();
    const report = await service.get(d2);
    expect(report).toEqual({
      id: d2,
      kind: 'daily',
      key: '2026-03-09',
      title: 'Report 2026-03-09',
      producedAt: iso(T - 24 * 60 * MIN),
      producedBy: 'host-a',
      content: { key: '2026-03-09' },
      deliveries: [
        {
          destination: 'hook-a',
          destinationKind: 'webhook',
          status: 'delivered',
          attempts: 1,
          lastError: null,
          nextAttemptAt: null,
          deliveredAt: iso(T - 23 * 60 * MIN),
          updatedAt: iso(T - 23 * 60 * MIN),
        },
        {
          destination: 'hook-c',
          destinationKind: 'webhook',
          status: 'pending',
          attempts: 1,
          lastError: null,
          nextAttemptAt: iso(T - 24 * 60 * MIN),
          deliveredAt: null,
          updatedAt: iso(T - 24 * 60 * MIN + MIN),
        },
        {
          destination: 'mail-b',
          destinationKind: 'email',
          status: 'retrying',
          attempts: 1,
          lastError: 'SMTP 451',
          nextAttemptAt: iso(T - 22 * 60 * MIN),
          deliveredAt: null,
          updatedAt: iso(T - 23 * 60 * MIN),
        },
      ],
    });
    for (const id of ['rp-daily-2026-03-10', 'rp-daily-nope']) {
      const e = await service.get(id).then(
        () => null,
        (error: unknown) => error
      );
      expect(e).toBeInstanceOf(NotFoundError);
      expect((e as Error).message).toBe(`report "${id}" not found`);
    }
  });
});
