/**
 * App settings and the exporter's API shapes (docs/api.md; records as exporter/src/domain/records.ts
 * stores them, the same shapes as datasource-plugin/src/types.ts).
 */

/** Non-secret settings (the app's jsonData). `url` is read by the plugin.json proxy route. */
export interface AppSettings {
  /** Exporter base URL as Grafana's server reaches it, e.g. http://exporter:9464 (no /api/v1). */
  url?: string;
}

/** Secret settings: encrypted by Grafana, added by its proxy as `Authorization: Bearer`, never sent to the browser. */
export interface AppSecureSettings {
  apiToken?: string;
}

export interface HealthResponse {
  status: string;
  version: string;
  apiVersion: string;
}

export interface Org {
  businessLines: Array<{ id: string; name: string; owner: string }>;
  teams: Array<{ id: string; name: string; businessLine: string; manager: string }>;
  services: Array<{ id: string; name: string; team: string; owner: string }>;
  changeSystems: Array<{ id: string; name: string; integrated: boolean }>;
  revision?: number | string;
}

export type KpiUnit = 'count' | 'seconds' | 'ratio' | 'per_day' | 'score';
export type CellStatus = 'met' | 'at_risk' | 'missed' | 'no_data';

export interface KpiColumn {
  key: string;
  title: string;
  unit: KpiUnit;
  direction: 'lower' | 'higher';
}

export interface Cell {
  value: number | null;
  target: number | null;
  status: CellStatus;
  previous: number | null;
}

export interface Scope {
  level: 'org' | 'business_line' | 'team';
  id: string | null;
  name: string;
  owner?: string | null;
  businessLine?: string | null;
  cells: Record<string, Cell>;
  score: number | null;
}

export interface Scorecard {
  window: string;
  year?: number;
  generatedAt: string;
  from?: string;
  to?: string;
  kpis: KpiColumn[];
  scopes: Scope[];
}

export interface KpiValue {
  kpi: string;
  level: 'org' | 'business_line' | 'team';
  businessLine: string | null;
  team: string | null;
  value: number | null;
  numerator?: number | null;
  denominator?: number | null;
}

export interface KpiValuesResponse {
  window: string;
  from: string;
  to: string;
  values: KpiValue[];
}

export interface ListResponse<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

interface Stored {
  id: string;
  service?: string | null;
  team?: string | null;
  businessLine?: string | null;
  updatedAt?: string;
}

export interface IncidentStepRecord {
  step: string;
  at: string;
  owner: string;
  note?: string;
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
  steps?: IncidentStepRecord[];
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
  /** Ids of the freeze windows the change started inside without an exemption (computed by the exporter). */
  violatedFreezes: string[];
}

export interface FreezeScope {
  businessLine?: string;
  team?: string;
  service?: string;
}

export interface Freeze extends Stored {
  name: string;
  reason: string;
  scope: FreezeScope;
  startsAt?: string | null;
  endsAt?: string | null;
  schedule?: { cron: string; durationMinutes: number; timezone: string } | null;
}

/** One time a freeze window is open (`GET /api/v1/freeze-occurrences`; recurring windows expanded by the exporter). */
export interface FreezeOccurrence {
  freeze: string;
  name: string;
  reason: string;
  scope: FreezeScope;
  startsAt: string;
  endsAt: string;
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

export interface GateAnswer {
  allowed: boolean;
  checkId: string;
  freezes?: Array<{ id: string; name: string; reason: string; startsAt: string; endsAt: string }>;
}

export type ReviewPeriod = 'week' | 'month';

export interface Review {
  id?: string;
  title?: string;
  notes?: string;
  savedAt?: string;
  period: ReviewPeriod;
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
  generatedAt: string;
  revision?: number | string;
  kpis: KpiColumn[];
  scopes: Scope[];
  topIncidents: Incident[];
  overdueActions: Action[];
}

export interface SavedReviewSummary {
  id: string;
  title: string;
  period: ReviewPeriod;
  from: string;
  to: string;
  savedAt: string;
}
