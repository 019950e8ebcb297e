/**
 * A provisioned dashboard as Grafana runs it, for tests (no Grafana runs here): its variables
 * resolved in order, its panels' queries and its annotation layers sent to a data source the way
 * Grafana sends them. What each step mirrors:
 *
 *  - variables: options of a custom variable are its comma-separated `query`; with `includeAll`
 *    the first option is All (`$__all`, which template_srv.ts getAllValue skips); a Prometheus
 *    `label_values(selector, label)` query is answered from the exporter's /metrics, which is what
 *    Prometheus would hold after scraping it, with the selector interpolated as Grafana's
 *    Prometheus data source does (packages/grafana-prometheus/src/datasource.ts `interpolateQueryExpr`:
 *    a multi-value or include-All variable becomes an escaped regex alternation);
 *  - panel queries: public/app/features/query/state/PanelQueryRunner.ts builds the request (the
 *    dashboard's range, `__interval`/`__interval_ms` in scopedVars, targets with the panel's data
 *    source) and calls the data source's query();
 *  - annotation layers: public/app/features/annotations/executeAnnotationQuery.ts (the data source's
 *    getDefaultQuery merged under the saved layer, standardAnnotationSupport overridden by the data
 *    source's own, prepareAnnotation → prepareQuery → query with refId `Anno` → processEvents), then
 *    postProcessQueryResult (public/app/features/query/state/DashboardQueryRunner/utils.ts), which
 *    gives every event the layer's iconColor.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  AnnotationEvent,
  AnnotationQuery,
  AnnotationSupport,
  CoreApp,
  DataQuery,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  rangeUtil,
  ScopedVars,
  TimeRange,
} from '@grafana/data';
import { config } from '@grafana/runtime';
import { lastValueFrom, Observable } from 'rxjs';
import {
  ALL_VARIABLE_TEXT,
  ALL_VARIABLE_VALUE,
  GrafanaTemplateSrv,
  VariableModel,
  VariableOption,
} from './templateSrv';

export const DASHBOARDS_DIR = path.resolve(__dirname, '..', '..', '..', 'provisioning', 'grafana', 'dashboards');

interface DsRef {
  type?: string;
  uid?: string;
}
export interface PanelJson {
  id: number;
  type: string;
  title: string;
  datasource?: DsRef;
  targets?: Array<DataQuery & { datasource?: DsRef }>;
  panels?: PanelJson[];
  maxDataPoints?: number;
  options?: { reduceOptions?: { values?: boolean; calcs?: string[]; fields?: string; limit?: number } };
}
export interface VariableJson {
  name: string;
  type: string;
  datasource?: DsRef | null;
  query?: unknown;
  definition?: string;
  includeAll?: boolean;
  multi?: boolean;
  allValue?: string | null;
  current?: { text: string | string[]; value: string | string[] };
}
export interface DashboardJson {
  uid: string;
  title: string;
  time: { from: string; to: string };
  timezone?: string;
  panels: PanelJson[];
  annotations: { list: Array<AnnotationQuery & { builtIn?: number }> };
  templating: { list: VariableJson[] };
}

export function loadDashboards(dir = DASHBOARDS_DIR): Array<{ file: string; dashboard: DashboardJson }> {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as DashboardJson }));
}

/** Every panel, rows' nested panels included (rows themselves are not panels that query). */
export const allPanels = (d: DashboardJson): PanelJson[] =>
  d.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');

// ------------------------------------------------------------------ variables

/** What a variable is set to in a scenario: its saved default, All, or its first n values. */
export type Selection =
  | { kind: 'default' }
  | { kind: 'all' }
  | { kind: 'first'; count: number }
  | { kind: 'value'; name: string; value: string };

/** Answers a Prometheus label_values(selector, label) query (the exporter's /metrics stands for Prometheus). */
export type LabelValues = (selector: string, label: string) => string[];
/** Answers a query variable of another data source (e.g. Ballast's metricFindQuery). */
export type FindValues = (
  variable: VariableJson,
  templateSrv: GrafanaTemplateSrv
) => Promise<Array<{ text: string; value: string }>>;

/**
 * Grafana's Prometheus data source interpolation, classic behaviour (packages/grafana-prometheus/src/datasource.ts
 * `interpolateQueryExpr`, `prometheusRegularEscape`, `prometheusSpecialRegexEscape`).
 */
export function prometheusFormat(value: unknown, variable: { multi?: boolean; includeAll?: boolean }): string {
  const special = (v: unknown) =>
    String(v)
      .replace(/\\/g, '\\\\\\\\')
      .replace(/[$^*{}[\]+?.()|]/g, '\\\\$&');
  const regular = (v: unknown) => String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\\\'");
  if (!variable.multi && !variable.includeAll) {
    return regular(value);
  }
  if (typeof value === 'string') {
    return special(value);
  }
  const escaped = (value as unknown[]).map(special);
  return escaped.length === 1 ? escaped[0]! : '(' + escaped.join('|') + ')';
}

