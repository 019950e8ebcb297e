/**
 * The record service called directly on a store (src/service/records.ts): what a write refuses
 * (each issue with its path), the outcome of each write (created / updated / unchanged), incident
 * steps, reads that name what is missing, and the list filters of each collection. Expected lists
 * are the hand-made records below, picked by hand.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../src/service/errors.js';
import { OrgService } from '../src/service/org.js';
import type { RecordQuery } from '../src/service/record-query.js';
import { MAX_BATCH, RecordService } from '../src/service/records.js';
import { Store } from '../src/store/store.js';
import { smallOrg } from './helpers/org.js';
import { STORE_TARGETS } from './helpers/stores.js';

/**
 * Setup run by the first test that needs it, not in a beforeAll: Stryker counts code run in a hook
 * as "static" (its Vitest runner starts per-test coverage at beforeEach): such a mutant runs every test.
 */
const once = <T>(setup: () => Promise<T>) => {
  let done: Promise<T> | undefined;
  return () => (done ??= setup());
};

const T = (hh: string) => `2026-03-01T${hh}:00:00.000Z`;

async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues;
}

async function missing(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(NotFoundError);
  return (error as Error).message;
}

const incident = (extra: object = {}) => ({
  title: 'Checkout down',
  priority: 'P1',
  service: 'checkout-api',
  startedAt: T('10'),
  detectedAt: T('10'),
  detectionSource: 'monitoring',
  ...extra,
});

