/**
 * The pure parts of scheduled reports: the `reports:` config (every bad field named), when a
 * report is due (timezones, DST, week and month keys), the backoff, the business-volume value,
 * and the renderers' escaping.
 */
import { describe, expect, it } from 'vitest';
import type { ReportContent } from '@ballast/contract';
import { OrgService } from '../src/service/org.js';
import { ValidationError } from '../src/service/errors.js';
import { secretEnvNames } from '../src/domain/reports-config.js';
import { backoffMs, dailyRanges, dueDaily, isoWeekKey, lastClosedPeriod } from '../src/domain/reports-schedule.js';
import { renderMattermost } from '../src/domain/reports-chat.js';
import { renderEmail } from '../src/domain/reports-email.js';
import { renderSlack } from '../src/domain/reports-slack.js';
import { valueOf } from '../src/service/reports/business-volume.js';
import { smallOrg } from './helpers/org.js';

const at = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

function issuesOf(reports: unknown): Array<{ path: string; message: string }> {
  try {
    OrgService.parse({ ...smallOrg(), reports });
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
}

const valid = {
  grafanaUrl: 'https://grafana.example.com',
  prometheus: { url: 'http://prometheus:9090' },
  businessVolume: [{ businessLine: 'payments', query: 'sum(increase(payments_total[1d]))', unit: 'payments' }],
  smtp: { host: 'smtp.example.com', from: 'ballast@example.com', userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASS' },
  destinations: [
    { id: 'slack', kind: 'slack', urlEnv: 'SLACK_URL' },
    { id: 'mail', kind: 'email', to: ['eng@example.com'] },
  ],
  daily: { time: '08:30', timezone: 'Europe/Paris', destinations: ['slack', 'mail'] },
  committee: { week: { destinations: ['mail'] }, month: { destinations: ['mail'] } },
};

describe('the reports: config', () => {
  it('takes a complete section and lists the environment variables it reads', () => {
    expect(issuesOf(valid)).toEqual([]);
    const parsed = OrgService.parse({ ...smallOrg(), reports: valid }).reports!;
    expect(parsed.smtp!.port).toBe(587);
    expect(secretEnvNames(parsed)).toEqual(['SLACK_URL', 'SMTP_USER', 'SMTP_PASS']);
  });

  it('refuses a webhook URL or an SMTP password written into the config, naming the field', () => {
    const issues = issuesOf({
      ...valid,
      smtp: { ...valid.smtp, password: 'hunter2' },
      destinations: [{ id: 'slack', kind: 'slack', url: 'https://hooks.slack.com/services/T/B/X' }],
    });
    expect(issues).toContainEqual({ path: 'reports.destinations[0].urlEnv', message: 'is required' });
    expect(issues.find((i) => i.path === 'reports.destinations[0].url')?.message).toMatch(/urlEnv/);
    expect(issues.find((i) => i.path === 'reports.smtp.password')?.message).toMatch(/passwordEnv/);
  });

  it("refuses a destination that names one of the exporter's own secrets, which would send it away", () => {
    const issues = issuesOf({
      ...valid,
      smtp: { ...valid.smtp, userEnv: 'PGUSER', passwordEnv: 'BALLAST_TOKENS' },
      destinations: [
        { id: 'a', kind: 'slack', urlEnv: 'DATABASE_URL' },
        { id: 'b', kind: 'webhook', urlEnv: 'BALLAST_GITHUB_WEBHOOK_SECRET' },
        { id: 'c', kind: 'webhook', urlEnv: 'BALLAST_SLACK_ENG_URL' },
      ],
    });
    expect(issues.map((i) => i.path).sort()).toEqual([
      'reports.destinations[0].urlEnv',
      'reports.destinations[1].urlEnv',
      'reports.smtp.passwordEnv',
      'reports.smtp.userEnv',
    ]);
    expect(issues[0]!.message).toMatch(/own secrets/);
  });

  it('names each bad field: time, timezone, URL, recipient, kind', () => {
    const paths = issuesOf({
      ...valid,
      grafanaUrl: 'ftp://grafana',
      destinations: [
        { id: 'mail', kind: 'email', to: ['not-an-address'] },
        { id: 'x', kind: 'pager', urlEnv: 'X' },
      ],
      daily: { time: '8:30', timezone: 'Mars/Olympus', destinations: ['mail'] },
    }).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'reports.grafanaUrl',
        'reports.destinations[0].to[0]',
        'reports.destinations[1].kind',
        'reports.daily.time',
        'reports.daily.timezone',
      ])
    );
  });

  it('checks references: unknown and duplicate destinations, email without SMTP, unknown business lines', () => {
    const issues = issuesOf({
      grafanaUrl: 'https://g.example.com',
      businessVolume: [{ businessLine: 'nope', query: 'up' }],
      destinations: [
        { id: 'a', kind: 'webhook', urlEnv: 'A' },
        { id: 'a', kind: 'email', to: ['x@example.com'] },
      ],
      daily: { time: '08:00', timezone: 'UTC', destinations: ['a', 'missing'] },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'reports.destinations[1].id', message: 'duplicate id "a"' },
        { path: 'reports.destinations[1]', message: 'an email destination needs reports.smtp' },
        { path: 'reports.daily.destinations[1]', message: 'unknown destination "missing"' },
        { path: 'reports.businessVolume[0].businessLine', message: 'unknown business line "nope"' },
        { path: 'reports.prometheus', message: 'is required when businessVolume is set' },
      ])
    );
  });
});

