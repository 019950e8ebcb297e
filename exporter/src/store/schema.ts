/**
 * The tables, as Kysely sees them. Timestamps are epoch milliseconds (bigint) and booleans are
 * 0/1 integers in both dialects, so the same SQL runs on SQLite and PostgreSQL.
 * `team` and `business_line` are resolved from the service when a record is written (and again
 * when the org changes), so KPI queries group without joins.
 */
type Ms = number;
type Flag = number;

interface Owned {
  service: string | null;
  team: string | null;
  business_line: string | null;
}

export interface IncidentRow extends Owned {
  id: string;
  title: string;
  priority: string;
  started_at: Ms;
  detected_at: Ms;
  acknowledged_at: Ms | null;
  recovered_at: Ms | null;
  resolved_at: Ms | null;
  detection_source: string;
  cause: string;
  caused_by_change: string | null;
  postmortem_url: string | null;
  drill: Flag;
  source: string | null;
  source_url: string | null;
  source_updated_at: Ms | null;
  updated_at: Ms;
}

export interface IncidentStepRow {
  incident_id: string;
  step: string;
  at: Ms;
  owner: string;
  note: string | null;
}

export interface ActionRow {
  id: string;
  incident: string;
  title: string;
  owner: string;
  due_at: Ms;
  completed_at: Ms | null;
  team: string | null;
  business_line: string | null;
  updated_at: Ms;
}

export interface AlertRow extends Owned {
  id: string;
  name: string;
  severity: string;
  starts_at: Ms;
  ends_at: Ms | null;
  verdict: string | null;
  incident: string | null;
  /** Alertmanager's fingerprint (migration 009): the open episode is found by it. */
  fingerprint: string | null;
  updated_at: Ms;
}

export interface FindingRow extends Owned {
  id: string;
  check_name: string;
  target_type: string;
  severity: string;
  found_at: Ms;
  due_at: Ms | null;
  closed_at: Ms | null;
  /** Alertmanager's fingerprint of an inspection alert (migration 008): the open finding is found by it. */
  fingerprint: string | null;
  updated_at: Ms;
}

export interface ChangeRow extends Owned {
  id: string;
  title: string | null;
  system: string;
  kind: string;
  started_at: Ms;
  finished_at: Ms | null;
  /** When the deployed commit was made (migration 005): DORA lead time. */
  committed_at: Ms | null;
  controlled: Flag;
  controlled_given: Flag | null;
  result: string | null;
  exemption: string | null;
  gate_check: string | null;
  updated_at: Ms;
}

export interface FreezeRow {
  id: string;
  name: string;
  reason: string;
  scope_business_line: string | null;
  scope_team: string | null;
  scope_service: string | null;
  starts_at: Ms | null;
  ends_at: Ms | null;
  cron: string | null;
  duration_minutes: number | null;
  timezone: string | null;
  updated_at: Ms;
}

export interface DrillRow extends Owned {
  id: string;
  scenario: string;
  started_at: Ms;
  detected_at: Ms | null;
  recovered_at: Ms | null;
  score: number;
  updated_at: Ms;
}

/** One answer of the change-freeze gate (migration 002). */
export interface GateCheckRow {
  id: string;
  service: string | null;
  team: string | null;
  allowed: Flag;
  freezes: string;
  at: Ms;
}

export interface ReviewRow {
  id: string;
  title: string;
  period: string;
  from_at: Ms;
  to_at: Ms;
  saved_at: Ms;
  document: string;
}

export interface OrgRow {
  id: number;
  document: string;
  revision: number;
  updated_at: Ms;
}

/** One row, bumped by every write transaction: lets any process notice new data cheaply. */
export interface DataRevisionRow {
  id: number;
  revision: number;
}

export interface MigrationRow {
  name: string;
  applied_at: Ms;
}

export interface Database {
  incidents: IncidentRow;
  incident_steps: IncidentStepRow;
  actions: ActionRow;
  alerts: AlertRow;
  findings: FindingRow;
  changes: ChangeRow;
  freezes: FreezeRow;
  drills: DrillRow;
  org: OrgRow;
  gate_checks: GateCheckRow;
  reviews: ReviewRow;
  data_revision: DataRevisionRow;
  ballast_migrations: MigrationRow;
}
