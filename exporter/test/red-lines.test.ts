/**
 * Red lines (issue 14 point 5): the pure rules (crossing a line, the window rule, the roll-up, the
 * config), then on both stores a hand-made set of records whose ledger and metric values are
 * computed by hand below: each rule's breaches, since and until, the window rule (in force at any
 * moment of it), counts per scope and window, and a waived violation that stops counting.
 * Record times are set with a fake Date, so the times the exporter stamps itself (a verdict's
 * verdictAt, the audit entry that set a postmortemUrl) are known too.
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RED_LINE_DAYS, redLinesSchema, ruleSettings } from '../src/domain/red-lines-config.js';
import { countByScope, crossed, inForce, parseViolationId, RED_LINE_RULES } from '../src/domain/red-lines.js';
import { OrgIndex, orgSchema } from '../src/domain/org.js';
import { redLineCount } from '../src/domain/scorecard.js';
import { startKpiExport } from '../src/metrics/kpi-metrics.js';
import { FreezeService } from '../src/service/freezes.js';
import { KpiService } from '../src/service/kpis.js';
import { OrgService } from '../src/service/org.js';
import { RecordService } from '../src/service/records.js';
import { RedLineService } from '../src/service/red-lines.js';
import { ReviewService } from '../src/service/reviews.js';
import { dailyFacts } from '../src/service/reports/daily-facts.js';
import { buildCommitteePack, buildDailyReport } from '../src/domain/reports.js';
import { Store } from '../src/store/store.js';
import { parseMetrics } from './helpers/metrics.js';
import { smallOrg } from './helpers/org.js';
import { STORE_TARGETS } from './helpers/stores.js';
import {
  action,
  ago,
  alert,
  change,
  finding,
  incident,
  iso,
  NOW,
  postmortemStep,
  redLineOrg,
} from './helpers/red-lines.js';

describe('red-line rules (pure)', () => {
  it('a record crosses its line once reached unmended; mended at or before it, never', () => {
    expect(crossed(100, null, 99)).toBeNull(); // not reached yet
    expect(crossed(100, null, 100)).toEqual({ since: 100, until: null });
    expect(crossed(100, 100, 200)).toBeNull(); // mended exactly in time
    expect(crossed(100, 150, 200)).toEqual({ since: 100, until: 150 });
    expect(crossed(100, 300, 200)).toEqual({ since: 100, until: null }); // mended "later than now": still in force
  });

  it('counts a violation in a window when it was in force at any moment of it', () => {
    const v = { since: 10, until: 20 };
    expect(inForce(v, 0, 10)).toBe(false); // the window ends as it begins
    expect(inForce(v, 0, 11)).toBe(true);
    expect(inForce(v, 19, 30)).toBe(true);
    expect(inForce(v, 20, 30)).toBe(false); // mended at the window's start
    expect(inForce({ since: 10, until: null }, 1000, 2000)).toBe(true);
    // A moment-long violation (a change inside a freeze) counts in the window holding its moment.
    expect(inForce({ since: 10, until: 10 }, 10, 11)).toBe(true);
    expect(inForce({ since: 10, until: 10 }, 11, 20)).toBe(false);
    expect(inForce({ since: 10, until: 10 }, 0, 10)).toBe(false);
  });

  it('rolls counts up team → business line → org; a record of no known team counts at the org only', () => {
    const index = new OrgIndex(smallOrg());
    const counts = countByScope(
      [
        { team: 'checkout', since: 0, until: null },
        { team: 'checkout', since: 0, until: 5 }, // mended before the window
        { team: 'catalog', since: 8, until: 9 },
        { team: 'gone', since: 0, until: null },
        { team: null, since: 0, until: null },
      ],
      6,
      10,
      index
    );
    const of = (level: string, id: string | null) =>
      counts.find((c) => c.level === level && (c.team ?? c.businessLine) === id)?.count;
    expect(of('org', null)).toBe(4);
    expect(of('business_line', 'payments')).toBe(1);
    expect(of('business_line', 'commerce')).toBe(1);
    expect(of('team', 'checkout')).toBe(1);
    expect(of('team', 'ledger')).toBe(0);
    expect(counts).toHaveLength(1 + 2 + 3);
  });

  it("gives a scorecard row its own scope's count per enabled rule", () => {
    const index = new OrgIndex(smallOrg());
    const byRule = {
      action_overdue: countByScope([{ team: 'ledger', since: 0, until: null }], 0, 10, index),
      finding_overdue: countByScope([{ team: 'checkout', since: 0, until: null }], 0, 10, index),
    };
    expect(redLineCount(byRule, { level: 'org', id: 'org' })).toEqual({
      total: 2,
      byRule: { action_overdue: 1, finding_overdue: 1 },
    });
    expect(redLineCount(byRule, { level: 'business_line', id: 'payments' }).total).toBe(2);
    expect(redLineCount(byRule, { level: 'business_line', id: 'commerce' }).total).toBe(0);
    expect(redLineCount(byRule, { level: 'team', id: 'ledger' })).toEqual({
      total: 1,
      byRule: { action_overdue: 1, finding_overdue: 0 },
    });
  });

  it('reads violation ids as <rule>:<record>; record ids may hold colons', () => {
    expect(parseViolationId('action_overdue:a:1', RED_LINE_RULES)).toEqual({ rule: 'action_overdue', record: 'a:1' });
    expect(parseViolationId('nonsense:a', RED_LINE_RULES)).toBeNull();
    expect(parseViolationId('action_overdue:', RED_LINE_RULES)).toBeNull();
    expect(parseViolationId('action_overdue', RED_LINE_RULES)).toBeNull();
  });

  it('config: rules not named are off; a named rule is on with its default grace; bad values name the field', () => {
    expect(Object.values(ruleSettings(undefined)).every((s) => !s.enabled)).toBe(true);
    const parsed = redLinesSchema.parse({ action_overdue: {}, finding_overdue: { enabled: false, days: 3 } });
    const settings = ruleSettings(parsed);
    expect(settings.action_overdue).toEqual({ enabled: true, days: DEFAULT_RED_LINE_DAYS.action_overdue });
    expect(settings.finding_overdue).toEqual({ enabled: false, days: 3 });
    expect(settings.alert_without_verdict.enabled).toBe(false);
    const bad = orgSchema.safeParse({
      redLines: { action_overdue: { days: -1 }, change_in_freeze: { days: 2 }, made_up: {} },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => [...i.path, ...('keys' in i ? (i.keys as string[]) : [])].join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['redLines.action_overdue.days', 'redLines.change_in_freeze.days', 'redLines.made_up'])
    );
  });
});

describe.each(STORE_TARGETS)('red lines on $kind', (target) => {
  let store: Store;
  let orgs: OrgService;
  let records: RecordService;
  let redLines: RedLineService;
  let kpis: KpiService;
  const at = (ms: number) => vi.setSystemTime(ms);

  beforeAll(async () => {
    store = await Store.open(await target.fresh());
    orgs = new OrgService(store);
    await orgs.replace(redLineOrg());
    const freezes = new FreezeService(store, orgs);
    records = new RecordService(store, orgs, freezes);
    redLines = new RedLineService(store, orgs, { now: () => NOW });
    kpis = new KpiService(store, orgs, { now: () => NOW, redLines });
    vi.useFakeTimers({ toFake: ['Date'] });
    at(ago(60));
    // Incidents: i-a never got its post-mortem; i-b's step came 5 days late; i-c's URL was set
    // late (the audit log says when); i-d's came in time; i-e is not high priority, i-f a drill.
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
    // Actions (of i-a: team checkout; a5 of i-b: catalog).
    await records.put('actions', 'a1', action('i-a', 'Kim', 10));
    await records.put('actions', 'a2', action('i-a', 'Lee', 40, 20));
    await records.put('actions', 'a3', action('i-a', 'Lee', 40, 35));
    await records.put('actions', 'a4', action('i-a', 'Kim', 5));
    await records.put('actions', 'a5', action('i-b', 'Ann', 100));
    await records.put('findings', 'f1', finding('catalog-web', 8));
    await records.put('findings', 'f2', finding('ledger-db', 30, 20));
    await records.put('findings', 'f3', finding('ledger-db'));
    await records.put('alerts', 'al1', alert('checkout-api', 4));
    await records.put('alerts', 'al2', alert('ledger-db', 10));
    await records.put('alerts', 'al3', alert('ledger-db', 10));
    await records.put('alerts', 'al4', alert('catalog-web', 10, { incident: 'i-b' }));
    await records.put('alerts', 'al5', alert('catalog-web', 10, { severity: 'warning' }));
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
    await records.put('changes', 'c1', change('catalog-web'));
    await records.put('changes', 'c2', change('catalog-web', { exemption: 'Hotfix for the sale' }));
    await records.put('changes', 'c3', change('checkout-api'));
    const drill = (team: string, startDaysAgo: number, score: number) => ({
      scenario: 'Zone failover',
      team,
      startedAt: iso(ago(startDaysAgo)),
      score,
    });
    await records.put('drills', 'd1', drill('checkout', 0.5, 80));
    await records.put('drills', 'd2', drill('checkout', 0.6, 90));
    await records.put('drills', 'd3', drill('ledger', 0.7, 95));
    await records.put('drills', 'd4', drill('catalog', 20, 100)); // before the reviewed week
    at(NOW);
  });
  afterEach(() => at(NOW));
  afterAll(async () => {
    vi.useRealTimers();
    await store?.close();
  });

  const ledger = async (query: Record<string, unknown> = {}) =>
    (await redLines.list({ limit: 100, offset: 0, ...query })).items.map(
      (v) => [v.id, v.since, v.until ?? null] as const
    );

  it('lists every breach of the records, latest first, with since and until computed by hand', async () => {
    // Latest first; ties in the order of the rules, then by record.
    expect(await ledger()).toEqual([
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
    ]);
  });

  it('names the team, business line, owner, rule and record of each', async () => {
    const { items } = await redLines.list({ limit: 100, offset: 0 });
    const byId = new Map(items.map((v) => [v.id, v]));
    expect(byId.get('action_overdue:a5')).toMatchObject({
      rule: 'action_overdue',
      collection: 'actions',
      record: 'a5',
      team: 'catalog',
      businessLine: 'commerce',
      owner: 'Ann',
    });
    expect(byId.get('incident_without_postmortem:i-a')).toMatchObject({ team: 'checkout', owner: 'Dennis' });
    expect(byId.get('finding_overdue:f1')).toMatchObject({ collection: 'findings', owner: 'Alan' });
    expect(byId.get('change_in_freeze:c1')).toMatchObject({ collection: 'changes', team: 'catalog' });
    expect(byId.get('change_in_freeze:c1')!.title).toContain('fz');
  });

  it('with from/to, lists only the violations in force at some moment of the window', async () => {
    const ids = async (from: number, to: number) => (await ledger({ from, to })).map(([id]) => id).sort();
    expect(await ids(ago(9), ago(8))).toEqual(['action_overdue:a5', 'incident_without_postmortem:i-a']);
    // i-b was mended at NOW-10d: in force during [NOW-11d, NOW-10d), not during [NOW-10d, NOW-9d).
    expect(await ids(ago(11), ago(10))).toEqual([
      'action_overdue:a5',
      'incident_without_postmortem:i-a',
      'incident_without_postmortem:i-b',
    ]);
    expect(await ids(ago(10), ago(9))).toEqual(['action_overdue:a5', 'incident_without_postmortem:i-a']);
    // The change's moment is NOW-2.5d.
    expect((await ids(ago(2.5), ago(2.4))).includes('change_in_freeze:c1')).toBe(true);
    expect((await ids(ago(2.4), ago(2))).includes('change_in_freeze:c1')).toBe(false);
  });

  it('filters by rule, team and business line', async () => {
    expect((await ledger({ rules: ['action_overdue'], teams: ['checkout'] })).map(([id]) => id)).toEqual([
      'action_overdue:a1',
      'action_overdue:a2',
    ]);
    expect((await ledger({ businessLines: ['commerce'] })).map(([id]) => id).sort()).toEqual([
      'action_overdue:a5',
      'change_in_freeze:c1',
      'finding_overdue:f1',
      'incident_without_postmortem:i-b',
    ]);
  });

  it('exports stability_red_line_violations per rule, scope and window, computed in the KPI refresh', async () => {
    const exported = startKpiExport(kpis, new Registry(), { intervalMs: 3_600_000, logger: pino({ level: 'silent' }) });
    const samples = parseMetrics(await exported.text()).samples.filter(
      (s) => s.name === 'stability_red_line_violations'
    );
    await exported.stop();
    const value = (labels: Record<string, string>) =>
      samples.find(
        (s) =>
          Object.keys(s.labels).length === Object.keys(labels).length &&
          Object.entries(labels).every(([k, v]) => s.labels[k] === v)
      )?.value;
    // 7d [NOW-7d, NOW): i-a, a1, a5, f1, al1, al2 (from NOW-7d), c1.
    expect(value({ rule: 'incident_without_postmortem', window: '7d' })).toBe(1);
    expect(value({ rule: 'action_overdue', window: '7d' })).toBe(2);
    expect(value({ rule: 'action_overdue', window: '7d', business_line: 'payments', team: 'checkout' })).toBe(1);
    expect(value({ rule: 'action_overdue', window: '7d', business_line: 'commerce' })).toBe(1);
    expect(value({ rule: 'alert_without_verdict', window: '7d' })).toBe(2);
    expect(value({ rule: 'change_in_freeze', window: '7d', business_line: 'commerce', team: 'catalog' })).toBe(1);
    expect(value({ rule: 'finding_overdue', window: '7d', business_line: 'payments', team: 'ledger' })).toBe(0);
    // 30d adds i-b, i-c, a2 (mended NOW-20d) and f2 (mended NOW-20d).
    expect(value({ rule: 'incident_without_postmortem', window: '30d' })).toBe(3);
    expect(value({ rule: 'action_overdue', window: '30d', business_line: 'payments' })).toBe(2);
    expect(value({ rule: 'finding_overdue', window: '30d', business_line: 'payments', team: 'ledger' })).toBe(1);
    expect(value({ rule: 'action_overdue', window: 'ytd' })).toBe(3);
    expect(value({ rule: 'action_overdue', window: '90d' })).toBe(3);
    // One series per enabled rule, window and scope (org, 2 business lines, 3 teams).
    expect(samples).toHaveLength(5 * 4 * 6);
  });

  it("the daily report's red-line item: violations that began on the reported day, and those in force", async () => {
    const freezes = new FreezeService(store, orgs);
    const reports = { grafanaUrl: 'https://grafana.example', businessVolume: [], destinations: [] } as never;
    // Report of 2026-03-10 (UTC) is about 2026-03-09, [NOW − 1 d, NOW): f1 and al1 crossed their line then.
    const facts = await dailyFacts(
      { store, records, freezes, kpis, redLines },
      await orgs.index(),
      reports,
      '2026-03-10',
      NOW
    );
    expect(facts.redLines).toEqual({
      inForce: 5, // i-a, a1, a5, f1, al1; al2 and the change's moment are behind
      new: {
        total: 2,
        items: [
          expect.objectContaining({ id: 'alert_without_verdict:al1', owner: 'Dennis', since: ago(1) }),
          expect.objectContaining({ id: 'finding_overdue:f1', owner: 'Alan', since: ago(1) }),
        ],
      },
    });
    const section = buildDailyReport(facts, 'https://grafana.example').sections.find((x) => x.id === 'redlines')!;
    expect(section.summary).toBe('2 new violations yesterday, 5 in force');
    expect(section.tone).toBe('bad');
    expect(section.link).toContain('/red-lines?');
    // Without a red-line service (or with every rule off) the report has no such item.
    const without = await dailyFacts({ store, records, freezes, kpis }, await orgs.index(), reports, '2026-03-10', NOW);
    expect(without.redLines).toBeUndefined();
  });

  it("the committee review lists the period's violations of its scope and names what earns recognition", async () => {
    const reviews = new ReviewService(store, orgs, kpis, records, redLines);
    // The week from Monday 2026-03-09 (NOW − 1 d) to NOW: i-a, a1, a5, f1 (from NOW − 1 d) and al1
    // are in force in it; al2 was mended at NOW − 2 d, c1's moment is NOW − 2.5 d.
    const week = await reviews.draft({ period: 'week' });
    expect(week.from).toBe(iso(ago(1)));
    expect(week.redLines.total).toBe(5);
    expect(week.redLines.byRule).toEqual({
      change_in_freeze: 0,
      incident_without_postmortem: 1,
      action_overdue: 2,
      finding_overdue: 1,
      alert_without_verdict: 1,
    });
    expect(week.redLines.items.map((v) => v.id)).toEqual([
      'finding_overdue:f1',
      'alert_without_verdict:al1',
      'action_overdue:a1',
      'incident_without_postmortem:i-a',
      'action_overdue:a5',
    ]);
    expect(week.recognition.cleanTeams).toEqual([{ id: 'ledger', name: 'Ledger' }]);
    expect(week.recognition.bestDrills).toEqual([
      { team: 'ledger', name: 'Ledger', drills: 1, meanScore: 95, bestScore: 95 },
      { team: 'checkout', name: 'Checkout', drills: 2, meanScore: 85, bestScore: 90 },
    ]);
    const pack = buildCommitteePack('week', '2026-W11', week as never, 'https://grafana.example', 'UTC');
    const sections = new Map(pack.sections.map((x) => [x.id, x]));
    expect(sections.get('redlines')).toMatchObject({ summary: '5 violations', tone: 'bad', more: 0 });
    expect(sections.get('redlines')!.items[0]!.text).toBe('tls-expiry (server) · Alan');
    expect(sections.get('recognition')!.summary).toBe('1 team without a violation; best drills: Ledger');
    // A business line's review: its own violations and teams only.
    const commerce = await reviews.draft({ period: 'week', business_line: 'commerce' });
    expect(commerce.redLines.items.map((v) => v.id)).toEqual(['finding_overdue:f1', 'action_overdue:a5']);
    expect(commerce.recognition.cleanTeams).toEqual([]);
    expect(commerce.recognition.bestDrills).toEqual([]);
  });

  it('a waived violation stops counting; the ledger shows who waived it and why', async () => {
    const admin = { token: 'admin-1', role: 'admin' as const, grafana: false, user: 'grace' };
    const waived = await redLines.waive('action_overdue:a5', { reason: 'Superseded by the re-architecture' }, admin);
    expect(waived.waiver).toMatchObject({
      by: { name: 'grace', token: 'admin-1' },
      reason: 'Superseded by the re-architecture',
    });
    const listed = await redLines.list({ limit: 100, offset: 0, waived: true });
    expect(listed.items.map((v) => v.id)).toEqual(['action_overdue:a5']);
    expect(listed.items[0]!.waiver!.by.name).toBe('grace');
    expect((await redLines.list({ limit: 100, offset: 0, waived: false })).total).toBe(10);
    const counts = await redLines.windowCounts(
      [{ window: '7d', from: ago(7), to: NOW, days: 7, year: 2026 }],
      await orgs.index(),
      NOW
    );
    expect(counts.windows['7d']!.action_overdue.find((s) => s.level === 'org')!.count).toBe(1);
    expect(counts.windows['7d']!.action_overdue.find((s) => s.businessLine === 'commerce')!.count).toBe(0);
    const history = await records.audit.history('red-line-waivers', 'action_overdue:a5');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ action: 'waived', reason: 'Superseded by the re-architecture' });
  });

  it('mending a record ends its violation at the mending moment; a rule switched off lists nothing', async () => {
    at(ago(0.5));
    await records.put('actions', 'a1', {
      incident: 'i-a',
      title: 'Fix for i-a',
      owner: 'Kim',
      dueAt: iso(ago(10)),
      completedAt: iso(ago(0.5)),
    });
    at(NOW);
    const [row] = (await ledger({ rules: ['action_overdue'] })).filter(([id]) => id === 'action_overdue:a1');
    expect(row).toEqual(['action_overdue:a1', iso(ago(3)), iso(ago(0.5))]);
    const org = redLineOrg();
    org.redLines!.action_overdue = { enabled: false, days: 7 };
    await orgs.replace(org);
    expect((await ledger({ rules: ['action_overdue'] })).length).toBe(0);
    await orgs.replace(redLineOrg());
  });
});
