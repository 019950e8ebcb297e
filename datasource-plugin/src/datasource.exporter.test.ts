/**
 * The data source's queries, annotations, variables and "Save & test" against a REAL exporter
 * (exporter/dist/cli/main.js serve --demo, started by this file with its own tokens and data dir).
 *
 * No Grafana server can run here, so Grafana's getBackendSrv() is replaced by a thin adapter
 * (testing/backendSrv.ts) that forwards each request to the exporter with fetch, the way Grafana's
 * data source proxy applies the plugin.json route: `<proxy url>/ballast/...` → `<exporter>/...`
 * plus `Authorization: Bearer <secureJsonData.apiToken>`. Everything else is the plugin's own code.
 * Results are checked against the exporter's answers to the same questions asked directly.
 */
import http from 'node:http';
import { AnnotationQuery, DataFrame, FieldType } from '@grafana/data';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataSource } from './datasource';
import { autoStep } from './queries/kpi';
import { installProxyBackendSrv, PROXY_URL } from './testing/backendSrv';
import { makeDataSource, rangeOf, request } from './testing/dataSource';
import { freePort, RunningExporter, startExporter } from './testing/exporter';
import { installTemplateSrv } from './dashboards/templateSrv';
import { BallastQuery, FreezeOccurrencesResponse, KpiValuesResponse, ListResponse, Org } from './types';
import { BallastVariableSupport } from './variables';

let exporter: RunningExporter;
let org: Org;

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${exporter.url}${path}`, { headers: { Authorization: `Bearer ${exporter.readToken}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

const field = (frame: DataFrame, name: string) => {
  const f = frame.fields.find((x) => x.name === name);
  expect(f, `field ${name} of ${frame.name}`).toBeDefined();
  return f!;
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  exporter = await startExporter();
  org = await api<Org>('/api/v1/org');
}, 120_000);

afterAll(async () => {
  await exporter?.stop();
});

let ds: DataSource;
let proxy: ReturnType<typeof installProxyBackendSrv>;

beforeEach(() => {
  proxy = installProxyBackendSrv({ exporterUrl: exporter.url, token: exporter.readToken });
  installTemplateSrv([]);
  ds = makeDataSource({ url: exporter.url });
});

describe('Save & test (testDatasource)', () => {
  it('succeeds with the right URL and token, and the browser never holds the token', async () => {
    const result = await ds.testDatasource();
    expect(result.status).toBe('success');
    expect(result.message).toMatch(/Connected to Ballast .* \(API v1\); token accepted: \d+ teams, \d+ services/);
    expect(proxy.requests.map((r) => r.url)).toEqual([
      `${PROXY_URL}/ballast/api/v1/health`,
      `${PROXY_URL}/ballast/api/v1/org`,
    ]);
    for (const r of proxy.requests) {
      expect(r.url).not.toContain(exporter.readToken);
      expect(r.authorization).toBe(`Bearer ${exporter.readToken}`); // added by the (simulated) proxy route
    }
  });

  it('says the token was refused when it is wrong (401 on /api/v1/org)', async () => {
    installProxyBackendSrv({ exporterUrl: exporter.url, token: 'not-the-right-token-at-all' });
    const result = await ds.testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/refused the API token \(401\)/);
  });

  it('says the token was refused when there is none but the exporter wants one', async () => {
    installProxyBackendSrv({ exporterUrl: exporter.url });
    const result = await ds.testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/401/);
  });

  it('says the exporter cannot be reached when nothing listens at the URL', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    installProxyBackendSrv({ exporterUrl: closed, token: exporter.readToken });
    const result = await makeDataSource({ url: closed }).testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toContain(`Cannot reach the exporter at ${closed}`);
  });

  it('asks for a URL when none is set', async () => {
    const result = await makeDataSource({}).testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/Set the exporter URL/);
  });

  it('says which API version is wrong when the exporter does not speak v1', async () => {
    const server = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({ status: 'ok', version: '9.0.0', apiVersion: 'v2', store: { kind: 'sqlite', migrations: [] } })
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      installProxyBackendSrv({ exporterUrl: url, token: exporter.readToken });
      const result = await makeDataSource({ url }).testDatasource();
      expect(result.status).toBe('error');
      expect(result.message).toMatch(/API version mismatch: the exporter speaks v2, this plugin needs v1/);
    } finally {
      server.close();
    }
  });
});

