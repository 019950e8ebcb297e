/**
 * The `reports:` config (src/domain/reports-config.ts) parsed on its own: every field's rule and
 * message, the defaults, the cross-reference checks, and the environment variables it names; and
 * the schedule's edges (src/domain/reports-schedule.ts). Pure.
 */
import { describe, expect, it } from 'vitest';
import {
  checkReportsReferences,
  DESTINATION_KINDS,
  reportsSchema,
  secretEnvNames,
  type ReportsConfig,
} from '../src/domain/reports-config.js';
import {
  backoffMs,
  dailyRanges,
  dueDaily,
  isoWeekKey,
  lastClosedPeriod,
  midnightOf,
} from '../src/domain/reports-schedule.js';

const base = {
  grafanaUrl: 'https://g.example.com',
  destinations: [{ id: 'hook', kind: 'webhook', urlEnv: 'HOOK_URL' }],
};

/** `path: message` of each issue of a reports section, [] when it parses. */
function issuesOf(doc: unknown): string[] {
  const r = reportsSchema.safeParse(doc);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const parse = (doc: unknown): ReportsConfig => reportsSchema.parse(doc);

describe('the reports: schema', () => {
  it('fills in the defaults', () => {
    expect(DESTINATION_KINDS).toEqual(['slack', 'teams', 'mattermost', 'webhook', 'email']);
    expect(parse(base)).toEqual({ ...base, businessVolume: [] });
    const full = parse({
      ...base,
      smtp: { host: ' smtp ', from: 'a@b' },
      businessVolume: [{ businessLine: 'payments', query: 'up' }],
    });
    expect(full.smtp).toEqual({ host: 'smtp', port: 587, secure: false, from: 'a@b' });
    expect(full.businessVolume).toEqual([{ businessLine: 'payments', query: 'up', unit: 'requests' }]);
  });

  it('takes http and https URLs without credentials only', () => {
    expect(issuesOf({ ...base, grafanaUrl: 'http://g:3000/grafana/' })).toEqual([]);
    expect(issuesOf({ ...base, prometheus: { url: 'https://p.example.com' } })).toEqual([]);
    const bad = 'must be an http:// or https:// URL';
    expect(issuesOf({ ...base, grafanaUrl: 'ftp://g' })).toEqual([`grafanaUrl: ${bad}`]);
    expect(issuesOf({ ...base, grafanaUrl: 'not a url' })).toEqual([`grafanaUrl: ${bad}`]);
    expect(issuesOf({ ...base, grafanaUrl: 'xhttps://g' })).toEqual([`grafanaUrl: ${bad}`]);
    expect(issuesOf({ ...base, grafanaUrl: 'https://ada@g' })).toEqual(['grafanaUrl: must not carry credentials']);
    expect(issuesOf({ ...base, grafanaUrl: 'https://:pw@g' })).toEqual(['grafanaUrl: must not carry credentials']);
    expect(issuesOf({ ...base, prometheus: { url: 'https://a:b@p' } })).toEqual([
      'prometheus.url: must not carry credentials',
    ]);
    expect(issuesOf({ ...base, grafanaUrl: `https://g/${'p'.repeat(1990)}` })).toEqual([]);
    expect(issuesOf({ ...base, grafanaUrl: `https://g/${'p'.repeat(1991)}` })).toHaveLength(1);
    expect(issuesOf({ ...base, prometheus: { url: 'https://p', token: 'x' } })).toHaveLength(1);
  });

  it('takes environment variable names, not the exporter own secrets', () => {
    const env = (urlEnv: string) => issuesOf({ ...base, destinations: [{ id: 'h', kind: 'slack', urlEnv }] });
    for (const ok of ['A', '_X', 'SLACK_URL_2', `A${'B'.repeat(127)}`, 'BALLAST_TOKENS_OLD', 'MY_DATABASE_URL', 'XPG'])
      expect(env(ok), ok).toEqual([]);
    const notEnv = 'destinations.0.urlEnv: must be the name of an environment variable (A-Z, 0-9, _)';
    for (const bad of ['', 'slack_url', '1A', 'A-B', `A${'B'.repeat(128)}`, ' A', 'A '])
      expect(env(bad), bad).toEqual([notEnv]);
    const own =
      "destinations.0.urlEnv: must not name one of the exporter's own secrets (BALLAST_TOKENS, DATABASE_URL, BALLAST_*_WEBHOOK_SECRET, PG*)";
    for (const secret of [
      'BALLAST_TOKENS',
      'DATABASE_URL',
      'BALLAST_GITHUB_WEBHOOK_SECRET',
      'BALLAST__WEBHOOK_SECRET',
      'PG',
      'PGPASSWORD',
    ])
      expect(env(secret), secret).toEqual([own]);
  });

  it('refuses a secret written into a destination or the SMTP section', () => {
    expect(issuesOf({ ...base, destinations: [{ id: 'h', kind: 'teams', urlEnv: 'U', url: 'https://x' }] })).toEqual([
      'destinations.0.url: secrets are not stored in the config: name the environment variable in urlEnv',
    ]);
    expect(issuesOf({ ...base, smtp: { host: 'h', from: 'a@b', user: 'u', password: 'p' } })).toEqual([
      'smtp.user: secrets are not stored in the config: name the environment variable in userEnv',
      'smtp.password: secrets are not stored in the config: name the environment variable in passwordEnv',
    ]);
  });

  it('checks the SMTP section, the recipients and the business volume', () => {
    const smtp = (over: object) => issuesOf({ ...base, smtp: { host: 'h', from: 'a@b', ...over } });
    expect(smtp({ port: 1 })).toEqual([]);
    expect(smtp({ port: 65535, secure: true })).toEqual([]);
    expect(smtp({ port: 0 })).toHaveLength(1);
    expect(smtp({ port: 65536 })).toHaveLength(1);
    expect(smtp({ port: 25.5 })).toHaveLength(1);
    expect(smtp({ host: '  ' })).toEqual(['smtp.host: must not be empty']);
    expect(smtp({ host: 'h'.repeat(201) })).toHaveLength(1);
    expect(smtp({ from: 'ab' })).toHaveLength(1);
    expect(smtp({ from: 'x'.repeat(321) })).toHaveLength(1);
    expect(smtp({ from: 'x'.repeat(320) })).toEqual([]);
    expect(smtp({ tls: true })).toHaveLength(1);
    const mail = (to: unknown) => issuesOf({ ...base, destinations: [{ id: 'm', kind: 'email', to }] });
    expect(mail(['a@example.com'])).toEqual([]);
    expect(mail([])).toEqual(['destinations.0.to: must name at least one recipient']);
    expect(mail(['nope'])).toEqual(['destinations.0.to.0: must be an email address']);
    expect(mail(Array.from({ length: 101 }, (_, i) => `u${i}@example.com`))).toHaveLength(1);
    const volume = (v: object) =>
      issuesOf({ ...base, businessVolume: [{ businessLine: 'payments', query: 'up', ...v }] });
    expect(volume({ query: ' ' })).toEqual(['businessVolume.0.query: must not be empty']);
    expect(volume({ query: 'q'.repeat(4001) })).toHaveLength(1);
    expect(volume({ query: 'q'.repeat(4000) })).toEqual([]);
    expect(volume({ unit: '' })).toEqual(['businessVolume.0.unit: must not be empty']);
    expect(volume({ extra: 1 })).toHaveLength(1);
  });

  it('checks destinations and schedules', () => {
    expect(issuesOf({ ...base, destinations: [] })).toEqual(['destinations: must declare at least one destination']);
    const hooks = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `h${i}`, kind: 'webhook', urlEnv: 'U' }));
    expect(issuesOf({ ...base, destinations: hooks(50) })).toEqual([]);
    expect(issuesOf({ ...base, destinations: hooks(51) })).toHaveLength(1);
    const daily = (d: object) =>
      issuesOf({ ...base, daily: { time: '08:00', timezone: 'UTC', destinations: ['hook'], ...d } });
    for (const ok of ['00:00', '09:05', '19:59', '20:00', '23:59']) expect(daily({ time: ok }), ok).toEqual([]);
    for (const bad of ['24:00', '19:60', '9:05', '08:5', ' 08:00', '08:00 ', '2a:00'])
      expect(daily({ time: bad }), bad).toEqual(['daily.time: must be HH:MM (24-hour)']);
    expect(daily({ timezone: 'Mars/Olympus' })).toEqual([
      'daily.timezone: must be an IANA timezone such as Europe/Paris',
    ]);
    expect(daily({ destinations: [] })).toEqual(['daily.destinations: must name at least one destination']);
    expect(daily({ extra: 1 })).toHaveLength(1);
    expect(issuesOf({ ...base, committee: { week: { destinations: [] } } })).toEqual([
      'committee.week.destinations: must name at least one destination',
    ]);
    expect(issuesOf({ ...base, committee: { quarter: { destinations: ['hook'] } } })).toHaveLength(1);
    expect(issuesOf({ ...base, committee: { review: { destinations: ['hook'], x: 1 } } })).toHaveLength(1);
    expect(issuesOf({ ...base, extra: true })).toHaveLength(1);
  });
});

