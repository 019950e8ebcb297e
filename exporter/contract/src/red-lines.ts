/**
 * Red lines: the breaches the stability program penalizes. Each rule is computed from the records
 * (never typed in); the org config switches rules on and tunes them (`redLines:`); a breach is a
 * violation in the ledger (`GET /api/v1/red-lines/violations`), waivable only by an admin with a
 * reason. docs/metrics.md ("Red lines") defines each rule.
 */
import type { Collection } from './enums.js';
import type { AuditActor } from './audit.js';

/** The built-in rules, in the order the ledger and the app list them. */
export const RED_LINE_RULES = [
  'change_in_freeze',
  'incident_without_postmortem',
  'action_overdue',
  'finding_overdue',
  'alert_without_verdict',
] as const;
export type RedLineRule = (typeof RED_LINE_RULES)[number];

/** The record collection each rule judges. */
export const RED_LINE_COLLECTIONS: Record<RedLineRule, Collection> = {
  change_in_freeze: 'changes',
  incident_without_postmortem: 'incidents',
  action_overdue: 'actions',
  finding_overdue: 'findings',
  alert_without_verdict: 'alerts',
};

/** One rule's settings in the org config; `days` is the grace the rule gives (none for change_in_freeze). */
export interface RedLineRuleConfig {
  enabled: boolean;
  days?: number;
}

export type RedLinesConfig = Partial<Record<RedLineRule, RedLineRuleConfig>>;

export interface RedLineWaiver {
  by: AuditActor;
  at: string;
  reason: string;
}

/** One breach of a red line: which rule, which record, whose, since when (and until when, once mended). */
export interface RedLineViolation {
  /** `<rule>:<record id>`: stable, so a waiver and a link keep pointing at it. */
  id: string;
  rule: RedLineRule;
  collection: Collection;
  record: string;
  /** The record's title or name, for lists. */
  title: string;
  team: string | null;
  businessLine: string | null;
  /** The named owner: the service owner, the action owner, else the team's manager. */
  owner: string | null;
  /** When the record crossed the line (e.g. dueAt + days). */
  since: string;
  /** When it was mended (completed, closed, verdict given, post-mortem written); absent while in force. */
  until?: string;
  waiver?: RedLineWaiver;
}

export interface RedLineViolationsResponse {
  items: RedLineViolation[];
  total: number;
  limit: number;
  offset: number;
}

/** A scope's red lines over a window or period: unwaived violations in force in it, per enabled rule. */
export interface RedLineCount {
  total: number;
  byRule: Partial<Record<RedLineRule, number>>;
}

/** The committee review's red lines: what breached in the period, for the scope reviewed. */
export interface ReviewRedLines extends RedLineCount {
  /** The rules enabled in the org config (none: red lines are off). */
  rules: RedLineRule[];
  /** The period's violations, latest first (at most REVIEW_RED_LINES; `total` counts all, waived ones not). */
  items: RedLineViolation[];
}

/** What earns recognition in a review period. */
export interface ReviewRecognition {
  /** Teams of the scope with no unwaived violation in force in the period (empty while no rule is enabled). */
  cleanTeams: { id: string; name: string }[];
  /** Teams by their mean drill score in the period, best first. */
  bestDrills: { team: string; name: string; drills: number; meanScore: number; bestScore: number }[];
}
