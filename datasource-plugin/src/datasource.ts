/**
 * The Ballast data source: KPI values and series, the scorecard, record tables, annotations and
 * template-variable values from the exporter's API (docs/api.md), all through Grafana's data
 * source proxy (see api/client.ts).
 */
import {
  AnnotationSupport,
  CoreApp,
  DataFrame,
  DataQueryError,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  DataSourceInstanceSettings,
  MetricFindValue,
  ScopedVars,
  TestDataSourceResponse,
  TimeRange,
  dateTime,
} from '@grafana/data';
import { config } from '@grafana/runtime';
import { of } from 'rxjs';
import { ApiError, BallastClient } from './api/client';
import { changeEvents, eventsFrame, framesToEvents, freezeEvents, incidentEvents } from './annotations';
import { AnnotationEditor } from './components/AnnotationEditor';
import { FreezeRow, kpiSeriesFrames, kpiValueFrames, recordsFrame, scorecardFrame } from './frames';
import { interpolate, interpolateList } from './template';
import {
  BallastOptions,
  BallastQuery,
  BallastVariableQuery,
  Change,
  DEFAULT_LIMIT,
  DEFAULT_QUERY,
  Freeze,
  FreezeOccurrencesResponse,
  HealthResponse,
  Incident,
  KpiDefinition,
  KpiSeriesResponse,
  KpiValue,
  KpiValuesResponse,
  MAX_LIMIT,
  Org,
  RECORD_FILTERS,
  RECORD_TYPES,
  RecordType,
  ScorecardResponse,
} from './types';
import { BallastVariableSupport, parseVariableQuery } from './variables';

export const API_VERSION = 'v1';
const STEPS: Array<[string, number]> = [
  ['5m', 300_000],
  ['15m', 900_000],
  ['1h', 3_600_000],
  ['6h', 21_600_000],
  ['1d', 86_400_000],
  ['7d', 604_800_000],
];
/** Each series point is a KPI computation on the exporter: keep series short. */
const MAX_SERIES_POINTS = 200;

/** The series step for a dashboard range: the finest that stays under MAX_SERIES_POINTS (and the panel interval). */
export function autoStep(range: TimeRange, intervalMs = 0, maxPoints = MAX_SERIES_POINTS): string {
  const span = range.to.valueOf() - range.from.valueOf();
  const found = STEPS.find(([, ms]) => ms >= intervalMs && span / ms + 1 <= maxPoints);
  return (found ?? STEPS[STEPS.length - 1]!)[0];
}

export class DataSource extends DataSourceApi<BallastQuery, BallastOptions> {
  readonly client: BallastClient;
  private readonly exporterUrl?: string;
  private definitions?: Promise<KpiDefinition[]>;

  constructor(instanceSettings: DataSourceInstanceSettings<BallastOptions>) {
    super(instanceSettings);
    this.client = new BallastClient(instanceSettings.url ?? '');
    this.exporterUrl = instanceSettings.jsonData?.url;
    this.variables = new BallastVariableSupport(this);
    this.annotations = {
      QueryEditor: AnnotationEditor,
      getDefaultQuery: () => ({ queryType: 'annotations', annotationSource: 'changes' }),
      prepareQuery: (anno) => {
        const target = (anno.target ?? {}) as BallastQuery;
        return { ...target, refId: target.refId || 'Anno', queryType: 'annotations', annotationSource: target.annotationSource ?? 'changes' };
      },
      processEvents: (_anno, frames) => of(framesToEvents(frames)),
    } satisfies AnnotationSupport<BallastQuery>;
  }

  getDefaultQuery(_app: CoreApp): Partial<BallastQuery> {
    return DEFAULT_QUERY;
  }

  filterQuery(query: BallastQuery): boolean {
    return !query.hide;
  }

  /** The query with its variables replaced (used by Grafana for inspection, and by query()). */
  applyTemplateVariables(query: BallastQuery, scopedVars: ScopedVars): BallastQuery {
    const filters = Object.fromEntries(
      Object.entries(query.filters ?? {})
        .map(([k, v]) => [k, interpolate(v, scopedVars)] as const)
        .filter((e): e is [string, string] => e[1] !== undefined)
    );
    return {
      ...query,
      businessLine: interpolate(query.businessLine, scopedVars),
      team: interpolate(query.team, scopedVars),
      service: interpolate(query.service, scopedVars),
      kpi: interpolate(query.kpi, scopedVars),
      kind: interpolate(query.kind, scopedVars),
      step: interpolate(query.step, scopedVars),
      filters,
    };
  }

