/**
 * The README's pictures of the Reports page (docs/img/reports-*.png): the built app in headless
 * Chromium against a real demo-seeded exporter (scripts/harness.ts), whose org gets a `reports:`
 * section with a generic webhook (a local receiver) and a Slack destination whose URL variable is
 * not set, so the page shows a delivered and a retrying delivery. Run after
 * `npm run build -w exporter && npm run build -w app-plugin`: `npx tsx scripts/reports-screenshot.ts`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ADMIN_TOKEN, openPage, startExporter, startHarness } from './harness';

const APP = '/a/ballast-stability-app';
const OUT = path.resolve(__dirname, '..', '..', 'docs', 'img');

async function main() {
  let received = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  process.env.HARNESS_REPORT_HOOK_URL = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  process.env.BALLAST_REPORTS_TICK_MS = '300';
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
        destinations: [
          { id: 'report-archive', kind: 'webhook', urlEnv: 'HARNESS_REPORT_HOOK_URL' },
          { id: 'eng-slack', kind: 'slack', urlEnv: 'HARNESS_SLACK_URL_NOT_SET' },
        ],
        daily: { time: '00:00', timezone: 'UTC', destinations: ['report-archive', 'eng-slack'] },
      },
    });
    if (!put.ok) {
      throw new Error(`PUT /org: ${put.status} ${await put.text()}`);
    }
    let id: string | undefined;
    for (let i = 0; i < 100 && (!id || received === 0); i++) {
      await new Promise((r) => setTimeout(r, 200));
      id = ((await (await call('GET', '/reports')).json()) as { items: Array<{ id: string }> }).items[0]?.id;
    }
    if (!id) {
      throw new Error('no report was produced');
    }
    await openPage(h, `${APP}/reports`);
    await h.page.waitForSelector('[data-testid="reports-table"]');
    await h.page.screenshot({ path: path.join(OUT, 'reports-list.png'), fullPage: true });
    await openPage(h, `${APP}/reports/${encodeURIComponent(id)}`);
    await h.page.waitForSelector('[data-testid="report-content"]');
    await h.page.screenshot({ path: path.join(OUT, 'reports-detail.png'), fullPage: true });
    process.stdout.write(`${JSON.stringify({ report: id, received, shots: OUT })}\n`);
  } finally {
    await h.close();
    await exporter.close();
    receiver.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
