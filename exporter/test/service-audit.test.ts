/**
 * The audit log called directly (src/service/audit.ts, src/domain/actor.ts): what a diff lists,
 * how entries are ordered and filtered, how an org replace is summarized, and that a record
 * service write appends exactly the entries of what it changed. Expected values are written out by
 * hand. Setup runs inside the tests (Stryker counts a beforeAll as static).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { actorName, ANONYMOUS, auditActor, hasRole, isAdmin, SYSTEM, type Actor } from '../src/domain/actor.js';
import { fieldChanges } from '../src/service/audit.js';
import { OrgService, orgChanges } from '../src/service/org.js';
import { RecordService } from '../src/service/records.js';
import { Store } from '../src/store/store.js';
import { smallOrg } from './helpers/org.js';
import { STORE_TARGETS } from './helpers/stores.js';

const once = <T>(setup: () => Promise<T>) => {
  let done: Promise<T> | undefined;
  return () => (done ??= setup());
};

const alice: Actor = { token: 'grafana-app', role: 'ingest', grafana: true, user: 'alice' };
const bot: Actor = { token: 'alertmanager', role: 'ingest', grafana: false };

describe('actors', () => {
  it('are named by the Grafana user when known, else by the token', () => {
    expect(actorName(alice)).toBe('alice');
    expect(actorName(bot)).toBe('alertmanager');
    expect(auditActor(alice)).toEqual({ token: 'grafana-app', user: 'alice', name: 'alice' });
    expect(auditActor(bot)).toEqual({ token: 'alertmanager', name: 'alertmanager' });
  });

  it('rank roles read < ingest < admin', () => {
    const as = (role: Actor['role']): Actor => ({ token: 't', role, grafana: false });
    expect([hasRole(as('read'), 'read'), hasRole(as('read'), 'ingest'), hasRole(as('read'), 'admin')]).toEqual([
      true,
      false,
      false,
    ]);
    expect([hasRole(as('ingest'), 'read'), hasRole(as('ingest'), 'ingest'), hasRole(as('ingest'), 'admin')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(hasRole(as('admin'), 'admin')).toBe(true);
    expect([isAdmin(as('admin')), isAdmin(as('ingest')), isAdmin(ANONYMOUS), isAdmin(SYSTEM)]).toEqual([
      true,
      false,
      true,
      true,
    ]);
  });
});

describe('fieldChanges', () => {
  it('lists each changed field by name, absent and null alike, objects compared by value; id and updatedAt never', () => {
    expect(
      fieldChanges(
        { id: 'a', title: 'x', team: 'checkout', scope: { team: 'a' }, updatedAt: '1', gone: 1, none: null },
        { id: 'b', title: 'y', team: 'checkout', scope: { team: 'a' }, updatedAt: '2', added: [1], none: undefined }
      )
    ).toEqual([
      { field: 'added', from: null, to: [1] },
      { field: 'gone', from: 1, to: null },
      { field: 'title', from: 'x', to: 'y' },
    ]);
    expect(fieldChanges(undefined, { title: 't' })).toEqual([{ field: 'title', from: null, to: 't' }]);
    expect(fieldChanges({ title: 't' }, undefined)).toEqual([{ field: 'title', from: 't', to: null }]);
    expect(fieldChanges({ scope: { team: 'a' } }, { scope: { team: 'b' } })).toEqual([
      { field: 'scope', from: { team: 'a' }, to: { team: 'b' } },
    ]);
    expect(fieldChanges({ n: 0 }, { n: false })).toEqual([{ field: 'n', from: 0, to: false }]);
  });
});

describe('orgChanges', () => {
  it('summarizes lists of entities by id, keeps everything else whole', () => {
    const before = smallOrg() as unknown as Record<string, unknown>;
    const next = smallOrg();
    next.services = next.services.filter((s) => s.id !== 'ledger-db');
    next.services.push({ id: 'ledger-api', name: 'Ledger API', team: 'ledger', owner: 'Margaret' });
    next.services[0]!.owner = 'Edsger';
    next.policy.highSeverities = ['critical', 'page'];
    expect(orgChanges(before, next as unknown as Record<string, unknown>)).toEqual([
      {
        field: 'policy',
        from: {
          highPriorities: ['P0', 'P1'],
          highSeverities: ['critical'],
          timezone: 'UTC',
          transientAlertMinutes: null,
        },
        to: {
          highPriorities: ['P0', 'P1'],
          highSeverities: ['critical', 'page'],
          timezone: 'UTC',
          transientAlertMinutes: null,
        },
      },
      {
        field: 'services',
        from: null,
        to: { added: ['ledger-api'], removed: ['ledger-db'], changed: ['checkout-api'] },
      },
    ]);
    expect(orgChanges(before, before)).toEqual([]);
    expect(orgChanges({ goals: [] }, { goals: [{ year: 2026 }] })).toEqual([
      { field: 'goals', from: [], to: [{ year: 2026 }] },
    ]);
  });
});

describe.each(STORE_TARGETS)('audit log on $kind', (target) => {
  let store: Store;
  let records: RecordService;
  const ready = once(async () => {
    store = await Store.open(await target.fresh());
    const orgs = new OrgService(store);
    await orgs.replace(smallOrg());
    records = new RecordService(store, orgs);
  });
  afterAll(() => store?.close());

  const alert = (startsAt: string, extra: object = {}) => ({
    name: 'HighErrorRate',
    severity: 'critical',
    service: 'checkout-api',
    startsAt,
    ...extra,
  });

  it('appends one entry per created or changed record of a batch, none for the unchanged, in one transaction', async () => {
    await ready();
    const batch = {
      records: [
        { id: 'x-1', ...alert('2026-03-01T10:00:00Z') },
        { id: 'x-2', ...alert('2026-03-01T11:00:00Z') },
      ],
    };
    expect(await records.batch('alerts', batch, bot)).toEqual({ created: 2, updated: 0, unchanged: 0 });
    batch.records[1] = { ...batch.records[1]!, severity: 'warning' };
    expect(await records.batch('alerts', batch, alice)).toEqual({ created: 0, updated: 1, unchanged: 1 });
    const x1 = await records.audit.history('alerts', 'x-1');
    const x2 = await records.audit.history('alerts', 'x-2');
    expect(x1.map((e) => [e.action, e.actor.name])).toEqual([['created', 'alertmanager']]);
    expect(x2.map((e) => [e.action, e.actor.name])).toEqual([
      ['created', 'alertmanager'],
      ['updated', 'alice'],
    ]);
    expect(x2[1]!.changes).toEqual([{ field: 'severity', from: 'critical', to: 'warning' }]);
    expect(x1[0]!.changes).toEqual([
      { field: 'businessLine', from: null, to: 'payments' },
      { field: 'name', from: null, to: 'HighErrorRate' },
      { field: 'service', from: null, to: 'checkout-api' },
      { field: 'severity', from: null, to: 'critical' },
      { field: 'startsAt', from: null, to: '2026-03-01T10:00:00.000Z' },
      { field: 'team', from: null, to: 'checkout' },
    ]);
    expect(x1[0]!.at).toBe((await records.get('alerts', 'x-1')).updatedAt);
  });

  it('lists newest first, by actor (the user, or the token without one), collection and [from, to)', async () => {
    await ready();
    await records.put(
      'drills',
      'd-1',
      { scenario: 'failover', team: 'ledger', startedAt: '2026-03-02T10:00:00Z', score: 80 },
      alice
    );
    const all = await records.audit.list({ limit: 100, offset: 0 });
    const seqs = all.items.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(all.total).toBe(all.items.length);
    const byAlice = await records.audit.list({ limit: 100, offset: 0, actor: ['alice'] });
    expect(byAlice.items.map((e) => `${e.collection}/${e.id}`)).toEqual(['drills/d-1', 'alerts/x-2']);
    // A Grafana user's entry is not found by the token it came through: the person is the actor.
    expect((await records.audit.list({ limit: 100, offset: 0, actor: ['grafana-app'] })).total).toBe(0);
    expect((await records.audit.list({ limit: 100, offset: 0, actor: ['alertmanager'] })).total).toBe(2);
    const drills = await records.audit.list({ limit: 100, offset: 0, collection: ['drills'] });
    expect(drills.items.map((e) => e.id)).toEqual(['d-1']);
    const at = Date.parse(drills.items[0]!.at);
    expect(
      (await records.audit.list({ limit: 100, offset: 0, from: at, to: at + 1 })).items.map((e) => e.id)
    ).toContain('d-1');
    expect((await records.audit.list({ limit: 100, offset: 0, to: at })).items.map((e) => e.id)).not.toContain('d-1');
    const page = await records.audit.list({ limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: all.total, limit: 1, offset: 1 });
    expect(page.items.map((e) => e.seq)).toEqual([seqs[1]]);
  });

  it('keeps the history of a deleted record, with the deletion and its last values', async () => {
    await ready();
    const freeze = {
      name: 'Black Friday',
      reason: 'peak',
      scope: {},
      startsAt: '2027-11-26T00:00:00Z',
      endsAt: '2027-11-27T00:00:00Z',
    };
    await records.put('freezes', 'f-1', freeze, SYSTEM);
    await records.remove('freezes', 'f-1', alice);
    const entries = await records.audit.history('freezes', 'f-1');
    expect(entries.map((e) => [e.action, e.actor.name])).toEqual([
      ['created', 'ballast'],
      [expect.stringMatching(/^(deleted|ended)$/), 'alice'],
    ]);
  });
});