/** Label values of the series matching a selector such as `metric{a="x", b=~"(y|z)"}` in exposition text. */
export function labelValuesFromExposition(exposition: string, selector: string, label: string): string[] {
  const m = /^\s*(\w+)\s*(?:\{(.*)\})?\s*$/.exec(selector);
  if (!m) {
    throw new Error(`cannot read the selector ${selector}`);
  }
  const [, metric, body = ''] = m;
  const matchers = [...body.matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map(([, name, op, raw]) => ({
    name: name!,
    op: op!,
    // PromQL string literal: \\ is one backslash
    value: raw!.replace(/\\(.)/g, '$1'),
  }));
  const out = new Set<string>();
  for (const line of exposition.split('\n')) {
    const s = /^(\w+)\{([^}]*)\}\s/.exec(line);
    if (!s || s[1] !== metric) {
      continue;
    }
    const labels = Object.fromEntries([...s[2]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [k!, v!]));
    const ok = matchers.every(({ name, op, value }) => {
      const actual = labels[name] ?? '';
      const re = new RegExp(`^(?:${value})$`);
      return op === '='
        ? actual === value
        : op === '!='
          ? actual !== value
          : op === '=~'
            ? re.test(actual)
            : !re.test(actual);
    });
    if (ok && labels[label] !== undefined) {
      out.add(labels[label]!);
    }
  }
  return [...out].sort();
}

async function optionsOf(
  v: VariableJson,
  srv: GrafanaTemplateSrv,
  labelValues: LabelValues,
  findValues: FindValues
): Promise<VariableOption[]> {
  if (v.type === 'custom') {
    // custom variables: comma-separated, each `text : value` or a value
    return String(v.query ?? '')
      .split(/(?<!\\),/)
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => {
        const [text, value] = s.includes(' : ') ? s.split(' : ') : [s, s];
        return { text: text!, value: value! };
      });
  }
  if (v.type === 'query' && v.datasource?.type === 'prometheus') {
    const definition = v.definition ?? (v.query as { query?: string })?.query ?? String(v.query);
    const m = /^label_values\((.*),\s*(\w+)\)$/.exec(definition);
    if (!m) {
      throw new Error(`variable ${v.name}: only label_values(selector, label) is emulated, not ${definition}`);
    }
    const selector = srv.replace(m[1]!, {}, (value: unknown, variable: unknown) =>
      prometheusFormat(value, variable as VariableJson)
    );
    return labelValues(selector, m[2]!).map((x) => ({ text: x, value: x }));
  }
  if (v.type === 'query') {
    return (await findValues(v, srv)).map((o) => ({ text: String(o.text), value: String(o.value) }));
  }
  throw new Error(`variable ${v.name}: type ${v.type} is not emulated`);
}

/**
 * The dashboard's variables, resolved in order (each one's options may depend on the ones before),
 * each set as the scenario says. A saved value no longer among the options falls back to the first
 * option, as Grafana's variable validation does.
 */
export async function resolveVariables(
  d: DashboardJson,
  select: (v: VariableJson) => Selection,
  labelValues: LabelValues,
  findValues: FindValues,
  range: TimeRange
): Promise<GrafanaTemplateSrv> {
  const models: VariableModel[] = [];
  const srv = new GrafanaTemplateSrv(models, range);
  for (const v of d.templating.list) {
    const found = await optionsOf(v, srv, labelValues, findValues);
    const options: VariableOption[] = [
      ...(v.includeAll ? [{ text: ALL_VARIABLE_TEXT, value: ALL_VARIABLE_VALUE }] : []),
      ...found,
    ];
    const values = found.map((o) => o.value);
    const wrap = (xs: string[]) => (v.multi ? xs : (xs[0] ?? ''));
    const sel = select(v);
    let value: string | string[];
    if (sel.kind === 'value' && sel.name === v.name) {
      value = wrap([sel.value]);
    } else if (sel.kind === 'all' && v.includeAll) {
      value = wrap([ALL_VARIABLE_VALUE]);
    } else if (sel.kind === 'first') {
      value = wrap(values.slice(0, v.multi ? sel.count : 1));
    } else {
      const saved = ([] as string[]).concat(v.current?.value ?? []);
      const valid = saved.filter((x) => x === ALL_VARIABLE_VALUE || values.includes(x));
      value = wrap(valid.length ? valid : values.slice(0, 1));
    }
    const text = ([] as string[])
      .concat(value)
      .map((x) => (x === ALL_VARIABLE_VALUE ? ALL_VARIABLE_TEXT : (options.find((o) => o.value === x)?.text ?? x)));
    models.push({
      name: v.name,
      type: v.type,
      options,
      includeAll: v.includeAll,
      multi: v.multi,
      allValue: v.allValue ?? null,
      current: { value, text: Array.isArray(value) ? text : text[0]! },
    });
    srv.init(models, range);
  }
  return srv;
}

