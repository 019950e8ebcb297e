/**
 * Every Ballast query of every provisioned dashboard (provisioning/grafana/dashboards/, the one
 * source of the dashboards: docs/plugins.md) run through the BUILT data source, dist/module.js
 * loaded as Grafana loads it (an AMD module whose @grafana/* dependencies are the real packages,
 * .config/vitest/pluginPackage.ts), against a REAL exporter with its demo data
 * (src/testing/exporter.ts), with the dashboard's variables at their saved defaults, at All, at one
 * value and at two, and at each window: no panel and no annotation layer may end in an error, and
 * every variable must be replaced before a request leaves the browser.
 *
 * Grafana stand-ins, each doing what the named Grafana source does (no Grafana runs here):
 *  - templateSrv.ts: public/app/features/templating/template_srv.ts, formatVariableValue.ts,
 *    formatRegistry.ts (and grafana/scenes' formatRegistry.ts), public/app/features/variables/utils.ts;
 *  - grafanaDashboard.ts: variables resolved in order (Prometheus label_values answered from the
 *    exporter's /metrics, as Prometheus would after scraping it), PanelQueryRunner's request,
 *    executeAnnotationQuery.ts and postProcessQueryResult (DashboardQueryRunner/utils.ts);
 *  - the data source proxy: src/testing/backendSrv.ts (route → exporter URL + bearer token);
 *  - the stat panel's choice of fields: the real getFieldDisplayValues of @grafana/data
 *    (packages/grafana-data/src/field/fieldDisplay.ts).
 * Prometheus-backed panels are checked by test/provisioning-e2e.test.ts against a real Prometheus.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  AnnotationQuery,
  createTheme,
  DataFrame,
  DataQuery,
  DataSourceApi,
  DataSourceInstanceSettings,
  DataSourcePlugin,
  getFieldDisplayValues,
  ReducerID,
  TimeRange,
} from '@grafana/data';
import { config } from '@grafana/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAmdModule } from '../../../.config/vitest/pluginPackage.ts';
import { ANNOTATION_LAYERS } from '../annotationLayers';
import { installProxyBackendSrv, PROXY_URL, RecordedRequest } from '../testing/backendSrv';
import { RunningExporter, startExporter } from '../testing/exporter';
import type { AnnotationSource, BallastOptions, BallastQuery, KpiValuesResponse, Org } from '../types';
import {
  allPanels,
  DashboardJson,
  dashboardRange,
  labelValuesFromExposition,
  loadDashboards,
  PanelJson,
  resolveVariables,
  runAnnotationLayer,
  runPanel,
  Selection,
  VariableJson,
} from './grafanaDashboard';
import { GrafanaTemplateSrv, installGrafanaTemplateSrv } from './templateSrv';

const PLUGIN_DIR = path.resolve(__dirname, '..', '..');
const MODULE_JS = path.join(PLUGIN_DIR, 'dist', 'module.js');
const BALLAST_TYPE = 'ballast-stability-datasource';
const BALLAST_UID = 'ballast';

let exporter: RunningExporter;
let exposition: string;
let org: Org;
let ds: DataSourceApi<BallastQuery, BallastOptions>;
let requests: RecordedRequest[];

const dashboards = loadDashboards();

async function api<T>(p: string): Promise<T> {
  const res = await fetch(`${exporter.url}${p}`, { headers: { Authorization: `Bearer ${exporter.readToken}` } });
  expect(res.status, p).toBe(200);
  return (await res.json()) as T;
}

beforeAll(async () => {
  expect(fs.existsSync(MODULE_JS), `no ${MODULE_JS}: run \`npm run build -w datasource-plugin\` first`).toBe(true);
  exporter = await startExporter();
  org = await api<Org>('/api/v1/org');
  const metrics = await fetch(`${exporter.url}/metrics`, {
    headers: { Authorization: `Bearer ${exporter.readToken}` },
  });
  exposition = await metrics.text();
  const { exports } = await loadAmdModule(MODULE_JS, `public/plugins/${BALLAST_TYPE}/module.js`);
  const plugin = exports.plugin as DataSourcePlugin<DataSourceApi<BallastQuery, BallastOptions>>;
  expect(plugin).toBeInstanceOf(DataSourcePlugin);
  // As Grafana creates it for the provisioned data source (provisioning/grafana/datasources/ballast.yml).
  const settings = {
    id: 2,
    uid: 'ballast-test',
    type: BALLAST_TYPE,
    name: 'Ballast',
    url: PROXY_URL,
    access: 'proxy',
    jsonData: { url: exporter.url },
    readOnly: true,
    meta: {
      id: BALLAST_TYPE,
      type: 'datasource',
      name: 'Ballast',
      info: {},
      module: `public/plugins/${BALLAST_TYPE}/module.js`,
    },
  } as unknown as DataSourceInstanceSettings<BallastOptions>;
  ds = new plugin.DataSourceClass(settings);
  requests = installProxyBackendSrv({ exporterUrl: exporter.url, token: exporter.readToken }).requests;
}, 120_000);

afterAll(async () => {
  await exporter?.stop();
});

const isBallast = (ref?: { type?: string; uid?: string } | null) =>
  ref?.type === BALLAST_TYPE || ref?.uid === BALLAST_UID;
const ballastTargets = (p: PanelJson) =>
  (p.targets ?? []).filter((t) => isBallast(t.datasource ?? p.datasource)) as unknown as BallastQuery[];
const ballastLayers = (d: DashboardJson) =>
  d.annotations.list.filter((a) => !a.builtIn && isBallast(a.datasource)) as Array<AnnotationQuery<BallastQuery>>;

/** Ballast variable queries (none of the shipped dashboards has one yet) go to the data source. */
const findValues = async (v: VariableJson) =>
  (await ds.metricFindQuery!(v.query as never, {})).map((o) => ({
    text: String(o.text),
    value: String(o.value ?? o.text),
  }));

