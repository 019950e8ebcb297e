/**
 * Query model, settings and the exporter's API shapes (docs/api.md; the record and org shapes are
 * those of exporter/src/domain/records.ts and org.ts, the KPI keys those of kpi-keys.ts).
 */
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

// ---------------------------------------------------------------- enums (kept in step with the exporter)

export const KPI_KEYS = [
  'high_priority_incidents',
  'mttr_seconds',
  'mttr_p50_seconds',
  'mttr_p90_seconds',
  'mttd_seconds',
  'detection_ratio',
  'alert_accuracy_ratio',
  'high_priority_alerts_per_day',
  'inspection_closure_ratio',
  'change_control_coverage_ratio',
  'change_system_integration_ratio',
  'freeze_violations',
  'change_failure_ratio',
  'action_completion_ratio',
  'drill_score',
  'drill_coverage_ratio',
  'incident_data_quality_ratio',
] as const;
export type KpiKey = (typeof KPI_KEYS)[number];

export const KPI_WINDOWS = ['7d', '30d', '90d', 'ytd'] as const;
export type KpiWindow = (typeof KPI_WINDOWS)[number];

export const LEVELS = ['org', 'business_line', 'team'] as const;
export type Level = (typeof LEVELS)[number];

export const DETECTION_SOURCES = ['monitoring', 'inspection', 'user', 'drill', 'other'] as const;
export const INCIDENT_CAUSES = ['functional_defect', 'design_defect', 'process', 'change', 'capacity', 'third_party', 'unknown'] as const;
export const TARGET_TYPES = ['server', 'middleware', 'network', 'application', 'database', 'other'] as const;
export const CHANGE_KINDS = ['deploy', 'config', 'database', 'infrastructure', 'feature_flag', 'other'] as const;
export const CHANGE_RESULTS = ['success', 'failed', 'rolled_back'] as const;
export const VERDICT_FILTERS = ['actionable', 'noise', 'none'] as const;

// ---------------------------------------------------------------- queries

export const RECORD_TYPES = ['incidents', 'changes', 'freezes', 'alerts', 'findings', 'actions', 'drills'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
export type QueryType = 'kpi' | 'scorecard' | RecordType | 'annotations';
/** The query types the query editor offers (annotations have their own editor). */
export const QUERY_TYPES: QueryType[] = ['kpi', 'scorecard', ...RECORD_TYPES];

export type KpiFormat = 'value' | 'timeseries';

export const ANNOTATION_SOURCES = ['changes', 'incidents', 'freezes'] as const;
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
  window?: KpiWindow;
  format?: KpiFormat;
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
    { key: 'highPriority', label: 'High priority', kind: 'flag', tooltip: 'Only the priorities the org policy counts as high' },
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
    { key: 'highSeverity', label: 'High severity', kind: 'flag', tooltip: 'Only the severities the org policy counts as high' },
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

// ---------------------------------------------------------------- API shapes

export interface HealthResponse {
  status: string;
  version: string;
  apiVersion: string;
  store?: { kind: string; migrations: number };
}

export interface Org {
  businessLines: Array<{ id: string; name: string; owner: string }>;
  teams: Array<{ id: string; name: string; businessLine: string; manager: string }>;
  services: Array<{ id: string; name: string; team: string; owner: string }>;
  changeSystems: Array<{ id: string; name: string; integrated: boolean }>;
  revision?: number | string;
}

export type KpiUnit = 'count' | 'seconds' | 'ratio' | 'per_day' | 'score';

export interface KpiDefinition {
  key: KpiKey;
  title: string;
  unit: KpiUnit;
  direction: 'lower' | 'higher';
  description: string;
}

export interface KpiValue {
  kpi: KpiKey;
  level: Level;
  businessLine: string | null;
  team: string | null;
  value: number | null;
  numerator?: number | null;
  denominator?: number | null;
}

export interface KpiValuesResponse {
  window: KpiWindow;
  from: string;
  to: string;
  values: KpiValue[];
}

export interface KpiSeriesResponse {
  kpi: KpiKey;
  window: KpiWindow;
  step: string;
  unit: KpiUnit;
  series: Array<{ level: Level; businessLine: string | null; team: string | null; points: Array<{ at: string; value: number | null }> }>;
}

export type CellStatus = 'met' | 'at_risk' | 'missed' | 'no_data';

export interface ScorecardResponse {
  window: KpiWindow;
  year: number;
  generatedAt: string;
  kpis: Array<{ key: KpiKey; title: string; unit: KpiUnit; direction: 'lower' | 'higher' }>;
  scopes: Array<{
    level: Level;
    id: string | null;
    name: string;
    owner?: string | null;
    businessLine?: string | null;
    cells: Record<string, { value: number | null; target: number | null; status: CellStatus; previous: number | null }>;
    score: number | null;
  }>;
}

export interface ListResponse<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Fields every stored record has (its id, the resolved owner and the time it was last written). */
interface Stored {
  id: string;
  service?: string | null;
  team?: string | null;
  businessLine?: string | null;
  updatedAt?: string;
}

export interface Incident extends Stored {
  title: string;
  priority: string;
  startedAt: string;
  detectedAt: string;
  acknowledgedAt?: string | null;
  recoveredAt?: string | null;
  resolvedAt?: string | null;
  detectionSource: string;
  cause: string;
  causedByChange?: string | null;
  postmortemUrl?: string | null;
  drill: boolean;
  steps?: Array<{ step: string; at: string; owner: string; note?: string }>;
}

export interface Change extends Stored {
  title?: string | null;
  system: string;
  kind: string;
  startedAt: string;
  finishedAt?: string | null;
  controlled: boolean;
  result?: string | null;
  exemption?: string | null;
  gateCheck?: string | null;
  /** Ids of the freeze windows the change started inside without an exemption (the exporter's freeze_violations rule). */
  violatedFreezes?: string[];
}

export interface Freeze extends Stored {
  name: string;
  reason: string;
  scope: { businessLine?: string; team?: string; service?: string };
  startsAt?: string | null;
  endsAt?: string | null;
  schedule?: { cron: string; durationMinutes: number; timezone: string } | null;
}

/** One time a freeze window is open (`GET /api/v1/freeze-occurrences`); recurring windows expanded by the exporter. */
export interface FreezeOccurrence {
  /** The freeze window's id. */
  freeze: string;
  name: string;
  reason: string;
  scope: Freeze['scope'];
  startsAt: string;
  endsAt: string;
}

export interface FreezeOccurrencesResponse {
  /** By start; at most 5,000. */
  items: FreezeOccurrence[];
  /** True when there were more occurrences than `items` holds. */
  truncated: boolean;
}

export interface Alert extends Stored {
  name: string;
  severity: string;
  startsAt: string;
  endsAt?: string | null;
  verdict: 'actionable' | 'noise' | null;
  incident?: string | null;
}

export interface Finding extends Stored {
  check: string;
  targetType: string;
  severity: string;
  foundAt: string;
  dueAt?: string | null;
  closedAt?: string | null;
}

export interface Action extends Stored {
  incident: string;
  title: string;
  owner: string;
  dueAt: string;
  completedAt?: string | null;
}

export interface Drill extends Stored {
  scenario: string;
  startedAt: string;
  detectedAt?: string | null;
  recoveredAt?: string | null;
  score: number;
}

export type BallastRecord = Incident | Change | Freeze | Alert | Finding | Action | Drill;
