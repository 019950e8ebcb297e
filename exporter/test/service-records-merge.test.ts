/**
 * The record service's ingestion path and write history, called directly on a store
 * (src/service/records.ts): mergeBatch with the stored record (an episode keyed by fingerprint
 * finds its record by id, start, end or as the open one; two notifications of one episode in one
 * body are one write; a storm's re-send writes nothing), the reorg followed for new records only,
 * who gave an alert's verdict, each write's history entry (created / updated with the fields that
 * moved / deleted), incident steps in the history, and a window's versions. Each test seeds its
 * own store inside it; the expected records are written by hand.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.js';
import type { Org } from '../src/domain/org.js';
import { ValidationError } from '../src/service/errors.js';
import { MAX_BATCH, type ApiRecord } from '../src/service/records.js';
import { smallOrg } from './helpers/org.js';
import { openRecords } from './helpers/services.js';
import { STORE_TARGETS } from './helpers/stores.js';

const T = (hh: string) => `2026-03-01T${hh}:00.000Z`;
const CAROL: Actor = { token: 'ops', role: 'admin', grafana: false, user: 'carol' };
/** What ingestion does: the incoming fields over the stored record. */
const over = (incoming: ApiRecord, stored: ApiRecord): ApiRecord => ({ ...stored, ...incoming });

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => null,
    (e: unknown) => e
  );
}

const alert = (extra: object = {}) => ({
  name: 'HighErrorRate',
  severity: 'critical',
  service: 'checkout-api',
  startsAt: T('10:00'),
  fingerprint: 'aa01',
  ...extra,
});

