/**
 * What the daily report and the committee pack say (src/domain/reports.ts), built from facts by
 * hand: every section's summary, tone, links, items and `more`, for full and empty facts, and the
 * number and time formats they use. Pure: the expected links are written out as the app takes them.
 */
import { describe, expect, it } from 'vitest';
import {
  buildCommitteePack,
  buildDailyReport,
  compact,
  kpiText,
  localTime,
  SECTION_ITEMS,
  type CommitteeFacts,
  type DailyFacts,
} from '../src/domain/reports.js';

const at = (s: string) => Date.parse(s);
const GRAFANA = 'https://g.example.com/';
const APP = 'https://g.example.com/a/ballast-stability-app';
/** The reported day 2026-12-01 (UTC) as the app's from/to query. */
const DAY = 'from=2026-12-01T00%3A00%3A00.000Z&to=2026-12-02T00%3A00%3A00.000Z';

/** A day with nothing to report. */
function quietDay(): DailyFacts {
  return {
    key: '2026-12-02',
    timezone: 'UTC',
    reported: { from: at('2026-12-01T00:00:00Z'), to: at('2026-12-02T00:00:00Z') },
    today: { from: at('2026-12-02T00:00:00Z'), to: at('2026-12-03T00:00:00Z') },
    highSeverityAlerts: { total: 0, target: null },
    noisiest: [],
    openIncidents: { total: 0, items: [] },
    newFindings: { total: 0, items: [] },
    overdueFindings: { total: 0, items: [] },
    freezes: [],
    changes: { total: 0, uncontrolled: 0 },
    violations: { total: 0, items: [] },
    missedKpis: [],
    businessVolume: [],
  };
}

/** A day with something in every section. */
function busyDay(): DailyFacts {
  return {
    ...quietDay(),
    highSeverityAlerts: { total: 3, target: 2 },
    noisiest: [
      { name: 'DiskFull', count: 1, highSeverity: 0 },
      { name: 'Latency', count: 4, highSeverity: 2 },
    ],
    openIncidents: {
      total: 1,
      items: [
        { id: 'inc/1', title: 'Checkout down', priority: 'P1', startedAt: at('2026-12-01T13:05:00Z'), owner: 'Dennis' },
      ],
    },
    newFindings: { total: 1, items: [{ id: 'f1', check: 'backup-tested', severity: 'high', owner: null }] },
    overdueFindings: {
      total: 2,
      items: [{ id: 'f2', check: 'runbook', dueAt: at('2026-11-20T09:00:00Z'), owner: 'Ken' }],
    },
    freezes: [
      {
        freeze: 'fz1',
        name: 'Black Friday',
        reason: 'peak',
        startsAt: at('2026-12-02T00:00:00Z'),
        endsAt: at('2026-12-03T06:00:00Z'),
      },
    ],
    changes: { total: 1, uncontrolled: 1 },
    violations: {
      total: 1,
      items: [{ id: 'c1', title: 'Deploy api', owner: null, freezes: ['Black Friday', 'EOY'] }],
    },
    redLines: {
      inForce: 4,
      new: {
        total: 2,
        items: [
          {
            id: 'incident_without_postmortem:i9',
            rule: 'incident_without_postmortem',
            title: 'Outage',
            owner: 'Ken',
            since: at('2026-12-01T08:00:00Z'),
          },
        ],
      },
    },
    missedKpis: [
      { scope: 'Payments', businessLine: 'payments', kpi: 'mttr_seconds', value: 5400, target: 1800 },
      { scope: 'Org', businessLine: null, kpi: 'unknown_kpi', value: 3, target: null },
    ],
    businessVolume: [
      {
        businessLine: 'payments',
        name: 'Payments',
        unit: 'payments',
        value: 2_000_000,
        error: null,
        alerts: 5,
        highSeverityAlerts: 1,
      },
      {
        businessLine: 'commerce',
        name: 'Commerce',
        unit: 'orders',
        value: null,
        error: 'query failed',
        alerts: 1,
        highSeverityAlerts: 0,
      },
    ],
  };
}

