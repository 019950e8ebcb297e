/**
 * Scheduled reports across processes (issue 16): two exporters (`ballast serve`) on one real
 * PostgreSQL, one config file with `reports:`, a real Prometheus answering the business-volume
 * queries, a local HTTP receiver (Slack, Teams, generic webhook) and a local SMTP server
 * (smtp-server). Each report is produced once and delivered once per destination; the Slack
 * receiver fails first and the delivery is retried; a restarted exporter sends nothing again;
 * /metrics counts the attempts. The schedule is not waited for: the daily time is 00:00 UTC,
 * so the day's report is due as the exporters start.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { ReportDetail, ReportListResponse } from '@ballast/contract';
import {
  startHttpReceiver,
  startSmtpReceiver,
  type HttpReceiver,
  type SmtpReceiver,
} from '../exporter/test/reports-receivers.js';
import { makeTempDir } from './support/cleanup.js';
import { startExporter, type ExporterProcess } from './support/exporter.js';
import { startPostgres, type PostgresServer } from './support/postgres.js';
import { startPrometheus, type PrometheusServer } from './support/prometheus.js';
import { execFileSync } from 'node:child_process';
import { binaryPath } from './support/binaries.js';
import { waitUntil } from './support/process.js';

const SLACK_PATH = '/services/T01/B01/cross-process-secret';
const SMTP_AUTH = { user: 'ballast', pass: 'smtp-secret-9f3a' };

let postgres: PostgresServer;
let prometheus: PrometheusServer;
let http: HttpReceiver;
let smtp: SmtpReceiver;
let configFile: string;
let env: Record<string, string>;
const exporters: ExporterProcess[] = [];

const today = new Date().toISOString().slice(0, 10);
const dailyId = `rp-daily-${today}`;

beforeAll(async () => {
  [postgres, prometheus, http, smtp] = await Promise.all([
    startPostgres(),
    startPrometheus(),
    startHttpReceiver(),
    startSmtpReceiver(SMTP_AUTH),
  ]);
  http.failNext(SLACK_PATH, 1, 500, 'slack is down');
  const dir = makeTempDir('reports');
  configFile = path.join(dir.path, 'ballast.yml');
  writeFileSync(
    configFile,
    YAML.stringify({
      businessLines: [
        { id: 'payments', name: 'Payments', owner: 'Ada' },
        { id: 'commerce', name: 'Commerce', owner: 'Grace' },
      ],
      teams: [{ id: 'checkout', name: 'Checkout', businessLine: 'payments', manager: 'Ken' }],
      services: [{ id: 'checkout-api', name: 'Checkout API', team: 'checkout', owner: 'Dennis' }],
      goals: [{ year: Number(today.slice(0, 4)), kpi: 'high_priority_alerts_per_day', target: 5 }],
      reports: {
        grafanaUrl: 'https://grafana.example.com',
        prometheus: { url: prometheus.url },
        businessVolume: [
          // Seconds past midnight UTC at the evaluation time, plus 42: 42 only if the query is
          // evaluated at the end of the reported day (midnight UTC), as it must be.
          { businessLine: 'payments', query: '(time() % 86400) + 42', unit: 'payments' },
          { businessLine: 'commerce', query: 'sum(vector(1234))', unit: 'orders' },
        ],
        smtp: {
          host: '127.0.0.1',
          port: smtp.port,
          from: 'ballast@example.com',
          userEnv: 'R_SMTP_USER',
          passwordEnv: 'R_SMTP_PASS',
        },
        destinations: [
          { id: 'slack', kind: 'slack', urlEnv: 'R_SLACK_URL' },
          { id: 'teams', kind: 'teams', urlEnv: 'R_TEAMS_URL' },
          { id: 'hook', kind: 'webhook', urlEnv: 'R_HOOK_URL' },
          { id: 'mail', kind: 'email', to: ['eng@example.com'] },
        ],
        daily: { time: '00:00', timezone: 'UTC', destinations: ['slack', 'teams', 'hook', 'mail'] },
      },
    })
  );
  env = {
    R_SLACK_URL: `${http.url}${SLACK_PATH}`,
    R_TEAMS_URL: `${http.url}/teams`,
    R_HOOK_URL: `${http.url}/hook`,
    R_SMTP_USER: SMTP_AUTH.user,
    R_SMTP_PASS: SMTP_AUTH.pass,
    BALLAST_REPORTS_TICK_MS: '150',
    BALLAST_REPORTS_RETRY_BASE_MS: '300',
    BALLAST_LOG_LEVEL: 'info',
  };
}, 120_000);

afterAll(async () => {
  for (const e of exporters) await e.stop();
  await Promise.all([postgres?.stop(), prometheus?.stop(), http?.close(), smtp?.close()]);
});

const start = async () => {
  const e = await startExporter({ databaseUrl: postgres.url, configFile, env });
  exporters.push(e);
  return e;
};
const deliveredCount = () => http.received.length + smtp.mails.length;
const json = async <T>(e: ExporterProcess, p: string) => (await (await e.call('GET', p)).json()) as T;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scheduled reports across exporters', () => {
  let a: ExporterProcess;
  let b: ExporterProcess;

  it('two exporters on one PostgreSQL deliver the daily report once per destination', async () => {
    [a, b] = await Promise.all([start(), start()]);
    await waitUntil(async () => deliveredCount() >= 4, { what: 'four deliveries', timeoutMs: 30_000 });
    // Many more ticks of both processes: still one of each.
    await sleep(1500);
    expect(http.received.map((r) => r.path).sort()).toEqual(['/hook', '/teams', SLACK_PATH].sort());
    expect(smtp.mails).toHaveLength(1);
    const list = await json<ReportListResponse>(b, '/api/v1/reports');
    expect(list.items.map((r) => r.id)).toEqual([dailyId]);
    expect(list.items[0]!.deliveries).toEqual({ total: 4, delivered: 4 });
  }, 90_000);

  it('the failing Slack receiver was retried: failed once, then delivered', async () => {
    const detail = await json<ReportDetail>(a, `/api/v1/reports/${dailyId}`);
    const slack = detail.deliveries.find((d) => d.destination === 'slack')!;
    expect(slack).toMatchObject({ status: 'delivered', attempts: 2, lastError: null });
    expect(detail.deliveries.filter((d) => d.destination !== 'slack').map((d) => d.attempts)).toEqual([1, 1, 1]);
    // The attempts, summed over both processes' /metrics.
    const metrics = (await Promise.all([a, b].map(async (e) => (await e.call('GET', '/metrics')).text()))).join('\n');
    const sum = (labels: string) =>
      [...metrics.matchAll(new RegExp(`^ballast_report_deliveries_total\\{${labels}\\} (\\d+)$`, 'gm'))].reduce(
        (n, m) => n + Number(m[1]),
        0
      );
    expect(sum('kind="daily",destination="slack",outcome="retrying"')).toBe(1);
    expect(sum('kind="daily",destination="slack",outcome="delivered"')).toBe(1);
    expect(sum('kind="daily",destination="mail",outcome="delivered"')).toBe(1);
    expect(metrics).toMatch(/^ballast_report_deliveries\{destination="slack",status="delivered"\} 1$/m);
    expect(metrics).not.toContain('cross-process-secret');
    // The report families, with samples, pass Prometheus's own exposition check (empty output).
    const one = await (await a.call('GET', '/metrics')).text();
    const lint = execFileSync(binaryPath('promtool'), ['check', 'metrics'], { input: one, encoding: 'utf8' });
    expect(lint.trim()).toBe('');
  });

  it('reads business volume from the real Prometheus at the end of the reported day', async () => {
    const hook = http.received.find((r) => r.path === '/hook')!.body as { report: ReportDetail['content'] };
    const volume = hook.report.sections.find((s) => s.id === 'volume')!;
    expect(volume.items.map((i) => i.text)).toEqual(['Payments: 42 payments', 'Commerce: 1234 orders']);
  });

  it('delivers Slack Block Kit and the email with HTML and text', async () => {
    const slack = http.received.find((r) => r.path === SLACK_PATH)!.body as { blocks: Array<{ type: string }> };
    expect(slack.blocks[0]).toMatchObject({ type: 'header' });
    expect(slack.blocks.filter((b) => b.type === 'section').length).toBeGreaterThanOrEqual(7);
    const [mail] = smtp.mails;
    expect(mail!.auth).toEqual({ user: SMTP_AUTH.user, pass: SMTP_AUTH.pass });
    expect(mail!.html).toContain(`Stability daily report, ${today}</h1>`);
    expect(mail!.text).toContain('Payments: 42 payments');
  });

  it('a restarted exporter sends nothing again, and no log line holds a secret', async () => {
    const before = deliveredCount();
    const logs = [a.logTail(2000), b.logTail(2000)].join('\n');
    await Promise.all([a.stop(), b.stop()]);
    const c = await start();
    await sleep(1500);
    expect(deliveredCount()).toBe(before);
    const list = await json<ReportListResponse>(c, '/api/v1/reports');
    expect(list.total).toBe(1);
    expect(logs).toContain('report delivered');
    for (const secret of ['cross-process-secret', SMTP_AUTH.pass]) expect(logs + c.logTail(2000)).not.toContain(secret);
  }, 60_000);
});