describe.each(STORE_TARGETS)('record merges and history on $kind', (target) => {
  async function open(org: Org = smallOrg()) {
    const { store, orgs, records } = await openRecords(target, org);
    const merge = async (
      collection: 'alerts' | 'findings' | 'incidents' | 'changes',
      list: ApiRecord[],
      actor?: Actor
    ) =>
      records.mergeBatch(
        collection,
        list.map(({ id, ...input }) => ({ id: id as string, input })),
        over,
        await orgs.index(),
        actor
      );
    const alertIds = async () =>
      (await store.db.selectFrom('alerts').select(['id', 'starts_at', 'ends_at']).orderBy('id').execute()).map((r) => [
        r.id,
        new Date(Number(r.starts_at)).toISOString(),
        r.ends_at === null ? null : new Date(Number(r.ends_at)).toISOString(),
      ]);
    return { store, orgs, records, merge, alertIds };
  }

  it('an episode: re-sent unchanged, resolved under another id, then a new one, its start moved', async () => {
    const { records, merge, alertIds } = await open();
    expect(await merge('alerts', [{ id: 'n-1', ...alert() }])).toEqual({ created: 1, updated: 0, unchanged: 0 });
    // The storm re-sends it: nothing is written, not even a history entry.
    expect(await merge('alerts', [{ id: 'n-1', ...alert() }])).toEqual({ created: 0, updated: 0, unchanged: 1 });
    expect(await records.audit.history('alerts', 'n-1')).toHaveLength(1);
    // Resolved, in a notification with another id: the record of the same start is updated.
    expect(await merge('alerts', [{ id: 'n-2', ...alert({ endsAt: T('11:00') }) }])).toEqual({
      created: 0,
      updated: 1,
      unchanged: 0,
    });
    expect(await alertIds()).toEqual([['n-1', T('10:00'), T('11:00')]]);
    // It fires again later: a new record (the stored one is closed and of another start and end).
    expect(await merge('alerts', [{ id: 'n-3', ...alert({ startsAt: T('12:00') }) }])).toEqual({
      created: 1,
      updated: 0,
      unchanged: 0,
    });
    // Its start moves (another id again): the open record takes it.
    expect(await merge('alerts', [{ id: 'n-4', ...alert({ startsAt: T('12:05') }) }])).toEqual({
      created: 0,
      updated: 1,
      unchanged: 0,
    });
    expect(await alertIds()).toEqual([
      ['n-1', T('10:00'), T('11:00')],
      ['n-3', T('12:05'), null],
    ]);
    // A late re-send of the first resolve with its end (start moved, same end): the closed record.
    expect(await merge('alerts', [{ id: 'n-9', ...alert({ startsAt: T('09:59'), endsAt: T('11:00') }) }])).toEqual({
      created: 0,
      updated: 1,
      unchanged: 0,
    });
    expect(await alertIds()).toEqual([
      ['n-1', T('09:59'), T('11:00')],
      ['n-3', T('12:05'), null],
    ]);
    // Another fingerprint never takes these records; without one, the id decides.
    expect(await merge('alerts', [{ id: 'n-5', ...alert({ fingerprint: 'bb02', startsAt: T('12:05') }) }])).toEqual({
      created: 1,
      updated: 0,
      unchanged: 0,
    });
    expect(await merge('alerts', [{ id: 'n-6', ...alert({ fingerprint: undefined, startsAt: T('12:05') }) }])).toEqual({
      created: 1,
      updated: 0,
      unchanged: 0,
    });
    expect((await alertIds()).map(([id]) => id)).toEqual(['n-1', 'n-3', 'n-5', 'n-6']);
  });

  it('its own id wins over a matching start; several open records: the latest started', async () => {
    const { merge, alertIds } = await open();
    await merge('alerts', [
      { id: 'o-1', ...alert({ startsAt: T('08:00') }) },
      { id: 'o-2', ...alert({ startsAt: T('09:00') }) },
    ]);
    // Two open records of one fingerprint (sent under distinct ids): a moved start goes to the later one.
    expect(await merge('alerts', [{ id: 'o-x', ...alert({ startsAt: T('09:30') }) }])).toEqual({
      created: 0,
      updated: 1,
      unchanged: 0,
    });
    expect(await alertIds()).toEqual([
      ['o-1', T('08:00'), null],
      ['o-2', T('09:30'), null],
    ]);
    // Named by its own id, o-1 is updated even though o-2 is open and later.
    expect(await merge('alerts', [{ id: 'o-1', ...alert({ startsAt: T('08:10') }) }])).toEqual({
      created: 0,
      updated: 1,
      unchanged: 0,
    });
    expect(await alertIds()).toEqual([
      ['o-1', T('08:10'), null],
      ['o-2', T('09:30'), null],
    ]);
  });

  it('two notifications of one episode in one body are one write, the later one winning', async () => {
    const { records, merge, alertIds } = await open();
    await merge('alerts', [{ id: 'e-1', ...alert() }]);
    expect(
      await merge('alerts', [
        { id: 'e-2', ...alert({ startsAt: T('10:01') }) },
        { id: 'e-3', ...alert({ startsAt: T('10:02'), endsAt: T('10:30') }) },
      ])
    ).toEqual({ created: 0, updated: 1, unchanged: 1 });
    expect(await alertIds()).toEqual([['e-1', T('10:02'), T('10:30')]]);
    expect((await records.get('alerts', 'e-1')).endsAt).toBe(T('10:30'));
  });

  it('a merge keeps what was saved meanwhile: the verdict and who gave it', async () => {
    const { records, merge } = await open();
    await merge('alerts', [{ id: 'v-1', ...alert() }]);
    await records.put('alerts', 'v-1', { ...alert(), verdict: 'noise' }, CAROL);
    const judged = await records.get('alerts', 'v-1');
    expect(judged.verdictBy).toBe('carol');
    expect(await merge('alerts', [{ id: 'v-1', ...alert({ endsAt: T('11:00') }) }])).toEqual({
      created: 0,
      updated: 1,
      unchanged: 0,
    });
    expect(await records.get('alerts', 'v-1')).toMatchObject({
      verdict: 'noise',
      verdictBy: 'carol',
      verdictAt: judged.verdictAt,
      endsAt: T('11:00'),
    });
  });

  it('episodes are looked up 500 fingerprints at a time: the 501st still finds its record', async () => {
    const { merge, alertIds } = await open();
    const fp = (i: number) => (0x1000 + i).toString(16);
    await merge('alerts', [{ id: 'late', ...alert({ fingerprint: fp(500) }) }]);
    const list = Array.from({ length: 501 }, (_, i) => ({
      id: `k-${String(i).padStart(3, '0')}`,
      ...alert({ fingerprint: fp(i), endsAt: T('11:00') }),
    }));
    expect(await merge('alerts', list)).toEqual({ created: 500, updated: 1, unchanged: 0 });
    const rows = await alertIds();
    expect(rows).toHaveLength(501);
    expect(rows.find(([id]) => id === 'late')).toEqual(['late', T('10:00'), T('11:00')]);
    expect(rows.some(([id]) => id === 'k-500')).toBe(false);
  });

  it('an incident may cite only a stored change; a citation kept from before is not checked again', async () => {
    const { records, store } = await open();
    const incident = {
      title: 'Down',
      priority: 'P1',
      service: 'checkout-api',
      startedAt: T('10:00'),
      detectedAt: T('10:00'),
      detectionSource: 'monitoring',
    };
    await records.put('changes', 'ch-1', {
      system: 'argo-cd',
      kind: 'deploy',
      service: 'checkout-api',
      startedAt: T('09:00'),
    });
    const e = await failure(records.put('incidents', 'i-1', { ...incident, causedByChange: 'ch-nope' }));
    expect((e as ValidationError).issues).toEqual([{ path: 'causedByChange', message: 'unknown change "ch-nope"' }]);
    const e2 = await failure(
      records.batch('incidents', {
        records: [
          { ...incident, id: 'i-a', causedByChange: 'ch-1' },
          { ...incident, id: 'i-b', causedByChange: 'ch-gone' },
        ],
      })
    );
    expect((e2 as ValidationError).issues).toEqual([
      { path: 'records[1].causedByChange', message: 'unknown change "ch-gone"' },
    ]);
    await records.put('incidents', 'i-1', { ...incident, causedByChange: 'ch-1' });
    expect((await records.get('incidents', 'i-1')).causedByChange).toBe('ch-1');
    // The change is deleted later: the incident may still be written with its citation.
    await store.db.deleteFrom('changes').where('id', '=', 'ch-1').execute();
    expect(
      (await records.put('incidents', 'i-1', { ...incident, causedByChange: 'ch-1', title: 'Down again' })).outcome
    ).toBe('updated');
  });

  it('a verdict records who gave it and when; another write keeps them; removing it clears them', async () => {
    const { records } = await open();
    await records.put('alerts', 'a-1', alert({ fingerprint: undefined }));
    expect(await records.get('alerts', 'a-1')).not.toHaveProperty('verdictBy');
    const before = Date.now();
    await records.put('alerts', 'a-1', alert({ fingerprint: undefined, verdict: 'actionable' }), CAROL);
    const after = Date.now();
    const given = await records.get('alerts', 'a-1');
    expect(given.verdictBy).toBe('carol');
    expect(Date.parse(given.verdictAt as string)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(given.verdictAt as string)).toBeLessThanOrEqual(after);
    await records.put('alerts', 'a-1', alert({ fingerprint: undefined, verdict: 'actionable', name: 'Renamed' }));
    expect(await records.get('alerts', 'a-1')).toMatchObject({ verdictBy: 'carol', verdictAt: given.verdictAt });
    await records.put('alerts', 'a-1', alert({ fingerprint: undefined, verdict: 'noise' }), {
      token: 'ci',
      role: 'ingest',
      grafana: false,
    });
    expect((await records.get('alerts', 'a-1')).verdictBy).toBe('ci');
    await records.put('alerts', 'a-1', alert({ fingerprint: undefined, verdict: null }), CAROL);
    const cleared = await records.get('alerts', 'a-1');
    expect(cleared.verdict).toBeNull();
    expect(cleared).not.toHaveProperty('verdictBy');
    expect(cleared).not.toHaveProperty('verdictAt');
  });

  it('a merged record is validated like any write, named by its position', async () => {
    const { merge, records } = await open();
    const e = await failure(
      merge('alerts', [
        { id: 'm-1', ...alert() },
        { id: 'm-2', ...alert({ fingerprint: 'bb02', service: 'nope' }) },
        { id: 'm-3', ...alert({ fingerprint: 'cc03', severity: 5 }) },
      ])
    );
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues.map((i) => i.path)).toEqual(['records[2].severity']);
    const e2 = await failure(
      merge('alerts', [
        { id: 'm-1', ...alert() },
        { id: 'm-2', ...alert({ fingerprint: 'bb02', service: 'nope' }) },
      ])
    );
    expect((e2 as ValidationError).issues).toEqual([{ path: 'records[1].service', message: 'unknown service "nope"' }]);
    expect(await records.hasAny('alerts')).toBe(false);
    const tooMany = await failure(
      records.mergeBatch(
        'alerts',
        Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({ id: `x-${i}`, input: alert() })),
        over,
        undefined as never
      )
    );
    expect((tooMany as ValidationError).issues).toEqual([
      { path: 'records', message: `at most ${MAX_BATCH} records per batch (got ${MAX_BATCH + 1})` },
    ]);
  });

  it('new records of a merged service go to its successor, a retired one’s alerts to unassigned; stored ones stay', async () => {
    const { orgs, merge, store, records } = await open();
    await merge('alerts', [{ id: 'r-old', ...alert({ service: 'ledger-db', fingerprint: 'dd04' }) }]);
    const org = smallOrg();
    org.services.push({ id: 'ledger-v2', name: 'Ledger v2', team: 'ledger', owner: 'Margaret' });
    org.services.find((s) => s.id === 'ledger-db')!.mergedInto = 'ledger-v2';
    org.services.find((s) => s.id === 'catalog-web')!.retired = true;
    await orgs.replace(org);
    await merge('alerts', [
      { id: 'r-new', ...alert({ service: 'ledger-db', fingerprint: 'ee05' }) },
      { id: 'r-gone', ...alert({ service: 'catalog-web', fingerprint: 'ff06' }) },
      { id: 'r-old', ...alert({ service: 'ledger-db', fingerprint: 'dd04', endsAt: T('11:00') }) },
    ]);
    const rows = await store.db.selectFrom('alerts').select(['id', 'service', 'team']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'r-gone', service: null, team: 'unassigned' },
      { id: 'r-new', service: 'ledger-v2', team: 'ledger' },
      { id: 'r-old', service: 'ledger-db', team: 'ledger' },
    ]);
    // Other collections are not sent to the unassigned team: a retired service's new finding is refused.
    const e = await failure(
      merge('findings', [
        {
          id: 'fd-1',
          check: 'tls',
          targetType: 'application',
          severity: 'high',
          service: 'catalog-web',
          foundAt: T('10:00'),
        },
      ])
    );
    expect(e).toBeInstanceOf(ValidationError);
    expect(await records.hasAny('findings')).toBe(false);
  });

  it('each write is in the record’s history: created, updated with what moved, deleted', async () => {
    const { records } = await open();
    const drill = { scenario: 'Failover', team: 'ledger', startedAt: T('09:00'), score: 80 };
    await records.put('drills', 'd-1', drill, CAROL);
    await records.put('drills', 'd-1', drill, CAROL); // unchanged: no entry
    await records.put('drills', 'd-1', { ...drill, score: 90 });
    await records.remove('drills', 'd-1', CAROL);
    const history = await records.audit.history('drills', 'd-1');
    expect(history.map((h) => [h.action, h.actor.name])).toEqual([
      ['created', 'carol'],
      ['updated', 'ballast'],
      ['deleted', 'carol'],
    ]);
    expect(history[1]!.changes).toEqual([{ field: 'score', from: 80, to: 90 }]);
    expect(history[0]!.changes).toEqual(
      expect.arrayContaining([
        { field: 'scenario', from: null, to: 'Failover' },
        { field: 'score', from: null, to: 80 },
      ])
    );
    expect(history[2]!.changes).toEqual(expect.arrayContaining([{ field: 'score', from: 90, to: null }]));
    expect(history.every((h) => !('reason' in h))).toBe(true);
  });

  it('a batch updates only what moved, and says which records were created', async () => {
    const { records, store } = await open();
    const drill = (id: string, score: number) => ({
      id,
      scenario: 'Failover',
      team: 'ledger',
      startedAt: T('09:00'),
      score,
    });
    await records.batch('drills', { records: [drill('b-2', 1), drill('b-1', 2)] });
    const stamped = await store.db.selectFrom('drills').select(['id', 'updated_at']).orderBy('id').execute();
    expect(await records.batch('drills', { records: [drill('b-1', 2), drill('b-2', 3), drill('b-3', 4)] })).toEqual({
      created: 1,
      updated: 1,
      unchanged: 1,
    });
    const rows = await store.db.selectFrom('drills').select(['id', 'score', 'updated_at']).orderBy('id').execute();
    expect(rows.map((r) => [r.id, r.score])).toEqual([
      ['b-1', 2],
      ['b-2', 3],
      ['b-3', 4],
    ]);
    // The unchanged record keeps its time; the history has one entry per created or updated record.
    expect(rows[0]!.updated_at).toBe(stamped[0]!.updated_at);
    expect((await records.audit.history('drills', 'b-1')).map((h) => h.action)).toEqual(['created']);
    expect((await records.audit.history('drills', 'b-2')).map((h) => h.action)).toEqual(['created', 'updated']);
  });

  it('steps in the history: replaced with the incident, appended one at a time', async () => {
    const { records, store } = await open();
    const incident = {
      title: 'Down',
      priority: 'P1',
      service: 'checkout-api',
      startedAt: T('10:00'),
      detectedAt: T('10:00'),
      detectionSource: 'monitoring',
    };
    const step = { step: 'response', at: T('10:05'), owner: 'Ken' };
    await records.put('incidents', 'i-1', incident);
    await records.put('incidents', 'i-1', { ...incident, steps: [step] });
    const [, replaced] = await records.audit.history('incidents', 'i-1');
    expect(replaced!.changes).toEqual([{ field: 'steps', from: [], to: [step] }]);
    const stampBefore = (await store.db.selectFrom('incidents').select('updated_at').executeTakeFirstOrThrow())
      .updated_at;
    const appended = { step: 'war_room', at: T('10:10'), owner: 'Ada', note: 'opened' };
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect((await records.appendStep('i-1', appended, CAROL)).added).toBe(true);
    const history = await records.audit.history('incidents', 'i-1');
    expect(history).toHaveLength(3);
    expect(history[2]).toMatchObject({
      action: 'updated',
      actor: { name: 'carol' },
      changes: [{ field: 'steps', from: null, to: appended }],
    });
    const stampAfter = (await store.db.selectFrom('incidents').select('updated_at').executeTakeFirstOrThrow())
      .updated_at;
    expect(Number(stampAfter)).toBeGreaterThan(Number(stampBefore));
    // Appended again: nothing added, nothing in the history.
    expect((await records.appendStep('i-1', appended, CAROL)).added).toBe(false);
    expect(await records.audit.history('incidents', 'i-1')).toHaveLength(3);
    // A step before one stored is refused with the reason.
    const e = await failure(records.appendStep('i-1', { step: 'judgment', at: T('10:20'), owner: 'Ken' }));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues).toEqual([
      {
        path: 'at',
        message:
          'war_room at 2026-03-01T10:10:00.000Z would come before judgment at 2026-03-01T10:20:00.000Z, which comes earlier in the process; give outOfOrder with a reason to record it anyway',
      },
    ]);
    expect(await records.audit.history('incidents', 'i-1')).toHaveLength(3);
  });

  it('a window’s edits are new versions; its announcement cannot be moved; an explicit one is the reason', async () => {
    const { records, store } = await open();
    const window = { name: 'W', reason: 'R', startsAt: T('10:00'), endsAt: T('12:00'), announcedAt: T('08:00') };
    await records.put('freezes', 'w-1', window, CAROL);
    expect((await records.get('freezes', 'w-1')).version).toBe(1);
    expect((await records.audit.history('freezes', 'w-1'))[0]!.reason).toBe(
      'announcedAt given explicitly (2026-03-01T08:00:00.000Z), e.g. importing history'
    );
    await records.put('freezes', 'w-1', window, CAROL); // unchanged: same version
    expect((await records.get('freezes', 'w-1')).version).toBe(1);
    await records.put('freezes', 'w-1', { ...window, reason: 'R2' }, CAROL);
    await records.put('freezes', 'w-1', { ...window, reason: 'R3', announcedAt: undefined }, CAROL);
    expect(await records.get('freezes', 'w-1')).toMatchObject({
      version: 3,
      reason: 'R3',
      announcedAt: T('08:00'),
    });
    const versions = await store.db
      .selectFrom('freeze_versions')
      .select(['version', 'reason', 'effective_at'])
      .where('freeze_id', '=', 'w-1')
      .orderBy('version')
      .execute();
    expect(versions.map((v) => [Number(v.version), v.reason])).toEqual([
      [1, 'R'],
      [2, 'R2'],
      [3, 'R3'],
    ]);
    expect(Number(versions[0]!.effective_at)).toBe(Date.parse(T('08:00')));
    expect(Number(versions[1]!.effective_at)).toBeGreaterThan(Date.parse('2026-06-01T00:00:00Z'));
    const e = await failure(records.put('freezes', 'w-1', { ...window, announcedAt: T('07:00') }, CAROL));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues).toEqual([
      {
        path: 'announcedAt',
        message: 'is when the window was first announced (2026-03-01T08:00:00.000Z) and cannot be moved',
      },
    ]);
    const e2 = await failure(
      records.batch('freezes', { records: [{ ...window, id: 'w-1', announcedAt: T('07:00') }] }, CAROL)
    );
    expect((e2 as ValidationError).issues.map((i) => i.path)).toEqual(['records[0].announcedAt']);
    // A window without announcedAt is announced when written, and names no reason.
    await records.put('freezes', 'w-2', { ...window, announcedAt: undefined }, CAROL);
    expect((await records.audit.history('freezes', 'w-2'))[0]).not.toHaveProperty('reason');
  });
});