describe('formats', () => {
  it('compact: integers as they are up to 9999, then k, M, B', () => {
    expect([0, 7, 999, 9999, 10_000, 12_345, 999_999].map(compact)).toEqual([
      '0',
      '7',
      '999',
      '9999',
      '10.0k',
      '12.3k',
      '1000.0k',
    ]);
    expect([1_000_000, 1_234_567, 999_999_999, 1_000_000_000, 2_345_000_000].map(compact)).toEqual([
      '1.00M',
      '1.23M',
      '1000.00M',
      '1.00B',
      '2.35B',
    ]);
    expect([-20_000, -2_000_000, -3_000_000_000, -5].map(compact)).toEqual(['-20.0k', '-2.00M', '-3.00B', '-5']);
    expect([1.5, 0.125].map(compact)).toEqual(['1.50', '0.13']);
  });

  it('kpiText: each unit as the app shows it, – for no value', () => {
    expect(kpiText(null, 'ratio')).toBe('–');
    expect(kpiText(0.1234, 'ratio')).toBe('12.3%');
    expect([3600, 5400, 3599, 60, 90, 59, 0].map((v) => kpiText(v, 'seconds'))).toEqual([
      '1.0h',
      '1.5h',
      '60m',
      '1m',
      '2m',
      '59s',
      '0s',
    ]);
    expect(kpiText(1.234, 'per_day')).toBe('1.23/day');
    expect(kpiText(87.24, 'score')).toBe('87.2');
    expect(kpiText(87, 'score')).toBe('87.0');
    expect([kpiText(3, 'count'), kpiText(2.5, 'count'), kpiText(0, 'count')]).toEqual(['3', '2.5', '0']);
  });

  it('localTime: the wall clock of the timezone, 00 for midnight', () => {
    expect(localTime(at('2026-07-01T12:05:00Z'), 'Europe/Paris')).toBe('2026-07-01 14:05');
    expect(localTime(at('2026-12-01T23:00:00Z'), 'Europe/Paris')).toBe('2026-12-02 00:00');
    expect(localTime(at('2026-12-01T23:00:00Z'), 'UTC')).toBe('2026-12-01 23:00');
    expect(localTime(at('2026-03-04T05:06:00Z'), 'America/New_York')).toBe('2026-03-04 00:06');
  });
});