describe('KPI queries', () => {
  const now = Date.now();

  it('values: one frame per scope, the API’s numbers, unit s for seconds', async () => {
    const direct = await api<KpiValuesResponse>('/api/v1/kpis?window=30d&kpi=mttr_seconds&level=business_line');
    const res = await ds.query(
      request(
        [{ refId: 'A', queryType: 'kpi', kpi: 'mttr_seconds', level: 'business_line', window: '30d', format: 'value' }],
        rangeOf(now - 7 * DAY, now)
      )
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toHaveLength(direct.values.length);
    expect(res.data.length).toBe(org.businessLines.length);
    for (const frame of res.data as DataFrame[]) {
      const value = field(frame, 'value');
      expect(value.type).toBe(FieldType.number);
      expect(value.config.unit).toBe('s');
      const expected = direct.values.find((v) => v.businessLine === value.labels?.businessLine)!;
      expect(value.values[0]).toBeCloseTo(expected.value ?? NaN, 6);
      expect(frame.name).toContain('MTTR');
    }
  });

  it('values: one number per scope by default (a stat panel shows every number field); numerator and denominator on request', async () => {
    const q: BallastQuery = { refId: 'A', queryType: 'kpi', kpi: 'detection_ratio', level: 'team', window: '90d' };
    const plain = await ds.query(request([q], rangeOf(now - DAY, now)));
    expect(plain.data.length).toBe(org.teams.length);
    for (const frame of plain.data as DataFrame[]) {
      expect(frame.fields.filter((f) => f.type === FieldType.number).map((f) => f.name)).toEqual(['value']);
    }
    const direct = await api<KpiValuesResponse>('/api/v1/kpis?window=90d&kpi=detection_ratio&level=team');
    const withParts = await ds.query(request([{ ...q, components: true }], rangeOf(now - DAY, now)));
    for (const frame of withParts.data as DataFrame[]) {
      const expected = direct.values.find((v) => v.team === field(frame, 'value').labels?.team)!;
      expect(field(frame, 'numerator').values[0]).toBe(expected.numerator ?? null);
      expect(field(frame, 'denominator').values[0]).toBe(expected.denominator ?? null);
    }
  });

  it('values of a ratio KPI use percentunit (0–1)', async () => {
    const res = await ds.query(
      request(
        [{ refId: 'A', queryType: 'kpi', kpi: 'change_failure_ratio', level: 'org', window: '90d' }],
        rangeOf(now - DAY, now)
      )
    );
    expect(res.data).toHaveLength(1);
    const value = field(res.data[0], 'value');
    expect(value.config.unit).toBe('percentunit');
    expect(value.config.max).toBe(1);
    // Exactly the exporter's ratio, numerator / denominator as counted (not just "some value in [0, 1]").
    const [direct] = (await api<KpiValuesResponse>('/api/v1/kpis?window=90d&kpi=change_failure_ratio&level=org'))
      .values;
    expect(direct!.denominator, 'the demo has changes in 90 days').toBeGreaterThan(0);
    expect(direct!.numerator, 'and some failed, not all').toBeGreaterThan(0);
    expect(direct!.numerator!).toBeLessThan(direct!.denominator!);
    expect(value.values[0]).toBe(direct!.value);
    expect(value.values[0]).toBeCloseTo(direct!.numerator! / direct!.denominator!, 12);
  });

  it('time series over the dashboard range: a time field and one point per step', async () => {
    const from = now - 3 * DAY;
    const res = await ds.query(
      request(
        [
          {
            refId: 'B',
            queryType: 'kpi',
            kpi: 'mttd_seconds',
            level: 'org',
            window: '30d',
            format: 'timeseries',
            step: '6h',
          },
        ],
        rangeOf(from, now)
      )
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toHaveLength(1);
    const frame = res.data[0] as DataFrame;
    const time = field(frame, 'time');
    expect(time.type).toBe(FieldType.time);
    expect(time.values).toHaveLength(Math.floor((now - from) / (6 * HOUR)) + 1);
    expect(time.values[0]).toBe(from);
    expect(field(frame, 'value').config.unit).toBe('s');
  });

  it('the automatic step keeps series short', () => {
    expect(autoStep(rangeOf(now - 7 * DAY, now))).toBe('1h');
    expect(autoStep(rangeOf(now - 30 * DAY, now))).toBe('6h');
    expect(autoStep(rangeOf(now - 365 * DAY, now))).toBe('7d');
  });

  it('multi-value $team gives exactly those teams; All gives every team (no filter)', async () => {
    const teams = org.teams.slice(0, 2).map((t) => t.id);
    installTemplateSrv([{ name: 'team', options: org.teams.map((t) => t.id), current: teams }]);
    const q: BallastQuery = {
      refId: 'A',
      queryType: 'kpi',
      kpi: 'high_priority_incidents',
      level: 'team',
      window: '90d',
      team: '$team',
    };
    const some = await ds.query(request([q], rangeOf(now - DAY, now)));
    expect(some.errors).toBeUndefined();
    expect((some.data as DataFrame[]).map((f) => f.fields[0]!.labels?.team).sort()).toEqual([...teams].sort());

    installTemplateSrv([{ name: 'team', options: org.teams.map((t) => t.id), current: '$__all' }]);
    const all = await ds.query(request([q], rangeOf(now - DAY, now)));
    expect(all.data).toHaveLength(org.teams.length);
  });
});

describe('scorecard', () => {
  it('is one table with a column per KPI (with its unit) and a status per KPI, filtered by $businessLine', async () => {
    const line = org.businessLines[0]!.id;
    installTemplateSrv([{ name: 'businessLine', options: org.businessLines.map((b) => b.id), current: line }]);
    const res = await ds.query(
      request(
        [{ refId: 'S', queryType: 'scorecard', window: 'ytd', businessLine: '$businessLine' }],
        rangeOf(Date.now() - DAY, Date.now())
      )
    );
    expect(res.errors).toBeUndefined();
    const frame = res.data[0] as DataFrame;
    const teamsOfLine = org.teams.filter((t) => t.businessLine === line).length;
    expect(frame.length).toBe(teamsOfLine + 1); // the business line itself and its teams
    expect(field(frame, 'mttr_seconds').config.unit).toBe('s');
    expect(field(frame, 'detection_ratio').config.unit).toBe('percentunit');
    expect(field(frame, 'score').type).toBe(FieldType.number);
    expect(
      field(frame, 'mttr_seconds_status').values.every((s: string) =>
        ['met', 'at_risk', 'missed', 'no_data'].includes(s)
      )
    ).toBe(true);
  });
});

describe('record tables', () => {
  const to = Date.now();
  const from = to - 3 * DAY;
  const iso = (ms: number) => new Date(ms).toISOString();
  const cases: Array<{
    q: BallastQuery;
    api: string;
    time: string;
    typed: Record<string, FieldType>;
    units?: Record<string, string>;
  }> = [
    {
      q: { refId: 'I', queryType: 'incidents', limit: 10000 },
      api: 'incidents?',
      time: 'startedAt',
      typed: {
        recoveredAt: FieldType.time,
        timeToRecover: FieldType.number,
        drill: FieldType.boolean,
        priority: FieldType.string,
      },
      units: { timeToRecover: 's', timeToDetect: 's' },
    },
    {
      q: { refId: 'C', queryType: 'changes', filters: { kind: 'deploy', result: 'failed,rolled_back' }, limit: 10000 },
      api: 'changes?kind=deploy&result=failed,rolled_back&',
      time: 'startedAt',
      typed: { controlled: FieldType.boolean, duration: FieldType.number },
      units: { duration: 's' },
    },
    // Freeze windows: a row per occurrence in the range (the occurrences API has no total: its items count).
    {
      q: { refId: 'F', queryType: 'freezes' },
      api: 'freeze-occurrences?',
      time: 'startsAt',
      typed: { name: FieldType.string, endsAt: FieldType.time, duration: FieldType.number },
      units: { duration: 's' },
    },
    {
      q: { refId: 'L', queryType: 'alerts', filters: { highSeverity: 'true', verdict: 'noise' }, limit: 10000 },
      api: 'alerts?highSeverity=true&verdict=noise&',
      time: 'startsAt',
      typed: { endsAt: FieldType.time },
    },
    {
      q: { refId: 'N', queryType: 'findings', filters: { open: 'true' }, limit: 10000 },
      api: 'findings?open=true&',
      time: 'foundAt',
      typed: { overdue: FieldType.boolean },
    },
    {
      q: { refId: 'T', queryType: 'actions', limit: 10000 },
      api: 'actions?',
      time: 'dueAt',
      typed: { open: FieldType.boolean },
    },
    { q: { refId: 'D', queryType: 'drills' }, api: 'drills?', time: 'startedAt', typed: { score: FieldType.number } },
  ];
  for (const c of cases) {
    it(`${c.q.queryType}: as many rows as the API has, typed fields`, async () => {
      const range =
        c.q.queryType === 'drills' || c.q.queryType === 'freezes' ? rangeOf(to - 90 * DAY, to) : rangeOf(from, to);
      const direct = await api<ListResponse<{ id: string }>>(
        `/api/v1/${c.api}from=${iso(range.from.valueOf())}&to=${iso(range.to.valueOf())}&limit=1`
      );
      const res = await ds.query(request([c.q], range));
      expect(res.errors).toBeUndefined();
      const frame = res.data[0] as DataFrame;
      expect(frame.length).toBe(Math.min(direct.total ?? direct.items.length, c.q.limit ?? 1000));
      expect(frame.length).toBeGreaterThan(0);
      expect(frame.fields[0]!.name).toBe(c.time);
      expect(frame.fields[0]!.type).toBe(FieldType.time);
      for (const [name, type] of Object.entries(c.typed)) {
        expect(field(frame, name).type, name).toBe(type);
      }
      for (const [name, unit] of Object.entries(c.units ?? {})) {
        expect(field(frame, name).config.unit, name).toBe(unit);
      }
    });
  }

  it('$team multi-value and $service interpolate into the list filters (All: no filter)', async () => {
    const teams = org.teams.slice(2, 4).map((t) => t.id);
    installTemplateSrv([{ name: 'team', options: org.teams.map((t) => t.id), current: teams }]);
    const direct = await api<ListResponse<unknown>>(
      `/api/v1/changes?team=${teams.join(',')}&from=${iso(from)}&to=${iso(to)}&limit=1`
    );
    const res = await ds.query(
      request([{ refId: 'C', queryType: 'changes', team: '$team', limit: 10000 }], rangeOf(from, to))
    );
    const frame = res.data[0] as DataFrame;
    expect(frame.length).toBe(direct.total);
    expect(new Set(field(frame, 'team').values)).toEqual(new Set(teams));
    expect(proxy.requests.some((r) => r.forwardedTo.includes(`team=${encodeURIComponent(teams.join(','))}`))).toBe(
      true
    );

    const service = org.services.find((s) => s.team === teams[0])!.id;
    installTemplateSrv([
      { name: 'team', options: org.teams.map((t) => t.id), current: '$__all' },
      { name: 'service', options: [service], current: service },
    ]);
    proxy.requests.length = 0;
    const res2 = await ds.query(
      request(
        [{ refId: 'C', queryType: 'changes', team: '$team', service: '$service', limit: 10000 }],
        rangeOf(from, to)
      )
    );
    const frame2 = res2.data[0] as DataFrame;
    expect(new Set(field(frame2, 'service').values)).toEqual(new Set(frame2.length ? [service] : []));
    const forwarded = proxy.requests[0]!.forwardedTo;
    expect(forwarded).toContain(`service=${service}`);
    expect(forwarded).not.toContain('team=');
  });

  it('an unknown team is an empty table; a bad filter value is the query’s error with the exporter’s message', async () => {
    const empty = await ds.query(
      request([{ refId: 'E', queryType: 'incidents', team: 'no-such-team-x' }], rangeOf(from, to))
    );
    expect(empty.errors).toBeUndefined();
    expect((empty.data[0] as DataFrame).length).toBe(0);
    const bad = await ds.query(
      request([{ refId: 'E', queryType: 'incidents', filters: { open: 'maybe' } }], rangeOf(from, to))
    );
    expect(bad.data).toEqual([]);
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors![0]!.refId).toBe('E');
    expect(bad.errors![0]!.status).toBe(400);
    expect(bad.errors![0]!.message).toContain('open must be true or false');
  });
});

describe('annotations', () => {
  async function annotations(target: BallastQuery, fromMs: number, toMs: number) {
    const anno = { enable: true, name: 'Ballast', iconColor: 'red', target } as AnnotationQuery<BallastQuery>;
    const query = ds.annotations!.prepareQuery!(anno)!;
    const res = await ds.query(request([query], rangeOf(fromMs, toMs)));
    expect(res.errors).toBeUndefined();
    return (await lastValueFrom(ds.annotations!.processEvents!(anno, res.data)))!;
  }

  it('changes are points; freeze violations are marked and match the exporter’s freeze_violations KPI', async () => {
    const kpi = await api<KpiValuesResponse>('/api/v1/kpis?window=7d&kpi=freeze_violations&level=org');
    const from = Date.parse(kpi.from);
    const to = Date.parse(kpi.to);
    const events = await annotations({ refId: 'A', annotationSource: 'changes' }, from, to);
    const direct = await api<ListResponse<unknown>>(`/api/v1/changes?from=${kpi.from}&to=${kpi.to}&limit=1`);
    expect(events).toHaveLength(direct.total);
    expect(events.every((e) => e.isRegion === false && e.tags!.includes('change'))).toBe(true);
    const violations = events.filter((e) => e.tags!.includes('freeze-violation'));
    expect(violations).toHaveLength(kpi.values[0]!.value!);
    for (const v of violations) {
      expect(v.text).toContain('Freeze violation');
    }
    // The freeze violations layer's source: exactly the changes marked here.
    const layer = await annotations({ refId: 'A', annotationSource: 'freezeViolations' }, from, to);
    expect(layer.map((e) => e.id).sort()).toEqual(violations.map((e) => e.id).sort());
  });

  it('failed changes are the changes with result failed or rolled back', async () => {
    const to = Date.now();
    const from = to - 30 * DAY;
    const events = await annotations({ refId: 'A', annotationSource: 'failedChanges' }, from, to);
    const failed = await api<ListResponse<unknown>>(
      `/api/v1/changes?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&result=failed,rolled_back&limit=1`
    );
    expect(events).toHaveLength(failed.total);
    expect(events.every((e) => e.tags!.includes('failed') || e.tags!.includes('rolled_back'))).toBe(true);
  });

  it('changes filtered by kind and team', async () => {
    const team = org.teams[0]!.id;
    const services = new Set(org.services.filter((s) => s.team === team).map((s) => s.id));
    const to = Date.now();
    const events = await annotations(
      { refId: 'A', annotationSource: 'changes', kind: 'deploy', team },
      to - 7 * DAY,
      to
    );
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.tags).toContain('deploy');
      expect(e.tags!.some((t) => services.has(t))).toBe(true);
    }
  });

  it('incidents are regions from start to recovery with priority, title and post-mortem link', async () => {
    const to = Date.now();
    const events = await annotations({ refId: 'A', annotationSource: 'incidents' }, to - 30 * DAY, to);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.timeEnd!).toBeGreaterThanOrEqual(e.time!);
      expect(e.tags).toContain('incident');
      expect(e.title).toMatch(/^\S+ /);
    }
    const incidents = await api<ListResponse<{ id: string; postmortemUrl?: string; recoveredAt?: string }>>(
      `/api/v1/incidents?from=${new Date(to - 30 * DAY).toISOString()}&to=${new Date(to).toISOString()}&limit=1000`
    );
    const withLink = incidents.items.filter((i) => i.postmortemUrl && i.recoveredAt);
    expect(withLink.length, 'the demo has recovered incidents with a post-mortem link in 30 days').toBeGreaterThan(0);
    for (const incident of withLink) {
      const event = events.find((e) => e.id === `incident:${incident.id}`);
      expect(event, incident.id).toBeDefined();
      expect(event!.text).toContain(`href="${incident.postmortemUrl}"`);
      expect(event!.isRegion).toBe(true);
      expect(event!.timeEnd).toBe(Date.parse(incident.recoveredAt!));
    }
  });

  it('freeze windows are regions, each weekly occurrence of a recurring one separately', async () => {
    const to = Date.now();
    const events = await annotations(
      { refId: 'A', annotationSource: 'freezes', businessLine: 'payments' },
      to - 21 * DAY,
      to
    );
    const weekly = events.filter((e) => e.title === 'Freeze: Payments weekend freeze');
    expect(weekly.length).toBeGreaterThanOrEqual(2);
    const full = weekly.filter((e) => e.time! > to - 21 * DAY && e.timeEnd! < to);
    for (const e of full) {
      expect(e.timeEnd! - e.time!).toBe(3780 * 60_000);
      expect(e.isRegion).toBe(true);
      // Friday 18:00 in Berlin
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Berlin',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
      }).format(e.time!);
      expect(local).toBe('Fri 18:00');
    }
  });
});

