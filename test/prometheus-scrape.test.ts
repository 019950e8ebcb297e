// A real Prometheus (Debian's package) scrapes a real exporter on loopback; a KPI read back through
// Prometheus's query API equals the exporter's own API, and the documented alert-rule join on
// stability_kpi_target works.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { smallOrg } from '../exporter/test/helpers/org.js';
import { startTestServer, type TestServer } from '../exporter/test/helpers/server.js';
import { startPrometheus, type PrometheusServer } from './support/prometheus.js';

const DAY = 86_400_000;
const ago = (days: number, minutes = 0) => new Date(Date.now() - days * DAY + minutes * 60_000).toISOString();

let exporter: TestServer;
let prometheus: PrometheusServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ballast-scrape-'));
  exporter = await startTestServer({ dataDir }, { metricsPublic: true, refreshIntervalMs: 200 });
  const org = smallOrg();
  org.goals = [{ year: new Date().getUTCFullYear(), kpi: 'mttr_seconds', target: 1800 }];
  expect((await exporter.call('PUT', '/api/v1/org', { body: org })).status).toBe(200);
  const res = await exporter.call('POST', '/api/v1/incidents/batch', {
    body: {
      records: [
        {
          id: 'i1',
          title: 'DB down',
          priority: 'P0',
          service: 'ledger-db',
          startedAt: ago(2),
          detectedAt: ago(2, 3),
          recoveredAt: ago(2, 95),
          detectionSource: 'monitoring',
        },
        {
          id: 'i2',
          title: 'Slow',
          priority: 'P1',
          service: 'checkout-api',
          startedAt: ago(4),
          detectedAt: ago(4, 1),
          recoveredAt: ago(4, 20),
          detectionSource: 'user',
        },
      ],
    },
  });
  expect(res.status).toBe(200);
  prometheus = await startPrometheus({ scrapeTargets: [exporter.url.replace('http://', '')], scrapeInterval: '1s' });
});

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('Prometheus scrapes the KPIs and returns the same value as the API', async () => {
  const api = (await (
    await exporter.call('GET', '/api/v1/kpis?window=30d&level=org&kpi=mttr_seconds', { role: 'read' })
  ).json()) as {
    values: { value: number }[];
  };
  expect(api.values[0]!.value).toBe(((95 + 20) * 60) / 2);
  const samples = await prometheus.waitFor(
    'stability_mttr_seconds{window="30d", business_line=""}',
    (s) => s.length === 1,
    30_000
  );
  expect(samples[0]!.value).toBe(api.values[0]!.value);
  expect(samples[0]!.metric).toMatchObject({ job: 'ballast', window: '30d' });

  const teams = await prometheus.waitFor(
    'stability_mttr_seconds{window="30d", team!=""}',
    (s) => s.length === 2,
    30_000
  );
  expect(Object.fromEntries(teams.map((s) => [s.metric.team, s.value]))).toEqual({
    ledger: 95 * 60,
    checkout: 20 * 60,
  });

  // The alert-rule join from docs/metrics.md: KPI over its target, per scope.
  const over = await prometheus.query(
    'stability_mttr_seconds{window="30d"} > on(business_line, team) group_left() stability_kpi_target{kpi="mttr_seconds"}'
  );
  expect(over.map((s) => [s.metric.business_line ?? '', s.metric.team ?? '']).sort()).toEqual([
    ['', ''],
    ['payments', ''],
    ['payments', 'ledger'],
  ]);
  // Numerators and denominators recombine in PromQL to the KPI.
  const recombined = await prometheus.query(
    'sum(stability_high_priority_incidents_recovery_seconds{window="30d", team!=""}) / sum(stability_high_priority_incidents_recovered{window="30d", team!=""})'
  );
  expect(recombined[0]!.value).toBe(api.values[0]!.value);
});