describe('the daily report', () => {
  it('says everything about a busy day, in reading order, each item linking into the app', () => {
    expect(buildDailyReport(busyDay(), GRAFANA)).toEqual({
      kind: 'daily',
      key: '2026-12-02',
      title: 'Stability daily report, 2026-12-02',
      subtitle: 'About 2026-12-01 (UTC); freeze windows for 2026-12-02.',
      link: APP,
      sections: [
        {
          id: 'alerts',
          title: 'High-severity alerts',
          summary: '3 yesterday against a daily target of 2',
          tone: 'bad',
          link: `${APP}/alerts?${DAY}&highSeverity=true`,
          items: [
            { text: 'DiskFull', meta: '1 time', link: `${APP}/alerts?${DAY}&name=DiskFull` },
            { text: 'Latency', meta: '4 times, 2 high-severity', link: `${APP}/alerts?${DAY}&name=Latency` },
          ],
          more: 0,
        },
        {
          id: 'incidents',
          title: 'Open high-priority incidents',
          summary: '1 open',
          tone: 'bad',
          link: `${APP}/incidents?open=true&highPriority=true`,
          items: [
            { text: 'P1 Checkout down', meta: 'since 2026-12-01 13:05 · Dennis', link: `${APP}/incidents/inc%2F1` },
          ],
          more: 0,
        },
        {
          id: 'findings',
          title: 'Inspection findings',
          summary: '1 new yesterday, 2 overdue',
          tone: 'bad',
          link: `${APP}/actions`,
          items: [
            { text: 'runbook · Ken', meta: 'overdue since 2026-11-20 09:00', link: `${APP}/actions` },
            { text: 'backup-tested', meta: 'new, high', link: `${APP}/actions` },
          ],
          more: 1,
        },
        {
          id: 'freezes',
          title: 'Freeze windows today',
          summary: '1 freeze window',
          tone: 'warn',
          link: `${APP}/changes`,
          items: [{ text: 'Black Friday', meta: '2026-12-02 00:00 → 2026-12-03 06:00 · peak', link: `${APP}/changes` }],
          more: 0,
        },
        {
          id: 'changes',
          title: 'Changes and violations',
          summary: '1 change yesterday, 1 uncontrolled, 1 freeze violation',
          tone: 'bad',
          link: `${APP}/changes?${DAY}`,
          items: [
            { text: 'Deploy api', meta: 'inside Black Friday, EOY', link: `${APP}/changes?${DAY}&violation=true` },
          ],
          more: 0,
        },
        {
          id: 'redlines',
          title: 'Red lines',
          summary: '2 new violations yesterday, 4 in force',
          tone: 'bad',
          link: `${APP}/red-lines?${DAY}`,
          items: [
            {
              text: 'Outage · Ken',
              meta: 'incident without postmortem since 2026-12-01 08:00',
              link: `${APP}/red-lines?rule=incident_without_postmortem`,
            },
          ],
          more: 1,
        },
        {
          id: 'kpis',
          title: 'Missed KPIs (30 days)',
          summary: '2 goals missed',
          tone: 'bad',
          link: `${APP}/committee`,
          items: [
            { text: 'Payments: MTTR', meta: '1.5h against a goal of 30m', link: `${APP}?businessLine=payments` },
            { text: 'Org: unknown_kpi', meta: '3 against a goal of –', link: APP },
          ],
          more: 0,
        },
        {
          id: 'volume',
          title: 'Business volume and alerts',
          summary: 'traffic per business line beside its alerts',
          tone: 'warn',
          link: `${APP}/alerts?${DAY}`,
          items: [
            {
              text: 'Payments: 2.00M payments',
              meta: '5 alerts (1 high-severity) · 2.50 alerts per million payments',
              link: `${APP}/alerts?${DAY}&businessLine=payments`,
            },
            {
              text: 'Commerce: no volume (query failed)',
              meta: '1 alert (0 high-severity)',
              link: `${APP}/alerts?${DAY}&businessLine=commerce`,
            },
          ],
          more: 0,
        },
      ],
    });
  });

  it('says a quiet day is quiet: good tones, no items, no red-line or volume section', () => {
    const report = buildDailyReport(quietDay(), 'https://g.example.com');
    expect(report.link).toBe(APP);
    expect(report.sections.map((s) => [s.id, s.summary, s.tone, s.items.length, s.more])).toEqual([
      ['alerts', '0 yesterday (no daily target set)', 'good', 0, 0],
      ['incidents', 'none open', 'good', 0, 0],
      ['findings', '0 new yesterday, 0 overdue', 'good', 0, 0],
      ['freezes', 'no freeze window today', 'good', 0, 0],
      ['changes', '0 changes yesterday, 0 uncontrolled, 0 freeze violations', 'good', 0, 0],
      ['kpis', 'every KPI with a goal is met', 'good', 0, 0],
    ]);
  });

  it('warns on what is not yet bad', () => {
    const facts: DailyFacts = {
      ...quietDay(),
      highSeverityAlerts: { total: 2, target: 2 },
      newFindings: { total: 1, items: [{ id: 'f1', check: 'backup-tested', severity: 'low', owner: 'Ada' }] },
      freezes: [
        { freeze: 'a', name: 'A', reason: 'r', startsAt: 0, endsAt: 1 },
        { freeze: 'b', name: 'B', reason: 'r', startsAt: 0, endsAt: 1 },
      ],
      changes: { total: 2, uncontrolled: 1 },
      redLines: { inForce: 1, new: { total: 0, items: [] } },
      missedKpis: [{ scope: 'Org', businessLine: null, kpi: 'alert_accuracy_ratio', value: null, target: 0.9 }],
      businessVolume: [
        {
          businessLine: 'payments',
          name: 'Payments',
          unit: 'payments',
          value: 0,
          error: null,
          alerts: 2,
          highSeverityAlerts: 2,
        },
        {
          businessLine: 'commerce',
          name: 'Commerce',
          unit: 'orders',
          value: 12_345,
          error: null,
          alerts: 0,
          highSeverityAlerts: 0,
        },
      ],
    };
    const report = buildDailyReport(facts, GRAFANA);
    const byId = Object.fromEntries(report.sections.map((s) => [s.id, s]));
    expect(report.sections.map((s) => s.id)).toEqual([
      'alerts',
      'incidents',
      'findings',
      'freezes',
      'changes',
      'redlines',
      'kpis',
      'volume',
    ]);
    expect([byId.alerts!.summary, byId.alerts!.tone]).toEqual(['2 yesterday against a daily target of 2', 'warn']);
    expect([byId.findings!.tone, byId.findings!.items]).toEqual([
      'warn',
      [{ text: 'backup-tested · Ada', meta: 'new, low', link: `${APP}/actions` }],
    ]);
    expect([byId.freezes!.summary, byId.freezes!.tone]).toEqual(['2 freeze windows', 'warn']);
    expect([byId.changes!.summary, byId.changes!.tone]).toEqual([
      '2 changes yesterday, 1 uncontrolled, 0 freeze violations',
      'warn',
    ]);
    expect([byId.redlines!.summary, byId.redlines!.tone]).toEqual(['0 new violations yesterday, 1 in force', 'warn']);
    expect([byId.kpis!.summary, byId.kpis!.items]).toEqual([
      '1 goal missed',
      [{ text: 'Org: Alert accuracy', meta: '– against a goal of 90.0%', link: APP }],
    ]);
    expect(byId.volume!.tone).toBe('neutral');
    expect(byId.volume!.items.map((i) => [i.text, i.meta])).toEqual([
      ['Payments: 0 payments', '2 alerts (2 high-severity)'],
      ['Commerce: 12.3k orders', '0 alerts (0 high-severity) · 0 alerts per million orders'],
    ]);
  });

  it('shows a clean red-line day as good, a missing volume without a reason as no data, a large target compact', () => {
    const facts: DailyFacts = {
      ...quietDay(),
      highSeverityAlerts: { total: 1, target: 12_345 },
      openIncidents: {
        total: 1,
        items: [{ id: 'i', title: 'Slow', priority: 'P0', startedAt: at('2026-12-01T00:00:00Z'), owner: null }],
      },
      overdueFindings: { total: 1, items: [{ id: 'f', check: 'dr-test', dueAt: 0, owner: null }] },
      violations: { total: 1, items: [{ id: 'c', title: 'Hotfix', owner: 'Ken', freezes: ['EOY'] }] },
      redLines: {
        inForce: 0,
        new: {
          total: 0,
          items: [{ id: 'x', rule: 'action_overdue', title: 'Fix', owner: null, since: at('2026-12-01T10:00:00Z') }],
        },
      },
      businessVolume: [
        {
          businessLine: 'payments',
          name: 'Pay',
          unit: 'tx',
          value: null,
          error: null,
          alerts: 0,
          highSeverityAlerts: 0,
        },
      ],
    };
    const byId = Object.fromEntries(buildDailyReport(facts, GRAFANA).sections.map((s) => [s.id, s]));
    expect([byId.alerts!.summary, byId.alerts!.tone]).toEqual(['1 yesterday against a daily target of 12.3k', 'warn']);
    expect(byId.incidents!.items[0]!.meta).toBe('since 2026-12-01 00:00');
    expect([byId.findings!.tone, byId.findings!.items[0]!.text]).toEqual(['bad', 'dr-test']);
    expect(byId.changes!.items[0]!.text).toBe('Hotfix · Ken');
    expect(byId.changes!.tone).toBe('bad');
    expect(byId.redlines!.tone).toBe('good');
    expect(byId.redlines!.items).toEqual([
      { text: 'Fix', meta: 'action overdue since 2026-12-01 10:00', link: `${APP}/red-lines?rule=action_overdue` },
    ]);
    expect(byId.volume!.items[0]!.text).toBe('Pay: no volume (no data)');
  });

  it(`lists ${SECTION_ITEMS} items a section and counts the rest in more`, () => {
    const incident = (n: number) => ({ id: `i${n}`, title: `T${n}`, priority: 'P1', startedAt: 0, owner: null });
    const facts: DailyFacts = {
      ...quietDay(),
      openIncidents: { total: 9, items: [1, 2, 3, 4, 5, 6].map(incident) },
      noisiest: [1, 2, 3, 4, 5, 6, 7].map((n) => ({ name: `A${n}`, count: 1, highSeverity: 0 })),
    };
    const [alerts, incidents] = buildDailyReport(facts, GRAFANA).sections;
    expect(SECTION_ITEMS).toBe(5);
    expect([incidents!.items.map((i) => i.text), incidents!.more]).toEqual([
      ['P1 T1', 'P1 T2', 'P1 T3', 'P1 T4', 'P1 T5'],
      4,
    ]);
    expect([alerts!.items.length, alerts!.more, alerts!.summary, alerts!.tone]).toEqual([
      5,
      2,
      '0 yesterday (no daily target set)',
      'good',
    ]);
  });

  it("dates the report's day in its timezone", () => {
    const facts: DailyFacts = {
      ...quietDay(),
      timezone: 'Europe/Paris',
      reported: { from: at('2026-11-30T23:00:00Z'), to: at('2026-12-01T23:00:00Z') },
      openIncidents: {
        total: 1,
        items: [{ id: 'i', title: 'Slow', priority: 'P0', startedAt: at('2026-12-01T22:30:00Z'), owner: 'Ada' }],
      },
    };
    const report = buildDailyReport(facts, GRAFANA);
    expect(report.subtitle).toBe('About 2026-12-01 (Europe/Paris); freeze windows for 2026-12-02.');
    expect(report.sections[0]!.link).toBe(
      `${APP}/alerts?from=2026-11-30T23%3A00%3A00.000Z&to=2026-12-01T23%3A00%3A00.000Z&highSeverity=true`
    );
    expect(report.sections[1]!.items[0]!.meta).toBe('since 2026-12-01 23:30 · Ada');
  });
});

