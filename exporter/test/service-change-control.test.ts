/**
 * Change control called directly on a store (src/service/change-control.ts through the record
 * service): each gate-check verdict with its exact note (refused, other target, too late, stale,
 * allowed at both bounds), the sender's `controlled`, freeze violations, who may grant an
 * exemption (admin, Grafana Admin, Grafana Editor by setting), what a receiver's payload may not
 * change, who may backdate a window, and a window write judging the changes again with its
 * history entry. Gate answers are kept with fixed ids and times, so every note is written by hand.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.js';
import type { Org } from '../src/domain/org.js';
import { ForbiddenError, ValidationError } from '../src/service/errors.js';
import { GateService } from '../src/service/gate.js';
import { smallOrg } from './helpers/org.js';
import { openRecords } from './helpers/services.js';
import { STORE_TARGETS } from './helpers/stores.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const ADMIN: Actor = { token: 'ops', role: 'admin', grafana: false };
const INGEST: Actor = { token: 'ci', role: 'ingest', grafana: false };
const grafana = (grafanaRole: 'Viewer' | 'Editor' | 'Admin', user = 'alice'): Actor => ({
  token: 'grafana',
  role: 'admin',
  grafana: true,
  user,
  grafanaRole,
});

const EXEMPTION_MESSAGE =
  'only an admin (or, through Grafana, an Admin, or an Editor when changeControl.grafanaEditorsGrantExemptions is on) may grant or change an exemption';

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => null,
    (e: unknown) => e
  );
}

const change = (extra: object = {}) => ({
  kind: 'deploy',
  system: 'manual',
  service: 'checkout-api',
  startedAt: iso(T0),
  ...extra,
});

describe.each(STORE_TARGETS)('change control on $kind', (target) => {
  async function open(org: Org = smallOrg()) {
    const { store, orgs, records } = await openRecords(target, org);
    const gate = new GateService(store, orgs);
    const keep = (
      id: string,
      at: number,
      q: { service?: string; team?: string },
      allowed = true,
      names: string[] = []
    ) =>
      gate.keepAnswers([
        {
          id,
          ...q,
          at,
          allowed,
          freezes: names.map((name, i) => ({
            id: `f${i}`,
            name,
            reason: 'r',
            startsAt: iso(at),
            endsAt: iso(at + MIN),
          })),
        },
      ]);
    const verdict = async (id: string) => {
      const r = await records.get('changes', id);
      const row = await store.db
        .selectFrom('changes')
        .select(['gate_ok', 'gate_note', 'freeze_violation'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return { controlled: r.controlled, reason: r.controlReason, gateOk: row.gate_ok, note: row.gate_note };
    };
    return { store, orgs, records, gate, keep, verdict };
  }

  it('a gate check allowed for the change’s service, asked at the bounds of its age, is evidence', async () => {
    const { records, keep, verdict } = await open();
    // 60 minutes before (the default maximum age) and 5 minutes after (the clock skew): both count.
    await keep('gc-early', T0 - 60 * MIN, { service: 'checkout-api' });
    await keep('gc-late', T0 + 5 * MIN, { service: 'checkout-api' });
    await records.put('changes', 'c-early', change({ gateCheck: 'gc-early' }));
    await records.put('changes', 'c-late', change({ gateCheck: 'gc-late' }));
    expect(await verdict('c-early')).toEqual({
      controlled: true,
      reason: 'gate check "gc-early" (asked 2026-03-01T09:00:00.000Z) allowed it',
      gateOk: 1,
      note: 'gate check "gc-early" (asked 2026-03-01T09:00:00.000Z) allowed it',
    });
    expect(await verdict('c-late')).toMatchObject({
      controlled: true,
      gateOk: 1,
      note: 'gate check "gc-late" (asked 2026-03-01T10:05:00.000Z) allowed it',
    });
    // Without a gate check: the system decides, and no gate columns are set.
    await records.put('changes', 'c-none', change());
    expect(await verdict('c-none')).toEqual({
      controlled: false,
      reason: 'no evidence: change system "manual" is not integrated and no gate check is cited',
      gateOk: null,
      note: null,
    });
    await records.put('changes', 'c-argo', change({ system: 'argo-cd' }));
    expect(await verdict('c-argo')).toMatchObject({ controlled: true, gateOk: null, note: null });
    // An unknown system is never integrated (it is refused by the rules before that).
  });

  it('a gate check just outside its age, or asked too late, is not evidence, with the minutes', async () => {
    const { records, keep, verdict } = await open();
    await keep('gc-stale', T0 - 61 * MIN, { service: 'checkout-api' });
    await keep('gc-after', T0 + 6 * MIN, { service: 'checkout-api' });
    await records.put('changes', 'c-stale', change({ gateCheck: 'gc-stale' }));
    await records.put('changes', 'c-after', change({ gateCheck: 'gc-after', system: 'argo-cd' }));
    expect(await verdict('c-stale')).toEqual({
      controlled: false,
      reason:
        'gate check "gc-stale" (asked 2026-03-01T08:59:00.000Z) is stale: asked 61 min before the change started (at most 60 min)',
      gateOk: 0,
      note: 'gate check "gc-stale" (asked 2026-03-01T08:59:00.000Z) is stale: asked 61 min before the change started (at most 60 min)',
    });
    // A cited check decides, even for an integrated system.
    expect(await verdict('c-after')).toEqual({
      controlled: false,
      reason: 'gate check "gc-after" (asked 2026-03-01T10:06:00.000Z) was asked 6 min after the change started',
      gateOk: 0,
      note: 'gate check "gc-after" (asked 2026-03-01T10:06:00.000Z) was asked 6 min after the change started',
    });
  });

  it('the maximum age is the org’s changeControl.gateCheckMaxAgeMinutes', async () => {
    const { records, keep, verdict } = await open({
      ...smallOrg(),
      changeControl: { gateCheckMaxAgeMinutes: 10, grafanaEditorsGrantExemptions: false },
    });
    await keep('gc-10', T0 - 10 * MIN, { service: 'checkout-api' });
    await keep('gc-11', T0 - 11 * MIN, { service: 'checkout-api' });
    await records.put('changes', 'c-10', change({ gateCheck: 'gc-10' }));
    await records.put('changes', 'c-11', change({ gateCheck: 'gc-11' }));
    expect(await verdict('c-10')).toMatchObject({ controlled: true, gateOk: 1 });
    expect((await verdict('c-11')).note).toBe(
      'gate check "gc-11" (asked 2026-03-01T09:49:00.000Z) is stale: asked 11 min before the change started (at most 10 min)'
    );
  });

  it('a refused gate check names the windows that froze the change', async () => {
    const { records, keep, verdict } = await open();
    await keep('gc-two', T0 - MIN, { service: 'checkout-api' }, false, ['Quiet', 'Peak']);
    await keep('gc-none', T0 - MIN, { service: 'checkout-api' }, false);
    await records.put('changes', 'c-two', change({ gateCheck: 'gc-two', system: 'argo-cd' }));
    await records.put('changes', 'c-none', change({ gateCheck: 'gc-none' }));
    expect(await verdict('c-two')).toEqual({
      controlled: false,
      reason: 'gate check "gc-two" (asked 2026-03-01T09:59:00.000Z) refused the change: frozen by "Quiet", "Peak"',
      gateOk: 0,
      note: 'gate check "gc-two" (asked 2026-03-01T09:59:00.000Z) refused the change: frozen by "Quiet", "Peak"',
    });
    expect((await verdict('c-none')).note).toBe(
      'gate check "gc-none" (asked 2026-03-01T09:59:00.000Z) refused the change'
    );
  });

  it('a gate check covers the service it was asked for, or a team’s changes by team', async () => {
    const { records, keep, verdict } = await open();
    await keep('gc-ledger', T0 - MIN, { service: 'ledger-db' });
    await keep('gc-team', T0 - MIN, { team: 'checkout' });
    await records.put('changes', 'c-other-service', change({ gateCheck: 'gc-ledger' }));
    await records.put('changes', 'c-team-of-service', change({ gateCheck: 'gc-team' }));
    await records.put('changes', 'c-team', change({ service: undefined, team: 'checkout', gateCheck: 'gc-team' }));
    await records.put('changes', 'c-other-team', change({ service: undefined, team: 'ledger', gateCheck: 'gc-team' }));
    await records.put('changes', 'c-service-of-other-team', change({ service: 'ledger-db', gateCheck: 'gc-team' }));
    // A service's check does not cover a team-wide change of that service's team.
    await records.put(
      'changes',
      'c-team-by-service',
      change({ service: undefined, team: 'ledger', gateCheck: 'gc-ledger' })
    );
    expect((await verdict('c-other-service')).note).toBe(
      'gate check "gc-ledger" (asked 2026-03-01T09:59:00.000Z) was asked for service "ledger-db", not for this change\'s service "checkout-api"'
    );
    expect(await verdict('c-team-of-service')).toMatchObject({ controlled: true, gateOk: 1 });
    expect(await verdict('c-team')).toMatchObject({ controlled: true, gateOk: 1 });
    expect(await verdict('c-other-team')).toMatchObject({
      controlled: false,
      gateOk: 0,
      note: 'gate check "gc-team" (asked 2026-03-01T09:59:00.000Z) was asked for team "checkout", not for this change\'s team "ledger"',
    });
    expect((await verdict('c-service-of-other-team')).note).toBe(
      'gate check "gc-team" (asked 2026-03-01T09:59:00.000Z) was asked for team "checkout", not for this change\'s service "ledger-db"'
    );
    expect((await verdict('c-team-by-service')).note).toBe(
      'gate check "gc-ledger" (asked 2026-03-01T09:59:00.000Z) was asked for service "ledger-db", not for this change\'s team "ledger"'
    );
  });

  it('controlled: false is honoured over evidence; controlled: true is only a claim', async () => {
    const { records, keep, verdict } = await open();
    await keep('gc-ok', T0 - MIN, { service: 'checkout-api' });
    await records.put('changes', 'c-false-gate', change({ gateCheck: 'gc-ok', controlled: false }));
    await records.put('changes', 'c-false-argo', change({ system: 'argo-cd', controlled: false }));
    await records.put('changes', 'c-true-manual', change({ controlled: true }));
    await records.put('changes', 'c-true-argo', change({ system: 'argo-cd', controlled: true }));
    expect(await verdict('c-false-gate')).toMatchObject({
      controlled: false,
      reason: 'the sender marked it uncontrolled (controlled: false)',
      gateOk: 1,
    });
    expect((await verdict('c-false-argo')).controlled).toBe(false);
    expect(await verdict('c-true-manual')).toMatchObject({
      controlled: false,
      reason:
        'no evidence: change system "manual" is not integrated and no gate check is cited; its controlled: true is kept as a claim and not counted',
    });
    expect(await verdict('c-true-argo')).toMatchObject({ controlled: true });
  });

  it('an unknown gate check is refused on the API, by path in a batch, and kept uncontrolled by a receiver', async () => {
    const { orgs, records, keep, verdict } = await open();
    const issues = async (call: Promise<unknown>) => {
      const e = await failure(call);
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).issues;
    };
    expect(await issues(records.put('changes', 'c-x', change({ gateCheck: 'gc-nope' })))).toEqual([
      { path: 'gateCheck', message: 'unknown gate check "gc-nope": cite a checkId this exporter\'s gate answered' },
    ]);
    await keep('gc-ok', T0 - MIN, { service: 'checkout-api' });
    expect(
      await issues(
        records.batch('changes', {
          records: [change({ id: 'c-a', gateCheck: 'gc-ok' }), change({ id: 'c-b', gateCheck: 'gc-nope' })],
        })
      )
    ).toEqual([
      {
        path: 'records[1].gateCheck',
        message: 'unknown gate check "gc-nope": cite a checkId this exporter\'s gate answered',
      },
    ]);
    expect(await records.hasAny('changes')).toBe(false);
    const merged = await records.mergeBatch(
      'changes',
      [{ id: 'c-recv', input: change({ system: 'argo-cd', gateCheck: 'gc-nope' }) }],
      (incoming, stored) => ({ ...stored, ...incoming }),
      await orgs.index()
    );
    expect(merged).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect(await verdict('c-recv')).toEqual({
      controlled: false,
      reason: 'gate check "gc-nope" is unknown to this exporter',
      gateOk: 0,
      note: 'gate check "gc-nope" is unknown to this exporter',
    });
  });

  it('a change inside a freeze window is a violation and never controlled, unless exempted', async () => {
    const { records, keep, verdict } = await open();
    await records.put(
      'freezes',
      'fz',
      {
        name: 'Quiet',
        reason: 'Peak',
        scope: { service: 'checkout-api' },
        startsAt: iso(T0 - 60 * MIN),
        endsAt: iso(T0 + 60 * MIN),
        announcedAt: iso(T0 - 24 * 60 * MIN),
      },
      ADMIN
    );
    await keep('gc-ok', T0 - MIN, { service: 'checkout-api' });
    await records.put('changes', 'c-in', change({ system: 'argo-cd', gateCheck: 'gc-ok' }));
    await records.put('changes', 'c-exempt', change({ system: 'argo-cd', exemption: 'CAB-1' }), ADMIN);
    await records.put('changes', 'c-other', change({ system: 'argo-cd', service: 'ledger-db' }));
    expect(await verdict('c-in')).toEqual({
      controlled: false,
      reason: 'started inside freeze window "fz" without an exemption',
      gateOk: 1,
      note: 'gate check "gc-ok" (asked 2026-03-01T09:59:00.000Z) allowed it',
    });
    expect((await records.get('changes', 'c-in')).violatedFreezes).toEqual(['fz']);
    expect(await verdict('c-exempt')).toMatchObject({ controlled: true });
    expect((await records.get('changes', 'c-exempt')).violatedFreezes).toEqual([]);
    expect((await records.get('changes', 'c-other')).violatedFreezes).toEqual([]);
  });

  it('an admin grants an exemption (author and time kept); another token may neither set, change nor remove it', async () => {
    const { store, records } = await open();
    const before = Date.now();
    await records.put('changes', 'c-1', change({ exemption: 'CAB-1' }), ADMIN);
    const after = Date.now();
    const granted = await records.get('changes', 'c-1');
    expect(granted.exemptionBy).toBe('ops');
    const grantedAt = Date.parse(granted.exemptionAt as string);
    expect(grantedAt).toBeGreaterThanOrEqual(before);
    expect(grantedAt).toBeLessThanOrEqual(after);
    const history = await records.audit.history('changes', 'c-1');
    expect(history.map((h) => h.reason)).toEqual(['exemption granted: CAB-1']);

    // The same exemption sent again by an ingest token: allowed, the grantor carried over.
    await records.put('changes', 'c-1', change({ exemption: 'CAB-1', title: 'Retitled' }), INGEST);
    expect(await records.get('changes', 'c-1')).toMatchObject({
      title: 'Retitled',
      exemptionBy: 'ops',
      exemptionAt: granted.exemptionAt,
    });
    expect((await records.audit.history('changes', 'c-1'))[1]).not.toHaveProperty('reason');

    for (const body of [change({ exemption: 'CAB-2' }), change()]) {
      const e = await failure(records.put('changes', 'c-1', body, INGEST));
      expect(e).toBeInstanceOf(ForbiddenError);
      expect((e as ForbiddenError).message).toBe('this token may not grant freeze exemptions');
      expect((e as ForbiddenError).issues).toEqual([{ path: 'exemption', message: EXEMPTION_MESSAGE }]);
    }
    const e = await failure(
      records.batch('changes', { records: [change({ id: 'c-2' }), change({ id: 'c-3', exemption: 'X' })] }, INGEST)
    );
    expect((e as ForbiddenError).issues).toEqual([{ path: 'records[1].exemption', message: EXEMPTION_MESSAGE }]);
    expect(await records.hasAny('changes')).toBe(true);
    expect(await store.db.selectFrom('changes').select('id').orderBy('id').execute()).toEqual([{ id: 'c-1' }]);

    // An admin removes it: grantor and time go with it.
    await records.put('changes', 'c-1', change(), ADMIN);
    const removed = await records.get('changes', 'c-1');
    expect(removed).not.toHaveProperty('exemptionBy');
    expect(removed).not.toHaveProperty('exemptionAt');
    const row = await store.db
      .selectFrom('changes')
      .select(['exemption', 'exemption_by', 'exemption_at'])
      .where('id', '=', 'c-1')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ exemption: null, exemption_by: null, exemption_at: null });
    expect((await records.audit.history('changes', 'c-1'))[2]).not.toHaveProperty('reason');
  });

  it('through Grafana: an Admin grants, an Editor only when the org lets Editors, a Viewer never', async () => {
    const { records, orgs } = await open();
    await records.put('changes', 'c-admin', change({ exemption: 'A' }), grafana('Admin', 'alice'));
    expect((await records.get('changes', 'c-admin')).exemptionBy).toBe('alice');
    for (const role of ['Editor', 'Viewer'] as const) {
      const e = await failure(records.put('changes', `c-${role}`, change({ exemption: 'E' }), grafana(role, 'bob')));
      expect(e).toBeInstanceOf(ForbiddenError);
    }
    await orgs.replace({ ...smallOrg(), changeControl: { grafanaEditorsGrantExemptions: true } });
    await records.put('changes', 'c-editor', change({ exemption: 'E' }), grafana('Editor', 'bob'));
    expect((await records.get('changes', 'c-editor')).exemptionBy).toBe('bob');
    expect(
      await failure(records.put('changes', 'c-viewer', change({ exemption: 'V' }), grafana('Viewer')))
    ).toBeInstanceOf(ForbiddenError);
    // An admin token is an admin without Grafana; an ingest token is not, whatever the setting.
    expect(await failure(records.put('changes', 'c-ingest', change({ exemption: 'I' }), INGEST))).toBeInstanceOf(
      ForbiddenError
    );
    await records.put('changes', 'c-ops', change({ exemption: 'O' }), ADMIN);
    expect((await records.get('changes', 'c-ops')).exemptionBy).toBe('ops');
  });

  it('a receiver’s payload never grants, changes or removes an exemption: the stored one is kept', async () => {
    const { records, orgs } = await open();
    const merge = (incoming: Record<string, unknown>, stored: Record<string, unknown>) => ({ ...stored, ...incoming });
    const org = await orgs.index();
    await records.mergeBatch('changes', [{ id: 'c-new', input: change({ exemption: 'tool' }) }], merge, org, INGEST);
    expect(await records.get('changes', 'c-new')).not.toHaveProperty('exemption');
    await records.put('changes', 'c-kept', change({ exemption: 'CAB' }), ADMIN);
    const stored = await records.get('changes', 'c-kept');
    expect(
      await records.mergeBatch(
        'changes',
        [{ id: 'c-kept', input: change({ exemption: 'other', title: 'From the tool' }) }],
        (incoming) => incoming,
        org,
        INGEST
      )
    ).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(await records.get('changes', 'c-kept')).toMatchObject({
      title: 'From the tool',
      exemption: 'CAB',
      exemptionBy: 'ops',
      exemptionAt: stored.exemptionAt,
    });
  });

  it('only an admin (or a Grafana Admin) may say when a new window was announced', async () => {
    const { records } = await open();
    const window = {
      name: 'W',
      reason: 'R',
      startsAt: iso(T0),
      endsAt: iso(T0 + 60 * MIN),
      announcedAt: iso(T0 - 60 * MIN),
    };
    for (const actor of [INGEST, grafana('Editor')]) {
      const e = await failure(records.put('freezes', 'w-1', window, actor));
      expect(e).toBeInstanceOf(ForbiddenError);
      expect((e as ForbiddenError).message).toBe('this token may not give announcedAt');
      expect((e as ForbiddenError).issues).toEqual([
        { path: 'announcedAt', message: 'only an admin may say when a window was announced' },
      ]);
    }
    const e = await failure(records.batch('freezes', { records: [{ ...window, id: 'w-1' }] }, INGEST));
    expect((e as ForbiddenError).issues).toEqual([
      { path: 'records[0].announcedAt', message: 'only an admin may say when a window was announced' },
    ]);
    await records.put('freezes', 'w-1', window, grafana('Admin'));
    expect((await records.get('freezes', 'w-1')).announcedAt).toBe('2026-03-01T09:00:00.000Z');
    await records.put('freezes', 'w-2', window, ADMIN);
    expect((await records.get('freezes', 'w-2')).announcedAt).toBe('2026-03-01T09:00:00.000Z');
    // Sent back unchanged on an existing window by another token: not a backdating.
    await records.put('freezes', 'w-2', { ...window, reason: 'R2' }, INGEST);
    expect((await records.get('freezes', 'w-2')).reason).toBe('R2');
  });

  it('a window write judges the changes again from its version on, each move in the change’s history', async () => {
    const { records } = await open();
    await records.put('changes', 'c-argo', change({ system: 'argo-cd' }));
    await records.put('changes', 'c-manual', change());
    await records.put('changes', 'c-ledger', change({ system: 'argo-cd', service: 'ledger-db' }));
    // Started before the window's announcement: never moved.
    await records.put('changes', 'c-early', change({ system: 'argo-cd', startedAt: iso(T0 - 3 * 60 * MIN) }));
    const window = {
      name: 'Quiet',
      reason: 'Peak',
      scope: { service: 'checkout-api' },
      startsAt: iso(T0 - 4 * 60 * MIN),
      endsAt: iso(T0 + 60 * MIN),
      announcedAt: iso(T0 - 2 * 60 * MIN),
    };
    const by: Actor = { token: 'ops', role: 'admin', grafana: false, user: 'carol' };
    await records.put('freezes', 'fz', window, by);
    expect(await records.get('changes', 'c-argo')).toMatchObject({ controlled: false, violatedFreezes: ['fz'] });
    expect(await records.get('changes', 'c-manual')).toMatchObject({ controlled: false, violatedFreezes: ['fz'] });
    expect(await records.get('changes', 'c-ledger')).toMatchObject({ controlled: true, violatedFreezes: [] });
    expect(await records.get('changes', 'c-early')).toMatchObject({ controlled: true, violatedFreezes: [] });
    const moved = (await records.audit.history('changes', 'c-argo')).slice(1);
    expect(moved).toMatchObject([
      {
        actor: { token: 'ops', user: 'carol', name: 'carol' },
        action: 'updated',
        changes: [
          { field: 'violatedFreezes', from: [], to: ['fz'] },
          { field: 'controlled', from: true, to: false },
        ],
        reason: 'judged again after freeze window "fz" changed',
      },
    ]);
    // Uncontrolled already: only its violation moved.
    expect((await records.audit.history('changes', 'c-manual')).slice(1).map((h) => h.changes)).toEqual([
      [{ field: 'violatedFreezes', from: [], to: ['fz'] }],
    ]);
    expect(await records.audit.history('changes', 'c-ledger')).toHaveLength(1);
    expect(await records.audit.history('changes', 'c-early')).toHaveLength(1);

    // Two windows in one write: both named; the second one adds itself to the violations.
    await records.batch(
      'freezes',
      {
        records: [
          { ...window, id: 'fz', reason: 'Peak again', announcedAt: undefined },
          { ...window, id: 'fz2', scope: {}, announcedAt: iso(T0 - 2 * 60 * MIN) },
        ],
      },
      by
    );
    expect((await records.get('changes', 'c-argo')).violatedFreezes).toEqual(['fz', 'fz2']);
    expect((await records.get('changes', 'c-ledger')).violatedFreezes).toEqual(['fz2']);
    const last = (await records.audit.history('changes', 'c-ledger')).at(-1)!;
    expect(last.reason).toBe('judged again after freeze windows "fz", "fz2" changed');
    expect(last.changes).toEqual([
      { field: 'violatedFreezes', from: [], to: ['fz2'] },
      { field: 'controlled', from: true, to: false },
    ]);
    expect((await records.audit.history('changes', 'c-argo')).at(-1)!.changes).toEqual([
      { field: 'violatedFreezes', from: ['fz'], to: ['fz', 'fz2'] },
    ]);
  });

  it('a recurring window in its own timezone, scoped to a business line, judges by its schedule', async () => {
    const { records } = await open();
    // Every day 11:00-12:00 in Berlin (CET in March: 10:00-11:00 UTC), for commerce only.
    await records.put(
      'freezes',
      'fz-daily',
      {
        name: 'Daily peak',
        reason: 'Traffic',
        scope: { businessLine: 'commerce' },
        schedule: { cron: '0 11 * * *', durationMinutes: 60, timezone: 'Europe/Berlin' },
        announcedAt: iso(T0 - 7 * 24 * 60 * MIN),
      },
      ADMIN
    );
    const put = (id: string, at: number, service = 'catalog-web') =>
      records.put('changes', id, change({ system: 'argo-cd', service, startedAt: iso(at) }));
    await put('c-inside', T0 + 30 * MIN);
    await put('c-after', T0 + 61 * MIN);
    await put('c-before', T0 - MIN);
    await put('c-payments', T0 + 30 * MIN, 'checkout-api');
    const violated = async (id: string) => (await records.get('changes', id)).violatedFreezes;
    expect(await violated('c-inside')).toEqual(['fz-daily']);
    expect(await violated('c-after')).toEqual([]);
    expect(await violated('c-before')).toEqual([]);
    expect(await violated('c-payments')).toEqual([]);
  });

  it('an ended window stops judging the changes that start after its end', async () => {
    const { records } = await open();
    const now = Date.now();
    await records.put(
      'freezes',
      'fz-open',
      {
        name: 'Open',
        reason: 'R',
        startsAt: iso(now - 60 * MIN),
        endsAt: iso(now + 24 * 60 * MIN),
        announcedAt: iso(now - 120 * MIN),
      },
      ADMIN
    );
    await records.put('changes', 'c-past', change({ system: 'argo-cd', startedAt: iso(now - 30 * MIN) }));
    expect((await records.get('changes', 'c-past')).violatedFreezes).toEqual(['fz-open']);
    await records.remove('freezes', 'fz-open', ADMIN);
    // Started before the end: still a violation. Started after it: none.
    expect((await records.get('changes', 'c-past')).violatedFreezes).toEqual(['fz-open']);
    await records.put('changes', 'c-later', change({ system: 'argo-cd', startedAt: iso(Date.now() + 60 * MIN) }));
    expect(await records.get('changes', 'c-later')).toMatchObject({ violatedFreezes: [], controlled: true });
  });

  it('judging again reads the changes in pages of 5000: every one after the first page is judged too', async () => {
    const { records, store } = await open();
    const pad = (i: number) => String(i).padStart(4, '0');
    // 4999 changes at T0, then 2 a minute later: the pages split inside the later minute.
    const list = [
      ...Array.from({ length: 4999 }, (_, i) => change({ id: `c-a${pad(i)}`, system: 'argo-cd' })),
      change({ id: 'c-b0', system: 'argo-cd', startedAt: iso(T0 + MIN) }),
      change({ id: 'c-b1', system: 'argo-cd', startedAt: iso(T0 + MIN) }),
      change({ id: 'c-c0', system: 'argo-cd', startedAt: iso(T0 + 2 * MIN) }),
    ];
    await records.batch('changes', { records: list });
    await records.put(
      'freezes',
      'fz',
      {
        name: 'F',
        reason: 'R',
        startsAt: iso(T0 - 60 * MIN),
        endsAt: iso(T0 + 60 * MIN),
        announcedAt: iso(T0 - 120 * MIN),
      },
      ADMIN
    );
    const counts = await store.db
      .selectFrom('changes')
      .select(['freeze_violation', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('freeze_violation')
      .execute();
    expect(counts.map((c) => [Number(c.freeze_violation), Number(c.n)])).toEqual([[1, 5002]]);
    expect((await records.get('changes', 'c-b1')).violatedFreezes).toEqual(['fz']);
    expect((await records.get('changes', 'c-c0')).violatedFreezes).toEqual(['fz']);
    expect(await records.audit.history('changes', 'c-b1')).toHaveLength(2);
  });

  it('an exemption granted after the window leaves the change controlled when windows are judged again', async () => {
    const { records } = await open();
    await records.put('changes', 'c-1', change({ system: 'argo-cd', exemption: 'CAB' }), ADMIN);
    await records.put('changes', 'c-gate-refused', change({ system: 'argo-cd', service: 'ledger-db' }));
    await records.put(
      'freezes',
      'fz',
      {
        name: 'Quiet',
        reason: 'Peak',
        startsAt: iso(T0 - 60 * MIN),
        endsAt: iso(T0 + 60 * MIN),
        announcedAt: iso(T0 - 120 * MIN),
      },
      ADMIN
    );
    expect(await records.get('changes', 'c-1')).toMatchObject({ controlled: true, violatedFreezes: [] });
    expect(await records.get('changes', 'c-gate-refused')).toMatchObject({
      controlled: false,
      violatedFreezes: ['fz'],
    });
    expect(await records.audit.history('changes', 'c-1')).toHaveLength(1);
  });
});
