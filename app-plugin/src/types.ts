/**
 * App settings and the view models only the app reads (reviews). The exporter's API shapes are
 * the contract's (@ballast/contract), re-exported here for the app's modules.
 */
import type { Action, Incident, KpiSummary, ScorecardScope, Status } from '@ballast/contract';

export type {
  Action,
  Alert,
  Change,
  Drill,
  Finding,
  Freeze,
  FreezeOccurrence,
  FreezeScope,
  GateAnswer,
  HealthResponse,
  Incident,
  IncidentStepRecord,
  KpiSummary as KpiColumn,
  KpiValueItem as KpiValue,
  KpiValuesResponse,
  ListResponse,
  Org,
  ScorecardCell as Cell,
  ScorecardResponse as Scorecard,
  ScorecardScope as Scope,
  Status as CellStatus,
  Unit as KpiUnit,
} from '@ballast/contract';

/** Non-secret settings (the app's jsonData). `url` is read by the plugin.json proxy route. */
export interface AppSettings {
  /** Exporter base URL as Grafana's server reaches it, e.g. http://exporter:9464 (no /api/v1). */
  url?: string;
}

/**
 * Secret settings: encrypted by Grafana, added by its proxy as `Authorization: Bearer`, never sent
 * to the browser. One token per exporter role, each used only by the plugin.json routes that need it.
 */
export interface AppSecureSettings {
  /** read role: every GET (Viewers and up). */
  readToken?: string;
  /** ingest role: alert verdicts (Editors). */
  ingestToken?: string;
  /** admin role: freeze windows and saved committee reviews (Editors). */
  adminToken?: string;
}

export type ReviewPeriod = 'week' | 'month' | 'quarter';

/** What a committee review looks at (`GET /reviews/draft?business_line=|team=|service=`). */
export interface ReviewScope {
  level: 'org' | 'business_line' | 'team' | 'service';
  id: string;
  name: string;
}

/** One row of "what changed": a KPI that moved past the org's threshold or changed status. */
export interface ReviewChange {
  level: string;
  scope: string;
  scopeName: string;
  kpi: string;
  previous: number;
  value: number;
  relative: number | null;
  better: boolean;
  statusBefore: Status;
  status: Status;
  reasons: Array<'threshold' | 'status'>;
}

/** A decision of a saved review, recorded as the improvement action `actionId`. */
export interface ReviewDecision {
  actionId: string;
  title: string;
  owner: string;
  dueAt: string;
  incident: string;
}

export interface Review {
  id?: string;
  title?: string;
  notes?: string;
  savedAt?: string;
  savedBy?: string;
  attendees?: string[];
  decisions?: ReviewDecision[];
  period: ReviewPeriod;
  /** Absent on reviews saved before scopes (they were the org's). */
  scope?: ReviewScope;
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
  generatedAt: string;
  revision?: number | string;
  kpis: KpiSummary[];
  /** Scorecard rows; `level` may also be `service` for a service's review. */
  scopes: ScorecardScope[];
  changeThreshold?: number;
  /** Absent on reviews saved before the exporter computed it. */
  changes?: ReviewChange[];
  topIncidents: Incident[];
  overdueActions: Action[];
  overdueActionsTotal?: number;
}

export interface SavedReviewSummary {
  id: string;
  title: string;
  period: ReviewPeriod;
  scope?: ReviewScope;
  from: string;
  to: string;
  savedAt: string;
}
