/**
 * Query model and settings of the data source. The exporter's enums, KPI keys and API shapes
 * (docs/api.md) are the contract's (@ballast/contract), re-exported here for the plugin's modules.
 */
import {
  CHANGE_KINDS,
  CHANGE_RESULTS,
  DETECTION_SOURCES,
  INCIDENT_CAUSES,
  TARGET_TYPES,
  VERDICT_FILTERS,
  type Collection,
  type KpiKey,
  type KpiWindow,
  type Level,
} from '@ballast/contract';
import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

// ---------------------------------------------------------------- settings

/** Non-secret settings (jsonData). The URL is read by the plugin.json proxy route. */
export interface BallastOptions extends DataSourceJsonData {
  /** Exporter base URL, e.g. http://ballast-exporter:9464 (no /api/v1). */
  url?: string;
}

/** Secret settings: encrypted by Grafana, added to proxied requests by the route, never sent back to the browser. */
export interface BallastSecureOptions {
  apiToken?: string;
}

/** The plugin.json route the frontend calls through Grafana's data source proxy. */
export const ROUTE_PATH = 'ballast';

// ---------------------------------------------------------------- the exporter's enums and API shapes (@ballast/contract)

export {
  CHANGE_KINDS,
  CHANGE_RESULTS,
  DETECTION_SOURCES,
  INCIDENT_CAUSES,
  KPI_KEYS,
  KPI_WINDOWS,
  LEVELS,
  TARGET_TYPES,
  VERDICT_FILTERS,
} from '@ballast/contract';
export type {
  Action,
  Alert,
  BallastRecord,
  Change,
  Drill,
  Finding,
  Freeze,
  FreezeOccurrence,
  FreezeOccurrencesResponse,
  HealthResponse,
  Incident,
  KpiDefinition,
  KpiKey,
  KpiSeriesResponse,
  KpiValueItem as KpiValue,
  KpiValuesResponse,
  KpiWindow,
  Level,
  ListResponse,
  Org,
  ScorecardResponse,
  Status as CellStatus,
  Unit as KpiUnit,
} from '@ballast/contract';

// ---------------------------------------------------------------- queries

/** The record collections, in the query editor's order. */
export const RECORD_TYPES = [
  'incidents',
  'changes',
  'freezes',
  'alerts',
  'findings',
  'actions',
  'drills',
] as const satisfies readonly Collection[];
export type RecordType = (typeof RECORD_TYPES)[number];
export type QueryType = 'kpi' | 'scorecard' | RecordType | 'annotations';
/** The query types the query editor offers (annotations have their own editor). */
export const QUERY_TYPES: QueryType[] = ['kpi', 'scorecard', ...RECORD_TYPES];

export type KpiFormat = 'value' | 'timeseries';

/** What an annotation query shows; each is meant for its own layer (queries/annotations.ts, ANNOTATION_LAYERS). */
export const ANNOTATION_SOURCES = ['changes', 'failedChanges', 'freezeViolations', 'incidents', 'freezes'] as const;
export type AnnotationSource = (typeof ANNOTATION_SOURCES)[number];

export interface BallastQuery extends DataQuery {
  queryType?: QueryType;
  /** Annotation queries: which records become events. */
  annotationSource?: AnnotationSource;
  /** Annotation queries on changes: change kind(s). */
  kind?: string;
  /** Scope filters; each may hold template variables ($businessLine, $team, $service; multi-value and All). */
  businessLine?: string;
  team?: string;
  service?: string;
  // KPI
  kpi?: KpiKey | string;
  level?: Level;
  /** A KPI window, or a dashboard variable holding one (`$window`). */
  window?: KpiWindow | `$${string}`;
  format?: KpiFormat;
  /** KPI values: add the numerator and denominator fields (off: one number per scope, as a stat panel wants). */
  components?: boolean;
  /** Series step such as 1h or 1d; empty: chosen from the dashboard range. */
  step?: string;
  // records
  /** Collection filters by API parameter name (see RECORD_FILTERS). */
  filters?: Record<string, string>;
  /** Most records fetched (pages of 1000 are followed up to this). */
  limit?: number;
}

