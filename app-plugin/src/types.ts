/**
 * App settings and the exporter's API shapes (docs/api.md). Record shapes come from the data
 * source's types; what only the app reads (scorecard view model, reviews, gate) is declared here.
 */

// The exporter's record shapes are declared once, by the data source (type-only: nothing of the
// data source is bundled into the app).
import type { Action, Freeze, Incident } from '../../datasource-plugin/src/types';
export type {
  Action,
  Alert,
  Change,
  Drill,
  Finding,
  Freeze,
  FreezeOccurrence,
  HealthResponse,
  Incident,
  ListResponse,
  Org,
} from '../../datasource-plugin/src/types';
export type IncidentStepRecord = NonNullable<Incident['steps']>[number];
export type FreezeScope = Freeze['scope'];

/** Non-secret settings (the app's jsonData). `url` is read by the plugin.json proxy route. */
export interface AppSettings {
  /** Exporter base URL as Grafana's server reaches it, e.g. http://exporter:9464 (no /api/v1). */
  url?: string;
}

/** Secret settings: encrypted by Grafana, added by its proxy as `Authorization: Bearer`, never sent to the browser. */
export interface AppSecureSettings {
  apiToken?: string;
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
