// A real Prometheus rule fires, a real Alertmanager (Debian's prometheus-alertmanager) delivers its
// webhook to a real exporter on loopback: one alert record, owned via the configured label; an
// Alertmanager restart that re-sends changes nothing; resolving sets endsAt on the same record.
// And issue 15's case: an alert added with amtool, then again with --end, which Alertmanager merges
// to the earlier, second-precision startsAt: one record (one episode of the fingerprint), counted once.
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KpiService } from '../exporter/src/service/kpis.js';
import { writeConfigFile } from '../exporter/test/ingest-fixtures.js';
import { startTestServer, TOKENS, type TestServer } from '../exporter/test/helpers/server.js';
import { startAlertmanager, type AlertmanagerServer } from './support/alertmanager.js';
import { startPrometheus, type PrometheusServer } from './support/prometheus.js';

const rule = (expr: string) => `groups:
  - name: ballast-webhook-test
    interval: 1s
    rules:
      - alert: BallastWebhookTest
        expr: ${expr}
        labels:
          severity: critical
          app: checkout-api
        annotations:
          summary: fired by the Ballast webhook test
`;

let exporter: TestServer;
let alertmanager: AlertmanagerServer;
let prometheus: PrometheusServer;
let dataDir: string;
let relay: Server;
/** What Alertmanager really posted, in order (the relay forwards each to the exporter unchanged). */
const deliveries: { authorization: string; body: string }[] = [];

interface AlertRecord {
  id: string;
  name: string;
  service?: string;
  team?: string;
  severity: string;
  startsAt: string;
  endsAt?: string;
  updatedAt: string;
}

const alerts = async (): Promise<AlertRecord[]> =>
  (await (await exporter.call('GET', '/api/v1/alerts?name=BallastWebhookTest', { role: 'read' })).json()).items;

const received = async (): Promise<number> => {
  const text = await (await exporter.call('GET', '/metrics', { role: 'read' })).text();
  const line = text.split('\n').find((l) => l.startsWith('ballast_ingest_received_total{source="alertmanager"}'));
  return line ? Number(line.split(' ').pop()) : 0;
};

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}\n--- alertmanager ---\n${alertmanager?.logTail(20)}\n--- prometheus ---\n${prometheus?.logTail(20)}`
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ballast-am-webhook-'));
  exporter = await startTestServer({ dataDir }, { configFile: await writeConfigFile() });
  // A recording relay between Alertmanager and the exporter, so the test can re-deliver a payload
  // exactly as Alertmanager sent it (Alertmanager retries a delivery it did not see answered).
  relay = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const authorization = req.headers.authorization ?? '';
      deliveries.push({ authorization, body });
      const answer = await fetch(`${exporter.url}${req.url}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body,
      });
      res
        .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' })
        .end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
  alertmanager = await startAlertmanager({
    // Short timers so the test sees the first notification, repeats and the resolution quickly.
    configYaml: `route:
  receiver: ballast
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 2s
receivers:
  - name: ballast
    webhook_configs:
      - url: ${relayUrl}/api/v1/ingest/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${TOKENS.ingest}
`,
  });
  prometheus = await startPrometheus({
    alertmanagerUrl: alertmanager.url,
    ruleFiles: { 'ballast-test.yml': rule('vector(1)') },
    evaluationInterval: '1s',
    extraArgs: ['--rules.alert.resend-delay=1s'],
  });
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await alertmanager?.stop();
  await new Promise((resolve) => (relay ? relay.close(resolve) : resolve(undefined)));
  await exporter?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('fire, Alertmanager restart with re-sends, resolve: one record, endsAt set, nothing doubled', async () => {
  const [fired] = await until('the firing alert in the exporter', async () => {
    const items = await alerts();
    return items.length > 0 && items;
  });
  expect(fired).toMatchObject({
    name: 'BallastWebhookTest',
    severity: 'critical',
    service: 'checkout-api',
    team: 'checkout',
  });
  expect(fired!.id).toMatch(new RegExp(`^am-[0-9a-f]+-${Date.parse(fired!.startsAt)}$`));
  expect(fired!.endsAt).toBeUndefined();

  // Alertmanager forgets its alerts on restart; Prometheus re-sends and the webhook fires again.
  const before = await received();
  await alertmanager.restart();
  await until('a webhook delivery after the restart', async () => (await received()) > before);
  expect(await alerts()).toEqual([fired]);

  // Resolve: the rule no longer matches anything.
  writeFileSync(path.join(prometheus.dir, 'rules', 'ballast-test.yml'), rule('vector(1) > 2'));
  await prometheus.reload();
  const [resolved] = await until('endsAt on the alert record', async () => {
    const items = await alerts();
    return items[0]?.endsAt !== undefined && items;
  });
  expect(resolved).toMatchObject({ id: fired!.id, startsAt: fired!.startsAt });
  expect(Date.parse(resolved!.endsAt!)).toBeGreaterThan(Date.parse(fired!.startsAt));

  // Alertmanager's dedup stage does not notify an all-resolved group twice, so the retry of a
  // resolved notification is re-delivered here, byte for byte as Alertmanager sent it: accepted,
  // counted as received, and still one record, unchanged (updatedAt too), counted once.
  const last = [...deliveries].reverse().find((d) => (JSON.parse(d.body) as { status: string }).status === 'resolved');
  expect(last, 'Alertmanager delivered the resolved notification').toBeDefined();
  expect(JSON.parse(last!.body)).toMatchObject({
    status: 'resolved',
    alerts: [{ status: 'resolved', labels: { alertname: 'BallastWebhookTest' } }],
  });
  const afterResolve = await received();
  for (let i = 0; i < 2; i++) {
    const retry = await fetch(`${exporter.url}/api/v1/ingest/alertmanager`, {
      method: 'POST',
      headers: { authorization: last!.authorization, 'content-type': 'application/json' },
      body: last!.body,
    });
    expect(retry.status, await retry.clone().text()).toBe(200);
  }
  expect(await received()).toBe(afterResolve + 2);
  expect(await alerts()).toEqual([resolved]);
  const { values } = await new KpiService(exporter.services.store, exporter.services.orgs).values('7d', {
    level: 'org',
  });
  expect(values.find((v) => v.kpi === 'high_priority_alerts_per_day')).toMatchObject({ numerator: 1 });
}, 150_000);

