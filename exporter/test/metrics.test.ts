/**
 * The /metrics contract against the API: the same numbers, no series where there is no value,
 * level labels, HELP for every family, `promtool check metrics` clean, freshness after a write,
 * and two exporters on one store agreeing.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { binaryPath } from '../../test/support/binaries.js';
import { KPI_WINDOWS } from '../src/domain/kpi-keys.js';
import { parseMetrics, type Sample } from './helpers/metrics.js';
import { smallOrg } from './helpers/org.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

const DAY = 86_400_000;
// One base time for the file: two Date.now() calls in one record may straddle a millisecond (a stage of 120.001 s).
const BASE = Date.now();
const ago = (days: number, minutes = 0) => new Date(BASE - days * DAY + minutes * 60_000).toISOString();

async function seed(server: TestServer) {
  const post = async (collection: string, records: object[]) => {
    const res = await server.call('POST', `/api/v1/${collection}/batch`, { body: { records } });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  expect((await server.call('PUT', '/api/v1/org', { body: smallOrg() })).status).toBe(200);
  await post('incidents', [
    {
      id: 'i1',
      title: 't',
      priority: 'P0',
      service: 'checkout-api',
      startedAt: ago(3),
      detectedAt: ago(3, 4),
      acknowledgedAt: ago(3, 6),
      recoveredAt: ago(3, 47),
      detectionSource: 'monitoring',
      steps: [{ step: 'response', at: ago(3, 2), owner: 'a' }],
    },
    {
      id: 'i2',
      title: 't',
      priority: 'P1',
      service: 'ledger-db',
      startedAt: ago(20),
      detectedAt: ago(20, 9),
      recoveredAt: ago(20, 33),
      detectionSource: 'user',
    },
    {
      id: 'i3',
      title: 't',
      priority: 'P0',
      service: 'catalog-web',
      startedAt: ago(60),
      detectedAt: ago(60, 1),
      detectionSource: 'inspection',
    },
  ]);
  await post('alerts', [
    { id: 'a1', name: 'n', severity: 'critical', service: 'checkout-api', startsAt: ago(1), verdict: 'actionable' },
    { id: 'a2', name: 'n', severity: 'critical', service: 'catalog-web', startsAt: ago(10), verdict: 'noise' },
    { id: 'a3', name: 'n', severity: 'critical', service: 'catalog-web', startsAt: ago(11) },
  ]);
  await post('changes', [
    { id: 'c1', system: 'argo-cd', service: 'checkout-api', kind: 'deploy', startedAt: ago(2), result: 'failed' },
    { id: 'c2', system: 'manual', service: 'ledger-db', kind: 'config', startedAt: ago(40), result: 'success' },
  ]);
  await post('findings', [
    {
      id: 'f1',
      check: 'c',
      targetType: 'server',
      severity: 'high',
      service: 'ledger-db',
      foundAt: ago(5),
      dueAt: ago(1),
    },
  ]);
  await post('drills', [{ id: 'd1', scenario: 's', team: 'catalog', startedAt: ago(15), score: 77.5 }]);
  expect(
    (
      await server.call('PUT', '/api/v1/freezes/now', {
        body: { name: 'Now', reason: 'test', scope: { team: 'checkout' }, startsAt: ago(1), endsAt: ago(-1) },
      })
    ).status
  ).toBe(201);
}

async function metricsText(server: TestServer): Promise<string> {
  const res = await server.call('GET', '/metrics', { role: 'read' });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  expect(res.headers.get('content-encoding')).toBe('gzip'); // fetch asks for gzip, as Prometheus does
  return res.text();
}

/** Polls /metrics until `check` passes (the refresher runs every 100 ms here). */
async function eventually(
  server: TestServer,
  check: (samples: Sample[]) => boolean,
  timeoutMs = 10_000
): Promise<Sample[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { samples } = parseMetrics(await metricsText(server));
    if (check(samples)) return samples;
    if (Date.now() > until) throw new Error('timed out waiting for /metrics');
    await new Promise((r) => setTimeout(r, 50));
  }
}