const RANGE = 'from=2026-11-01T00%3A00%3A00.000Z&to=2026-12-01T00%3A00%3A00.000Z';

function month(): CommitteeFacts {
  return {
    period: 'month',
    from: '2026-11-01T00:00:00.000Z',
    to: '2026-12-01T00:00:00.000Z',
    kpis: [
      { key: 'mttr_seconds', title: 'MTTR', unit: 'seconds' },
      { key: 'alert_accuracy_ratio', title: 'Alert accuracy', unit: 'ratio' },
    ],
    scopes: [
      {
        level: 'org',
        id: null,
        name: 'Org',
        cells: {
          mttr_seconds: { value: 5400, target: 1800, status: 'missed', previous: 3600 },
          alert_accuracy_ratio: { value: 0.9, target: 0.8, status: 'met', previous: null },
        },
        score: 72.4,
      },
      {
        level: 'business_line',
        id: 'payments',
        name: 'Payments',
        cells: {
          alert_accuracy_ratio: { value: 0.5, target: 0.8, status: 'missed', previous: null },
          other_kpi: { value: 2, target: 1, status: 'missed', previous: 1 },
          mttr_seconds: { value: 2000, target: 1800, status: 'at_risk', previous: null },
        },
        score: null,
      },
    ],
    topIncidents: [
      { id: 'inc/1', title: 'Checkout down', priority: 'P0', startedAt: '2026-11-03T10:15:00.000Z' },
      { id: 'i2' },
      { id: 'i3', priority: 'P1' },
    ],
    overdueActions: [{ id: 'a1', title: 'Fix', owner: 'Ken', dueAt: '2026-11-10T00:00:00.000Z' }, { id: 'a2' }],
    overdueActionsTotal: 5,
    redLines: {
      rules: ['incident_without_postmortem'],
      total: 1,
      items: [
        {
          id: 'incident_without_postmortem:i9',
          rule: 'incident_without_postmortem',
          title: 'Outage',
          owner: null,
          since: '2026-11-05T00:00:00.000Z',
        },
      ],
    },
    recognition: {
      cleanTeams: [{ id: 'ledger', name: 'Ledger' }],
      bestDrills: [{ team: 'checkout', name: 'Checkout', drills: 3, meanScore: 92 }],
    },
    notes: 'Quiet month',
  };
}

