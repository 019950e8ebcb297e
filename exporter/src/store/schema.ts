/**
 * The tables, as Kysely sees them. Timestamps are epoch milliseconds (bigint) and booleans are
 * 0/1 integers in both dialects, so the same SQL runs on SQLite and PostgreSQL.
 * `team` and `business_line` are resolved from the service when a record is written (and again
 * when the org changes), so KPI queries group without joins.
 */
import type { Generated } from 'kysely';

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
  /** Why the step breaks the process order (migration 013); null when it does not. */
  out_of_order: string | null;
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
  /** Who gave the verdict and when (migration 011): set by the write that changed it. */
  verdict_by: string | null;
  verdict_at: Ms | null;
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
  /** Decided when written (migration 012): started inside a freeze version in force, without exemption. */
  freeze_violation: Flag;
  /** JSON array of the violated windows' ids, null when none. */
  violated_freezes: string | null;
  /** The cited gate check's verdict: 1 evidence, 0 not (refused, stale, another target, unknown), null none cited. */
  gate_ok: Flag | null;
  /** Why the citation is or is not evidence (shown in controlReason). */
  gate_note: string | null;
  /** Who granted the exemption (actor name) and when. */
  exemption_by: string | null;
  exemption_at: Ms | null;
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
  /** When first announced (migration 012): changes started before it never violate the window. */
  announced_at: Ms;
  /** When ended or deleted: kept for history, in force for nobody from then on. */
  ended_at: Ms | null;
  /** The current version (freeze_versions). */
  version: number;
  updated_at: Ms;
}

/** One kept version of a freeze window (migration 012): in force from effective_at until the next one's. */
export interface FreezeVersionRow {
  freeze_id: string;
  version: number;
  effective_at: Ms;
  written_at: Ms;
  /** This version ends the window. */
  ended: Flag;
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
  /** Who asked (actor name, migration 011); null for answers from before. */
  asked_by: string | null;
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

/** One entry of the append-only audit log (migration 011). */
export interface AuditLogRow {
  seq: Generated<number>;
  at: Ms;
  token: string;
  user_name: string | null;
  collection: string;
  record_id: string;
  action: string;
  /** FieldChange[] as JSON. */
  changes: string;
  reason: string | null;
}

/** An admin's waiver of one red-line violation (migration 014), keyed by the violation id. */
export interface RedLineWaiverRow {
  id: string;
  rule: string;
  record_id: string;
  reason: string;
  token: string;
  user_name: string | null;
  at: Ms;
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
  freeze_versions: FreezeVersionRow;
  drills: DrillRow;
  org: OrgRow;
  gate_checks: GateCheckRow;
  reviews: ReviewRow;
  audit_log: AuditLogRow;
  red_line_waivers: RedLineWaiverRow;
  data_revision: DataRevisionRow;
  ballast_migrations: MigrationRow;
}