async function variables(
  d: DashboardJson,
  select: (v: VariableJson) => Selection,
  range: TimeRange
): Promise<GrafanaTemplateSrv> {
  const srv = await resolveVariables(
    d,
    select,
    (selector, label) => labelValuesFromExposition(exposition, selector, label),
    findValues,
    range
  );
  installGrafanaTemplateSrv(srv.getVariables(), range);
  return srv;
}

interface Scenario {
  name: string;
  select: (v: VariableJson) => Selection;
}
/** Whether a Ballast panel or layer of the dashboard names the variable (directly, not through another variable). */
const usesVariable = (d: DashboardJson, name: string) =>
  new RegExp(`\\$\\{?${name}\\b|\\[\\[${name}\\b`).test(
    JSON.stringify([...allPanels(d).flatMap(ballastTargets), ...ballastLayers(d).map((l) => l.target)])
  );

const SCENARIOS = (d: DashboardJson): Scenario[] => [
  { name: 'saved defaults', select: () => ({ kind: 'default' }) },
  { name: 'All', select: () => ({ kind: 'all' }) },
  { name: 'one value each', select: (v) => (v.includeAll ? { kind: 'first', count: 1 } : { kind: 'default' }) },
  { name: 'two values each', select: (v) => (v.includeAll ? { kind: 'first', count: 2 } : { kind: 'default' }) },
  // every option of each variable without All (the window) that a Ballast query uses, the others at their defaults
  ...d.templating.list
    .filter((v) => v.type === 'custom' && !v.includeAll && usesVariable(d, v.name))
    .flatMap((v) =>
      String(v.query)
        .split(',')
        .map((value) => ({
          name: `${v.name}=${value}`,
          select: () => ({ kind: 'value', name: v.name, value }) as Selection,
        }))
    ),
];

/** The first request a query made (by URL, after the proxy prefix), parsed. */
const sent = (since: number) => requests.slice(since).map((r) => new URL(r.forwardedTo));

