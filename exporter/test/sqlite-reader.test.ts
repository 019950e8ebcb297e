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

// Long enough (hundreds of ms) that a blocked event loop would miss every timer tick.
const SLOW = sql<{ n: number }>`with recursive c(x) as (select 1 union all select x + 1 from c where x < 3000000) select count(*) as n from c`;

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
    const ticksDuring = async (run: () => Promise<unknown>) => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const result = await run();
      clearInterval(timer);
      return { ticks, result };
    };
    const off = await ticksDuring(() => SLOW.execute(reader.db));
    expect(off.result).toMatchObject({ rows: [{ n: 3_000_000 }] });
    expect(off.ticks).toBeGreaterThan(0);
    // The same query on the main (synchronous) connection holds the loop: no tick in between.
    const on = await ticksDuring(() => SLOW.execute(store.db));
    expect(on.ticks).toBeLessThan(off.ticks);
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
