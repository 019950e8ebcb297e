/**
 * Who did what: every write records its actor, and each record keeps an append-only history
 * (`GET /api/v1/{collection}/{id}/history`); the same entries, across records, are the audit list
 * (`GET /api/v1/audit`). Written in the transaction of the change itself (docs/api.md, "History and audit").
 */

/** What a write did to one record (or to a non-record subject such as the org config or a waiver). */
export const AUDIT_ACTIONS = ['created', 'updated', 'deleted', 'ended', 'waived', 'replaced'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * The subjects the audit list can hold beside the record collections: the org config (goals,
 * teams, red-line rules…), red-line waivers and saved committee reviews.
 */
export const AUDIT_SUBJECTS = ['org', 'red-line-waivers', 'reviews'] as const;
export type AuditSubject = (typeof AUDIT_SUBJECTS)[number];

/** Who made a write: the token's name and, through a Grafana token, the Grafana user Grafana named. */
export interface AuditActor {
  /** Name of the token (`BALLAST_TOKENS` entry `role:name:token`); `anonymous` when no tokens are configured. */
  token: string;
  /** The Grafana login (`X-Grafana-User`), only for a token marked as a Grafana token. */
  user?: string;
  /** `user` when given, else the token name: the one name lists and reports show. */
  name: string;
}

/** One field a write changed, from what to what (null: absent). Values as the API shows them. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** One entry of a record's history, or of the audit list. */
export interface AuditEntry {
  /** Increasing across the whole store: the order writes committed in. */
  seq: number;
  at: string;
  actor: AuditActor;
  /** A record collection (`incidents`, …) or an AuditSubject. */
  collection: string;
  id: string;
  action: AuditAction;
  changes: FieldChange[];
  /** Why, where the write asks for one (a waiver, an exemption, an explicit announcedAt). */
  reason?: string;
}

export interface AuditListResponse {
  items: AuditEntry[];
  total: number;
  limit: number;
  offset: number;
}