describe.each(STORE_TARGETS)('record service on $kind', (target) => {
  let store: Store;
  let records: RecordService;
  const query = (q: Partial<RecordQuery> = {}): RecordQuery => ({ limit: 100, offset: 0, fields: {}, flags: {}, ...q });
  const ids = async (collection: Parameters<RecordService['list']>[0], q: Partial<RecordQuery> = {}) =>
    (await records.list(collection, query(q))).items.map((r) => r.id);

  const ready = once(async () => {
    store = await Store.open(await target.fresh());
    const orgs = new OrgService(store);
    await orgs.replace(smallOrg());
    records = new RecordService(store, orgs);
  });
  afterAll(() => store?.close());

  describe('writes', () => {
    it('put: created, then unchanged for the same body, updated for another; the record as stored', async () => {
      await ready();
      const first = await records.put('incidents', 'w-1', incident());
      expect(first.outcome).toBe('created');
      expect(first.record).toMatchObject({
        id: 'w-1',
        team: 'checkout',
        businessLine: 'payments',
        title: 'Checkout down',
      });
      // What a GET returns may be sent back: id, businessLine and updatedAt are accepted and ignored.
      expect((await records.put('incidents', 'w-1', first.record)).outcome).toBe('unchanged');
      const second = await records.put('incidents', 'w-1', incident({ title: 'Checkout slow' }));
      expect(second.outcome).toBe('updated');
      expect((await records.get('incidents', 'w-1')).title).toBe('Checkout slow');
    });

    it('put refuses a bad id, an id that is not the URL’s, a non-object and a record the rules refuse', async () => {
      await ready();
      expect(await refusal(records.put('incidents', 'bad id!', incident()))).toEqual([
        { path: 'id', message: 'must be 1-200 characters of letters, digits and . _ : @ -' },
      ]);
      expect(await refusal(records.put('incidents', 'w-2', incident({ id: 'w-3' })))).toEqual([
        { path: 'id', message: 'does not match the id in the URL ("w-2")' },
      ]);
      expect(await refusal(records.put('incidents', 'w-2', [incident()]))).toEqual([
        { path: 'body', message: 'must be a JSON object' },
      ]);
      expect(await refusal(records.put('incidents', 'w-2', null))).toEqual([
        { path: 'body', message: 'must be a JSON object' },
      ]);
      expect(await refusal(records.put('incidents', 'w-2', incident({ service: 'nope' })))).toEqual([
        { path: 'service', message: 'unknown service "nope"' },
      ]);
      expect(await refusal(records.put('incidents', 'w-2', incident({ extra: 1 })))).toEqual([
        { path: 'extra', message: 'unknown field' },
      ]);
      expect(await missing(records.get('incidents', 'w-2'))).toBe('incident "w-2" not found');
    });

    it('batch: counts each outcome; all or nothing, naming records by index', async () => {
      await ready();
      await records.put('incidents', 'b-0', incident());
      const result = await records.batch('incidents', {
        records: [incident({ id: 'b-1' }), incident({ id: 'b-2' }), incident({ id: 'b-0' })],
      });
      expect(result).toEqual({ created: 2, updated: 0, unchanged: 1 });
      expect(await records.batch('incidents', { records: [incident({ id: 'b-1', title: 'Other' })] })).toEqual({
        created: 0,
        updated: 1,
        unchanged: 0,
      });
      expect(
        await refusal(
          records.batch('incidents', {
            records: [
              incident({ id: 'b-3' }),
              incident(),
              incident({ id: 'b-3' }),
              'x',
              incident({ id: 'b-4', team: 'nope' }),
            ],
          })
        )
      ).toEqual([
        { path: 'records[1].id', message: 'is required' },
        { path: 'records[2].id', message: 'duplicate of records[0]' },
        { path: 'records[3]', message: 'must be a JSON object' },
      ]);
      // The rules are checked after the schema, with each record's position.
      expect(
        await refusal(
          records.batch('incidents', { records: [incident({ id: 'b-5' }), incident({ id: 'b-6', service: 'nope' })] })
        )
      ).toEqual([{ path: 'records[1].service', message: 'unknown service "nope"' }]);
      expect(await missing(records.get('incidents', 'b-5'))).toBe('incident "b-5" not found');
      expect(await missing(records.get('incidents', 'b-3'))).toBe('incident "b-3" not found');
    });

    it('batch refuses a body without a list of records, or too many', async () => {
      await ready();
      for (const body of [null, {}, { records: 'x' }, []])
        expect(await refusal(records.batch('incidents', body))).toEqual([
          { path: 'records', message: 'must be an array of records' },
        ]);
      const tooMany = { records: Array.from({ length: MAX_BATCH + 1 }, () => ({})) };
      expect(await refusal(records.batch('incidents', tooMany))).toEqual([
        { path: 'records', message: `at most ${MAX_BATCH} records per batch (got ${MAX_BATCH + 1})` },
      ]);
      expect(await records.batch('incidents', { records: [] })).toEqual({ created: 0, updated: 0, unchanged: 0 });
    });

    it('remove deletes a record once; then it is not found', async () => {
      await ready();
      await records.put('drills', 'd-1', { scenario: 'db failover', team: 'ledger', startedAt: T('09'), score: 80 });
      await records.remove('drills', 'd-1');
      expect(await missing(records.remove('drills', 'd-1'))).toBe('drill "d-1" not found');
      expect(await missing(records.get('drills', 'd-1'))).toBe('drill "d-1" not found');
      expect(await refusal(records.remove('drills', 'no spaces'))).toEqual([
        { path: 'id', message: 'must be 1-200 characters of letters, digits and . _ : @ -' },
      ]);
    });
  });

  describe('incident steps', () => {
    const step = (name: string, hh: string, extra: object = {}) => ({ step: name, at: T(hh), owner: 'Ken', ...extra });

    it('given with the incident they replace the stored ones; a repeat of one step and time is kept once', async () => {
      await ready();
      const put = await records.put(
        'incidents',
        's-1',
        incident({ steps: [step('judgment', '11'), step('response', '10')] })
      );
      expect(put.outcome).toBe('created');
      expect(put.record.steps).toEqual([
        { step: 'response', at: T('10'), owner: 'Ken' },
        { step: 'judgment', at: T('11'), owner: 'Ken' },
      ]);
      // Same steps in another order: nothing changes.
      expect(
        (await records.put('incidents', 's-1', incident({ steps: [step('response', '10'), step('judgment', '11')] })))
          .outcome
      ).toBe('unchanged');
      // A note on a step is a change.
      const noted = await records.put(
        'incidents',
        's-1',
        incident({ steps: [step('response', '10', { note: 'paged' }), step('judgment', '11')] })
      );
      expect(noted.outcome).toBe('updated');
      expect(noted.record.steps).toEqual([
        { step: 'response', at: T('10'), owner: 'Ken', note: 'paged' },
        { step: 'judgment', at: T('11'), owner: 'Ken' },
      ]);
      const twice = await records.put(
        'incidents',
        's-1',
        incident({ steps: [step('response', '10'), step('response', '10')] })
      );
      expect(twice.outcome).toBe('updated');
      expect(twice.record.steps).toEqual([{ step: 'response', at: T('10'), owner: 'Ken' }]);
      // Without `steps` the stored ones stay.
      expect((await records.put('incidents', 's-1', incident())).record.steps).toEqual([
        { step: 'response', at: T('10'), owner: 'Ken' },
      ]);
    });

    it('appended one at a time, once each', async () => {
      await ready();
      await records.put('incidents', 's-2', incident());
      const first = await records.appendStep('s-2', step('response', '10'));
      expect(first.added).toBe(true);
      expect(first.record.steps).toEqual([{ step: 'response', at: T('10'), owner: 'Ken' }]);
      expect((await records.appendStep('s-2', step('response', '10'))).added).toBe(false);
      expect((await records.appendStep('s-2', step('war_room', '12'))).record.steps).toHaveLength(2);
      expect(await missing(records.appendStep('s-none', step('response', '10')))).toBe('incident "s-none" not found');
      expect((await refusal(records.appendStep('s-2', { step: 'response' }))).map((i) => i.path)).toEqual([
        'at',
        'owner',
      ]);
      expect(await refusal(records.appendStep('s-2', { ...step('response', '10'), extra: 1 }))).toEqual([
        { path: 'extra', message: 'unknown field' },
      ]);
    });
  });

  describe('reads', () => {
    const readyReads = once(async () => {
      await ready();
      await records.put('incidents', 'r-inc', incident());
      await records.batch('alerts', {
        records: [
          {
            id: 'al-1',
            name: 'HighErrorRate',
            severity: 'critical',
            service: 'checkout-api',
            startsAt: T('01'),
            verdict: 'actionable',
          },
          {
            id: 'al-2',
            name: 'HighErrorRate',
            severity: 'warning',
            service: 'ledger-db',
            startsAt: T('02'),
            verdict: 'noise',
          },
          { id: 'al-3', name: 'DiskFull', severity: 'critical', service: 'catalog-web', startsAt: T('03') },
        ],
      });
      await records.batch('findings', {
        records: [
          {
            id: 'f-1',
            check: 'tls',
            targetType: 'application',
            severity: 'high',
            service: 'checkout-api',
            foundAt: T('01'),
            dueAt: '2026-03-02T00:00:00Z',
          },
          {
            id: 'f-2',
            check: 'tls',
            targetType: 'application',
            severity: 'high',
            service: 'ledger-db',
            foundAt: T('02'),
            closedAt: T('05'),
          },
          {
            id: 'f-3',
            check: 'backup',
            targetType: 'database',
            severity: 'low',
            team: 'catalog',
            foundAt: T('03'),
            dueAt: '2030-01-01T00:00:00Z',
          },
        ],
      });
      await records.batch('changes', {
        records: [
          { id: 'c-1', system: 'argo-cd', kind: 'deploy', service: 'checkout-api', startedAt: T('01') },
          { id: 'c-2', system: 'manual', kind: 'config', service: 'ledger-db', startedAt: T('02') },
          { id: 'c-3', system: 'manual', kind: 'deploy', team: 'catalog', startedAt: T('03'), controlled: true },
        ],
      });
      await records.batch('actions', {
        records: [
          { id: 'a-1', incident: 'r-inc', title: 'Fix', owner: 'Ken', dueAt: '2026-03-02T00:00:00Z' },
          { id: 'a-2', incident: 'r-inc', title: 'Doc', owner: 'Ada', dueAt: '2030-01-01T00:00:00Z' },
          {
            id: 'a-3',
            incident: 'r-inc',
            title: 'Done',
            owner: 'Ken',
            dueAt: '2026-03-02T00:00:00Z',
            completedAt: T('12'),
          },
        ],
      });
    });

    it('getMany: the stored ones among the ids, by id', async () => {
      await readyReads();
      const found = await records.getMany('alerts', ['al-3', 'al-none', 'al-1']);
      expect([...found.keys()].sort()).toEqual(['al-1', 'al-3']);
      expect(found.get('al-3')).toMatchObject({ name: 'DiskFull' });
      expect(await records.hasAny('alerts')).toBe(true);
      expect(await records.hasAny('drills')).toBe(false);
    });

    it('newest first; owner filters, field filters and the time range [from, to) on the collection’s time', async () => {
      await readyReads();
      expect(await ids('alerts')).toEqual(['al-3', 'al-2', 'al-1']);
      expect(await ids('alerts', { team: ['ledger', 'catalog'] })).toEqual(['al-3', 'al-2']);
      expect(await ids('alerts', { businessLine: ['payments'] })).toEqual(['al-2', 'al-1']);
      expect(await ids('alerts', { service: ['catalog-web'] })).toEqual(['al-3']);
      expect(await ids('alerts', { fields: { name: ['HighErrorRate'] } })).toEqual(['al-2', 'al-1']);
      expect(await ids('alerts', { from: Date.parse(T('02')) })).toEqual(['al-3', 'al-2']);
      expect(await ids('alerts', { to: Date.parse(T('02')) })).toEqual(['al-1']);
      expect(await ids('alerts', { team: [] })).toEqual(['al-3', 'al-2', 'al-1']);
      const page = await records.list('alerts', query({ limit: 1, offset: 1 }));
      expect(page).toMatchObject({ total: 3, limit: 1, offset: 1 });
      expect(page.items.map((r) => r.id)).toEqual(['al-2']);
    });

    it('alerts: high severity by the policy; verdicts, `none` for no verdict', async () => {
      await readyReads();
      expect(await ids('alerts', { flags: { highSeverity: true } })).toEqual(['al-3', 'al-1']);
      expect(await ids('alerts', { flags: { highSeverity: false } })).toEqual(['al-3', 'al-2', 'al-1']);
      expect(await ids('alerts', { verdict: ['none'] })).toEqual(['al-3']);
      expect(await ids('alerts', { verdict: ['noise'] })).toEqual(['al-2']);
      expect(await ids('alerts', { verdict: ['actionable', 'noise'] })).toEqual(['al-2', 'al-1']);
      // `none` with a verdict: only the named verdicts are filtered on.
      expect(await ids('alerts', { verdict: ['none', 'noise'] })).toEqual(['al-2']);
    });

    it('incidents: high priority, drills, open', async () => {
      await readyReads();
      await records.put('incidents', 'i-drill', incident({ drill: true, priority: 'P3', recoveredAt: T('11') }));
      const all = await ids('incidents');
      expect(all).toContain('i-drill');
      expect(await ids('incidents', { flags: { drill: true } })).toEqual(['i-drill']);
      expect(await ids('incidents', { flags: { drill: false } })).not.toContain('i-drill');
      expect(await ids('incidents', { flags: { highPriority: true } })).not.toContain('i-drill');
      expect((await ids('incidents', { flags: { highPriority: true } })).length).toBe(all.length - 1);
      expect(await ids('incidents', { flags: { open: true } })).not.toContain('i-drill');
      expect(await ids('incidents', { flags: { open: false } })).toContain('i-drill');
    });

    it('findings and actions: open, overdue (open and due before now)', async () => {
      await readyReads();
      expect(await ids('findings', { flags: { open: true } })).toEqual(['f-3', 'f-1']);
      expect(await ids('findings', { flags: { overdue: true } })).toEqual(['f-1']);
      expect(await ids('findings', { fields: { check: ['tls'] } })).toEqual(['f-2', 'f-1']);
      expect(await ids('actions', { flags: { open: true } })).toEqual(['a-2', 'a-1']);
      expect(await ids('actions', { flags: { overdue: true } })).toEqual(['a-1']);
      // The same due time: by id.
      expect(await ids('actions', { fields: { owner: ['Ken'] } })).toEqual(['a-1', 'a-3']);
      const action = await records.get('actions', 'a-1');
      // An action belongs to its incident's team.
      expect(action).toMatchObject({ team: 'checkout', businessLine: 'payments' });
    });

    it('changes: controlled (integrated system; a given true is only a claim) and the freeze violations they carry', async () => {
      await readyReads();
      expect(await ids('changes', { flags: { controlled: true } })).toEqual(['c-1']);
      expect(await ids('changes', { flags: { controlled: false } })).toEqual(['c-3', 'c-2']);
      expect(await records.get('changes', 'c-3')).toMatchObject({ controlled: false, controlledClaim: true });
      expect(await ids('changes', { fields: { system: ['manual'] } })).toEqual(['c-3', 'c-2']);
      await records.put('freezes', 'fz', {
        name: 'F',
        reason: 'R',
        scope: { team: 'ledger' },
        startsAt: T('00'),
        endsAt: T('06'),
        announcedAt: T('00'), // before the changes (a window violates only changes after its announcement)
      });
      expect(await ids('changes', { flags: { violation: true } })).toEqual(['c-2']);
      expect(await ids('changes', { flags: { violation: false } })).toEqual(['c-3', 'c-1']);
      const page = await records.list('changes', query({ flags: { violation: false }, limit: 1, offset: 1 }));
      expect(page).toMatchObject({ total: 2, limit: 1, offset: 1 });
      expect(page.items.map((c) => [c.id, c.violatedFreezes])).toEqual([['c-1', []]]);
      expect((await records.get('changes', 'c-2')).violatedFreezes).toEqual(['fz']);
      expect((await records.list('freezes', query())).items.map((f) => f.id)).toEqual(['fz']);
    });
  });
});