  async query(request: DataQueryRequest<BallastQuery>): Promise<DataQueryResponse> {
    const targets = request.targets.filter((t) => this.filterQuery(t));
    const results = await Promise.all(
      targets.map(async (target) => {
        const q = this.applyTemplateVariables(target, request.scopedVars);
        try {
          return { frames: await this.runQuery(q, request) };
        } catch (err) {
          const e = err instanceof ApiError ? err : new ApiError(0, String(err), '');
          const error: DataQueryError = { refId: target.refId, message: e.message, status: e.status || undefined };
          return { frames: [] as DataFrame[], error };
        }
      })
    );
    const errors = results.flatMap((r) => (r.error ? [r.error] : []));
    return { data: results.flatMap((r) => r.frames), ...(errors.length ? { errors, error: errors[0] } : {}) };
  }

  private async runQuery(q: BallastQuery, request: DataQueryRequest<BallastQuery>): Promise<DataFrame[]> {
    const type = q.queryType ?? 'kpi';
    if (type === 'kpi') {
      return q.format === 'timeseries' ? this.kpiSeries(q, request) : this.kpiValues(q);
    }
    if (type === 'scorecard') {
      return [await this.scorecard(q)];
    }
    if (type === 'annotations') {
      return [await this.annotationFrame(q, request.range)];
    }
    if ((RECORD_TYPES as readonly string[]).includes(type)) {
      return [await this.records(type as RecordType, q, request.range)];
    }
    throw new ApiError(0, `unknown query type "${type}"`, '');
  }

  kpiDefinitions(): Promise<KpiDefinition[]> {
    if (!this.definitions) {
      this.definitions = this.client.get<KpiDefinition[]>('/api/v1/kpis/definitions');
      this.definitions.catch(() => (this.definitions = undefined));
    }
    return this.definitions;
  }

  getOrg(): Promise<Org> {
    return this.client.get<Org>('/api/v1/org');
  }

  private async kpiValues(q: BallastQuery): Promise<DataFrame[]> {
    const lines = (q.businessLine ?? '').split(',').filter(Boolean);
    const teams = (q.team ?? '').split(',').filter(Boolean);
    // The KPI API takes one business line and one team: several are asked for all and filtered here.
    const [answer, defs] = await Promise.all([
      this.client.get<KpiValuesResponse>('/api/v1/kpis', {
        window: q.window ?? '30d',
        kpi: q.kpi || undefined,
        level: q.level,
        businessLine: lines.length === 1 ? lines[0] : undefined,
        team: teams.length === 1 ? teams[0] : undefined,
      }),
      this.kpiDefinitions(),
    ]);
    const values = answer.values.filter(
      (v: KpiValue) =>
        (lines.length <= 1 || (v.businessLine !== null && lines.includes(v.businessLine))) &&
        (teams.length <= 1 || (v.team !== null && teams.includes(v.team)))
    );
    return kpiValueFrames(q.refId, values, new Map(defs.map((d) => [d.key, d])));
  }

  private async kpiSeries(q: BallastQuery, request: DataQueryRequest<BallastQuery>): Promise<DataFrame[]> {
    const kpis = (q.kpi ?? '').split(',').filter(Boolean);
    if (kpis.length === 0) {
      throw new ApiError(400, 'Choose a KPI', '/api/v1/kpis/series');
    }
    const lines = (q.businessLine ?? '').split(',').filter(Boolean);
    const teams = (q.team ?? '').split(',').filter(Boolean);
    const step = q.step || autoStep(request.range, request.intervalMs);
    // One call per KPI and per business line or team asked for (the series API takes one of each).
    const scopes: Array<{ businessLine?: string; team?: string }> = teams.length
      ? teams.map((team) => ({ team }))
      : lines.length
        ? lines.map((businessLine) => ({ businessLine }))
        : [{}];
    const defs = new Map<string, KpiDefinition>((await this.kpiDefinitions()).map((d) => [d.key, d]));
    const answers = await Promise.all(
      kpis.flatMap((kpi) =>
        scopes.map((scope) =>
          this.client
            .get<KpiSeriesResponse>('/api/v1/kpis/series', {
              kpi,
              window: q.window ?? '30d',
              from: request.range.from.toISOString(),
              to: request.range.to.toISOString(),
              step,
              level: q.level,
              ...scope,
            })
            .then((r) => ({ kpi, r }))
        )
      )
    );
    return answers.flatMap(({ kpi, r }) => kpiSeriesFrames(q.refId, r, defs.get(kpi)));
  }