describe('when reports are due', () => {
  it("is today's report from the send time in its timezone, yesterday's before it", () => {
    // 08:30 in Paris is 07:30Z in winter (CET, +01:00).
    expect(dueDaily(at('2026-12-02T07:29:59Z'), '08:30', 'Europe/Paris').key).toBe('2026-12-01');
    const due = dueDaily(at('2026-12-02T07:30:00Z'), '08:30', 'Europe/Paris');
    expect(due.key).toBe('2026-12-02');
    expect([iso(due.from), iso(due.to)]).toEqual(['2026-11-30T23:00:00.000Z', '2026-12-01T23:00:00.000Z']);
  });

  it('covers a 23-hour day across the spring DST change', () => {
    const { reported, today } = dailyRanges('2026-03-30', 'Europe/Paris');
    expect((reported.to - reported.from) / 3_600_000).toBe(23);
    expect([iso(today.from), iso(today.to)]).toEqual(['2026-03-29T22:00:00.000Z', '2026-03-30T22:00:00.000Z']);
  });

  it('keys weeks by ISO week (across a year end) and months by calendar month', () => {
    expect(isoWeekKey(2026, 11, 23)).toBe('2026-W48');
    expect(isoWeekKey(2025, 12, 29)).toBe('2026-W01');
    expect(isoWeekKey(2027, 1, 4)).toBe('2027-W01');
    const week = lastClosedPeriod('week', at('2026-12-02T10:00:00Z'), 'UTC');
    expect([week.key, iso(week.from), iso(week.to)]).toEqual([
      '2026-W48',
      '2026-11-23T00:00:00.000Z',
      '2026-11-30T00:00:00.000Z',
    ]);
    const month = lastClosedPeriod('month', at('2026-01-01T00:30:00Z'), 'Europe/Berlin');
    expect([month.key, iso(month.from), iso(month.to)]).toEqual([
      '2025-12',
      '2025-11-30T23:00:00.000Z',
      '2025-12-31T23:00:00.000Z',
    ]);
  });

  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, 30_000, 200_000))).toEqual([
      30_000, 60_000, 120_000, 200_000, 200_000, 200_000,
    ]);
  });
});

describe('business volume', () => {
  it('sums a vector, takes a scalar, and says why there is no number', () => {
    expect(
      valueOf('vector', [
        { metric: { a: '1' }, value: [1, '1200'] },
        { metric: { a: '2' }, value: [1, '34.5'] },
      ])
    ).toEqual({ value: 1234.5, error: null });
    expect(valueOf('scalar', [1, '7'])).toEqual({ value: 7, error: null });
    expect(valueOf('vector', [])).toEqual({ value: null, error: 'no data' });
    expect(valueOf('matrix', []).error).toMatch(/matrix/);
    expect(valueOf('scalar', [1, 'NaN']).value).toBeNull();
  });
});

describe('renderers', () => {
  const hostile: ReportContent = {
    kind: 'daily',
    key: '2026-12-02',
    title: 'Daily <b>report</b>',
    subtitle: 'About & around',
    link: 'https://g.example.com/a/ballast-stability-app',
    sections: [
      {
        id: 'x',
        title: 'Incidents',
        summary: '1 open',
        tone: 'bad',
        link: 'https://g.example.com/a/ballast-stability-app/incidents',
        items: [{ text: 'Evil <!channel> | [link](http://x) "q"', meta: 'a>b', link: 'https://g.example.com/i/1' }],
        more: 4,
      },
    ],
  };

  it('Slack: escapes &, <, > and keeps the label from closing the link', () => {
    const section = renderSlack(hostile).blocks.find((b) => b.type === 'section') as { text: { text: string } };
    expect(section.text.text).toContain(
      '<https://g.example.com/i/1|Evil &lt;!channel&gt; ¦ [link](http://x) "q"> — a&gt;b'
    );
    expect(section.text.text).toContain('and 4 more');
    expect(section.text.text).not.toContain('<!channel>');
  });

  it('Mattermost: escapes Markdown so a title cannot forge a link', () => {
    const { text } = renderMattermost(hostile);
    expect(text).toContain('[Evil \\<!channel\\> \\| \\[link\\]\\(http://x\\) "q"](https://g.example.com/i/1)');
  });

  it('email: HTML escaped, text as is, both with the links', () => {
    const mail = renderEmail(hostile);
    expect(mail.subject).toBe('Daily <b>report</b>');
    expect(mail.html).toContain('<h1 style="font-size:20px;margin:0 0 4px 0">Daily &lt;b&gt;report&lt;/b&gt;</h1>');
    expect(mail.html).toContain('Evil &lt;!channel&gt; | [link](http://x) &quot;q&quot;');
    expect(mail.html).not.toContain('<b>report');
    expect(mail.text).toContain('  - Evil <!channel> | [link](http://x) "q" — a>b\n    https://g.example.com/i/1');
  });
});
