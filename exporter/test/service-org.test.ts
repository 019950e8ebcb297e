/**
 * The org service called directly on a store (src/service/org.ts): parsing with every issue named,
 * the revision-keyed cache, compare-and-set replaces, refusing to orphan stored records, and
 * re-resolving every record's team and business line (and the change-control rule) on replace.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Org } from '../src/domain/org.js';
import { ConflictError, ValidationError } from '../src/service/errors.js';
import { GateService } from '../src/service/gate.js';
import { OrgService, StaleRevisionError } from '../src/service/org.js';
import { RecordService } from '../src/service/records.js';
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

const T = '2026-03-01T10:00:00Z';

async function failure(call: Promise<unknown>) {
  return call.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as Error & { issues: { path: string; message: string }[] }
  );
}

describe('OrgService.parse', () => {
  it('names each schema issue, then each reference issue', () => {
    const bad = failure(Promise.resolve().then(() => OrgService.parse({ teams: [{ id: 't' }] })));
    return bad.then((e) => {
      expect(e).toBeInstanceOf(ValidationError);
      expect(e.issues.map((i) => i.path)).toEqual(['teams[0].name', 'teams[0].businessLine', 'teams[0].manager']);
      expect(e.issues.every((i) => i.message === 'is required')).toBe(true);
    });
  });

  it('refuses references the schema cannot check, and accepts nothing as the empty org', async () => {
    const org = smallOrg();
    org.services[0]!.team = 'nobody';
    const e = await failure(Promise.resolve().then(() => OrgService.parse(org)));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.issues).toEqual([{ path: 'services[0].team', message: 'unknown team "nobody"' }]);
    expect(OrgService.parse(undefined)).toEqual(OrgService.parse({}));
    expect(OrgService.parse(null).teams).toEqual([]);
  });
});

describe.each(STORE_TARGETS)('org service on $kind', (target) => {
  let store: Store;
  let orgs: OrgService;
  let records: RecordService;
  const rowOf = (table: 'incidents' | 'alerts' | 'changes' | 'actions' | 'findings' | 'drills', id: string) =>
    store.db.selectFrom(table).select(['team', 'business_line']).where('id', '=', id).executeTakeFirstOrThrow();

  const ready = once(async () => {
    store = await Store.open(await target.fresh());
    orgs = new OrgService(store);
    records = new RecordService(store, orgs);
  });
  afterAll(() => store?.close());

  it('before any replace: revision 0, the empty org; the index is cached per revision', async () => {
    await ready();
    const first = await orgs.current();
    expect(first.revision).toBe(0);
    expect(first.org).toEqual(OrgService.parse({}));
    expect(await orgs.index()).toBe(first.index);
    expect(await new OrgService(store).current()).toMatchObject({ revision: 0 });
  });

  it('each replace is a new revision; another service instance sees it; a stale one changes nothing', async () => {
    await ready();
    expect(await orgs.replace(smallOrg())).toBe(1);
    const before = await orgs.index();
    const other = new OrgService(store);
    expect((await other.current()).revision).toBe(1);
    expect((await other.index()).teams.has('ledger')).toBe(true);
    expect(await orgs.replace(smallOrg(), 1)).toBe(2);
    expect(await orgs.index()).not.toBe(before);
    const stale = await failure(orgs.replace({ ...smallOrg(), goals: [] }, 1));
    expect(stale).toBeInstanceOf(StaleRevisionError);
    expect(stale).toBeInstanceOf(ConflictError);
    expect(stale.message).toBe(
      'the org was replaced meanwhile: it is at revision 2, not 1; read it again and re-apply the change'
    );
    expect(stale.issues).toEqual([{ path: 'revision', message: 'is 2, not 1' }]);
    expect((await orgs.current()).revision).toBe(2);
    expect((await orgs.current()).org.goals).toEqual(smallOrg().goals);
    // A refused document changes nothing either.
    expect(await failure(orgs.replace({ teams: 'x' }))).toBeInstanceOf(ValidationError);
    expect((await orgs.current()).revision).toBe(2);
  });

  describe('with records', () => {
    const readyRecords = once(async () => {
      await ready();
      await orgs.replace(smallOrg());
      const incident = { title: 'Down', priority: 'P1', startedAt: T, detectedAt: T, detectionSource: 'monitoring' };
      await records.put('incidents', 'inc-ledger', { ...incident, service: 'ledger-db' });
      await records.put('incidents', 'inc-catalog-team', { ...incident, team: 'catalog' });
      await records.put('actions', 'act-1', { incident: 'inc-ledger', title: 'Fix', owner: 'Ken', dueAt: T });
      await records.put('alerts', 'al-unassigned', {
        name: 'A',
        severity: 'critical',
        team: 'unassigned',
        startsAt: T,
      });
      await records.put('alerts', 'al-catalog', {
        name: 'A',
        severity: 'critical',
        service: 'catalog-web',
        startsAt: T,
      });
      const change = { kind: 'deploy', startedAt: T, service: 'checkout-api' };
      await records.put('changes', 'ch-manual', { ...change, system: 'manual' });
      await records.put('changes', 'ch-manual-given', { ...change, system: 'manual', controlled: false });
      // Cleared by the gate 10 minutes before it started.
      const check = await new GateService(store, orgs).check({ service: 'checkout-api' }, Date.parse(T) - 600_000);
      await records.put('changes', 'ch-manual-gate', { ...change, system: 'manual', gateCheck: check.checkId });
      await records.put('changes', 'ch-argo', { ...change, system: 'argo-cd' });
    });

    it('refuses an org that removes a service or team stored records name, listing each', async () => {
      await readyRecords();
      const org = smallOrg();
      org.services = org.services.filter((s) => s.id !== 'ledger-db');
      org.teams = org.teams.filter((t) => t.id !== 'catalog');
      org.services = org.services.filter((s) => s.id !== 'catalog-web');
      const revision = (await orgs.current()).revision;
      const e = await failure(orgs.replace(org));
      expect(e).toBeInstanceOf(ConflictError);
      expect(e).not.toBeInstanceOf(StaleRevisionError);
      expect(e.message).toBe(
        'the new org removes services or teams that stored records still name; retire or merge them instead (kept for history, refused for new records)'
      );
      expect(e.issues).toEqual([
        {
          path: 'incidents',
          message:
            'records name service "ledger-db": keep it with retired: true or mergedInto (another service) instead',
        },
        {
          path: 'incidents',
          message: 'records name team "catalog": keep it with retired: true or mergedInto (another team) instead',
        },
        {
          path: 'alerts',
          message:
            'records name service "catalog-web": keep it with retired: true or mergedInto (another service) instead',
        },
      ]);
      expect((await orgs.current()).revision).toBe(revision);
      // The unassigned alert never blocks a replace: the org cannot name that team.
      expect(await orgs.replace(smallOrg())).toBe(revision + 1);
    });

    it('re-resolves owners: a service moved to another team, a team moved to another business line', async () => {
      await readyRecords();
      const org: Org = smallOrg();
      org.services.find((s) => s.id === 'ledger-db')!.team = 'catalog';
      org.teams.find((t) => t.id === 'catalog')!.businessLine = 'payments';
      await orgs.replace(org);
      expect(await rowOf('incidents', 'inc-ledger')).toEqual({ team: 'catalog', business_line: 'payments' });
      expect(await rowOf('incidents', 'inc-catalog-team')).toEqual({ team: 'catalog', business_line: 'payments' });
      expect(await rowOf('alerts', 'al-catalog')).toEqual({ team: 'catalog', business_line: 'payments' });
      // Actions follow their incident.
      expect(await rowOf('actions', 'act-1')).toEqual({ team: 'catalog', business_line: 'payments' });
      // Unassigned stays unassigned, with no business line.
      expect(await rowOf('alerts', 'al-unassigned')).toEqual({ team: 'unassigned', business_line: null });

      // Back again: commerce for catalog, ledger for its database.
      await orgs.replace(smallOrg());
      expect(await rowOf('incidents', 'inc-ledger')).toEqual({ team: 'ledger', business_line: 'payments' });
      expect(await rowOf('incidents', 'inc-catalog-team')).toEqual({ team: 'catalog', business_line: 'commerce' });
      expect(await rowOf('actions', 'act-1')).toEqual({ team: 'ledger', business_line: 'payments' });
    });

    it('a change system integrated later makes its changes controlled, unless given or cleared by a gate check', async () => {
      await readyRecords();
      const controlled = async () =>
        Object.fromEntries(
          (await store.db.selectFrom('changes').select(['id', 'controlled']).orderBy('id').execute()).map((r) => [
            r.id,
            r.controlled,
          ])
        );
      expect(await controlled()).toEqual({ 'ch-argo': 1, 'ch-manual': 0, 'ch-manual-gate': 1, 'ch-manual-given': 0 });
      const org = smallOrg();
      org.changeSystems.find((c) => c.id === 'manual')!.integrated = true;
      org.changeSystems.find((c) => c.id === 'argo-cd')!.integrated = false;
      await orgs.replace(org);
      expect(await controlled()).toEqual({ 'ch-argo': 0, 'ch-manual': 1, 'ch-manual-gate': 1, 'ch-manual-given': 0 });
      await orgs.replace(smallOrg());
      expect(await controlled()).toEqual({ 'ch-argo': 1, 'ch-manual': 0, 'ch-manual-gate': 1, 'ch-manual-given': 0 });
    });
  });
});