describe('the committee pack', () => {
  it('gives the scores, the goals missed, the incidents, the overdue actions, the red lines and recognition', () => {
    const committee = `${APP}/committee?period=month`;
    expect(buildCommitteePack('month', '2026-11', month(), GRAFANA, 'UTC')).toEqual({
      kind: 'month',
      key: '2026-11',
      title: 'Stability committee pack, Month 2026-11',
      subtitle: '2026-11-01 00:00 → 2026-12-01 00:00 (UTC). Quiet month',
      link: `${committee}&${RANGE}`,
      sections: [
        {
          id: 'scores',
          title: 'Scores',
          summary: 'Org 72 · Payments –',
          tone: 'neutral',
          link: `${committee}&${RANGE}`,
          items: [
            { text: 'Org', meta: 'score 72', link: committee },
            { text: 'Payments', meta: 'score –', link: `${committee}&businessLine=payments` },
          ],
          more: 0,
        },
        {
          id: 'missed',
          title: 'Goals missed',
          summary: '3 missed',
          tone: 'bad',
          link: committee,
          items: [
            { text: 'Org: MTTR', meta: '1.5h against 30m (before: 1.0h)', link: committee },
            {
              text: 'Payments: Alert accuracy',
              meta: '50.0% against 80.0% (before: –)',
              link: `${committee}&businessLine=payments`,
            },
            {
              text: 'Payments: other_kpi',
              meta: '2 against 1 (before: 1)',
              link: `${committee}&businessLine=payments`,
            },
          ],
          more: 0,
        },
        {
          id: 'incidents',
          title: 'Top high-priority incidents',
          summary: '3 incidents',
          tone: 'warn',
          link: `${APP}/incidents?highPriority=true&${RANGE}`,
          items: [
            { text: 'P0 Checkout down', meta: '2026-11-03 10:15', link: `${APP}/incidents/inc%2F1` },
            { text: 'i2', meta: '', link: `${APP}/incidents/i2` },
            { text: 'P1 i3', meta: '', link: `${APP}/incidents/i3` },
          ],
          more: 0,
        },
        {
          id: 'actions',
          title: 'Overdue actions',
          summary: '5 overdue',
          tone: 'bad',
          link: `${APP}/actions`,
          items: [
            { text: 'Fix · Ken', meta: 'due 2026-11-10 00:00', link: `${APP}/actions` },
            { text: 'a2', meta: '', link: `${APP}/actions` },
          ],
          more: 3,
        },
        {
          id: 'redlines',
          title: 'Red lines',
          summary: '1 violation',
          tone: 'bad',
          link: `${APP}/red-lines?${RANGE}`,
          items: [
            {
              text: 'Outage',
              meta: 'incident without postmortem since 2026-11-05 00:00',
              link: `${APP}/red-lines?${RANGE}&rule=incident_without_postmortem`,
            },
          ],
          more: 0,
        },
        {
          id: 'recognition',
          title: 'Recognition',
          summary: '1 team without a violation; best drills: Checkout',
          tone: 'good',
          link: committee,
          items: [
            { text: 'Checkout', meta: 'mean drill score 92 over 3 drills', link: committee },
            { text: 'Ledger', meta: 'no red-line violation', link: committee },
          ],
          more: 0,
        },
      ],
    });
  });

  it('says an empty period is good, and names a week, a saved review and one without a title', () => {
    const empty: CommitteeFacts = {
      period: 'week',
      from: '2026-11-23T00:00:00.000Z',
      to: '2026-11-30T00:00:00.000Z',
      kpis: [],
      scopes: [],
      topIncidents: [],
      overdueActions: [],
      overdueActionsTotal: 0,
    };
    const week = buildCommitteePack('week', '2026-W48', empty, GRAFANA, 'Europe/Paris');
    expect(week.title).toBe('Stability committee pack, Week 2026-W48');
    expect(week.subtitle).toBe('2026-11-23 01:00 → 2026-11-30 01:00 (Europe/Paris)');
    expect(week.sections.map((s) => [s.id, s.summary, s.tone, s.items.length])).toEqual([
      ['scores', 'no scope', 'neutral', 0],
      ['missed', 'every goal met', 'good', 0],
      ['incidents', 'no high-priority incident', 'good', 0],
      ['actions', 'none overdue', 'good', 0],
    ]);
    expect(buildCommitteePack('review', 'r1', { ...empty, title: 'Nov review' }, GRAFANA, 'UTC').title).toBe(
      'Stability committee pack, Nov review'
    );
    expect(buildCommitteePack('review', 'r1', empty, GRAFANA, 'UTC').title).toBe(
      'Stability committee pack, Saved review'
    );
    // Red lines with no rule on are not in the pack, even with recognition.
    const off = { ...empty, redLines: { rules: [], total: 0, items: [] }, recognition: month().recognition };
    expect(buildCommitteePack('week', '2026-W48', off, GRAFANA, 'UTC').sections).toHaveLength(4);
  });

  it('shows a period without violations as good and recognition without clean teams as neutral', () => {
    const facts: CommitteeFacts = {
      ...month(),
      redLines: { rules: ['action_overdue'], total: 0, items: [] },
      recognition: { cleanTeams: [], bestDrills: [] },
    };
    const [redLines, recognition] = buildCommitteePack('month', '2026-11', facts, GRAFANA, 'UTC').sections.slice(4);
    expect([redLines!.summary, redLines!.tone, redLines!.items]).toEqual(['no violation', 'good', []]);
    expect([recognition!.summary, recognition!.tone, recognition!.items, recognition!.more]).toEqual([
      '0 teams without a violation',
      'neutral',
      [],
      0,
    ]);
    const noRecognition = buildCommitteePack('month', '2026-11', { ...facts, recognition: undefined }, GRAFANA, 'UTC');
    expect(noRecognition.sections[5]!.summary).toBe('0 teams without a violation');
    const twoTeams: CommitteeFacts = {
      ...facts,
      recognition: {
        cleanTeams: [
          { id: 'a', name: 'A' },
          { id: 'b', name: 'B' },
        ],
        bestDrills: [
          { team: 'c', name: 'C', drills: 1, meanScore: 80 },
          { team: 'd', name: 'D', drills: 2, meanScore: 70 },
        ],
      },
    };
    const rec = buildCommitteePack('month', '2026-11', twoTeams, GRAFANA, 'UTC').sections[5]!;
    expect([rec.summary, rec.items.map((i) => i.meta)]).toEqual([
      '2 teams without a violation; best drills: C',
      [
        'mean drill score 80 over 1 drill',
        'mean drill score 70 over 2 drills',
        'no red-line violation',
        'no red-line violation',
      ],
    ]);
  });
});
