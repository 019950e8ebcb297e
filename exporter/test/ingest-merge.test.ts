/**
 * Ingestion merges a notification with the stored record inside the write's own transaction: a
 * verdict saved between the firing and the resolved Alertmanager notification is kept, also when
 * it is saved after the receiver started (a stale read would overwrite it), on both stores.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/store.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';
import { amNotification, writeConfigFile } from './ingest-fixtures.js';

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();
const labels = { alertname: 'HighErrorRate', severity: 'critical', app: 'checkout-api' };

describe.each(STORE_TARGETS)('ingest merge on $kind', (target) => {
  let server: TestServer;
  let store: Store;
  let n = 0;
  let fingerprint: string;
  let start: string;
  let id: string;
  const post = (body: unknown) => server.call('POST', '/api/v1/ingest/alertmanager', { role: 'ingest', body });
  const get = async () => (await server.call('GET', `/api/v1/alerts/${id}`, { role: 'read' })).json();
  const firing = () => amNotification([{ status: 'firing', labels, startsAt: start, fingerprint }]);
  const resolved = (end: string) =>
    amNotification([{ status: 'resolved', labels, startsAt: start, endsAt: end, fingerprint }]);

  beforeAll(async () => {
    server = await startTestServer(await target.fresh(), { configFile: await writeConfigFile() });
    store = server.services.store;
  });
  afterAll(() => server?.close());
  beforeEach(async () => {
    // A fresh alert per test; each starts firing.
    fingerprint = `abc${++n}`;
    start = ago(3);
    id = `am-${fingerprint}-${Date.parse(start)}`;
    expect(await (await post(firing())).json()).toMatchObject({ created: 1 });
  });

  it('keeps a verdict saved between the firing and the resolved notification', async () => {
    const { id: _id, updatedAt: _u, businessLine: _b, ...input } = await get();
    expect(
      (await server.call('PUT', `/api/v1/alerts/${id}`, { role: 'ingest', body: { ...input, verdict: 'noise' } }))
        .status
    ).toBe(200);
    const end = ago(1);
    expect(await (await post(resolved(end))).json()).toMatchObject({ updated: 1 });
    expect(await get()).toMatchObject({ verdict: 'noise', endsAt: new Date(Date.parse(end)).toISOString() });
  });

  it('keeps a verdict saved after the receiver began, before its write: nothing is read outside the transaction', async () => {
    // The verdict lands just before the receiver's write transaction opens: whatever the receiver
    // had read before that moment would be stale.
    const original = store.write.bind(store);
    let armed = true;
    store.write = (async (fn: Parameters<Store['write']>[0]) => {
      if (armed) {
        armed = false;
        const { id: _id, updatedAt: _u, businessLine: _b, ...input } = await get();
        await server.services.records.put('alerts', id, { ...input, verdict: 'actionable' });
      }
      return original(fn);
    }) as Store['write'];
    try {
      expect((await post(resolved(ago(1)))).status).toBe(200);
    } finally {
      store.write = original;
    }
    expect(armed).toBe(false);
    expect(await get()).toMatchObject({ verdict: 'actionable', endsAt: expect.any(String) });
  });

  it('waits for a write transaction that holds the row, then merges what it committed', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const holder = store.write(async (trx) => {
      await store.rowsById(trx, 'alerts', [id], { lock: true });
      await trx.updateTable('alerts').set({ verdict: 'actionable' }).where('id', '=', id).execute();
      holding();
      await released;
    });
    await held;
    const posting = post(resolved(ago(1)));
    // Time for the receiver to reach its read: were it not waiting for the row, it would read the
    // row without the verdict and overwrite it once the holder commits.
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await holder;
    const res = await posting;
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await get()).toMatchObject({ verdict: 'actionable', endsAt: expect.any(String) });
  });
});
