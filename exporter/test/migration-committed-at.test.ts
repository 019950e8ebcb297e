/**
 * Migration 005 (changes.committed_at) on a store that already holds changes, on SQLite and a real
 * PostgreSQL: the existing rows keep every value and read back without committedAt; new writes
 * carry it; the migration is recorded once.
 */
import { sql } from 'kysely';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openServices } from '../src/server.js';
import { connect } from '../src/store/connect.js';
import { migrate, MIGRATIONS } from '../src/store/migrations/index.js';
import { smallOrg } from './helpers/org.js';
import { STORE_TARGETS } from './helpers/stores.js';

const BEFORE = MIGRATIONS.findIndex((m) => m.name === '005-change-committed-at');

describe.each(STORE_TARGETS)('migration 005 on $kind', (target) => {
  it('adds committed_at to a store with changes, leaving their rows as they were', async () => {
    expect(BEFORE).toBeGreaterThan(0);
    const config = await target.fresh();
    // A store as the previous release left it: migrations up to 004, one change written then.
    const old = connect(config);
    await migrate(old.db, old.kind, MIGRATIONS.slice(0, BEFORE));
    await old.db.insertInto('data_revision').values({ id: 1, revision: 0 }).execute();
    const row = {
      id: 'old-deploy',
      title: 'Deploy ledger',
      system: 'argo-cd',
      service: 'ledger-db',
      team: 'ledger',
      business_line: 'payments',
      kind: 'deploy',
      started_at: Date.parse('2026-03-01T10:00:00Z'),
      finished_at: Date.parse('2026-03-01T10:20:00Z'),
      controlled: 1,
      controlled_given: null,
      result: 'success',
      exemption: null,
      gate_check: null,
      updated_at: Date.parse('2026-03-01T10:21:00Z'),
    };
    await sql`insert into changes (id, title, system, service, team, business_line, kind, started_at, finished_at, controlled, controlled_given, result, exemption, gate_check, updated_at)
      values (${row.id}, ${row.title}, ${row.system}, ${row.service}, ${row.team}, ${row.business_line}, ${row.kind}, ${row.started_at}, ${row.finished_at},
        ${row.controlled}, ${row.controlled_given}, ${row.result}, ${row.exemption}, ${row.gate_check}, ${row.updated_at})`.execute(
      old.db
    );
    await old.db.destroy();

    const services = await openServices(config, pino({ level: 'silent' }));
    try {
      expect(await services.store.migrations()).toContain('005-change-committed-at');
      expect(await migrate(services.store.db, services.store.kind)).toEqual([]);
      const stored = await services.store.db
        .selectFrom('changes')
        .selectAll()
        .where('id', '=', 'old-deploy')
        .executeTakeFirstOrThrow();
      // Later migrations' columns (012: control evidence) come with their defaults.
      expect(stored).toMatchObject({ ...row, committed_at: null });
      await services.orgs.replace(smallOrg());
      const record = await services.records.get('changes', 'old-deploy');
      expect(record).toMatchObject({ kind: 'deploy', result: 'success', updatedAt: '2026-03-01T10:21:00.000Z' });
      expect(record).not.toHaveProperty('committedAt');
      const { record: fresh } = await services.records.put('changes', 'new-deploy', {
        system: 'argo-cd',
        service: 'ledger-db',
        kind: 'deploy',
        startedAt: '2026-03-02T10:00:00Z',
        committedAt: '2026-03-02T09:00:00+01:00',
      });
      expect(fresh).toMatchObject({ committedAt: '2026-03-02T08:00:00.000Z' });
    } finally {
      await services.store.close();
    }
  });
});
