/**
 * The worker-thread SQLite reader the KPI refresh uses: its queries leave the event loop free,
 * it sees what the main connection committed, and it cannot write.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readerFor } from '../src/store/sqlite-reader.js';
import { Store } from '../src/store/store.js';

// A query the worker needs many event-loop turns for (hundreds of ms of SQLite work).
const SLOW = sql<{
  n: number;
}>`with recursive c(x) as (select 1 union all select x + 1 from c where x < 3000000) select count(*) as n from c`;

describe('SQLite reader', () => {
  let dataDir: string;
  let store: Store;
  let reader: ReturnType<typeof readerFor>;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ballast-reader-'));
    store = await Store.open({ dataDir });
    reader = readerFor(store);
  });
  afterEach(async () => {
    await reader.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs a long query without blocking the event loop', async () => {
    expect(reader.db).not.toBe(store.db);
    // An ordering, not a duration: is the query still pending once the event loop has turned once?
    // On the synchronous main connection better-sqlite3 runs inside Kysely's promise chain
    // (microtasks), so it has finished before any timer or I/O callback; the reader's answer only
    // arrives as a message from its worker thread, a later turn of the loop.
    const pendingAfterOneTurn = async (db: typeof store.db) => {
      let settled = false;
      const query = SLOW.execute(db).finally(() => (settled = true));
      await new Promise((r) => setImmediate(r));
      const pending = !settled;
      return { pending, result: await query };
    };
    const off = await pendingAfterOneTurn(reader.db);
    expect(off.result).toMatchObject({ rows: [{ n: 3_000_000 }] });
    expect(off.pending, 'the reader left the event loop free while its query ran').toBe(true);
    // The same query on the main connection holds the loop: done before the loop turns.
    const on = await pendingAfterOneTurn(store.db);
    expect(on.result).toMatchObject({ rows: [{ n: 3_000_000 }] });
    expect(on.pending).toBe(false);
  });

  it('sees committed writes, refuses to write, and reports SQL errors', async () => {
    const revision = () => reader.db.selectFrom('data_revision').select('revision').executeTakeFirstOrThrow();
    const before = (await revision()).revision;
    await store.write(async () => {});
    expect((await revision()).revision).toBe(before + 1);
    await expect(reader.db.updateTable('data_revision').set({ revision: 0 }).execute()).rejects.toThrow(/readonly/);
    await expect(sql`select * from no_such_table`.execute(reader.db)).rejects.toThrow(/no such table/);
  });
});
