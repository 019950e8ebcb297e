/**
 * The DORA keys reach every surface the registry feeds, with no code of their own there: /metrics
 * (their families, numerator/denominator families, stability_kpi_info, window targets; promtool
 * clean), GET /kpis/definitions (what the data source and the app list), the scorecard (cells,
 * status against a goal) and GET /kpis/series. Real server on SQLite; the values themselves are
 * pinned on both stores by kpis-dora.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryPath } from '../../test/support/binaries.js';
import { parseMetrics, type Sample } from './helpers/metrics.js';
import { smallOrg } from './helpers/org.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

const DORA = [
  'deployment_frequency_per_day',
  'change_lead_time_seconds',
  'change_caused_incident_ratio',
  'failed_change_recovery_seconds',
] as const;
const HOUR = 3_600_000;
const BASE = Date.now();
const ago = (hours: number) => new Date(BASE - hours * HOUR).toISOString();

describe('DORA keys on every surface', () => {
  let server: TestServer;
  let samples: Sample[];
  let text: string;
  const get = async (path: string) => (await server.call('GET', path, { role: 'read' })).json();

  beforeAll(async () => {
    server = await startTestServer(await STORE_TARGETS[0]!.fresh(), { refreshIntervalMs: 100 });
    const year = new Date(BASE).getUTCFullYear();
    const org = {
      ...smallOrg(),
      goals: [
        { year, kpi: 'change_lead_time_seconds', target: 4 * 3600 },
        { year, kpi: 'deployment_frequency_per_day', target: 1 },
      ],
    };
    expect((await server.call('PUT', '/api/v1/org', { body: org })).status).toBe(200);
    const deploy = (id: string, started: number, lead: number, extra: object = {}) => ({
      id,
      system: 'argo-cd',
      service: 'checkout-api',
      kind: 'deploy',
      result: 'success',
      startedAt: ago(started),
      finishedAt: ago(started - 0.5),
      committedAt: ago(started + lead - 0.5),
      ...extra,
    });
    // Lead times 2 h and 6 h (median 4 h = the target: met); 2 successful deploys in 7 days.
    const changes = [deploy('d1', 30, 2), deploy('d2', 10, 6, { result: 'rolled_back' }), deploy('d3', 5, 6)];
    expect((await server.call('POST', '/api/v1/changes/batch', { body: { records: changes } })).status).toBe(200);
    const incidents = [
      {
        id: 'i1',
        title: 't',
        priority: 'P0',
        service: 'checkout-api',
        startedAt: ago(9),
        detectedAt: ago(9),
        recoveredAt: ago(8),
        detectionSource: 'monitoring',
        causedByChange: 'd2',
      },
    ];
    expect((await server.call('POST', '/api/v1/incidents/batch', { body: { records: incidents } })).status).toBe(200);
    const written = Date.now();
    // A refresh computed after the last write: one that began before it may already show the series.
    for (let i = 0; ; i++) {
      text = await (await server.call('GET', '/metrics', { role: 'read' })).text();
      samples = parseMetrics(text).samples;
      const computedAt = samples.find((s) => s.name === 'ballast_kpi_snapshot_timestamp_seconds')?.value ?? 0;
      if (computedAt * 1000 > written) break;
      if (i > 200) throw new Error('timed out waiting for a KPI refresh after the last write in /metrics');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(() => server?.close());

  const org7d = (name: string) =>
    samples.find((s) => s.name === name && s.labels.window === '7d' && !s.labels.business_line)?.value;

  it('exports each key, its components, its info and window target in /metrics, promtool-clean', () => {
    expect(org7d('stability_deployment_frequency_per_day')).toBeCloseTo(2 / 7, 12);
    expect(org7d('stability_deploys_succeeded')).toBe(2);
    expect(org7d('stability_change_lead_time_seconds')).toBe(4 * 3600);
    expect(org7d('stability_deploys_with_lead_time')).toBe(2);
    expect(org7d('stability_change_caused_incident_ratio')).toBeCloseTo(1 / 3, 12);
    expect(org7d('stability_deploys_causing_incidents')).toBe(1);
    expect(org7d('stability_deploys_with_result')).toBe(3);
    expect(org7d('stability_failed_change_recovery_seconds')).toBe(3600);
    expect(org7d('stability_change_incidents_recovered')).toBe(1);
    expect(org7d('stability_change_incidents_recovery_seconds')).toBe(3600);
    const info = samples.filter(
      (s) => s.name === 'stability_kpi_info' && (DORA as readonly string[]).includes(s.labels.kpi!)
    );
    expect(info.map((s) => [s.labels.kpi, s.labels.direction, s.value]).sort()).toEqual([
      ['change_caused_incident_ratio', 'lower', 1],
      ['change_lead_time_seconds', 'lower', 1],
      ['deployment_frequency_per_day', 'higher', 1],
      ['failed_change_recovery_seconds', 'lower', 1],
    ]);
    const target = samples.find(
      (s) =>
        s.name === 'stability_kpi_window_target' &&
        s.labels.kpi === 'change_lead_time_seconds' &&
        s.labels.window === '30d' &&
        s.labels.team === 'checkout'
    );
    expect(target?.value).toBe(4 * 3600);
    execFileSync(binaryPath('promtool'), ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  });

  it('lists them in the KPI definitions the plugins read, with unit and direction', async () => {
    const body = await get('/api/v1/kpis/definitions');
    const list: { key: string; unit: string; direction: string; description: string }[] = Array.isArray(body)
      ? body
      : (body.definitions ?? body.kpis ?? body.items);
    const dora = list.filter((d) => (DORA as readonly string[]).includes(d.key));
    expect(dora.map((d) => [d.key, d.unit, d.direction])).toEqual([
      ['deployment_frequency_per_day', 'per_day', 'higher'],
      ['change_lead_time_seconds', 'seconds', 'lower'],
      ['change_caused_incident_ratio', 'ratio', 'lower'],
      ['failed_change_recovery_seconds', 'seconds', 'lower'],
    ]);
    for (const d of dora) expect(d.description.length).toBeGreaterThan(40);
  });

  it('puts them on the scorecard and judges them against their goals', async () => {
    const card = await get('/api/v1/scorecard?window=7d');
    expect(card.kpis.map((k: { key: string }) => k.key)).toEqual(expect.arrayContaining([...DORA]));
    const team = card.scopes.find((s: { id: string }) => s.id === 'checkout');
    expect(team.cells.change_lead_time_seconds).toMatchObject({ value: 4 * 3600, target: 4 * 3600, status: 'met' });
    // higher is better: 2/7 a day against 1 is missed
    expect(team.cells.deployment_frequency_per_day).toMatchObject({ target: 1, status: 'missed' });
    expect(team.cells.change_caused_incident_ratio).toMatchObject({ status: 'no_data' });
  });

  it('serves their history through GET /kpis/series', async () => {
    const res = await get(
      `/api/v1/kpis/series?kpi=deployment_frequency_per_day&window=7d&from=${encodeURIComponent(ago(24))}&to=${encodeURIComponent(new Date(BASE).toISOString())}&step=1d`
    );
    expect(res.unit).toBe('per_day');
    // one day ago only d1 (30 h ago) … d3 (5 h ago) had not yet started
    expect(res.series[0].points.map((p: { value: number }) => p.value)).toEqual([1 / 7, 2 / 7]);
  });
});
