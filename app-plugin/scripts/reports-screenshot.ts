/**
 * The README's pictures of the Reports page (docs/img/reports-*.png): the built app in headless
 * Chromium against a real demo-seeded exporter (scripts/harness.ts), whose org gets a `reports:`
 * section with business volume from a real Prometheus (test/support/prometheus.ts), a generic
 * webhook and a Slack webhook, both local receivers; the Slack one answers 500, so the page shows
 * a delivered and a retrying delivery with the error as a real outage reads. Run after
 * `npm run build -w exporter && npm run build -w app-plugin`: `npx tsx scripts/reports-screenshot.ts`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startPrometheus } from '../../test/support/prometheus';
import { ADMIN_TOKEN, openPage, startExporter, startHarness } from './harness';

const APP = '/a/ballast-stability-app';
const OUT = path.resolve(__dirname, '..', '..', 'docs', 'img');
const SLACK_PATH = '/services/T0/B0/eng';
// The day's volume per demo business line. The query runs at the end of the reported day, before
// this Prometheus started, so only a constant expression has a value then.
const VOLUME = [
  { businessLine: 'payments', query: 'sum(vector(1284000))', unit: 'payments' },
  { businessLine: 'commerce', query: 'sum(vector(3410000))', unit: 'orders' },
  { businessLine: 'logistics', query: 'sum(vector(412000))', unit: 'shipments' },
];

async function main() {
  let received = 0;
  let slackAttempts = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === SLACK_PATH) {
        slackAttempts++;
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal_error');
        return;
      }
      received++;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  process.env.BALLAST_REPORT_ARCHIVE_URL = `${base}/hook`;
  process.env.BALLAST_SLACK_ENG_URL = `${base}${SLACK_PATH}`;
  process.env.BALLAST_REPORTS_TICK_MS = '300';
  const prometheus = await startPrometheus();
  const exporter = await startExporter();
  const h = await startHarness(exporter.url);
  const call = (method: string, p: string, body?: unknown) =>
    fetch(`${exporter.url}/api/v1${p}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  try {
    const org = (await (await call('GET', '/org')).json()) as Record<string, unknown>;
    const { revision: _revision, ...doc } = org;
    const put = await call('PUT', '/org', {
      ...doc,
      reports: {
        grafanaUrl: 'https://grafana.example.com',
        prometheus: { url: prometheus.url },
        businessVolume: VOLUME,
        destinations: [
          { id: 'report-archive', kind: 'webhook', urlEnv: 'BALLAST_REPORT_ARCHIVE_URL' },
          { id: 'eng-slack', kind: 'slack', urlEnv: 'BALLAST_SLACK_ENG_URL' },
        ],
        daily: { time: '00:00', timezone: 'UTC', destinations: ['report-archive', 'eng-slack'] },
      },
    });
    if (!put.ok) {
      throw new Error(`PUT /org: ${put.status} ${await put.text()}`);
    }
    let id: string | undefined;
    for (let i = 0; i < 100 && (!id || received === 0 || slackAttempts === 0); i++) {
      await new Promise((r) => setTimeout(r, 200));
      id = ((await (await call('GET', '/reports')).json()) as { items: Array<{ id: string }> }).items[0]?.id;
    }
    if (!id || slackAttempts === 0) {
      throw new Error(`no report was produced and tried (${id ?? 'no report'}, ${slackAttempts} Slack attempts)`);
    }
    // The receivers have answered; wait until the exporter has recorded both outcomes too.
    const settled = async () => {
      const detail = (await (await call('GET', `/reports/${encodeURIComponent(id!)}`)).json()) as {
        deliveries: Array<{ status: string; lastError: string | null }>;
      };
      return detail.deliveries.every((d) => d.status === 'delivered' || d.lastError !== null);
    };
    for (let i = 0; i < 50 && !(await settled()); i++) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await openPage(h, `${APP}/reports`);
    await h.page.waitForSelector('[data-testid="reports-table"]');
    await h.page.screenshot({ path: path.join(OUT, 'reports-list.png'), fullPage: true });
    await openPage(h, `${APP}/reports/${encodeURIComponent(id)}`);
    await h.page.waitForSelector('[data-testid="report-content"]');
    await h.page.screenshot({ path: path.join(OUT, 'reports-detail.png'), fullPage: true });
    process.stdout.write(`${JSON.stringify({ report: id, received, slackAttempts, shots: OUT })}\n`);
  } finally {
    await h.close();
    await exporter.close();
    await prometheus.stop();
    receiver.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