describe('variable queries', () => {
  it('business lines, teams of a business line, services of a team, KPIs, change systems', async () => {
    expect((await ds.metricFindQuery({ refId: 'v', variableType: 'businessLines' })).map((v) => v.value)).toEqual(
      org.businessLines.map((b) => b.id)
    );
    const line = org.businessLines[1]!.id;
    installTemplateSrv([{ name: 'businessLine', options: [line], current: line }]);
    const teams = await ds.metricFindQuery({ refId: 'v', variableType: 'teams', businessLine: '$businessLine' });
    expect(teams.map((t) => t.value)).toEqual(org.teams.filter((t) => t.businessLine === line).map((t) => t.id));
    const team = org.teams[0]!;
    const services = await ds.metricFindQuery(`services(${team.id})`);
    expect(services.map((s) => s.value)).toEqual(org.services.filter((s) => s.team === team.id).map((s) => s.id));
    const definitions = await api<Array<{ key: string; title: string }>>('/api/v1/kpis/definitions');
    expect(await ds.metricFindQuery({ refId: 'v', variableType: 'kpis' })).toEqual(
      definitions.map((d) => ({ text: d.title, value: d.key }))
    );
    expect((await ds.metricFindQuery('changeSystems')).map((c) => c.value)).toEqual(org.changeSystems.map((c) => c.id));
  });

  it('the custom variable support answers through query()', async () => {
    const support = ds.variables as unknown as BallastVariableSupport;
    expect(support.getType()).toBe('custom');
    const res = await lastValueFrom(
      support.query(request([{ refId: 'v', variableType: 'businessLines' } as never], rangeOf(0, 1)) as never)
    );
    expect((res as { data: unknown[] }).data).toHaveLength(org.businessLines.length);
  });
});

