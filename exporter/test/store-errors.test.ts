/**
 * The one classification of database failures (store/errors.ts), fed the errors the real drivers
 * raise (SQLite's own codes from better-sqlite3), and the transaction layer's retry of conflicts
 * on both stores.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { classifyStoreError, StoreUnavailableError } from '../src/store/errors.js';
import { Store } from '../src/store/store.js';
import { STORE_TARGETS } from './helpers/stores.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('classifyStoreError', () => {
  it('deadlocks, serialization failures and a busy SQLite file are conflicts (retried)', () => {
    for (const code of ['40P01', '40001', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED'])
      expect(classifyStoreError(withCode(code)), code).toBe('conflict');
  });

  it('a database that cannot serve is unavailable (503)', () => {
    const codes = ['08006', '08001', '57P01', '57P03', '57014', '25P03', '53300', 'ECONNREFUSED', 'ECONNRESET'];
    for (const code of [...codes, 'SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_READONLY'])
      expect(classifyStoreError(withCode(code)), code).toBe('unavailable');
    for (const message of [
      'timeout exceeded when trying to connect',
      'Connection terminated unexpectedly',
      'Connection terminated due to connection timeout',
      'Query read timeout',
      'Client has encountered a connection error and is not queryable',
    ])
      expect(classifyStoreError(new Error(message)), message).toBe('unavailable');
    expect(classifyStoreError(new StoreUnavailableError('retries exhausted'))).toBe('unavailable');
  });

  it('everything else is a bug (500): a constraint, a syntax error, a plain exception', () => {
    for (const code of ['23505', '42601', '22003', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_ERROR', 'EPIPEX'])
      expect(classifyStoreError(withCode(code)), code).toBe('bug');
    expect(classifyStoreError(new TypeError('undefined is not a function'))).toBe('bug');
    expect(classifyStoreError(undefined)).toBe('bug');
  });

  it("reads better-sqlite3's real codes", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ballast-store-errors-'));
    try {
      const a = new SQLite(join(dir, 'x.db'));
      const b = new SQLite(join(dir, 'x.db'), { timeout: 0 });
      a.exec('create table t (id integer primary key)');
      a.exec('begin immediate');
      expect(classifyStoreError(thrown(() => b.exec('begin immediate')))).toBe('conflict');
      a.exec('insert into t values (1)');
      expect(classifyStoreError(thrown(() => a.exec('insert into t values (1)')))).toBe('bug');
      a.exec('rollback');
      a.close();
      b.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.each(STORE_TARGETS)('store.write on $kind', (target) => {
  it('runs the whole transaction again after a deadlock; what a failed attempt wrote is gone', async () => {
    const store = await Store.open(await target.fresh());
    try {
      const before = await store.revision();
      let attempts = 0;
      const result = await store.write(async (trx) => {
        attempts++;
        await sql`update org set updated_at = ${attempts} where id = 1`.execute(trx);
        await trx
          .insertInto('org')
          .values({ id: 1, document: '{}', revision: 0, updated_at: attempts })
          .onConflict((oc) => oc.column('id').doUpdateSet({ updated_at: attempts }))
          .execute();
        if (attempts < 3) throw withCode('40P01', 'deadlock detected');
        return 'done';
      });
      expect(result).toBe('done');
      expect(attempts).toBe(3);
      // one committed attempt: the revision moved once, the row holds the third attempt's value
      expect(await store.revision()).toBe(before + 1);
      const row = await store.db.selectFrom('org').select('updated_at').where('id', '=', 1).executeTakeFirst();
      expect(row?.updated_at).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('gives up after a bounded number of attempts with an unavailable error, and never retries a bug', async () => {
    const store = await Store.open(await target.fresh());
    try {
      let attempts = 0;
      const persistent = store.write(async () => {
        attempts++;
        throw withCode('40001', 'could not serialize access');
      });
      await expect(persistent).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(attempts).toBe(target.kind === 'postgres' ? 8 : 3);
      expect(classifyStoreError(await persistent.catch((e: unknown) => e))).toBe('unavailable');
      let bugs = 0;
      await expect(
        store.write(async () => {
          bugs++;
          throw withCode('23505', 'duplicate key');
        })
      ).rejects.toThrow('duplicate key');
      expect(bugs).toBe(1);
    } finally {
      await store.close();
    }
  });
});
