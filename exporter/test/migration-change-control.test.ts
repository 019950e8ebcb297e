/**
 * Migration 012 (change control evidence, freeze history) on a store that already holds freezes
 * and changes, on SQLite and a real PostgreSQL: the freezes count as announced at epoch 0 with one
 * version, so the freeze_violations figure is what it was; each change's violation is stored
 * (and a violation is no longer controlled); an old gate citation keeps counting, marked not verified.
 */
import { sql } from 'kysely';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openServices } from '../src/server.js';
import { KpiService } from '../src/service/kpis.js';
import { connect } from '../src/store/connect.js';
import { migrate, MIGRATIONS } from '../src/store/migrations/index.js';
import { smallOrg } from './helpers/org.js';
import { STORE_TARGETS } from './helpers/stores.js';

const BEFORE = MIGRATIONS.findIndex((m) => m.name === '012-change-control');
const NOW = Date.parse('2026-03-15T12:00:00Z');
const HOUR = 3_600_000;

describe.each(STORE_TARGETS)('migration 012 on $kind', (target) => {
  it('judges existing changes by the rule the KPI used, so the figures do not move', async () => {
    expect(BEFORE).toBeGreaterThan(0);
    const config = await target.fresh();
    const old = connect(config);
    await migrate(old.db, old.kind, MIGRATIONS.slice(0, BEFORE));
    await old.db.insertInto('data_revision').values({ id: 1, revision: 0 }).execute();
    await sql`insert into freezes (id, name, reason, scope_business_line, scope_team, scope_service, starts_at, ends_at, cron, duration_minutes, timezone, updated_at)
      values ('close', 'Month close', 'books', null, 'checkout', null, ${NOW - 10 * HOUR}, ${NOW - 8 * HOUR}, null, null, null, ${NOW - 100 * HOUR})`.execute(
      old.db
    );
    const change = (id: string, at: number, extra: { exemption?: string; gate?: string; system?: string } = {}) =>
      sql`insert into changes (id, title, system, service, team, business_line, kind, started_at, finished_at, controlled, controlled_given, result, exemption, gate_check, updated_at)
        values (${id}, null, ${extra.system ?? 'argo-cd'}, 'checkout-api', 'checkout', 'payments', 'deploy', ${at}, null, 1, null, null,
          ${extra.exemption ?? null}, ${extra.gate ?? null}, ${at})`.execute(old.db);
    await change('inside', NOW - 9 * HOUR);
    await change('inside-exempt', NOW - 9 * HOUR, { exemption: 'CVE' });
    await change('outside', NOW - 5 * HOUR);
    await change('cited', NOW - 4 * HOUR, { gate: 'gc-from-the-old-store', system: 'manual' });
    await old.db.destroy();

    const services = await openServices(config, pino({ level: 'silent' }));
    try {
      expect(await services.store.migrations()).toContain('012-change-control');
      expect(await migrate(services.store.db, services.store.kind)).toEqual([]);
      await services.orgs.replace(smallOrg());
      const freeze = await services.store.db.selectFrom('freezes').selectAll().executeTakeFirstOrThrow();
      expect([Number(freeze.announced_at), freeze.ended_at, Number(freeze.version)]).toEqual([0, null, 1]);
      const versions = await services.store.db.selectFrom('freeze_versions').selectAll().execute();
      expect(versions.map((v) => [v.freeze_id, Number(v.version), Number(v.effective_at), Number(v.ended)])).toEqual([
        ['close', 1, 0, 0],
      ]);
      const rows = await services.store.db
        .selectFrom('changes')
        .select(['id', 'freeze_violation', 'violated_freezes', 'controlled', 'gate_ok'])
        .orderBy('id')
        .execute();
      expect(
        rows.map((r) => [r.id, Number(r.freeze_violation), r.violated_freezes, Number(r.controlled), r.gate_ok])
      ).toEqual([
        ['cited', 0, null, 1, 1],
        ['inside', 1, '["close"]', 0, null],
        ['inside-exempt', 0, null, 1, null],
        ['outside', 0, null, 1, null],
      ]);
      const cited = await services.records.get('changes', 'cited');
      expect(cited.controlReason).toContain('not verified');
      const kpis = new KpiService(services.store, services.orgs, { now: () => NOW });
      const { values } = await kpis.values('7d', { level: 'org' }, [
        'freeze_violations',
        'change_control_coverage_ratio',
      ]);
      expect(values.map((v) => [v.kpi, v.numerator, v.denominator])).toEqual([
        ['freeze_violations', 1, null],
        ['change_control_coverage_ratio', 3, 4],
      ]);
    } finally {
      await services.store.close();
    }
  });
});
