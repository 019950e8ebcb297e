/**
 * App settings. The exporter's API shapes (reviews too) are the contract's (@ballast/contract),
 * re-exported here for the app's modules.
 */
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
  Review,
  ReviewChange,
  ReviewDecision,
  ReviewPeriod,
  ReviewScope,
  SavedReviewSummary,
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
