/**
 * What people receive, looked at: a real exporter (`ballast serve`) sends its daily report to a
 * local Slack-style receiver and a local SMTP server; the Slack message as posted (Block Kit) is
 * rendered to HTML (test/support/blockkit.ts, Slack's layout, since no Slack runs here) and the
 * email's HTML part is opened as a mail client shows it, both in headless Chromium. Business
 * volume comes from a real Prometheus (test/support/prometheus.ts) answering the configured PromQL
 * at /api/v1/query. The pictures go to a temp dir, or to docs/img/ (the README's) with
 * BALLAST_SCREENSHOTS=1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import {
  startHttpReceiver,
  startSmtpReceiver,
  type HttpReceiver,
  type SmtpReceiver,
} from '../exporter/test/reports-receivers.js';
import { compact } from '../exporter/src/domain/reports.js';
import { blockKitPage } from './support/blockkit.js';
import { withPage } from './support/chromium.js';
import { makeTempDir } from './support/cleanup.js';
import { startExporter, type ExporterProcess } from './support/exporter.js';
import { waitUntil } from './support/process.js';
import { startPrometheus, type PrometheusServer } from './support/prometheus.js';

const OUT = process.env.BALLAST_SCREENSHOTS === '1' ? path.resolve(import.meta.dirname, '../docs/img') : '';
let out: string;
let http: HttpReceiver;
let smtp: SmtpReceiver;
let exporter: ExporterProcess;
let prometheus: PrometheusServer;

// The day's volume per business line. The query is evaluated at the end of the reported day
// (midnight UTC), before this Prometheus started, so no scraped series has a sample then: a
// constant vector is what it can truly answer at that time (docs/reports.md shows the production
// form, sum(increase(x_total[1d]))).
const VOLUME = { payments: 1_284_000, commerce: 3_410_000 };

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
// Yesterday in UTC, so the records fall into the reported day.
const yesterday = (hh: number) => {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - 1);
  d.setUTCHours(hh, 0, 0, 0);
  return d.toISOString();
};

beforeAll(async () => {
  out = OUT || makeTempDir('reportshots').path;
  mkdirSync(out, { recursive: true });
  [http, smtp, prometheus] = await Promise.all([startHttpReceiver(), startSmtpReceiver(), startPrometheus()]);
  const dir = makeTempDir('reportshotsexporter');
  const configFile = path.join(dir.path, 'ballast.yml');
  writeFileSync(
    configFile,
    YAML.stringify({
      businessLines: [
        { id: 'payments', name: 'Payments', owner: 'Ada' },
        { id: 'commerce', name: 'Commerce', owner: 'Grace' },
      ],
      teams: [
        { id: 'checkout', name: 'Checkout', businessLine: 'payments', manager: 'Ken' },
        { id: 'catalog', name: 'Catalog', businessLine: 'commerce', manager: 'Linus' },
      ],
      services: [
        { id: 'checkout-api', name: 'Checkout API', team: 'checkout', owner: 'Dennis' },
        { id: 'catalog-web', name: 'Catalog Web', team: 'catalog', owner: 'Alan' },
      ],
      changeSystems: [{ id: 'manual', name: 'Manual console', integrated: false }],
      goals: [
        { year: new Date().getUTCFullYear(), kpi: 'high_priority_alerts_per_day', target: 2 },
        { year: new Date().getUTCFullYear(), kpi: 'high_priority_incidents', target: 4 },
      ],
      reports: {
        grafanaUrl: 'https://grafana.example.com',
        prometheus: { url: prometheus.url },
        businessVolume: [
          { businessLine: 'payments', query: `sum(vector(${VOLUME.payments}))`, unit: 'payments' },
          { businessLine: 'commerce', query: `sum(vector(${VOLUME.commerce}))`, unit: 'orders' },
        ],
        smtp: { host: '127.0.0.1', port: smtp.port, from: 'Ballast <ballast@example.com>' },
        destinations: [
          { id: 'eng-slack', kind: 'slack', urlEnv: 'SHOT_SLACK_URL' },
          { id: 'eng-mail', kind: 'email', to: ['engineering@example.com'] },
        ],
        daily: { time: '00:00', timezone: 'UTC', destinations: ['eng-slack', 'eng-mail'] },
      },
    })
  );
  // Scheduler off while the records go in; the restart below sends the report.
  const seedEnv = { BALLAST_REPORTS_TICK_MS: '0' };
  const seeding = await startExporter({ dataDir: dir.path, configFile, env: seedEnv });
  const put = async (p: string, body: object) => {
    const res = await seeding.call('PUT', `/api/v1/${p}`, { body });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
  };
  for (let i = 0; i < 4; i++)
    await put(`alerts/lat-${i}`, {
      name: 'CheckoutLatencyHigh',
      severity: 'critical',
      service: 'checkout-api',
      startsAt: yesterday(2 + i),
    });
  await put('alerts/disk', {
    name: 'DiskAlmostFull',
    severity: 'warning',
    service: 'catalog-web',
    startsAt: yesterday(9),
  });
  await put('incidents/inc-7', {
    title: 'Card payments failing for 3% of checkouts',
    priority: 'P1',
    service: 'checkout-api',
    startedAt: yesterday(3),
    detectedAt: yesterday(3),
    detectionSource: 'monitoring',
  });
  await put('findings/f-1', {
    check: 'Backups restored in the last 90 days',
    targetType: 'database',
    severity: 'high',
    service: 'catalog-web',
    foundAt: hoursAgo(24 * 20),
    dueAt: hoursAgo(24 * 5),
  });
  await put('changes/ch-1', {
    title: 'Hotfix: retry budget',
    system: 'manual',
    service: 'checkout-api',
    kind: 'deploy',
    startedAt: yesterday(15),
  });
  await seeding.stop();
  exporter = await startExporter({
    dataDir: dir.path,
    configFile,
    env: { SHOT_SLACK_URL: `${http.url}/services/T0/B0/shot`, BALLAST_REPORTS_TICK_MS: '200' },
  });
  await waitUntil(async () => http.received.length >= 1 && smtp.mails.length >= 1, {
    what: 'the Slack message and the email',
    timeoutMs: 30_000,
  });
}, 120_000);

afterAll(async () => {
  await exporter?.stop();
  await Promise.all([http?.close(), smtp?.close(), prometheus?.stop()]);
});

describe('the delivered daily report, rendered', () => {
  it('the Slack message (Block Kit as posted, in Slack layout)', async () => {
    const message = http.received[0]!.body as { blocks: Array<{ type: string }> };
    const page = blockKitPage(message as never, { app: 'Ballast', time: '08:30' });
    const file = path.join(out, 'report-slack.png');
    const text = await withPage(async (p) => {
      await p.setViewportSize({ width: 820, height: 600 });
      await p.setContent(page);
      await p.screenshot({ path: file, fullPage: true });
      return p.innerText('body');
    });
    expect(text).toContain('Stability daily report');
    expect(text).toContain('4 yesterday against a daily target of 2');
    expect(text).toContain('P1 Card payments failing for 3% of checkouts');
    // Prometheus's answer, beside the line's alerts (the four critical checkout-api alerts).
    expect(text).toContain('Business volume and alerts');
    expect(text).toContain(`Payments: ${compact(VOLUME.payments)} payments`);
    expect(text).toContain(`Commerce: ${compact(VOLUME.commerce)} orders`);
    expect(text).toContain(`4 alerts (4 high-severity) · ${compact((4 / VOLUME.payments) * 1e6)} alerts per million`);
  });

  it('the email (its HTML part, as a mail client shows it)', async () => {
    const [mail] = smtp.mails;
    const file = path.join(out, 'report-email.png');
    const links = await withPage(async (p) => {
      await p.setViewportSize({ width: 820, height: 600 });
      await p.setContent(mail!.html);
      await p.screenshot({ path: file, fullPage: true });
      return p.$$eval('a', (as) => as.map((a) => (a as HTMLAnchorElement).href));
    });
    expect(links.length).toBeGreaterThan(8);
    expect(links.every((l) => l.startsWith('https://grafana.example.com/a/ballast-stability-app'))).toBe(true);
    expect(mail!.text).toContain('Open high-priority incidents: 1 open');
    expect(mail!.text).toContain(`Payments: ${compact(VOLUME.payments)} payments`);
    expect(mail!.html).toContain('Business volume and alerts');
  });
});
