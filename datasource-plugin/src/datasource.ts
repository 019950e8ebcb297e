/**
 * The Ballast data source: KPI values and series, the scorecard, record tables, annotations and
 * template-variable values from the exporter's API (docs/api.md), all through Grafana's data
 * source proxy (see api/client.ts). The class replaces variables and dispatches each query to its
 * family's module in queries/ (kpi, scorecard, records, annotations) or to variables.ts.
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
} from '@grafana/data';
import { of } from 'rxjs';
import { ApiError, BallastClient } from './api/client';
import { framesToEvents } from './annotations';
import { AnnotationEditor } from './components/AnnotationEditor';
import { runAnnotations } from './queries/annotations';
import { QueryContext } from './queries/context';
import { runKpi } from './queries/kpi';
import { isRecordType, runRecords } from './queries/records';
import { runScorecard } from './queries/scorecard';
import { interpolate } from './template';
import {
  BallastOptions,
  BallastQuery,
  BallastVariableQuery,
  DEFAULT_QUERY,
  HealthResponse,
  KpiDefinition,
  KpiWindow,
  Level,
  Org,
} from './types';
import { BallastVariableSupport, variableValues } from './variables';

export const API_VERSION = 'v1';

/** The query fields that may hold dashboard variables (every text field the exporter receives). */
const TEXT_FIELDS = ['businessLine', 'team', 'service', 'kpi', 'kind', 'step', 'window', 'level'] as const;

export class DataSource extends DataSourceApi<BallastQuery, BallastOptions> implements QueryContext {
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
        return {
          ...target,
          refId: target.refId || 'Anno',
          queryType: 'annotations',
          annotationSource: target.annotationSource ?? 'changes',
        };
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

  /**
   * The query with its variables replaced (used by Grafana for inspection, and by query()): every
   * text field and each filter value; a field left empty (or only "All") is no filter.
   */
  applyTemplateVariables(query: BallastQuery, scopedVars: ScopedVars): BallastQuery {
    const filters = Object.fromEntries(
      Object.entries(query.filters ?? {})
        .map(([k, v]) => [k, interpolate(v, scopedVars)] as const)
        .filter((e): e is [string, string] => e[1] !== undefined)
    );
    const fields = Object.fromEntries(TEXT_FIELDS.map((k) => [k, interpolate(query[k], scopedVars)]));
    return {
      ...query,
      ...fields,
      window: fields.window as KpiWindow | undefined,
      level: fields.level as Level | undefined,
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

  /** One query, by family. */
  private runQuery(q: BallastQuery, request: DataQueryRequest<BallastQuery>): Promise<DataFrame[]> {
    const type = q.queryType ?? 'kpi';
    switch (type) {
      case 'kpi':
        return runKpi(this, q, request);
      case 'scorecard':
        return runScorecard(this, q);
      case 'annotations':
        return runAnnotations(this, q, request.range);
      default:
        if (isRecordType(type)) {
          return runRecords(this, type, q, request.range);
        }
        throw new ApiError(0, `unknown query type "${type}"`, '');
    }
  }

  /** The exporter's KPI catalogue, asked for once per data source instance (again after a failure). */
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

  /** Template-variable values (also reachable as a string such as `teams(payments)`). */
  metricFindQuery(
    query: BallastVariableQuery | string,
    options?: { scopedVars?: ScopedVars }
  ): Promise<MetricFindValue[]> {
    return variableValues(this, query, options?.scopedVars);
  }

  /**
   * "Save & test": reachability (GET /api/v1/health), the API version (health's apiVersion must be
   * v1) and the token (GET /api/v1/org needs the read role); the message says which one failed.
   * Everything goes through Grafana's data source proxy, which hides some causes behind its own
   * answers (.config/grafana-host/ds-proxy.ts, proxyutil.ts): an unreachable URL is a bare 502
   * (504 on a timeout), and an exporter 401 becomes 400 "Authentication to data source failed".
   */
  async testDatasource(): Promise<TestDataSourceResponse> {
    if (!this.exporterUrl) {
      return {
        status: 'error',
        message: 'Set the exporter URL (for example http://ballast-exporter:9464) and save again.',
      };
    }
    const failed = (e: ApiError) => `${e.status ? `HTTP ${e.status} ` : ''}${e.message}`.trim();
    let health: HealthResponse;
    try {
      health = await this.client.get<HealthResponse>('/api/v1/health');
    } catch (err) {
      const e = err as ApiError;
      const cause =
        e.status === 502
          ? `Grafana's server could not connect (connection refused, unknown host or TLS error: Grafana answers 502 and writes the cause to its server log)`
          : e.status === 504
            ? `no answer in time (Grafana's proxy timed out: 504)`
            : e.status === 503
              ? `the exporter answers but its database is unavailable (${failed(e)})`
              : e.status === 404
                ? `something answers there, but has no Ballast API (${failed(e)}); is it the exporter's base URL?`
                : failed(e);
      return {
        status: 'error',
        message: `Cannot reach the exporter at ${this.exporterUrl}: ${cause}.`,
        details: {
          message:
            'Reachability check (GET /api/v1/health through Grafana’s data source proxy) failed. Check the URL as Grafana’s server sees it.',
        },
      };
    }
    if (!health || typeof health !== 'object' || !('apiVersion' in health)) {
      return {
        status: 'error',
        message: `${this.exporterUrl} answered, but not like a Ballast exporter (no apiVersion in /api/v1/health).`,
      };
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
      if ((e.status === 400 && e.message === 'Authentication to data source failed') || e.status === 401) {
        return {
          status: 'error',
          message:
            'The exporter refused the API token (401), which Grafana’s data source proxy reports as 400 “Authentication to data source failed”: check the token, or set one if the exporter requires it.',
        };
      }
      if (e.status === 403) {
        return {
          status: 'error',
          message: `The API token has no read role (403: ${e.message}): use a token with read, ingest or admin.`,
        };
      }
      return { status: 'error', message: `Reading /api/v1/org failed: ${failed(e)}` };
    }
  }
}