describe('checkReportsReferences', () => {
  it('names duplicate ids, email without SMTP, unknown destinations of every schedule, bad volume lines', () => {
    const config = parse({
      grafanaUrl: 'https://g',
      destinations: [
        { id: 'a', kind: 'webhook', urlEnv: 'A' },
        { id: 'a', kind: 'slack', urlEnv: 'B' },
        { id: 'm', kind: 'email', to: ['x@example.com'] },
      ],
      businessVolume: [
        { businessLine: 'payments', query: 'up' },
        { businessLine: 'payments', query: 'up' },
        { businessLine: 'nope', query: 'up' },
      ],
      daily: { time: '08:00', timezone: 'UTC', destinations: ['a', 'x1'] },
      committee: {
        week: { destinations: ['x2', 'm'] },
        month: { destinations: ['x3'] },
        review: { destinations: ['a', 'm', 'x4'] },
      },
    });
    expect(checkReportsReferences(config, new Set(['payments', 'commerce']))).toEqual([
      { path: 'reports.destinations[1].id', message: 'duplicate id "a"' },
      { path: 'reports.destinations[2]', message: 'an email destination needs reports.smtp' },
      { path: 'reports.daily.destinations[1]', message: 'unknown destination "x1"' },
      { path: 'reports.committee.week.destinations[0]', message: 'unknown destination "x2"' },
      { path: 'reports.committee.month.destinations[0]', message: 'unknown destination "x3"' },
      { path: 'reports.committee.review.destinations[2]', message: 'unknown destination "x4"' },
      { path: 'reports.businessVolume[1].businessLine', message: 'duplicate business line "payments"' },
      { path: 'reports.businessVolume[2].businessLine', message: 'unknown business line "nope"' },
      { path: 'reports.prometheus', message: 'is required when businessVolume is set' },
    ]);
  });

  it('has nothing to say about a consistent section', () => {
    const config = parse({
      grafanaUrl: 'https://g',
      prometheus: { url: 'http://p' },
      smtp: { host: 'h', from: 'a@b' },
      destinations: [
        { id: 'a', kind: 'webhook', urlEnv: 'A' },
        { id: 'm', kind: 'email', to: ['x@example.com'] },
      ],
      businessVolume: [{ businessLine: 'payments', query: 'up' }],
      daily: { time: '08:00', timezone: 'UTC', destinations: ['a'] },
      committee: { week: { destinations: ['m'] } },
    });
    expect(checkReportsReferences(config, new Set(['payments']))).toEqual([]);
    expect(checkReportsReferences(parse(base), new Set())).toEqual([]);
  });

  it('lists each environment variable once, those of webhooks and SMTP', () => {
    const config = parse({
      grafanaUrl: 'https://g',
      smtp: { host: 'h', from: 'a@b', userEnv: 'SMTP_USER', passwordEnv: 'SHARED' },
      destinations: [
        { id: 'a', kind: 'webhook', urlEnv: 'SHARED' },
        { id: 'm', kind: 'email', to: ['x@example.com'] },
        { id: 'b', kind: 'mattermost', urlEnv: 'MM_URL' },
      ],
    });
    expect(secretEnvNames(config)).toEqual(['SHARED', 'MM_URL', 'SMTP_USER']);
    expect(secretEnvNames(parse(base))).toEqual(['HOOK_URL']);
    expect(secretEnvNames(parse({ ...base, smtp: { host: 'h', from: 'a@b', passwordEnv: 'P' } }))).toEqual([
      'HOOK_URL',
      'P',
    ]);
  });
});

