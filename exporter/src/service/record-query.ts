/**
 * What a record read asks for, already parsed: numbers, epoch ms, booleans and lists. Turning
 * query strings into these is the HTTP layer's job (api/list-params.ts); the services only apply them.
 */
import { VERDICT_FILTERS, type Collection } from '@ballast/contract';

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

/** Owner filters: each list given narrows the result to records (or scopes) matching one of its values. */
export interface OwnerFilter {
  businessLine?: string[];
  team?: string[];
  service?: string[];
}

/** [from, to) in epoch ms on the collection's time field; either end may be open. */
export interface TimeRange {
  from?: number;
  to?: number;
}

export interface Page {
  limit: number;
  offset: number;
}

/** Yes/no filters and the collections that take them. */
export const FLAGS_OF = {
  incidents: ['drill', 'highPriority', 'open'],
  alerts: ['highSeverity'],
  findings: ['open', 'overdue'],
  actions: ['open', 'overdue'],
  changes: ['controlled', 'violation'],
  drills: [],
  freezes: ['active', 'includeEnded'],
} as const satisfies Record<Collection, readonly string[]>;
export type Flag = (typeof FLAGS_OF)[Collection][number];

export type VerdictFilter = (typeof VERDICT_FILTERS)[number];

export interface RecordQuery extends OwnerFilter, TimeRange, Page {
  /** Exact-match column filters of the collection (its spec's `filters`), by parameter name. */
  fields: Record<string, string[]>;
  flags: Partial<Record<Flag, boolean>>;
  /** Alerts only: `none` is no verdict. */
  verdict?: VerdictFilter[];
}
