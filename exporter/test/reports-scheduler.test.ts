/**
 * The report scheduler end to end in one process, on both stores, with an injected clock: the
 * daily report is produced once and reaches a real local HTTP receiver (Slack, Teams, Mattermost,
 * generic webhook bodies) and a real SMTP server (smtp-server; HTML and text parts); two
 * schedulers ticking together and a restarted one deliver nothing twice; a failing receiver is
 * retried with backoff and shows as retrying, then delivered, in the API; secrets never show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { ReportDetail, ReportListResponse } from '@ballast/contract';
import { deliverer } from '../src/delivery/index.js';
import { FreezeService } from '../src/service/freezes.js';
import { KpiService } from '../src/service/kpis.js';
import { ReviewService } from '../src/service/reviews.js';
import { ReportScheduler } from '../src/service/reports/scheduler.js';
import { smallOrg } from './helpers/org.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from './reports-receivers.js';

const GRAFANA = 'https://grafana.example.com/';
const SLACK_TOKEN = 'T0001/B0001/SLACKSECRET42';
const SMTP = { user: 'reports@example.com', pass: 'smtp-pa55word-secret' };
const at = (s: string) => Date.parse(s);

function org() {
  return {
    ...smallOrg(),
    goals: [
      { year: 2026, kpi: 'high_priority_alerts_per_day', target: 2 },
      { year: 2026, kpi: 'mttr_seconds', target: 1800 },
      // Under one a year: 30 days' share of it is missed by the one P1.
      { year: 2026, kpi: 'high_priority_incidents', target: 1 },
    ],
    reports: {
      grafanaUrl: GRAFANA,
      smtp: {
        host: '127.0.0.1',
        port: 0,
        from: 'Ballast <ballast@example.com>',
        userEnv: 'T_SMTP_USER',
        passwordEnv: 'T_SMTP_PASS',
      },
      destinations: [
        { id: 'eng-slack', kind: 'slack', urlEnv: 'T_SLACK_URL' },
        { id: 'eng-teams', kind: 'teams', urlEnv: 'T_TEAMS_URL' },
        { id: 'eng-mm', kind: 'mattermost', urlEnv: 'T_MM_URL' },
        { id: 'hook', kind: 'webhook', urlEnv: 'T_HOOK_URL' },
        { id: 'eng-mail', kind: 'email', to: ['eng@example.com', 'cto@example.com'] },
      ],
      daily: {
        time: '08:30',
        timezone: 'Europe/Paris',
        destinations: ['eng-slack', 'eng-teams', 'eng-mm', 'hook', 'eng-mail'],
      },
    },
  };
}

/** Yesterday (1 December in Paris) as records: alerts, an open P1, findings, a freeze and a change inside it. */
async function seed(server: TestServer) {
  const put = async (collection: string, id: string, body: object) => {
    const res = await server.call('PUT', `/api/v1/${collection}/${id}`, { body });
    expect(res.status, `${collection}/${id}: ${await res.clone().text()}`).toBeLessThan(300);
  };
  for (let i = 0; i < 3; i++)
    await put('alerts', `a-lat-${i}`, {
      name: 'CheckoutLatencyHigh',
      severity: 'critical',
      service: 'checkout-api',
      startsAt: `2026-12-01T0${i + 1}:00:00Z`,
    });
  await put('alerts', 'a-disk', {
    name: 'DiskAlmostFull',
    severity: 'warning',
    service: 'catalog-web',
    startsAt: '2026-12-01T10:00:00Z',
  });
  // The day before yesterday: not counted.
  await put('alerts', 'a-old', {
    name: 'CheckoutLatencyHigh',
    severity: 'critical',
    service: 'checkout-api',
    startsAt: '2026-11-29T10:00:00Z',
  });
  await put('incidents', 'inc-1', {
    title: 'Card payments <failing> & retried',
    priority: 'P1',
    service: 'checkout-api',
    startedAt: '2026-12-01T03:00:00Z',
    detectedAt: '2026-12-01T03:05:00Z',
    detectionSource: 'monitoring',
  });
  await put('findings', 'f-new', {
    check: 'TLS certificate expires soon',
    targetType: 'application',
    severity: 'high',
    service: 'ledger-db',
    foundAt: '2026-12-01T12:00:00Z',
  });
  await put('findings', 'f-overdue', {
    check: 'Backups untested',
    targetType: 'application',
    severity: 'medium',
    service: 'catalog-web',
    foundAt: '2026-11-01T12:00:00Z',
    dueAt: '2026-11-20T12:00:00Z',
  });
  await put('freezes', 'fr-1', {
    name: 'Year-end freeze',
    reason: 'peak season',
    scope: { businessLine: 'payments' },
    startsAt: '2026-12-01T18:00:00Z',
    endsAt: '2026-12-03T00:00:00Z',
    announcedAt: '2026-11-25T00:00:00Z', // before ch-1: a window violates only changes after its announcement
  });
  await put('changes', 'ch-1', {
    title: 'Hotfix checkout',
    system: 'manual',
    service: 'checkout-api',
    kind: 'deploy',
    startedAt: '2026-12-01T19:00:00Z',
  });
}