export const DEFAULT_QUERY: Partial<BallastQuery> = {
  queryType: 'kpi',
  kpi: 'mttr_seconds',
  level: 'org',
  window: '30d',
  format: 'value',
};

export const DEFAULT_LIMIT = 1000;
export const MAX_LIMIT = 10000;

/** One filter the list API of a collection takes (docs/api.md, "List filters"). */
export interface FilterSpec {
  key: string;
  label: string;
  /** enum: one of `options` (comma-separated for several); bool: true/false/any; flag: true or absent; text: free text. */
  kind: 'enum' | 'bool' | 'flag' | 'text';
  options?: readonly string[];
  tooltip?: string;
  /** Label width in grid units, where the label is longer than the editor's default. */
  labelWidth?: number;
}

export const RECORD_FILTERS: Record<RecordType, FilterSpec[]> = {
  incidents: [
    { key: 'priority', label: 'Priority', kind: 'text', tooltip: 'Priority label(s), e.g. P0 or P0,P1' },
    {
      key: 'highPriority',
      label: 'High priority',
      kind: 'flag',
      tooltip: 'Only the priorities the org policy counts as high',
    },
    { key: 'open', label: 'Open', kind: 'flag', tooltip: 'Only incidents not recovered yet' },
    { key: 'detectionSource', label: 'Detected by', kind: 'enum', options: DETECTION_SOURCES },
    { key: 'cause', label: 'Cause', kind: 'enum', options: INCIDENT_CAUSES },
    { key: 'drill', label: 'Drill', kind: 'bool' },
  ],
  changes: [
    { key: 'system', label: 'System', kind: 'text', tooltip: 'Change system id(s) from the org config' },
    { key: 'kind', label: 'Kind', kind: 'enum', options: CHANGE_KINDS },
    { key: 'result', label: 'Result', kind: 'enum', options: CHANGE_RESULTS },
    { key: 'controlled', label: 'Controlled', kind: 'bool' },
    {
      key: 'violation',
      label: 'Freeze violation',
      labelWidth: 20,
      kind: 'bool',
      tooltip: 'Started inside a freeze window covering it, without an exemption (judged by the exporter)',
    },
  ],
  // Not an API parameter: the freeze windows query lists occurrences, and this keeps those open now.
  freezes: [{ key: 'active', label: 'Active now', kind: 'flag', tooltip: 'Only occurrences open now' }],
  alerts: [
    { key: 'name', label: 'Alert name', kind: 'text' },
    { key: 'severity', label: 'Severity', kind: 'text' },
    {
      key: 'highSeverity',
      label: 'High severity',
      kind: 'flag',
      tooltip: 'Only the severities the org policy counts as high',
    },
    { key: 'verdict', label: 'Verdict', kind: 'enum', options: VERDICT_FILTERS },
    { key: 'incident', label: 'Incident', kind: 'text', tooltip: 'Incident id the alert is linked to' },
  ],
  findings: [
    { key: 'check', label: 'Check', kind: 'text' },
    { key: 'targetType', label: 'Target type', kind: 'enum', options: TARGET_TYPES },
    { key: 'severity', label: 'Severity', kind: 'text' },
    { key: 'open', label: 'Open', kind: 'flag', tooltip: 'Only findings not closed' },
    { key: 'overdue', label: 'Overdue', kind: 'flag' },
  ],
  actions: [
    { key: 'incident', label: 'Incident', kind: 'text' },
    { key: 'owner', label: 'Owner', kind: 'text' },
    { key: 'open', label: 'Open', kind: 'flag', tooltip: 'Only actions not completed' },
    { key: 'overdue', label: 'Overdue', kind: 'flag' },
  ],
  drills: [{ key: 'scenario', label: 'Scenario', kind: 'text' }],
};

// ---------------------------------------------------------------- variable queries

export type VariableQueryType = 'businessLines' | 'teams' | 'services' | 'kpis' | 'changeSystems';

export interface BallastVariableQuery extends DataQuery {
  variableType: VariableQueryType;
  /** teams: only those of this business line (may be a variable). */
  businessLine?: string;
  /** services: only those of this team (may be a variable). */
  team?: string;
}
