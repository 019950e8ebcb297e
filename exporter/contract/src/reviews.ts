/**
 * Committee reviews as the API serves them (`GET /api/v1/reviews/draft`, `GET /api/v1/reviews/{id}`):
 * the exporter computes them, the app shows them; one shape for both.
 */
import type { Action, Incident, ScorecardScope } from './api/types.js';
import type { KpiSummary } from './kpis/index.js';
import type { Status } from './kpis/status.js';
import type { ReviewRecognition, ReviewRedLines } from './red-lines.js';

export const REVIEW_PERIODS = ['week', 'month', 'quarter'] as const;
export type ReviewPeriod = (typeof REVIEW_PERIODS)[number];

/** What a review looks at (`?business_line=|team=|service=`, else the org). */
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
  /** (value − previous) ÷ |previous|; null from a previous value of 0 (an infinitely large move). */
  relative: number | null;
  /** In the KPI's better direction. */
  better: boolean;
  /** The status the previous value had against the same target, and the status now. */
  statusBefore: Status;
  status: Status;
  /** Why it is listed: the relative move reached the threshold, the status changed, or both. */
  reasons: ('threshold' | 'status')[];
}

/** A decision of a saved review, recorded as the improvement action `actionId`. */
export interface ReviewDecision {
  actionId: string;
  title: string;
  owner: string;
  dueAt: string;
  incident: string;
}

/** A review draft, or a saved review (then with id, title, savedAt, attendees and decisions). */
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
  /** The period's red-line violations of the scope (absent on reviews saved before red lines). */
  redLines?: ReviewRedLines;
  /** Who earns recognition: teams without violations, best drill scores (absent on older reviews). */
  recognition?: ReviewRecognition;
}

/** An item of `GET /api/v1/reviews`. */
export interface SavedReviewSummary {
  id: string;
  title: string;
  period: ReviewPeriod;
  scope?: ReviewScope;
  from: string;
  to: string;
  savedAt: string;
}