it('amtool alert add, then the same alert with --end in the same second: Alertmanager moves startsAt, still one record', async () => {
  const kpi = async () =>
    (await new KpiService(exporter.services.store, exporter.services.orgs).values('7d', { level: 'org' })).values.find(
      (v) => v.kpi === 'high_priority_alerts_per_day'
    )?.numerator ?? 0;
  const moved = async (): Promise<AlertRecord[]> =>
    (await (await exporter.call('GET', '/api/v1/alerts?name=BallastMovedStart', { role: 'read' })).json()).items;
  const labels = { alertname: 'BallastMovedStart', severity: 'critical', app: 'checkout-api' };
  const before = await kpi();
  // Early in a second, so the end given below (that second, as amtool takes it: RFC 3339 seconds)
  // lies before the start Alertmanager stamps on the first add (its clock, nanoseconds).
  while (Date.now() % 1000 > 300) await new Promise((r) => setTimeout(r, 10));
  const end = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  await alertmanager.addAlert(labels);
  const [fired] = await until('the amtool alert in the exporter', async () => {
    const items = await moved();
    return items.length > 0 && items;
  });
  expect(fired!.endsAt).toBeUndefined();
  expect(Date.parse(fired!.startsAt)).toBeGreaterThan(Date.parse(end));

  await alertmanager.addAlert(labels, { end });
  const [resolved] = await until('the resolved amtool alert', async () => {
    const items = await moved();
    return items.some((a) => a.endsAt !== undefined) && items;
  });
  // What Alertmanager really sent: the resolve carries the merged, earlier, second-precision start.
  const sent = deliveries
    .map(
      (d) => JSON.parse(d.body) as { alerts: { status: string; startsAt: string; labels: Record<string, string> }[] }
    )
    .flatMap((b) => b.alerts)
    .filter((a) => a.labels.alertname === 'BallastMovedStart');
  const firingStart = sent.find((a) => a.status === 'firing')!.startsAt;
  const resolvedStart = sent.find((a) => a.status === 'resolved')!.startsAt;
  expect(Date.parse(resolvedStart)).toBeLessThan(Date.parse(firingStart));
  expect(resolvedStart).toBe(end);

  expect(await moved()).toEqual([resolved]);
  expect(resolved).toMatchObject({ id: fired!.id, startsAt: new Date(Date.parse(end)).toISOString() });
  expect(resolved!.endsAt).toBe(new Date(Date.parse(end)).toISOString());
  expect((await kpi()) - before).toBe(1);
}, 60_000);