describe.each(STORE_TARGETS)('report scheduler ($kind)', (target) => {
  let server: TestServer;
  let http: HttpReceiver;
  let smtp: SmtpReceiver;
  let clock = at('2026-12-02T07:00:00Z'); // 08:00 in Paris: before the 08:30 send time
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(line) });
  let env: Record<string, string>;

  const scheduler = (instance: string) => {
    const { store, orgs, records } = server.services;
    const freezes = new FreezeService(store, orgs);
    const kpis = new KpiService(store, orgs, { now: () => clock });
    return new ReportScheduler(
      { store, records, freezes, kpis },
      orgs,
      new ReviewService(store, orgs, kpis, records),
      deliverer((name) => env[name]),
      { now: () => clock, instance, logger, retry: { baseMs: 60_000, maxMs: 240_000, maxAttempts: 3 } }
    );
  };
  const report = async (id: string) =>
    (await (await server.call('GET', `/api/v1/reports/${id}`)).json()) as ReportDetail;

  beforeAll(async () => {
    http = await startHttpReceiver();
    smtp = await startSmtpReceiver(SMTP);
    env = {
      T_SLACK_URL: `${http.url}/services/${SLACK_TOKEN}`,
      T_TEAMS_URL: `${http.url}/teams/abc`,
      T_MM_URL: `${http.url}/hooks/mm-secret-id`,
      T_HOOK_URL: `${http.url}/ballast`,
      T_SMTP_USER: SMTP.user,
      T_SMTP_PASS: SMTP.pass,
    };
    server = await startTestServer(await target.fresh(), {
      reports: { tickMs: 0, retry: { baseMs: 1, maxMs: 1, maxAttempts: 1 }, secret: () => undefined },
    });
    const doc = org();
    doc.reports.smtp.port = smtp.port;
    const res = await server.call('PUT', '/api/v1/org', { body: doc });
    expect(res.status, await res.clone().text()).toBe(200);
    await seed(server);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await http?.close();
    await smtp?.close();
  });

  it("before the send time (08:00 in Paris) the report due is the day before's", async () => {
    // At 08:00 the due report is yesterday's (2 December's is not due): it is produced now …
    await scheduler('a').tick();
    const list = (await (await server.call('GET', '/api/v1/reports')).json()) as ReportListResponse;
    expect(list.items.map((r) => r.key)).toEqual(['2026-12-01']);
    // … so clear the receivers: the report under test is 2 December's.
    http.received.length = 0;
    smtp.mails.length = 0;
  });

  it('produces the daily report once and delivers it once per destination, however many schedulers tick', async () => {
    clock = at('2026-12-02T07:31:00Z'); // 08:31 in Paris
    http.failNext('/hooks/mm-secret-id', 1, 500, `token ${env.T_MM_URL} refused`);
    await Promise.all([scheduler('a').tick(), scheduler('b').tick(), scheduler('c').tick()]);

    const list = (await (await server.call('GET', '/api/v1/reports?kind=daily')).json()) as ReportListResponse;
    expect(list.items.map((r) => r.key)).toEqual(['2026-12-02', '2026-12-01']);
    const [first] = list.items;
    expect(first!.deliveries).toMatchObject({ total: 5, delivered: 4, retrying: 1 });

    const paths = http.received.map((r) => r.path).sort();
    expect(paths).toEqual(['/ballast', `/services/${SLACK_TOKEN}`, '/teams/abc'].sort());
    expect(smtp.mails).toHaveLength(1);
    // Each destination's delivery carries its own idempotency key.
    expect(new Set(http.received.map((r) => r.headers['idempotency-key'])).size).toBe(3);
  });

  it('says what the issue asks, linking into the Grafana app', async () => {
    const detail = await report('rp-daily-2026-12-02');
    const byId = Object.fromEntries(detail.content.sections.map((s) => [s.id, s]));
    // 3 critical alerts on 1 December (Paris) against the org's daily goal of 2.
    expect(byId.alerts!.summary).toBe('3 yesterday against a daily target of 2');
    expect(byId.alerts!.tone).toBe('bad');
    expect(byId.alerts!.items.map((i) => [i.text, i.meta])).toEqual([
      ['CheckoutLatencyHigh', '3 times, 3 high-severity'],
      ['DiskAlmostFull', '1 time'],
    ]);
    expect(byId.incidents!.summary).toBe('1 open');
    expect(byId.incidents!.items[0]!.link).toBe('https://grafana.example.com/a/ballast-stability-app/incidents/inc-1');
    expect(byId.findings!.summary).toBe('1 new yesterday, 1 overdue');
    expect(byId.freezes!.items.map((i) => i.text)).toEqual(['Year-end freeze']);
    expect(byId.changes!.summary).toBe('1 change yesterday, 1 uncontrolled, 1 freeze violation');
    expect(byId.changes!.items[0]!.meta).toBe('inside fr-1');
    for (const s of detail.content.sections) {
      expect(s.link.startsWith('https://grafana.example.com/a/ballast-stability-app')).toBe(true);
      for (const item of s.items) expect(item.link ?? s.link).toMatch(/^https:\/\/grafana\.example\.com\/a\//);
    }
    expect(byId.kpis!.items.map((i) => [i.text, i.meta])).toEqual([
      ['Organization: High-priority incidents', '1 against a goal of 0.1'],
    ]);
    const alertsLink = new URL(byId.alerts!.link);
    // The reported day is 1 December in Paris: 30 November 23:00Z to 1 December 23:00Z.
    expect(alertsLink.searchParams.get('from')).toBe('2026-11-30T23:00:00.000Z');
    expect(alertsLink.searchParams.get('to')).toBe('2026-12-01T23:00:00.000Z');
  });

  it('posts Slack Block Kit, a Teams Adaptive Card and the generic JSON', async () => {
    const body = (path: string) => http.received.find((r) => r.path === path)!.body as Record<string, unknown>;
    const slack = body(`/services/${SLACK_TOKEN}`) as { text: string; blocks: Array<Record<string, any>> };
    expect(slack.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Stability daily report, 2026-12-02', emoji: true },
    });
    const incidents = slack.blocks.find((b) => b.type === 'section' && b.text.text.includes('incidents'))!;
    // mrkdwn: the record's <, > and & are escaped, so a title cannot forge a link or a mention.
    expect(incidents.text.text).toContain(
      '<https://grafana.example.com/a/ballast-stability-app/incidents/inc-1|P1 Card payments &lt;failing&gt; &amp; retried>'
    );
    expect(slack.text).toContain('High-severity alerts 3 yesterday');

    const teams = body('/teams/abc') as { type: string; attachments: Array<{ contentType: string; content: any }> };
    expect(teams.type).toBe('message');
    expect(teams.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(teams.attachments[0]!.content.type).toBe('AdaptiveCard');
    expect(teams.attachments[0]!.content.actions[0].url).toBe('https://grafana.example.com/a/ballast-stability-app');

    const hook = body('/ballast') as { type: string; id: string; report: ReportDetail['content'] };
    expect(hook.type).toBe('ballast.report');
    expect(hook.id).toBe('rp-daily-2026-12-02');
    expect(hook.report).toEqual((await report('rp-daily-2026-12-02')).content);
  });

  it('mails HTML and plain text over SMTP with the credentials from the environment', async () => {
    const [mail] = smtp.mails;
    expect(mail!.to.sort()).toEqual(['cto@example.com', 'eng@example.com']);
    expect(mail!.from).toBe('ballast@example.com');
    expect(mail!.auth).toEqual({ user: SMTP.user, pass: SMTP.pass });
    expect(mail!.subject).toBe('Stability daily report, 2026-12-02');
    expect(mail!.html).toContain('P1 Card payments &lt;failing&gt; &amp; retried</a>');
    expect(mail!.html).toContain('href="https://grafana.example.com/a/ballast-stability-app/incidents/inc-1"');
    expect(mail!.text).toContain('- P1 Card payments <failing> & retried');
    expect(mail!.text).toContain('https://grafana.example.com/a/ballast-stability-app/incidents/inc-1');
    expect(mail!.raw).toMatch(/multipart\/alternative/);
  });

  it('retries a failed delivery after the backoff, and the API shows it retrying, then delivered', async () => {
    const before = await report('rp-daily-2026-12-02');
    const mm = before.deliveries.find((d) => d.destination === 'eng-mm')!;
    expect(mm.status).toBe('retrying');
    expect(mm.attempts).toBe(1);
    expect(mm.lastError).toMatch(/^HTTP 500/);
    // The receiver echoed the URL: its token is not kept.
    expect(mm.lastError).not.toContain('mm-secret-id');
    expect(Date.parse(mm.nextAttemptAt!)).toBe(clock + 60_000);

    await scheduler('a').tick(); // before the backoff ends: nothing
    expect(http.received.filter((r) => r.path === '/hooks/mm-secret-id')).toHaveLength(0);
    clock += 60_000;
    // Three processes find the same due delivery at once: one of them sends it.
    await Promise.all([scheduler('b').tick(), scheduler('c').tick(), scheduler('d').tick()]);
    const mattermost = http.received.filter((r) => r.path === '/hooks/mm-secret-id');
    expect(mattermost).toHaveLength(1);
    const text = (mattermost[0]!.body as { text: string }).text;
    expect(text.split('\n')[0]).toBe('#### Stability daily report, 2026-12-02');
    expect(text).toContain(
      '- [P1 Card payments \\<failing\\> & retried](https://grafana.example.com/a/ballast-stability-app/incidents/inc-1)'
    );
    // Links keep their encoding once (the app reads from/to back).
    expect(text).toContain(
      'alerts?from=2026-11-30T23%3A00%3A00.000Z&to=2026-12-01T23%3A00%3A00.000Z&highSeverity=true'
    );
    const after = (await report('rp-daily-2026-12-02')).deliveries.find((d) => d.destination === 'eng-mm')!;
    expect(after).toMatchObject({ status: 'delivered', attempts: 2, lastError: null });
  });

  it('gives up after the last attempt and keeps the failure visible', async () => {
    clock = at('2026-12-03T07:31:00Z');
    http.failNext('/teams/abc', 3, 503, 'busy');
    await scheduler('a').tick();
    clock += 60_000;
    await scheduler('a').tick();
    clock += 120_000;
    await scheduler('a').tick();
    clock += 10 * 60_000;
    await scheduler('a').tick();
    const teams = (await report('rp-daily-2026-12-03')).deliveries.find((d) => d.destination === 'eng-teams')!;
    expect(teams).toMatchObject({ status: 'failed', attempts: 3, lastError: 'HTTP 503: busy', nextAttemptAt: null });
  });

  it('answers bad list parameters with a 400 naming them, an unknown report with a 404', async () => {
    const bad = await server.call('GET', '/api/v1/reports?kind=yearly&limit=0');
    expect(bad.status).toBe(400);
    const issues = ((await bad.json()) as { issues: Array<{ path: string }> }).issues.map((i) => i.path);
    expect(issues.sort()).toEqual(['kind', 'limit']);
    expect((await server.call('GET', '/api/v1/reports/rp-daily-1999-01-01')).status).toBe(404);
    expect((await server.call('GET', '/api/v1/reports', { role: null })).status).toBe(401);
    const page = (await (
      await server.call('GET', '/api/v1/reports?limit=1&offset=1', { role: 'read' })
    ).json()) as ReportListResponse;
    // Newest first: 3, 2 and 1 December; the second of them.
    expect(page.items.map((r) => r.key)).toEqual(['2026-12-02']);
    expect(page.total).toBe(3);
  });

  it('refuses a bad reports: section with a 400 naming the field, and keeps the org as it was', async () => {
    const current = (await (await server.call('GET', '/api/v1/org')).json()) as { revision: number };
    const doc = org();
    doc.reports.smtp.port = smtp.port;
    (doc.reports.daily as { time: string }).time = '8h30';
    doc.reports.destinations[0] = { id: 'eng-slack', kind: 'slack', url: 'https://hooks.slack.com/x' } as never;
    const res = await server.call('PUT', '/api/v1/org', { body: doc });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { issues: Array<{ path: string }> };
    expect(body.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['reports.daily.time', 'reports.destinations[0].url', 'reports.destinations[0].urlEnv'])
    );
    const after = (await (await server.call('GET', '/api/v1/org')).json()) as { revision: number };
    expect(after.revision).toBe(current.revision);
  });

  it('sends the weekly committee pack when the week closes, with its top incidents', async () => {
    const doc = org();
    doc.reports.smtp.port = smtp.port;
    (doc.reports as Record<string, unknown>).committee = { week: { destinations: ['hook'] } };
    expect((await server.call('PUT', '/api/v1/org', { body: doc })).status).toBe(200);
    clock = at('2026-12-06T22:00:00Z'); // Sunday: the week of 30 November is still open
    await scheduler('a').tick();
    expect(http.received.filter((r) => (r.body as { id?: string }).id?.startsWith('rp-week-'))).toEqual([
      expect.objectContaining({ body: expect.objectContaining({ id: 'rp-week-2026-W48' }) }),
    ]);
    clock = at('2026-12-07T00:05:00Z'); // Monday, in UTC (the org's timezone)
    await Promise.all([scheduler('a').tick(), scheduler('b').tick()]);
    const packs = http.received.filter((r) => (r.body as { id?: string }).id === 'rp-week-2026-W49');
    expect(packs).toHaveLength(1);
    const pack = (packs[0]!.body as { report: ReportDetail['content'] }).report;
    expect(pack.title).toBe('Stability committee pack, Week 2026-W49');
    const incidents = pack.sections.find((s) => s.id === 'incidents')!;
    expect(incidents.items.map((i) => i.text)).toEqual(['P1 Card payments <failing> & retried']);
    expect(incidents.items[0]!.link).toBe('https://grafana.example.com/a/ballast-stability-app/incidents/inc-1');
  });

  it('sends a saved review as its pack, once, exactly as saved', async () => {
    const doc = org();
    doc.reports.smtp.port = smtp.port;
    (doc.reports as Record<string, unknown>).committee = { review: { destinations: ['hook'] } };
    expect((await server.call('PUT', '/api/v1/org', { body: doc })).status).toBe(200);
    const saved = await server.call('POST', '/api/v1/reviews', {
      body: {
        id: 'rv-payments-w48',
        period: 'week',
        at: '2026-11-25T12:00:00Z',
        title: 'Weekly review W48',
        notes: 'Payments on watch',
      },
    });
    expect(saved.status, await saved.clone().text()).toBe(201);
    clock = Date.now() + 1000; // the review was saved now (the server's clock)
    await Promise.all([scheduler('a').tick(), scheduler('b').tick()]);
    await scheduler('a').tick();
    const packs = http.received.filter((r) => (r.body as { id?: string }).id === 'rp-review-rv-payments-w48');
    expect(packs).toHaveLength(1);
    const pack = (packs[0]!.body as { report: ReportDetail['content'] }).report;
    expect(pack.title).toBe('Stability committee pack, Weekly review W48');
    expect(pack.subtitle).toContain('Payments on watch');
  });

  it('a delivery whose process died mid-send is marked interrupted after its lease, not sent again', async () => {
    clock = at('2026-12-04T07:31:00Z');
    const dead = scheduler('dead');
    // The dead process claims and produces the report, then takes every delivery and stops.
    await dead.reportStore.claim('daily', '2026-12-04', 'dead', clock, 60_000);
    await dead.reportStore.produce(
      'rp-daily-2026-12-04',
      'dead',
      { title: 'x', document: JSON.stringify({ sections: [] }) },
      [{ id: 'hook', kind: 'webhook' }],
      clock
    );
    expect(await dead.reportStore.takeDue(clock, 'dead', 5 * 60_000)).toHaveLength(1);
    const sent = http.received.length;
    clock += 4 * 60_000; // within the lease: left alone
    await scheduler('a').tick();
    expect((await report('rp-daily-2026-12-04')).deliveries[0]!.status).toBe('sending');
    clock += 2 * 60_000;
    await scheduler('a').tick();
    const [hook] = (await report('rp-daily-2026-12-04')).deliveries;
    expect(hook).toMatchObject({ status: 'interrupted', attempts: 1 });
    expect(hook!.lastError).toMatch(/stopped while sending/);
    expect(http.received.length).toBe(sent);
  });

  it('never resends after a restart, and no secret reaches the log', async () => {
    // Back to Monday 00:10 (UTC): everything due then was produced and sent above.
    clock = at('2026-12-07T00:10:00Z');
    const count = http.received.length + smtp.mails.length;
    await scheduler('restarted').tick();
    clock += 3_600_000;
    await scheduler('restarted').tick();
    expect(http.received.length + smtp.mails.length).toBe(count);
    const log = logs.join('');
    expect(log).toContain('report delivered');
    for (const secret of [SLACK_TOKEN, 'mm-secret-id', SMTP.pass]) expect(log).not.toContain(secret);
    const orgDoc = await (await server.call('GET', '/api/v1/org')).text();
    expect(orgDoc).toContain('T_SLACK_URL');
    expect(orgDoc).not.toContain(SLACK_TOKEN);
  });
});