/** What each Ballast query field holding `$team` etc. must have become at the exporter. */
function expectInterpolated(target: BallastQuery, urls: URL[], srv: GrafanaTemplateSrv, where: string) {
  for (const url of urls) {
    expect(decodeURIComponent(url.href), `${where}: a variable was sent as written`).not.toMatch(/\$\w|\$\{|\[\[/);
  }
  const byName = new Map(srv.getVariables().map((v) => [v.name, v]));
  for (const [field, param] of [
    ['window', 'window'],
    ['team', 'team'],
    ['businessLine', 'businessLine'],
  ] as const) {
    const m = /^\$\{?(\w+)\}?$/.exec(String(target[field] ?? ''));
    const variable = m && byName.get(m[1]!);
    if (!variable) {
      continue;
    }
    const values = ([] as string[]).concat(variable.current.value);
    const params = urls.map((u) => u.searchParams.get(param)).filter((x) => x !== null);
    // the scorecard API takes no scope (the plugin filters its rows: checked on the frames)
    const takesScope = field === 'window' || urls.some((u) => !u.pathname.endsWith('/scorecard'));
    if (values.includes('$__all')) {
      // All (no custom all value) is no filter at all, not a list of every value
      expect(params, `${where}: ${field} at All`).toEqual([]);
    } else if (values.length === 1 || field === 'window') {
      expect(params.length > 0 || !takesScope, `${where}: ${field} sent`).toBe(true);
      for (const p of params) {
        expect(p, `${where}: ${field}`).toBe(values.join(','));
      }
    } else {
      // several teams: the list API gets them as a list, the KPI and scorecard APIs are filtered in the plugin
      for (const p of params) {
        expect(
          p!.split(',').every((x) => values.includes(x)),
          `${where}: ${field}=${p}`
        ).toBe(true);
      }
    }
  }
}

/** Scorecard rows: only the team (or business line) a single-valued variable names. */
function expectScorecardScope(target: BallastQuery, frames: DataFrame[], srv: GrafanaTemplateSrv, where: string) {
  const current = (text?: string) => {
    const name = /^\$\{?(\w+)\}?$/.exec(text ?? '')?.[1];
    const v = srv.getVariables().find((x) => x.name === name);
    const values = v ? ([] as string[]).concat(v.current.value) : [];
    return values.length === 1 && values[0] !== '$__all' ? values[0] : undefined;
  };
  const column = (frame: DataFrame, name: string) => frame.fields.find((f) => f.name === name)!.values as string[];
  const team = current(target.team);
  const line = current(target.businessLine);
  for (const frame of frames) {
    if (team) {
      expect(new Set(column(frame, 'id')), `${where}: scorecard rows of team ${team}`).toEqual(
        new Set(frame.length ? [team] : [])
      );
    } else if (line) {
      const ids = column(frame, 'id');
      const lines = column(frame, 'businessLine');
      expect(
        ids.every((id, i) => id === line || lines[i] === line),
        `${where}: scorecard rows of ${line}`
      ).toBe(true);
    }
  }
}

describe.each(dashboards.map(({ file, dashboard }) => ({ file, dashboard })))('dashboard $file', ({ dashboard }) => {
  const panels = allPanels(dashboard).filter((p) => ballastTargets(p).length > 0);
  const layers = ballastLayers(dashboard);

  it.each(SCENARIOS(dashboard).map((s) => ({ ...s })))(
    'every Ballast panel and annotation layer runs without error: variables at $name',
    async ({ name, select }) => {
      const range = dashboardRange(dashboard);
      const srv = await variables(dashboard, select, range);
      for (const panel of panels) {
        const targets = ballastTargets(panel).map(
          (t) => ({ ...t, datasource: t.datasource ?? panel.datasource }) as BallastQuery & DataQuery
        );
        const since = requests.length;
        const res = await runPanel(ds, dashboard, panel, targets, range);
        const where = `${dashboard.uid} panel "${panel.title}" (${name})`;
        expect(res.errors ?? [], where).toEqual([]);
        expect(res.data.length, `${where}: frames`).toBeGreaterThan(0);
        for (const frame of res.data as DataFrame[]) {
          expect(
            targets.map((t) => t.refId),
            where
          ).toContain(frame.refId);
        }
        expect(requests.length, `${where}: asked the exporter`).toBeGreaterThan(since);
        for (const target of targets) {
          expectInterpolated(target, sent(since), srv, where);
          if (target.queryType === 'scorecard') {
            expectScorecardScope(target, res.data as DataFrame[], srv, where);
          }
        }
      }
      for (const layer of layers) {
        const since = requests.length;
        const { events, response } = await runAnnotationLayer(ds, dashboard, layer, range);
        const where = `${dashboard.uid} annotation layer "${layer.name}" (${name})`;
        expect(response.errors ?? [], where).toEqual([]);
        expectInterpolated(layer.target!, sent(since), srv, where);
        // Grafana draws the layer's events in its iconColor, whatever the data source said
        const color = config.theme2.visualization.getColorByName(layer.iconColor);
        const declared = ANNOTATION_LAYERS[layer.target!.annotationSource as AnnotationSource];
        for (const e of events) {
          expect(e.color, where).toBe(color);
          if (!declared.regions) {
            expect(e.isRegion, `${where}: points`).toBe(false);
          }
          expect(typeof e.time, where).toBe('number');
          expect(e.title, where).toBeTruthy();
        }
      }
    }
  );

  it('declares its Ballast annotation layers as the data source does: one layer per meaning, in that meaning’s colour', () => {
    for (const layer of layers) {
      const declared = ANNOTATION_LAYERS[layer.target!.annotationSource as AnnotationSource];
      expect(declared, `${dashboard.uid} layer "${layer.name}"`).toBeDefined();
      expect(layer.iconColor).toBe(declared.iconColor);
    }
    expect(new Set(layers.map((l) => l.iconColor)).size).toBe(layers.length);
  });
});

describe('the dashboards as a whole', () => {
  it('have Ballast panels and layers to check (the loop above is not empty)', () => {
    const panels = dashboards.flatMap(({ dashboard }) =>
      allPanels(dashboard).filter((p) => ballastTargets(p).length > 0)
    );
    expect(panels.length).toBeGreaterThanOrEqual(7);
    const sources = dashboards.flatMap(({ dashboard }) =>
      ballastLayers(dashboard).map((l) => l.target!.annotationSource)
    );
    expect(new Set(sources)).toEqual(new Set(Object.keys(ANNOTATION_LAYERS)));
  });

  it('at the change-control dashboard’s defaults, each annotation layer holds what its name says', async () => {
    const d = dashboards.find((x) => x.dashboard.uid === 'ballast-change-control')!.dashboard;
    const range = dashboardRange(d);
    await variables(d, () => ({ kind: 'default' }), range);
    const events: Record<string, Array<{ tags?: string[]; isRegion?: boolean }>> = {};
    for (const layer of ballastLayers(d)) {
      events[layer.target!.annotationSource!] = (await runAnnotationLayer(ds, d, layer, range)).events;
    }
    expect(events.changes!.length).toBeGreaterThan(0);
    expect(events.failedChanges!.every((e) => e.tags!.includes('failed') || e.tags!.includes('rolled_back'))).toBe(
      true
    );
    expect(events.freezeViolations!.every((e) => e.tags!.includes('freeze-violation'))).toBe(true);
    // the violations and failures are among the changes, and are not all of them
    expect(events.freezeViolations!.length + events.failedChanges!.length).toBeLessThan(events.changes!.length);
    expect(events.incidents!.length).toBeGreaterThan(0);
    expect(events.incidents!.every((e) => e.tags!.includes('incident'))).toBe(true);
    expect(events.freezes!.every((e) => e.isRegion)).toBe(true);
  });
});

describe('a KPI query in a stat panel (Grafana’s own field selection)', () => {
  const statValues = (frames: DataFrame[]) =>
    getFieldDisplayValues({
      data: frames,
      reduceOptions: { values: false, calcs: [ReducerID.lastNotNull], fields: '' },
      fieldConfig: { defaults: {}, overrides: [] },
      replaceVariables: (s: string) => s,
      theme: createTheme(),
      timeZone: 'utc',
    });

  it('shows one value per scope by default: the value, not the numerator and denominator', async () => {
    installGrafanaTemplateSrv([]);
    const d = {
      uid: 'stat',
      title: 'stat',
      time: { from: 'now-1d', to: 'now' },
      panels: [],
      annotations: { list: [] },
      templating: { list: [] },
    } as DashboardJson;
    const panel: PanelJson = { id: 1, type: 'stat', title: 'Detection ratio by team' };
    const target: BallastQuery = {
      refId: 'A',
      queryType: 'kpi',
      kpi: 'detection_ratio',
      level: 'team',
      window: '90d',
      format: 'value',
    };
    const res = await runPanel(ds, d, panel, [target], dashboardRange(d));
    const direct = await api<KpiValuesResponse>('/api/v1/kpis?window=90d&kpi=detection_ratio&level=team');
    expect(direct.values.length).toBe(org.teams.length);
    const shown = statValues(res.data as DataFrame[]);
    expect(shown).toHaveLength(direct.values.length);
    for (const v of shown) {
      const expected = direct.values.find((x) => x.team === v.display.title?.split(' · ')[1]);
      expect(expected, v.display.title).toBeDefined();
      if (expected!.value === null) {
        expect(Number.isNaN(v.display.numeric), v.display.title).toBe(true);
      } else {
        expect(v.display.numeric).toBeCloseTo(expected!.value, 6);
      }
    }
    // with the components asked for (e.g. for a table), a stat panel shows three numbers per scope
    const withParts = await runPanel(ds, d, panel, [{ ...target, components: true }], dashboardRange(d));
    expect(statValues(withParts.data as DataFrame[])).toHaveLength(3 * direct.values.length);
  });
});