type ApiValues = {
  to: string;
  values: { kpi: string; businessLine: string | null; team: string | null; value: number | null }[];
};

/** /api/v1/kpis for every window and /metrics, read from the same snapshot (the one at `to`). */
async function sameSnapshot(server: TestServer): Promise<{ samples: Sample[]; apis: Record<string, ApiValues> }> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const apis: Record<string, ApiValues> = {};
    for (const window of KPI_WINDOWS) {
      apis[window] = (await (
        await server.call('GET', `/api/v1/kpis?window=${window}`, { role: 'read' })
      ).json()) as ApiValues;
    }
    const { samples } = parseMetrics(await metricsText(server));
    const at = samples.find((s) => s.name === 'ballast_kpi_snapshot_timestamp_seconds')!.value;
    if (KPI_WINDOWS.every((w) => Date.parse(apis[w]!.to) === Math.round(at * 1000))) return { samples, apis };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the API and /metrics never showed the same snapshot');
}

const orgIncidents = (samples: Sample[], window = '30d') =>
  samples.find(
    (s) =>
      s.name === 'stability_high_priority_incidents' &&
      s.labels.window === window &&
      !s.labels.team &&
      !s.labels.business_line
  )?.value;

describe.each(STORE_TARGETS)('/metrics on $kind', (target) => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  it('agrees with the API for every KPI, window and scope; no series without a value', async () => {
    const server = await startTestServer(await target.fresh(), { refreshIntervalMs: 100 });
    servers.push(server);
    await seed(server);
    await eventually(server, (s) => orgIncidents(s) === 2);
    const { samples, apis } = await sameSnapshot(server);
    for (const window of KPI_WINDOWS) {
      const api = apis[window]!;
      expect(api.values.length).toBeGreaterThan(0);
      for (const v of api.values) {
        const found = samples.filter(
          (s) =>
            s.name === `stability_${v.kpi}` &&
            s.labels.window === window &&
            (s.labels.business_line ?? null) === v.businessLine &&
            (s.labels.team ?? null) === v.team
        );
        if (v.value === null) expect(found, `${window} ${v.kpi} ${v.businessLine} ${v.team}`).toHaveLength(0);
        else {
          expect(found, `${window} ${v.kpi} ${v.businessLine} ${v.team}`).toHaveLength(1);
          expect(found[0]!.value).toBe(v.value);
        }
      }
      const kpiSeries = samples.filter(
        (s) => s.labels.window === window && api.values.some((v) => s.name === `stability_${v.kpi}`)
      );
      expect(kpiSeries).toHaveLength(api.values.filter((v) => v.value !== null).length);
    }
    // Level labels: org series carry neither, business lines one, teams both.
    const mttr = samples.filter((s) => s.name === 'stability_high_priority_incidents' && s.labels.window === '90d');
    expect(mttr.map((s) => Object.keys(s.labels).sort().join(','))).toEqual(
      expect.arrayContaining(['window', 'business_line,window', 'business_line,team,window'])
    );
    expect(mttr).toHaveLength(1 + 2 + 3);
    // Numerators and denominators beside the means: summed recovery seconds over recovered count.
    const at = (name: string, labels: Record<string, string>) =>
      samples.find(
        (s) =>
          s.name === name &&
          Object.entries(labels).every(([k, v]) => s.labels[k] === v) &&
          Object.keys(s.labels).length === Object.keys(labels).length
      )!.value;
    expect(
      at('stability_high_priority_incidents_recovery_seconds', { window: '30d' }) /
        at('stability_high_priority_incidents_recovered', { window: '30d' })
    ).toBe(at('stability_mttr_seconds', { window: '30d' }));
    expect(at('stability_incident_stage_seconds', { window: '7d', stage: 'response' })).toBe(120);
    // By hand from seed(), not from the API (which shares kpiValues with /metrics): alert accuracy is
    // actionable / (actionable + noise) over alerts WITH a verdict; a3 (no verdict) counts in neither.
    expect(at('stability_alert_accuracy_ratio', { window: '30d' })).toBe(0.5); // a1 actionable, a2 noise
    expect(at('stability_high_severity_alerts_actionable', { window: '30d' })).toBe(1);
    expect(at('stability_high_severity_alerts_noise', { window: '30d' })).toBe(1);
    expect(at('stability_alerts_unreviewed', { window: '30d' })).toBe(1); // a3
    expect(at('stability_alert_accuracy_ratio', { window: '7d' })).toBe(1); // a1 alone
    expect(at('stability_alert_accuracy_ratio', { window: '30d', business_line: 'commerce', team: 'catalog' })).toBe(0); // a2 noise; a3 unjudged
    expect(at('stability_high_priority_incidents', { window: '30d' })).toBe(2); // i1, i2; i3 is 60 days old
    expect(at('stability_high_priority_incidents', { window: '90d' })).toBe(3);
    expect(at('stability_change_failure_ratio', { window: '90d' })).toBe(0.5); // c1 failed, c2 success
    expect(at('stability_inspection_findings_overdue', { business_line: 'payments', team: 'ledger' })).toBe(1);
    expect(at('stability_kpi_target', { kpi: 'mttr_seconds', business_line: 'commerce', team: 'catalog' })).toBe(1800);
    expect(at('stability_freeze_active', { freeze: 'now', team: 'checkout' })).toBe(1);
    expect(at('ballast_kpi_last_refresh_timestamp_seconds', {})).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(at('ballast_store_errors_total', {})).toBe(0);
  });

  it('passes promtool check metrics, with HELP for every family', async () => {
    const server = await startTestServer(await target.fresh(), { refreshIntervalMs: 100 });
    servers.push(server);
    await seed(server);
    await eventually(server, (s) => orgIncidents(s) === 2);
    const text = await metricsText(server);
    const { types, help } = parseMetrics(text);
    for (const family of types.keys()) expect(help.has(family), family).toBe(true);
    expect(types.get('stability_mttr_seconds')).toBe('gauge');
    let output = '';
    try {
      output = execFileSync(binaryPath('promtool'), ['check', 'metrics'], {
        input: text,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (error) {
      const e = error as Error & { stdout?: string; stderr?: string };
      throw new Error(`promtool check metrics failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    }
    expect(output.trim()).toBe('');
  });

  it("stability_kpi_window_target is the scorecard's target for every window, scope and KPI (counts pro-rated in the org timezone)", async () => {
    const server = await startTestServer(await target.fresh(), { refreshIntervalMs: 100 });
    servers.push(server);
    await seed(server);
    const year = new Date(BASE).getUTCFullYear();
    const org = smallOrg();
    const goals = [
      ...[year, year - 1].map((y) => ({ year: y, kpi: 'freeze_violations', target: 73 })),
      ...[year, year - 1].map((y) => ({ year: y, kpi: 'freeze_violations', target: 36.5, team: 'ledger' })),
      ...[year, year - 1].map((y) => ({ year: y, kpi: 'mttr_seconds', target: 1800, businessLine: 'payments' })),
    ];
    const tz = 'Pacific/Auckland';
    const put = await server.call('PUT', '/api/v1/org', {
      body: { ...org, goals, policy: { ...org.policy, timezone: tz } },
    });
    expect(put.status, await put.clone().text()).toBe(200);
    type Card = {
      generatedAt: string;
      scopes: {
        level: string;
        id: string;
        businessLine?: string | null;
        cells: Record<string, { target: number | null }>;
      }[];
    };
    for (const window of KPI_WINDOWS) {
      let card: Card | null = null;
      let samples: Sample[] = [];
      for (let attempt = 0; attempt < 100 && !card; attempt++) {
        const c = (await (
          await server.call('GET', `/api/v1/scorecard?window=${window}`, { role: 'read' })
        ).json()) as Card;
        samples = parseMetrics(await metricsText(server)).samples;
        const at = samples.find((x) => x.name === 'ballast_kpi_snapshot_timestamp_seconds')!.value;
        if (
          Date.parse(c.generatedAt) === Math.round(at * 1000) &&
          samples.some((x) => x.name === 'stability_kpi_window_target')
        )
          card = c;
        else await new Promise((r) => setTimeout(r, 50));
      }
      expect(card, 'the scorecard and /metrics showed the same snapshot').not.toBeNull();
      const targets = samples.filter((x) => x.name === 'stability_kpi_window_target' && x.labels.window === window);
      let judged = 0;
      for (const scope of card!.scopes) {
        const labels =
          scope.level === 'team'
            ? { business_line: scope.businessLine!, team: scope.id }
            : scope.level === 'business_line'
              ? { business_line: scope.id }
              : {};
        for (const [kpi, cell] of Object.entries(scope.cells)) {
          const found = targets.filter(
            (x) =>
              x.labels.kpi === kpi &&
              (x.labels.business_line ?? undefined) === (labels as Record<string, string>).business_line &&
              (x.labels.team ?? undefined) === (labels as Record<string, string>).team
          );
          if (cell.target === null) expect(found, `${window} ${kpi} ${scope.id}`).toHaveLength(0);
          else {
            judged++;
            expect(found, `${window} ${kpi} ${scope.id}`).toHaveLength(1);
            expect(found[0]!.value).toBeCloseTo(cell.target, 9);
          }
        }
      }
      // MTTR: payments and its 2 teams (they inherit it); freeze goals: org and ledger (counts do not inherit).
      expect(judged).toBe(3 + 2);
    }
    // By hand: rolling windows are 7, 30, 90 days of a 365-day year, whatever the timezone.
    const value = async (window: string, kpi: string, labels: Record<string, string> = {}) =>
      parseMetrics(await metricsText(server)).samples.find(
        (x) =>
          x.name === 'stability_kpi_window_target' &&
          x.labels.window === window &&
          x.labels.kpi === kpi &&
          x.labels.team === labels.team
      )?.value;
    expect(await value('7d', 'freeze_violations')).toBeCloseTo(73 * (7 / 365), 9); // 1.4
    expect(await value('30d', 'freeze_violations', { team: 'ledger' })).toBeCloseTo(36.5 * (30 / 365), 9); // 3
    expect(await value('90d', 'mttr_seconds', { team: 'checkout' })).toBe(1800); // not a count: not scaled, inherited
  });

  it('a written record is in /metrics within the refresh interval, also on a second exporter on the same store', async () => {
    // One interval plus one refresh of a tiny org (the slack, for a loaded CI machine): a refresher
    // that waits 3x its interval fails this; the exact schedule is pinned in kpi-refresher.test.ts.
    const intervalMs = 1_000;
    const slackMs = 1_500;
    const store = await target.fresh();
    const a = await startTestServer(store, { refreshIntervalMs: intervalMs });
    servers.push(a);
    const b = await startTestServer(store, { refreshIntervalMs: intervalMs });
    servers.push(b);
    await seed(a);
    await eventually(b, (s) => orgIncidents(s) === 2);
    const started = Date.now();
    const res = await a.call('PUT', '/api/v1/incidents/late', {
      body: {
        title: 't',
        priority: 'P0',
        team: 'ledger',
        startedAt: ago(0, -5),
        detectedAt: ago(0, -4),
        detectionSource: 'monitoring',
      },
    });
    expect(res.status).toBe(201);
    await eventually(b, (s) => orgIncidents(s) === 3, intervalMs + slackMs);
    expect(Date.now() - started).toBeLessThan(intervalMs + slackMs);
    const api = (await (
      await b.call('GET', '/api/v1/kpis?window=30d&level=org&kpi=high_priority_incidents', { role: 'read' })
    ).json()) as { values: { value: number }[] };
    expect(api.values[0]!.value).toBe(3);
  });
});
