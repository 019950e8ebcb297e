/**
 * The red-line service called directly on a store (src/service/red-lines.ts), each test on its own
 * fresh store seeded inside it: the ledger of every rule with since/until worked out by hand from
 * the record times below, the window rule, the filters (rule, team, business line, service),
 * waived/unwaived, paging, one violation by id, waiving (validation, conflict, audit) and the
 * window counts. Record times are set with a fake Date, so the times the exporter stamps itself
 * (a verdict's verdictAt, the audit entry that set a postmortemUrl) are known too.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Org } from '../src/domain/org.js';
import { ConflictError, NotFoundError, ValidationError } from '../src/service/errors.js';
import { RecordService } from '../src/service/records.js';
import { RedLineService } from '../src/service/red-lines.js';
import { smallOrg } from './helpers/org.js';
import { openRecords } from './helpers/services.js';
import { STORE_TARGETS } from './helpers/stores.js';
import {
  action,
  ago,
  alert,
  change,
  DAY,
  finding,
  incident,
  iso,
  NOW,
  postmortemStep,
  redLineOrg,
} from './helpers/red-lines.js';

const ADMIN = { token: 'admin-1', role: 'admin' as const, grafana: false, user: 'grace' };

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => null,
    (e: unknown) => e
  );
}

describe.each(STORE_TARGETS)('red-line service on $kind', (target) => {
  const at = (ms: number) => vi.setSystemTime(ms);
  afterEach(() => {
    vi.useRealTimers();
  });

  async function open(org: Org = redLineOrg(), now = NOW) {
    vi.useFakeTimers({ toFake: ['Date'] });
    at(ago(60));
    const { store, orgs, records } = await openRecords(target, org);
    const redLines = new RedLineService(store, orgs, { now: () => now });
    const ledger = async (query: Record<string, unknown> = {}) =>
      (await redLines.list({ limit: 100, offset: 0, ...query })).items.map(
        (v) => [v.id, v.since, v.until ?? null] as const
      );
    return { store, orgs, records, redLines, ledger };
  }

  /** The hand-made records: which breach each makes is written next to it. */
  async function seed(records: RecordService) {
    at(ago(60));
    // i-a never got its post-mortem (line NOW-15d, open); i-b's step came at NOW-10d; i-c's URL was
    // set at NOW-12d (the audit log says when); i-d's came in time; i-e is P3, i-f a drill.
    await records.put('incidents', 'i-a', incident('checkout-api', 20));
    await records.put('incidents', 'i-b', incident('catalog-web', 20, postmortemStep(10)));
    at(ago(19));
    await records.put('incidents', 'i-c', incident('ledger-db', 20));
    at(ago(12));
    await records.put('incidents', 'i-c', incident('ledger-db', 20, { postmortemUrl: 'https://wiki.example/pm/c' }));
    at(ago(60));
    await records.put('incidents', 'i-d', incident('ledger-db', 20, postmortemStep(17)));
    await records.put('incidents', 'i-e', incident('checkout-api', 20, { priority: 'P3' }));
    await records.put('incidents', 'i-f', incident('checkout-api', 20, { drill: true }));
    // Actions (of i-a: team checkout; a5 of i-b: catalog). Line = due + 7d.
    await records.put('actions', 'a1', action('i-a', 'Kim', 10)); // line NOW-3d, open
    await records.put('actions', 'a2', action('i-a', 'Lee', 40, 20)); // line NOW-33d, mended NOW-20d
    await records.put('actions', 'a3', action('i-a', 'Lee', 40, 35)); // mended in time
    await records.put('actions', 'a4', action('i-a', 'Kim', 5)); // line NOW+2d: not yet
    await records.put('actions', 'a5', action('i-b', 'Ann', 100)); // line NOW-93d, open
    await records.put('findings', 'f1', finding('catalog-web', 8)); // line NOW-1d, open
    await records.put('findings', 'f2', finding('ledger-db', 30, 20)); // line NOW-23d, mended NOW-20d
    await records.put('findings', 'f3', finding('ledger-db')); // no due date: never
    await records.put('alerts', 'al1', alert('checkout-api', 4)); // line NOW-1d, open
    await records.put('alerts', 'al2', alert('ledger-db', 10)); // line NOW-7d, verdict at NOW-2d
    await records.put('alerts', 'al3', alert('ledger-db', 10)); // verdict at NOW-9d: in time
    await records.put('alerts', 'al4', alert('catalog-web', 10, { incident: 'i-b' })); // linked
    await records.put('alerts', 'al5', alert('catalog-web', 10, { severity: 'warning' })); // not high
    at(ago(2));
    await records.put('alerts', 'al2', alert('ledger-db', 10, { verdict: 'noise' }));
    at(ago(9));
    await records.put('alerts', 'al3', alert('ledger-db', 10, { verdict: 'actionable' }));
    at(ago(60));
    await records.put('freezes', 'fz', {
      name: 'Catalog release freeze',
      reason: 'Sale',
      scope: { team: 'catalog' },
      startsAt: iso(ago(3)),
      endsAt: iso(ago(2)),
    });
    await records.put('changes', 'c1', change('catalog-web')); // inside fz: a moment at NOW-2.5d
    await records.put('changes', 'c2', change('catalog-web', { exemption: 'Hotfix for the sale' }));
    await records.put('changes', 'c3', change('checkout-api'));
    at(NOW);
  }

  const ALL = [
    ['finding_overdue:f1', iso(ago(1)), null],
    ['alert_without_verdict:al1', iso(ago(1)), null],
    ['change_in_freeze:c1', iso(ago(2.5)), iso(ago(2.5))],
    ['action_overdue:a1', iso(ago(3)), null],
    ['alert_without_verdict:al2', iso(ago(7)), iso(ago(2))],
    ['incident_without_postmortem:i-a', iso(ago(15)), null],
    ['incident_without_postmortem:i-b', iso(ago(15)), iso(ago(10))],
    ['incident_without_postmortem:i-c', iso(ago(15)), iso(ago(12))],
    ['finding_overdue:f2', iso(ago(23)), iso(ago(20))],
    ['action_overdue:a2', iso(ago(33)), iso(ago(20))],
    ['action_overdue:a5', iso(ago(93)), null],
  ];

  it('lists every breach, latest first (ties by rule, then record), with since and until', async () => {
    const { records, ledger, redLines } = await open();
    await seed(records);
    expect(await ledger()).toEqual(ALL);
    const page = await redLines.list({ limit: 3, offset: 2 });
    expect(page.total).toBe(11);
    expect(page.limit).toBe(3);
    expect(page.offset).toBe(2);
    expect(page.items.map((v) => v.id)).toEqual([
      'change_in_freeze:c1',
      'action_overdue:a1',
      'alert_without_verdict:al2',
    ]);
  });

  it('names the collection, title, team, business line and owner of each', async () => {
    const { records, redLines } = await open();
    await seed(records);
    const { items } = await redLines.list({ limit: 100, offset: 0 });
    const byId = new Map(items.map((v) => [v.id, v]));
    expect(byId.get('action_overdue:a5')).toEqual({
      id: 'action_overdue:a5',
      rule: 'action_overdue',
      collection: 'actions',
      record: 'a5',
      title: 'Fix for i-b',
      team: 'catalog',
      businessLine: 'commerce',
      owner: 'Ann',
      since: iso(ago(93)),
    });
    expect(byId.get('incident_without_postmortem:i-b')).toEqual({
      id: 'incident_without_postmortem:i-b',
      rule: 'incident_without_postmortem',
      collection: 'incidents',
      record: 'i-b',
      title: 'Outage of catalog-web',
      team: 'catalog',
      businessLine: 'commerce',
      owner: 'Alan',
      since: iso(ago(15)),
      until: iso(ago(10)),
    });
    expect(byId.get('finding_overdue:f2')).toMatchObject({
      collection: 'findings',
      title: 'tls-expiry (server)',
      team: 'ledger',
      businessLine: 'payments',
      owner: 'Margaret',
    });
    expect(byId.get('alert_without_verdict:al1')).toMatchObject({
      collection: 'alerts',
      title: 'HighErrorRate',
      team: 'checkout',
      businessLine: 'payments',
      owner: 'Dennis',
    });
    expect(byId.get('change_in_freeze:c1')).toMatchObject({
      collection: 'changes',
      title: 'Deploy catalog-web (inside fz)',
      team: 'catalog',
      businessLine: 'commerce',
      owner: 'Alan',
      since: iso(ago(2.5)),
      until: iso(ago(2.5)),
    });
  });

  it('a change without a title is named by its system and kind; a team-owned record by its manager', async () => {
    const { records, redLines } = await open();
    at(ago(60));
    await records.put('freezes', 'fz', {
      name: 'F',
      reason: 'R',
      startsAt: iso(ago(3)),
      endsAt: iso(ago(2)),
    });
    await records.put('changes', 'c-untitled', {
      system: 'manual',
      kind: 'config',
      team: 'ledger',
      startedAt: iso(ago(2.5)),
    });
    await records.put('alerts', 'al-team', {
      name: 'Disk',
      severity: 'critical',
      team: 'catalog',
      startsAt: iso(ago(4)),
    });
    at(NOW);
    const { items } = await redLines.list({ limit: 100, offset: 0 });
    expect(items.map((v) => [v.id, v.title, v.owner])).toEqual([
      ['alert_without_verdict:al-team', 'Disk', 'Linus'],
      ['change_in_freeze:c-untitled', 'manual config (inside fz)', 'Barbara'],
    ]);
  });

  it('with from/to: only the violations in force at some moment of the window', async () => {
    const { records, ledger } = await open();
    await seed(records);
    const ids = async (from: number, to: number) => (await ledger({ from, to })).map(([id]) => id).sort();
    expect(await ids(ago(9), ago(8))).toEqual(['action_overdue:a5', 'incident_without_postmortem:i-a']);
    expect(await ids(ago(11), ago(10))).toEqual([
      'action_overdue:a5',
      'incident_without_postmortem:i-a',
      'incident_without_postmortem:i-b',
    ]);
    expect(await ids(ago(10), ago(9))).toEqual(['action_overdue:a5', 'incident_without_postmortem:i-a']);
    // [NOW-21d, NOW-20d): a2 and f2 are in force until NOW-20d; the incidents cross their line at NOW-15d, later.
    expect(await ids(ago(21), ago(20))).toEqual(['action_overdue:a2', 'action_overdue:a5', 'finding_overdue:f2']);
    expect(await ids(ago(20), ago(19))).toEqual(['action_overdue:a5']);
    // The change's moment is NOW-2.5d; al2 is in force from NOW-7d to NOW-2d.
    expect(await ids(ago(2.5), ago(2.4))).toEqual([
      'action_overdue:a1',
      'action_overdue:a5',
      'alert_without_verdict:al2',
      'change_in_freeze:c1',
      'incident_without_postmortem:i-a',
    ]);
    expect(await ids(ago(2.4), ago(2))).toEqual([
      'action_overdue:a1',
      'action_overdue:a5',
      'alert_without_verdict:al2',
      'incident_without_postmortem:i-a',
    ]);
    // A window reaching past now ends at now: al1 and f1 (NOW-1d) are in it, a4 (NOW+2d) never.
    expect(await ids(ago(1), NOW + 5 * DAY)).toEqual([
      'action_overdue:a1',
      'action_overdue:a5',
      'alert_without_verdict:al1',
      'finding_overdue:f1',
      'incident_without_postmortem:i-a',
    ]);
  });

  it('filters by rule, team, business line and service (an action by its incident’s service)', async () => {
    const { records, ledger } = await open();
    await seed(records);
    const ids = async (q: Record<string, unknown>) => (await ledger(q)).map(([id]) => id);
    expect(await ids({ rules: ['action_overdue'], teams: ['checkout'] })).toEqual([
      'action_overdue:a1',
      'action_overdue:a2',
    ]);
    expect((await ids({ businessLines: ['commerce'] })).sort()).toEqual([
      'action_overdue:a5',
      'change_in_freeze:c1',
      'finding_overdue:f1',
      'incident_without_postmortem:i-b',
    ]);
    expect(await ids({ service: 'catalog-web' })).toEqual([
      'finding_overdue:f1',
      'change_in_freeze:c1',
      'incident_without_postmortem:i-b',
      'action_overdue:a5',
    ]);
    expect(await ids({ service: 'ledger-db' })).toEqual([
      'alert_without_verdict:al2',
      'incident_without_postmortem:i-c',
      'finding_overdue:f2',
    ]);
    expect(await ids({ rules: ['change_in_freeze', 'finding_overdue'], teams: ['catalog', 'ledger'] })).toEqual([
      'finding_overdue:f1',
      'change_in_freeze:c1',
      'finding_overdue:f2',
    ]);
  });

  it('get: one violation by id as the ledger shows it, null for none or a malformed id', async () => {
    const { records, redLines } = await open();
    await seed(records);
    expect(await redLines.get('action_overdue:a2')).toMatchObject({
      id: 'action_overdue:a2',
      record: 'a2',
      since: iso(ago(33)),
      until: iso(ago(20)),
    });
    expect(await redLines.get('action_overdue:a3')).toBeNull();
    expect(await redLines.get('action_overdue:a1')).toMatchObject({ record: 'a1', owner: 'Kim' });
    // Another rule's record of that id shows no breach.
    expect(await redLines.get('finding_overdue:a1')).toBeNull();
    expect(await redLines.get('nonsense:a1')).toBeNull();
    expect(await redLines.get('a1')).toBeNull();
  });

  it('waive: refused without a good reason, 404 for no breach; then shown, audited, and not counted', async () => {
    const { records, redLines, orgs } = await open();
    await seed(records);
    const refused = async (body: unknown) => {
      const e = await failure(redLines.waive('action_overdue:a5', body, ADMIN));
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).issues;
    };
    expect(await refused(null)).toEqual([{ path: 'body', message: 'must be an object {reason}' }]);
    expect(await refused(['x'])).toEqual([{ path: 'body', message: 'must be an object {reason}' }]);
    expect(await refused('x')).toEqual([{ path: 'body', message: 'must be an object {reason}' }]);
    expect(await refused({ reason: 'ok', why: 1, who: 2 })).toEqual([
      { path: 'why', message: 'unknown field' },
      { path: 'who', message: 'unknown field' },
    ]);
    expect(await refused({})).toEqual([{ path: 'reason', message: 'is required' }]);
    expect(await refused({ reason: 5 })).toEqual([{ path: 'reason', message: 'must be a string' }]);
    expect(await refused({ reason: '   ' })).toEqual([{ path: 'reason', message: 'must not be empty' }]);
    expect(await refused({ reason: 'x'.repeat(2001) })).toEqual([
      { path: 'reason', message: 'must be at most 2000 characters' },
    ]);
    const missing = await failure(redLines.waive('action_overdue:a3', { reason: 'r' }, ADMIN));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toBe('no red-line violation "action_overdue:a3"');

    const long = 'y'.repeat(2000);
    const waived = await redLines.waive('action_overdue:a5', { reason: `  ${long}  ` }, ADMIN);
    expect(waived).toEqual({
      id: 'action_overdue:a5',
      rule: 'action_overdue',
      collection: 'actions',
      record: 'a5',
      title: 'Fix for i-b',
      team: 'catalog',
      businessLine: 'commerce',
      owner: 'Ann',
      since: iso(ago(93)),
      waiver: { by: { token: 'admin-1', user: 'grace', name: 'grace' }, at: iso(NOW), reason: long },
    });
    const again = await failure(redLines.waive('action_overdue:a5', { reason: 'twice' }, ADMIN));
    expect(again).toBeInstanceOf(ConflictError);
    expect((again as ConflictError).message).toBe('violation "action_overdue:a5" is already waived');
    expect((again as ConflictError).issues).toEqual([{ path: 'id', message: 'is already waived' }]);

    expect(await redLines.get('action_overdue:a5')).toMatchObject({
      waiver: { by: { token: 'admin-1', user: 'grace', name: 'grace' }, at: iso(NOW), reason: long },
    });
    const listed = await redLines.list({ limit: 100, offset: 0, waived: true });
    expect(listed.items.map((v) => v.id)).toEqual(['action_overdue:a5']);
    expect(listed.total).toBe(1);
    const unwaived = await redLines.list({ limit: 100, offset: 0, waived: false });
    expect(unwaived.total).toBe(10);
    expect(unwaived.items.map((v) => v.id)).not.toContain('action_overdue:a5');
    expect((await redLines.list({ limit: 100, offset: 0 })).total).toBe(11);

    const history = await records.audit.history('red-line-waivers', 'action_overdue:a5');
    expect(history).toEqual([
      {
        seq: history[0]!.seq,
        at: iso(NOW),
        actor: { token: 'admin-1', user: 'grace', name: 'grace' },
        collection: 'red-line-waivers',
        id: 'action_overdue:a5',
        action: 'waived',
        changes: [{ field: 'waiver', from: null, to: { reason: long } }],
        reason: long,
      },
    ]);
    const unwaivedNow = await redLines.unwaived(await orgs.index(), ago(100), NOW);
    expect(unwaivedNow.map((b) => `${b.rule}:${b.record}`).sort()).toEqual(
      ALL.map(([id]) => id as string)
        .filter((id) => id !== 'action_overdue:a5')
        .sort()
    );
  });

  it('a waiver by a token without a user is shown by its token name', async () => {
    const { records, redLines } = await open();
    await seed(records);
    await redLines.waive(
      'finding_overdue:f1',
      { reason: 'Decommissioned' },
      { token: 'ops', role: 'admin', grafana: false }
    );
    expect((await redLines.get('finding_overdue:f1'))!.waiver).toEqual({
      by: { token: 'ops', name: 'ops' },
      at: iso(NOW),
      reason: 'Decommissioned',
    });
  });

  it('window counts: per enabled rule and scope, unwaived, one read over the widest window', async () => {
    const { records, redLines, orgs } = await open();
    await seed(records);
    const index = await orgs.index();
    const counts = await redLines.windowCounts(
      [
        { window: '7d', from: ago(7), to: NOW, days: 7, year: 2026 },
        { window: '30d', from: ago(30), to: NOW, days: 30, year: 2026 },
      ],
      index,
      NOW
    );
    expect(counts.rules).toEqual([
      'change_in_freeze',
      'incident_without_postmortem',
      'action_overdue',
      'finding_overdue',
      'alert_without_verdict',
    ]);
    const count = (window: '7d' | '30d', rule: string, level: string, id: string | null) =>
      (
        counts.windows[window] as Record<
          string,
          { level: string; team: string | null; businessLine: string | null; count: number }[]
        >
      )[rule]!.find((s) => s.level === level && (level === 'team' ? s.team : s.businessLine) === id)!.count;
    // 7d [NOW-7d, NOW): i-a, a1, a5, f1, al1, al2, c1.
    expect(count('7d', 'incident_without_postmortem', 'org', null)).toBe(1);
    expect(count('7d', 'action_overdue', 'org', null)).toBe(2);
    expect(count('7d', 'action_overdue', 'team', 'checkout')).toBe(1);
    expect(count('7d', 'action_overdue', 'business_line', 'commerce')).toBe(1);
    expect(count('7d', 'alert_without_verdict', 'org', null)).toBe(2);
    expect(count('7d', 'change_in_freeze', 'team', 'catalog')).toBe(1);
    expect(count('7d', 'finding_overdue', 'team', 'ledger')).toBe(0);
    // 30d adds i-b, i-c, a2 and f2.
    expect(count('30d', 'incident_without_postmortem', 'org', null)).toBe(3);
    expect(count('30d', 'action_overdue', 'business_line', 'payments')).toBe(2);
    expect(count('30d', 'finding_overdue', 'team', 'ledger')).toBe(1);
    // A waived violation stops counting.
    await redLines.waive('action_overdue:a1', { reason: 'Done elsewhere' }, ADMIN);
    const after = await redLines.windowCounts(
      [{ window: '7d', from: ago(7), to: NOW, days: 7, year: 2026 }],
      index,
      NOW
    );
    expect(Object.keys(after.windows)).toEqual(['7d']);
    expect(after.windows['7d']!.action_overdue.find((s) => s.level === 'org')!.count).toBe(1);
    expect(await redLines.windowCounts([], index, NOW)).toEqual({ rules: counts.rules, windows: {} });
  });

  it('only the enabled rules count; with none, no read and no counts', async () => {
    const org = redLineOrg();
    org.redLines = { action_overdue: { enabled: true, days: 30 }, finding_overdue: { enabled: false, days: 7 } };
    const { records, redLines, ledger, orgs } = await open(org);
    await seed(records);
    // 30 days of grace: a5 (due NOW-100d, line NOW-70d) and a2 (due NOW-40d, line NOW-10d, mended NOW-20d: in time).
    expect(await ledger()).toEqual([['action_overdue:a5', iso(ago(70)), null]]);
    await orgs.replace({ ...smallOrg(), redLines: {} });
    expect(await ledger()).toEqual([]);
    expect(
      await redLines.windowCounts(
        [{ window: '7d', from: ago(7), to: NOW, days: 7, year: 2026 }],
        await orgs.index(),
        NOW
      )
    ).toEqual({ rules: [], windows: {} });
  });

  it('mending a record ends its violation at the mending moment', async () => {
    const { records, ledger } = await open();
    await seed(records);
    at(ago(0.5));
    await records.put('actions', 'a1', { ...action('i-a', 'Kim', 10), completedAt: iso(ago(0.5)) });
    at(ago(0.25));
    await records.put('incidents', 'i-a', incident('checkout-api', 20, { postmortemUrl: 'https://wiki.example/pm/a' }));
    await records.put('findings', 'f1', finding('catalog-web', 8, 0.25));
    await records.put('alerts', 'al1', alert('checkout-api', 4, { verdict: 'actionable' }));
    at(NOW);
    const rows = new Map((await ledger()).map((r) => [r[0], r]));
    expect(rows.get('action_overdue:a1')).toEqual(['action_overdue:a1', iso(ago(3)), iso(ago(0.5))]);
    expect(rows.get('incident_without_postmortem:i-a')).toEqual([
      'incident_without_postmortem:i-a',
      iso(ago(15)),
      iso(ago(0.25)),
    ]);
    expect(rows.get('finding_overdue:f1')).toEqual(['finding_overdue:f1', iso(ago(1)), iso(ago(0.25))]);
    expect(rows.get('alert_without_verdict:al1')).toEqual(['alert_without_verdict:al1', iso(ago(1)), iso(ago(0.25))]);
    // Mended before the window, out of it; mended inside, in it.
    const ids = async (from: number, to: number) => (await ledger({ from, to })).map(([id]) => id).sort();
    expect(await ids(ago(0.2), NOW)).toEqual(['action_overdue:a5']);
    expect(await ids(ago(0.3), NOW)).toEqual([
      'action_overdue:a5',
      'alert_without_verdict:al1',
      'finding_overdue:f1',
      'incident_without_postmortem:i-a',
    ]);
  });

  it('a post-mortem URL mends when the history says it was set, else by the record’s last write', async () => {
    const { records, ledger, store } = await open();
    at(ago(60));
    await records.put('incidents', 'i-url', incident('checkout-api', 20));
    at(ago(13));
    // Set with its first value at NOW-13d, changed later: the first time counts.
    await records.put('incidents', 'i-url', incident('checkout-api', 20, { postmortemUrl: 'https://wiki.example/1' }));
    at(ago(11));
    await records.put('incidents', 'i-url', incident('checkout-api', 20, { postmortemUrl: 'https://wiki.example/2' }));
    // Written before the history existed: its last write (NOW-14d) stands for the URL.
    at(ago(14));
    await records.put('incidents', 'i-old', incident('ledger-db', 20, { postmortemUrl: 'https://wiki.example/3' }));
    await store.db.deleteFrom('audit_log').where('record_id', '=', 'i-old').execute();
    // Given with the record in time (at NOW-60d): no breach.
    at(ago(60));
    await records.put('incidents', 'i-timely', incident('ledger-db', 20, { postmortemUrl: 'https://wiki.example/4' }));
    at(NOW);
    expect(await ledger({ rules: ['incident_without_postmortem'] })).toEqual([
      ['incident_without_postmortem:i-old', iso(ago(15)), iso(ago(14))],
      ['incident_without_postmortem:i-url', iso(ago(15)), iso(ago(13))],
    ]);
  });

  it('an alert shorter than the policy’s transient minutes is noise, never unreviewed', async () => {
    const org = redLineOrg();
    org.policy = { ...org.policy, transientAlertMinutes: 10 };
    const { records, ledger } = await open(org);
    at(ago(60));
    await records.put('alerts', 'short', alert('checkout-api', 5, { endsAt: iso(ago(5) + 9 * 60_000) }));
    await records.put('alerts', 'exact', alert('checkout-api', 5, { endsAt: iso(ago(5) + 10 * 60_000) }));
    await records.put('alerts', 'open', alert('checkout-api', 5));
    at(NOW);
    expect((await ledger()).map(([id]) => id)).toEqual(['alert_without_verdict:exact', 'alert_without_verdict:open']);
  });
});