describe('a recurring freeze and changes inside it (occurrences and violations from the exporter)', () => {
  // Friday 18:00 in Berlin for 64 hours; the range holds the end of summer time (25 October 2026).
  const FREEZE = 'frz-ds-test-weekend';
  const NAME = 'DS test weekend freeze';
  const from = Date.parse('2026-10-19T00:00:00Z');
  const to = Date.parse('2026-11-09T00:00:00Z');
  const fromIso = new Date(from).toISOString();
  const toIso = new Date(to).toISOString();
  // Occurrences overlapping the range: 18:00 CEST (16:00Z) before the switch, 18:00 CET (17:00Z) after.
  const STARTS = [
    '2026-10-16T16:00:00.000Z',
    '2026-10-23T16:00:00.000Z',
    '2026-10-30T17:00:00.000Z',
    '2026-11-06T17:00:00.000Z',
  ];
  const LENGTH = 64 * HOUR;
  let team: string;

  async function put(collection: string, id: string, body: unknown) {
    const res = await fetch(`${exporter.url}/api/v1/${collection}/${id}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${exporter.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, `${collection}/${id}: ${await res.clone().text()}`).toBeLessThan(300);
  }

  async function annotations(target: BallastQuery) {
    const anno = { enable: true, name: 'Ballast', iconColor: 'red', target } as AnnotationQuery<BallastQuery>;
    const res = await ds.query(request([ds.annotations!.prepareQuery!(anno)!], rangeOf(from, to)));
    expect(res.errors).toBeUndefined();
    return (await lastValueFrom(ds.annotations!.processEvents!(anno, res.data)))!;
  }

  beforeAll(async () => {
    const service = org.services[0]!;
    team = service.team;
    const system = org.changeSystems[0]!.id;
    await put('freezes', FREEZE, {
      name: NAME,
      reason: 'Test: no changes over the weekend.',
      scope: { team },
      schedule: { cron: '0 18 * * 5', durationMinutes: 64 * 60, timezone: 'Europe/Berlin' },
      // Announced before the weekends below (an admin may say when a window was first announced):
      // a window written after the fact neither makes violations nor shows in the past.
      announcedAt: '2026-01-01T00:00:00Z',
    });
    const change = (startedAt: string, extra: object = {}) => ({
      system,
      kind: 'deploy',
      service: service.id,
      startedAt,
      result: 'success',
      ...extra,
    });
    await put('changes', 'chg-ds-test-in-freeze', change('2026-10-24T10:00:00Z', { title: 'Saturday deploy' }));
    await put(
      'changes',
      'chg-ds-test-exempt',
      change('2026-10-24T11:00:00Z', { title: 'Exempted hotfix', exemption: 'approved hotfix' })
    );
    // Monday 09:00 CET: the first instant after the occurrence (windows are [start, end)).
    await put('changes', 'chg-ds-test-after', change('2026-10-26T08:00:00Z', { title: 'Monday deploy' }));
  });

  it('freeze annotations: one region per occurrence, 18:00 Berlin on both sides of the DST change', async () => {
    const events = (await annotations({ refId: 'A', annotationSource: 'freezes', team })).filter(
      (e) => e.title === `Freeze: ${NAME}`
    );
    expect(events.map((e) => e.time)).toEqual([from, ...STARTS.slice(1).map(Date.parse)]);
    expect(events.map((e) => e.timeEnd)).toEqual([...STARTS.slice(0, 3).map((s) => Date.parse(s) + LENGTH), to]);
    expect(events.map((e) => e.id)).toEqual(STARTS.map((s) => `freeze:${FREEZE}:${Date.parse(s)}`));
    expect(events.every((e) => e.isRegion)).toBe(true);
    const berlin = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    expect(events.slice(1).map((e) => berlin.format(e.time!))).toEqual(['Fri 18:00', 'Fri 18:00', 'Fri 18:00']);
    expect(berlin.format(events[1]!.timeEnd!)).toBe('Mon 09:00'); // 64 h after 18:00 CEST is 09:00 CET
    expect(events[0]!.tags).toEqual(['freeze', team]);
  });

  it('freeze windows table: the exporter’s occurrences as rows, with the schedule', async () => {
    const direct = await api<FreezeOccurrencesResponse>(
      `/api/v1/freeze-occurrences?from=${fromIso}&to=${toIso}&team=${team}`
    );
    const res = await ds.query(request([{ refId: 'F', queryType: 'freezes', team }], rangeOf(from, to)));
    expect(res.errors).toBeUndefined();
    const frame = res.data[0] as DataFrame;
    expect(frame.length).toBe(direct.items.length);
    expect(field(frame, 'startsAt').values).toEqual(direct.items.map((o) => Date.parse(o.startsAt)));
    const rows = [...Array(frame.length).keys()].filter((i) => field(frame, 'freeze').values[i] === FREEZE);
    const at = (name: string) => rows.map((i) => field(frame, name).values[i]);
    expect(at('startsAt')).toEqual(STARTS.map(Date.parse));
    expect(at('endsAt')).toEqual(STARTS.map((s) => Date.parse(s) + LENGTH));
    expect(at('id')).toEqual(STARTS.map((s) => `${FREEZE}@${s}`));
    expect(new Set(at('schedule'))).toEqual(new Set(['0 18 * * 5']));
    expect(new Set(at('timezone'))).toEqual(new Set(['Europe/Berlin']));
    expect(new Set(at('duration'))).toEqual(new Set([64 * 3600]));
    expect(new Set(at('scopeTeam'))).toEqual(new Set([team]));
    expect(new Set(at('name'))).toEqual(new Set([NAME]));
  });

  it('change annotations: the change inside the freeze is a violation naming it; the exempted one and the one at the end are not', async () => {
    const events = await annotations({ refId: 'A', annotationSource: 'changes', team });
    const byId = new Map(events.map((e) => [e.id, e]));
    const inside = byId.get('change:chg-ds-test-in-freeze')!;
    expect(inside.title).toBe('⚠ Saturday deploy');
    expect(inside.tags).toContain('freeze-violation');
    expect(inside.text).toMatch(new RegExp(`^<b>Freeze violation</b>: [^<]*${NAME}`));
    const exempt = byId.get('change:chg-ds-test-exempt')!;
    expect(exempt.tags).not.toContain('freeze-violation');
    expect(exempt.text).toContain('Exemption: approved hotfix');
    expect(byId.get('change:chg-ds-test-after')!.text).not.toContain(NAME);
  });

  it('changes table: freezeViolation and violatedFreezes from the exporter; the violation filter matches the API’s count', async () => {
    const res = await ds.query(request([{ refId: 'C', queryType: 'changes', team, limit: 10000 }], rangeOf(from, to)));
    const frame = res.data[0] as DataFrame;
    const row = (id: string) => field(frame, 'id').values.indexOf(id);
    expect(field(frame, 'freezeViolation').type).toBe(FieldType.boolean);
    expect(field(frame, 'freezeViolation').values[row('chg-ds-test-in-freeze')]).toBe(true);
    expect(field(frame, 'violatedFreezes').values[row('chg-ds-test-in-freeze')]).toContain(FREEZE);
    expect(field(frame, 'freezeViolation').values[row('chg-ds-test-exempt')]).toBe(false);
    expect(field(frame, 'violatedFreezes').values[row('chg-ds-test-after')] ?? '').not.toContain(FREEZE);

    for (const violation of ['true', 'false']) {
      const direct = await api<ListResponse<{ id: string }>>(
        `/api/v1/changes?team=${team}&from=${fromIso}&to=${toIso}&violation=${violation}&limit=1`
      );
      const filtered = await ds.query(
        request([{ refId: 'C', queryType: 'changes', team, filters: { violation }, limit: 10000 }], rangeOf(from, to))
      );
      const f = filtered.data[0] as DataFrame;
      expect(f.length).toBe(direct.total);
      expect(field(f, 'freezeViolation').values.every((v) => v === (violation === 'true'))).toBe(true);
      expect(field(f, 'id').values.includes('chg-ds-test-in-freeze')).toBe(violation === 'true');
      expect(field(f, 'id').values.includes('chg-ds-test-exempt')).toBe(violation === 'false');
    }
  });
});