// ------------------------------------------------------------------ queries

/** The dashboard's time range as Grafana computes it from `time` (now-90d … now). */
export function dashboardRange(d: DashboardJson): TimeRange {
  return rangeUtil.convertRawToRange({ from: d.time.from, to: d.time.to }, d.timezone ?? 'browser');
}

/** The request PanelQueryRunner sends for a panel's targets of one data source. */
export function panelRequest<Q extends DataQuery>(
  d: DashboardJson,
  panel: PanelJson,
  targets: Q[],
  range: TimeRange
): DataQueryRequest<Q> {
  const maxDataPoints = panel.maxDataPoints ?? 1000;
  const { interval, intervalMs } = rangeUtil.calculateInterval(range, maxDataPoints);
  const scopedVars: ScopedVars = {
    __interval: { text: interval, value: interval },
    __interval_ms: { text: String(intervalMs), value: intervalMs },
  };
  return {
    app: CoreApp.Dashboard,
    requestId: `Q${panel.id}`,
    dashboardUID: d.uid,
    panelId: panel.id,
    timezone: d.timezone ?? 'browser',
    range,
    rangeRaw: range.raw,
    interval,
    intervalMs,
    maxDataPoints,
    scopedVars,
    targets,
    startTime: Date.now(),
  } as DataQueryRequest<Q>;
}

const toPromise = (r: Promise<DataQueryResponse> | Observable<DataQueryResponse>) =>
  r instanceof Observable ? lastValueFrom(r) : r;

export async function runPanel<Q extends DataQuery>(
  ds: DataSourceApi<Q>,
  d: DashboardJson,
  panel: PanelJson,
  targets: Q[],
  range: TimeRange
) {
  return toPromise(ds.query(panelRequest(d, panel, targets, range)));
}

/** postProcessQueryResult: the layer's source, colour (from iconColor), name as type, and region-ness. */
export function postProcessQueryResult(annotation: AnnotationQuery, results: AnnotationEvent[]): AnnotationEvent[] {
  return results.map((item) => ({
    ...item,
    source: annotation,
    color: config.theme2.visualization.getColorByName(annotation.iconColor),
    type: annotation.name,
    isRegion: Boolean(item.timeEnd && item.time !== item.timeEnd),
  }));
}

/** executeAnnotationQuery + postProcessQueryResult for one layer: the events Grafana would draw, and the query's errors. */
export async function runAnnotationLayer<Q extends DataQuery>(
  ds: DataSourceApi<Q>,
  d: DashboardJson,
  layer: AnnotationQuery<Q>,
  range: TimeRange
) {
  const support = ds.annotations as AnnotationSupport<Q>;
  // standardAnnotationSupport.prepareAnnotation: a legacy string `query` moves into the target
  const standardPrepare = (json: AnnotationQuery<Q>) => json;
  const processor = { prepareAnnotation: standardPrepare, ...support };
  const withDefaults = { ...(ds.getDefaultQuery?.(CoreApp.Dashboard) ?? {}), ...layer } as AnnotationQuery<Q>;
  const annotation = processor.prepareAnnotation!(withDefaults);
  const query = annotation && processor.prepareQuery!(annotation);
  if (!annotation || !query) {
    return { events: [] as AnnotationEvent[], response: { data: [] } as DataQueryResponse };
  }
  const { interval, intervalMs } = rangeUtil.calculateInterval(range, 1920);
  const request = {
    startTime: Date.now(),
    requestId: `AQ${d.uid}`,
    range,
    maxDataPoints: 1920,
    scopedVars: {
      __interval: { text: interval, value: interval },
      __interval_ms: { text: String(intervalMs), value: intervalMs },
      __annotation: { text: annotation.name, value: annotation },
    },
    interval,
    intervalMs,
    app: CoreApp.Dashboard,
    timezone: d.timezone ?? 'browser',
    targets: [{ ...query, refId: 'Anno' }],
  } as DataQueryRequest<Q>;
  const response = await toPromise(ds.query(request));
  const events = response.data?.length ? await lastValueFrom(support.processEvents!(annotation, response.data)) : [];
  return { events: postProcessQueryResult(annotation, events ?? []), response };
}