const at = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

describe('the schedule', () => {
  it('finds local midnight of a key, and a daily report due exactly at its time', () => {
    expect(iso(midnightOf('2026-07-14', 'Europe/Paris'))).toBe('2026-07-13T22:00:00.000Z');
    expect(iso(midnightOf('2026-01-05', 'UTC'))).toBe('2026-01-05T00:00:00.000Z');
    expect(dueDaily(at('2026-12-02T08:29:59.999Z'), '08:30', 'UTC').key).toBe('2026-12-01');
    expect(dueDaily(at('2026-12-02T08:30:00Z'), '08:30', 'UTC')).toEqual({
      kind: 'daily',
      key: '2026-12-02',
      from: at('2026-12-01T00:00:00Z'),
      to: at('2026-12-02T00:00:00Z'),
    });
    // 00:00 is due from midnight; 23:59 only from the last minute, yesterday's before.
    expect(dueDaily(at('2026-01-01T00:00:00Z'), '00:00', 'UTC').key).toBe('2026-01-01');
    expect(dueDaily(at('2026-01-01T23:58:00Z'), '23:59', 'UTC').key).toBe('2025-12-31');
    expect(dueDaily(at('2026-03-01T10:00:00Z'), '11:00', 'UTC').key).toBe('2026-02-28');
  });

  it("covers the day before a key and the key's own day, across a month end", () => {
    expect(dailyRanges('2026-03-01', 'UTC')).toEqual({
      reported: { from: at('2026-02-28T00:00:00Z'), to: at('2026-03-01T00:00:00Z') },
      today: { from: at('2026-03-01T00:00:00Z'), to: at('2026-03-02T00:00:00Z') },
    });
  });

  it('finds the last closed week from any day of the week, and the last closed month', () => {
    // 2026-11-30 is a Monday: the week that closed at its midnight is W48.
    for (const now of ['2026-11-30T00:00:00Z', '2026-12-02T10:00:00Z', '2026-12-06T23:59:59Z']) {
      expect(lastClosedPeriod('week', at(now), 'UTC'), now).toEqual({
        kind: 'week',
        key: '2026-W48',
        from: at('2026-11-23T00:00:00Z'),
        to: at('2026-11-30T00:00:00Z'),
      });
    }
    expect(lastClosedPeriod('week', at('2026-11-29T23:59:59Z'), 'UTC').key).toBe('2026-W47');
    expect(lastClosedPeriod('month', at('2026-03-15T00:00:00Z'), 'UTC')).toEqual({
      kind: 'month',
      key: '2026-02',
      from: at('2026-02-01T00:00:00Z'),
      to: at('2026-03-01T00:00:00Z'),
    });
    expect(lastClosedPeriod('month', at('2026-11-02T00:00:00Z'), 'UTC').key).toBe('2026-10');
  });

  it('keys ISO weeks, 53-week years included', () => {
    expect(isoWeekKey(2026, 1, 5)).toBe('2026-W02');
    expect(isoWeekKey(2026, 12, 28)).toBe('2026-W53');
    expect(isoWeekKey(2020, 12, 28)).toBe('2020-W53');
    expect(isoWeekKey(2021, 1, 4)).toBe('2021-W01');
  });

  it('backs off from the base, the 0th or 1st attempt alike', () => {
    expect([0, 1, 2].map((n) => backoffMs(n, 1000, 10_000))).toEqual([1000, 1000, 2000]);
    expect(backoffMs(3, 1000, 4000)).toBe(4000);
    expect(backoffMs(4, 1000, 4000)).toBe(4000);
  });
});
