// Inspection findings through a real Alertmanager (Debian's prometheus-alertmanager), routed by the
// configuration docs/ingestion.md gives (read from the doc, only the addresses replaced): an
// inspection alert opens a finding and is no alert record, an ordinary alert still is one; the
// same inspection added again with --end in the same second, which Alertmanager merges to the
// earlier, second-precision startsAt, closes that finding (one finding, closure counted once).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import YAML from 'yaml';
import { KpiService } from '../exporter/src/service/kpis.js';
import { writeConfigFile } from '../exporter/test/ingest-fixtures.js';
import { startTestServer, TOKENS, type TestServer } from '../exporter/test/helpers/server.js';
import { startAlertmanager, type AlertmanagerServer } from './support/alertmanager.js';

let exporter: TestServer;
let alertmanager: AlertmanagerServer;
let dataDir: string;

/** The alertmanager.yml block of the findings section of docs/ingestion.md. */
function documentedConfig(): { route: { routes: Record<string, unknown>[] }; receivers: Record<string, unknown>[] } {
  const doc = readFileSync(path.join(import.meta.dirname, '..', 'docs', 'ingestion.md'), 'utf8');
  const block = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .find((b) => b.startsWith('# alertmanager.yml') && b.includes('ballast-findings'));
  if (!block) throw new Error('docs/ingestion.md has no alertmanager.yml block for ballast-findings');
  return YAML.parse(block);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ballast-am-findings-'));
  exporter = await startTestServer({ dataDir }, { configFile: await writeConfigFile() });
  const tokenFile = path.join(dataDir, 'ballast-ingest-token');
  await writeFile(tokenFile, TOKENS.ingest);
  const config = documentedConfig();
  for (const receiver of config.receivers)
    for (const hook of receiver.webhook_configs as { url: string; http_config: unknown }[]) {
      hook.url = hook.url.replace('http://ballast:9464', exporter.url);
      hook.http_config = { authorization: { type: 'Bearer', credentials_file: tokenFile } };
    }
  // Short timers so the test sees notifications quickly; the alert route the doc leaves to you.
  const fast = { group_wait: '1s', group_interval: '1s', repeat_interval: '2s' };
  for (const route of config.route.routes) Object.assign(route, fast);
  const yaml = YAML.stringify({
    route: { receiver: 'ballast', group_by: ['alertname'], ...fast, routes: config.route.routes },
    receivers: [
      ...config.receivers,
      {
        name: 'ballast',
        webhook_configs: [
          {
            url: `${exporter.url}/api/v1/ingest/alertmanager`,
            send_resolved: true,
            http_config: { authorization: { type: 'Bearer', credentials_file: tokenFile } },
          },
        ],
      },
    ],
  });
  alertmanager = await startAlertmanager({ configYaml: yaml });
}, 120_000);

afterAll(async () => {
  await alertmanager?.stop();
  await exporter?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${alertmanager?.logTail(20)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const list = async (collection: string, query: string) =>
  (await (await exporter.call('GET', `/api/v1/${collection}?${query}`, { role: 'read' })).json()).items as {
    id: string;
    foundAt?: string;
    closedAt?: string;
  }[];

it('an inspection alert is a finding (not an alert), closed on resolve even when Alertmanager moved startsAt', async () => {
  const kpis = new KpiService(exporter.services.store, exporter.services.orgs);
  const closure = async () =>
    (await kpis.values('7d', { level: 'org' })).values.find((v) => v.kpi === 'inspection_closure_ratio');
  const inspection = {
    alertname: 'BallastInspectionTest',
    inspection: 'true',
    severity: 'critical',
    target_type: 'database',
    app: 'ledger-db',
  };
  // Early in a second, so the end given below (that second, as amtool takes it) lies before the
  // start Alertmanager stamps on the first add: it then merges to the earlier start.
  while (Date.now() % 1000 > 300) await new Promise((r) => setTimeout(r, 10));
  const second = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  await alertmanager.addAlert(inspection);
  await alertmanager.addAlert({ alertname: 'BallastOrdinaryAlert', severity: 'critical', app: 'checkout-api' });
  const [opened] = await until('the finding', async () => {
    const items = await list('findings', 'check=BallastInspectionTest');
    return items.length > 0 && items;
  });
  expect(opened).toMatchObject({ targetType: 'database', severity: 'critical', service: 'ledger-db' });
  expect(opened!.closedAt).toBeUndefined();
  await until('the ordinary alert', async () => (await list('alerts', 'name=BallastOrdinaryAlert')).length > 0);
  expect(await list('alerts', 'name=BallastInspectionTest')).toEqual([]);

  await alertmanager.addAlert(inspection, { end: second });
  const [closed] = await until('the closed finding', async () => {
    const items = await list('findings', 'check=BallastInspectionTest');
    return items[0]?.closedAt !== undefined && items;
  });
  expect(await list('findings', 'check=BallastInspectionTest')).toHaveLength(1);
  expect(closed!.id).toBe(opened!.id);
  // The case itself: the resolve came with the earlier start Alertmanager merged to, taken by the finding.
  expect(Date.parse(closed!.foundAt!)).toBeLessThan(Date.parse(opened!.foundAt!));
  expect(await closure()).toMatchObject({ numerator: 1, denominator: 1 });
}, 90_000);