  private async scorecard(q: BallastQuery): Promise<DataFrame> {
    const card = await this.client.get<ScorecardResponse>('/api/v1/scorecard', { window: q.window ?? 'ytd' });
    const lines = (q.businessLine ?? '').split(',').filter(Boolean);
    const teams = (q.team ?? '').split(',').filter(Boolean);
    const scopes = card.scopes.filter((s) => {
      if (q.level && s.level !== q.level) {
        return false;
      }
      if (teams.length) {
        return s.level === 'team' && s.id !== null && teams.includes(s.id);
      }
      if (lines.length) {
        const line = s.level === 'business_line' ? s.id : s.businessLine;
        return !!line && lines.includes(line);
      }
      return true;
    });
    return scorecardFrame(q.refId, card, scopes);
  }

  private listParams(q: BallastQuery, type: RecordType, range: TimeRange | undefined) {
    const allowed = new Set(RECORD_FILTERS[type].map((f) => f.key));
    return {
      from: range?.from.toISOString(),
      to: range?.to.toISOString(),
      businessLine: q.businessLine,
      team: q.team,
      service: q.service,
      ...Object.fromEntries(Object.entries(q.filters ?? {}).filter(([k, v]) => allowed.has(k) && v !== '')),
    };
  }

  private async records(type: RecordType, q: BallastQuery, range: TimeRange): Promise<DataFrame> {
    const max = Math.min(Math.max(1, q.limit ?? DEFAULT_LIMIT), MAX_LIMIT);
    if (type === 'freezes') {
      return this.freezeTable(q, range, max);
    }
    const { items, total } = await this.client.list<unknown>(`/api/v1/${type}`, this.listParams(q, type, range), max);
    return recordsFrame(q.refId, type, items, total);
  }

  /**
   * Each time a freeze window is open within the range, by start: the exporter expands recurring
   * windows in their schedule's timezone (GET /api/v1/freeze-occurrences, at most 5,000).
   */
  private freezeOccurrences(q: Pick<BallastQuery, 'businessLine' | 'team' | 'service'>, range: TimeRange) {
    return this.client.get<FreezeOccurrencesResponse>('/api/v1/freeze-occurrences', {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      businessLine: q.businessLine,
      team: q.team,
      service: q.service,
    });
  }

  /** The freeze windows (records) with an occurrence in the range, for their names and schedules. */
  private async freezeWindows(q: Pick<BallastQuery, 'businessLine' | 'team' | 'service'>, range: TimeRange): Promise<Freeze[]> {
    const { businessLine, team, service } = q;
    const { items } = await this.client.list<Freeze>('/api/v1/freezes', this.listParams({ refId: '', businessLine, team, service }, 'freezes', range), MAX_LIMIT);
    return items;
  }

  /** The freeze windows table: a row per occurrence in the range (time-range bands), with its window's schedule. */
  private async freezeTable(q: BallastQuery, range: TimeRange, max: number): Promise<DataFrame> {
    const [occurrences, windows] = await Promise.all([this.freezeOccurrences(q, range), this.freezeWindows(q, range)]);
    const schedules = new Map(windows.map((w) => [w.id, w.schedule ?? undefined]));
    let rows: FreezeRow[] = occurrences.items.map((o) => ({ ...o, schedule: schedules.get(o.freeze) }));
    if (q.filters?.active === 'true') {
      const now = Date.now();
      rows = rows.filter((o) => Date.parse(o.startsAt) <= now && now < Date.parse(o.endsAt));
    }
    const notices = occurrences.truncated
      ? [{ severity: 'warning' as const, text: `The exporter returned the first ${occurrences.items.length} freeze occurrences of this range only; narrow the range or the scope.` }]
      : [];
    return recordsFrame(q.refId, 'freezes', rows.slice(0, max), rows.length, notices);
  }

  /** Names of the freezes the changes violated (asked for only when some change did). */
  private async violatedFreezeNames(changes: Change[], range: TimeRange): Promise<Map<string, string>> {
    if (!changes.some((c) => c.violatedFreezes?.length)) {
      return new Map();
    }
    // Freezes of the whole org: a change's freeze may be scoped wider than the change filter.
    const windows = await this.freezeWindows({}, range);
    return new Map(windows.map((w) => [w.id, w.name]));
  }

