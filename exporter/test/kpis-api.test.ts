/** The KPI endpoints over HTTP: shapes from docs/api.md, auth, and 400s naming the parameter. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KPI_KEYS } from '../src/domain/kpi-keys.js';
import { smallOrg } from './helpers/org.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

describe('KPI API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await STORE_TARGETS[0]!.fresh());
    expect((await server.call('PUT', '/api/v1/org', { body: smallOrg() })).status).toBe(200);
  });
  afterAll(async () => server?.close());
  const get = async (path: string, role: 'read' | null = 'read') => {
    const res = await server.call('GET', path, { role });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('definitions list every KPI with unit and direction', async () => {
    const { status, body } = await get('/api/v1/kpis/definitions');
    expect(status).toBe(200);
    expect(body.map((d: { key: string }) => d.key)).toEqual([...KPI_KEYS]);
    for (const d of body) {
      expect(Object.keys(d).sort()).toEqual(['description', 'direction', 'key', 'title', 'unit']);
      expect(['count', 'seconds', 'ratio', 'per_day', 'score']).toContain(d.unit);
      expect(['lower', 'higher']).toContain(d.direction);
    }
  });

  it('values, series and scorecard have the documented shapes', async () => {
    const values = await get(
      '/api/v1/kpis?window=7d&level=team&businessLine=payments&kpi=mttr_seconds,drill_coverage_ratio'
    );
    expect(values.status).toBe(200);
    expect(values.body).toMatchObject({ window: '7d' });
    expect(values.body.values).toHaveLength(4);
    expect(values.body.values[0]).toEqual({
      kpi: 'mttr_seconds',
      level: 'team',
      businessLine: 'payments',
      team: 'checkout',
      value: null,
      numerator: 0,
      denominator: 0,
    });
    const series = await get(
      '/api/v1/kpis/series?kpi=drill_coverage_ratio&window=30d&from=2026-03-01T00:00:00Z&to=2026-03-03T00:00:00Z&step=1d&team=ledger'
    );
    expect(series.status).toBe(200);
    expect(series.body).toMatchObject({ kpi: 'drill_coverage_ratio', window: '30d', step: '1d', unit: 'ratio' });
    expect(series.body.series).toEqual([
      {
        level: 'team',
        businessLine: 'payments',
        team: 'ledger',
        points: [
          { at: '2026-03-01T00:00:00.000Z', value: 0 },
          { at: '2026-03-02T00:00:00.000Z', value: 0 },
          { at: '2026-03-03T00:00:00.000Z', value: 0 },
        ],
      },
    ]);
    const card = await get('/api/v1/scorecard');
    expect(card.status).toBe(200);
    expect(card.body).toMatchObject({ window: 'ytd' });
    expect(card.body.scopes).toHaveLength(1 + 2 + 3);
    expect(Object.keys(card.body.scopes[0].cells).sort()).toEqual([...KPI_KEYS].sort());
  });

  it('refuses bad parameters with 400 naming them, and unauthenticated calls with 401', async () => {
    expect((await get('/api/v1/kpis', null)).status).toBe(401);
    const cases: [string, string][] = [
      ['/api/v1/kpis?window=1y', 'window'],
      ['/api/v1/kpis?level=galaxy', 'level'],
      ['/api/v1/kpis?kpi=uptime', 'kpi'],
      ['/api/v1/kpis?team=nope', 'team'],
      ['/api/v1/kpis?businessLine=nope', 'businessLine'],
      ['/api/v1/kpis/series?window=30d', 'kpi'],
      ['/api/v1/kpis/series?kpi=mttr_seconds&step=1y', 'step'],
      ['/api/v1/kpis/series?kpi=mttr_seconds&step=1m&from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'step'],
      ['/api/v1/kpis/series?kpi=mttr_seconds&from=yesterday', 'from'],
      ['/api/v1/kpis/series?kpi=mttr_seconds&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['/api/v1/scorecard?window=forever', 'window'],
    ];
    for (const [path, field] of cases) {
      const { status, body } = await get(path);
      expect(status, path).toBe(400);
      expect(
        body.issues.some((i: { path: string }) => i.path === field || i.path.startsWith(`${field}[`)),
        `${path}: ${JSON.stringify(body.issues)}`
      ).toBe(true);
    }
  });
});
