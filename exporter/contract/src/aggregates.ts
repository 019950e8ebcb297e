/**
 * The answers of `GET /api/v1/alerts-by-name` and `GET /api/v1/changes-by-system`: the KPIs'
 * counts split by alert name and by change system (the exporter counts, the plugins show).
 */

/** `sort` of /alerts-by-name: most fired first, or most noise first. */
export const ALERT_NAME_SORTS = ['alerts', 'noise'] as const;
export type AlertNameSort = (typeof ALERT_NAME_SORTS)[number];

/** High-severity alerts of one name, counted as alert_accuracy_ratio counts them. */
export interface AlertNameCounts {
  name: string;
  alerts: number;
  /** A verdict `actionable`, or none and linked to an incident (inferred). */
  actionable: number;
  inferredActionable: number;
  /** A verdict `noise`, or none, no incident and resolved sooner than policy.transientAlertMinutes (inferred). */
  noise: number;
  inferredNoise: number;
  /** Neither given nor inferred. */
  unreviewed: number;
}

export interface AlertNameStats extends AlertNameCounts {
  /** actionable ÷ (actionable + noise), alert_accuracy_ratio's formula; null when nothing is judged. */
  accuracy: number | null;
}

export interface AlertsByNameResponse {
  from: string;
  to: string;
  items: AlertNameStats[];
  /** Names in all pages. */
  total: number;
  limit: number;
  offset: number;
}

/** Changes of one change system, counted as the change-control KPIs count them. */
export interface ChangeSystemCounts {
  system: string;
  changes: number;
  controlled: number;
  withResult: number;
  /** Result failed or rolled_back. */
  failed: number;
  freezeViolations: number;
}

export interface ChangeSystemStats extends ChangeSystemCounts {
  name: string;
  /** From the org config; null for a system the records name but the org no longer lists. */
  integrated: boolean | null;
  /** controlled ÷ changes (change_control_coverage_ratio's formula); null without changes. */
  coverage: number | null;
  /** failed ÷ withResult (change_failure_ratio's formula); null without a result. */
  failureRatio: number | null;
}

export interface ChangesBySystemResponse {
  from: string;
  to: string;
  /** The org's change_system_integration_ratio parts. */
  integration: { integrated: number; total: number; ratio: number | null };
  /** Every system of the org, then any the records name that it no longer lists. */
  items: ChangeSystemStats[];
}