  private async annotationFrame(q: BallastQuery, range: TimeRange): Promise<DataFrame> {
    const theme = config.theme2;
    const from = range.from.valueOf();
    const to = range.to.valueOf();
    const source = q.annotationSource ?? 'changes';
    if (source === 'changes') {
      const filters: Record<string, string> = q.kind ? { kind: q.kind } : {};
      const changes = await this.client.list<Change>('/api/v1/changes', this.listParams({ ...q, filters }, 'changes', range), MAX_LIMIT);
      const names = await this.violatedFreezeNames(changes.items, range);
      return eventsFrame(q.refId, changeEvents(changes.items, names, theme));
    }
    if (source === 'incidents') {
      // Incidents that started before the range but recovered inside it are regions too: look back.
      const lookBack = { ...range, from: dateTime(range.from.valueOf() - 30 * 86_400_000) } as TimeRange;
      const incidents = await this.client.list<Incident>('/api/v1/incidents', this.listParams({ ...q, filters: {} }, 'incidents', lookBack), MAX_LIMIT);
      const now = Math.min(Date.now(), to);
      const visible = incidents.items.filter((i) => !i.recoveredAt || Date.parse(i.recoveredAt) >= from);
      return eventsFrame(q.refId, incidentEvents(visible, now, theme));
    }
    const occurrences = await this.freezeOccurrences(q, range);
    return eventsFrame(q.refId, freezeEvents(occurrences.items, from, to, theme));
  }

  /** Template-variable values (also reachable as a string such as `teams(payments)`). */
  async metricFindQuery(query: BallastVariableQuery | string, options?: { scopedVars?: ScopedVars }): Promise<MetricFindValue[]> {
    const q = typeof query === 'string' ? parseVariableQuery(query) : query;
    if (q.variableType === 'kpis') {
      return (await this.kpiDefinitions()).map((d) => ({ text: d.title, value: d.key }));
    }
    const org = await this.getOrg();
    switch (q.variableType) {
      case 'businessLines':
        return org.businessLines.map((b) => ({ text: b.name, value: b.id }));
      case 'teams': {
        const lines = interpolateList(q.businessLine, options?.scopedVars);
        return org.teams.filter((t) => lines.length === 0 || lines.includes(t.businessLine)).map((t) => ({ text: t.name, value: t.id }));
      }
      case 'services': {
        const teams = interpolateList(q.team, options?.scopedVars);
        return org.services.filter((s) => teams.length === 0 || teams.includes(s.team)).map((s) => ({ text: s.name, value: s.id }));
      }
      case 'changeSystems':
        return org.changeSystems.map((c) => ({ text: c.name, value: c.id }));
      default:
        return [];
    }
  }

  /**
   * "Save & test": reachability (GET /api/v1/health), the API version (health's apiVersion must be
   * v1) and the token (GET /api/v1/org needs the read role); the message says which one failed.
   */
  async testDatasource(): Promise<TestDataSourceResponse> {
    if (!this.exporterUrl) {
      return { status: 'error', message: 'Set the exporter URL (for example http://ballast-exporter:9464) and save again.' };
    }
    let health: HealthResponse;
    try {
      health = await this.client.get<HealthResponse>('/api/v1/health');
    } catch (err) {
      const e = err as ApiError;
      return {
        status: 'error',
        message: `Cannot reach the exporter at ${this.exporterUrl}: ${e.status ? `HTTP ${e.status} ` : ''}${e.message}`.trim(),
        details: { message: 'Reachability check (GET /api/v1/health) failed. Check the URL and that Grafana’s server can reach it.' },
      };
    }
    if (!health || typeof health !== 'object' || !('apiVersion' in health)) {
      return { status: 'error', message: `${this.exporterUrl} answered, but not like a Ballast exporter (no apiVersion in /api/v1/health).` };
    }
    if (health.apiVersion !== API_VERSION) {
      return {
        status: 'error',
        message: `API version mismatch: the exporter speaks ${health.apiVersion}, this plugin needs ${API_VERSION}. Upgrade the older of the two.`,
      };
    }
    try {
      const org = await this.getOrg();
      return {
        status: 'success',
        message: `Connected to Ballast ${health.version} (API ${health.apiVersion}); token accepted: ${org.teams.length} teams, ${org.services.length} services.`,
      };
    } catch (err) {
      const e = err as ApiError;
      if (e.status === 401) {
        return { status: 'error', message: 'The exporter refused the API token (401): check the token, or set one if the exporter requires it.' };
      }
      if (e.status === 403) {
        return { status: 'error', message: 'The API token has no read role (403): use a token with read, ingest or admin.' };
      }
      return { status: 'error', message: `Reading /api/v1/org failed: ${e.status ? `HTTP ${e.status} ` : ''}${e.message}` };
    }
  }
}
