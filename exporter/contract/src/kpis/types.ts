/**
 * The shape of a KPI registry entry (registry.ts) and of what its formula reads and returns.
 * Pure types and small value helpers; no I/O.
 */

export const UNITS = ['count', 'seconds', 'ratio', 'per_day', 'score'] as const;
export type Unit = (typeof UNITS)[number];

export const DIRECTIONS = ['lower', 'higher'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/**
 * The grouped record queries of the exporter's store (exporter/src/store/kpi-queries.ts): each
 * fills the tally fields whose `source` it is. `org` is not a query: the roll-up sets those
 * fields from the org config.
 */
export const TALLY_SOURCES = [
  'incidents',
  'recoveries',
  'acknowledgements',
  'stages',
  'alerts',
  'findings',
  'changes',
  'freezes',
  'actions',
  'actionDebt',
  'findingDebt',
  'drills',
  'deploys',
  'leadTimes',
] as const;
export type TallySource = (typeof TALLY_SOURCES)[number];

/** One additive number (or list of samples) of a scope's tally for a window. */
export interface TallyFieldSpec {
  /** The store query that fills it, or `org` for the fields the roll-up sets from the org config. */
  readonly source: TallySource | 'org';
  /** `count` (default): summed up team → business line → org. `samples`: individual values (percentiles), not exported. */
  readonly kind?: 'count' | 'samples';
  /**
   * The gauge family exporting it in /metrics (labels window, business_line, team), or null when
   * the KPI's own `stability_<key>` family is this very number.
   */
  readonly family: string | null;
  /** The family's HELP text (docs/metrics.md repeats it). */
  readonly help: string;
  /** Factor from the tally's unit to the family's, e.g. 1e-3 for milliseconds → seconds. */
  readonly scale?: number;
}

/** What a formula may read: count fields and sample lists of one scope's tally, by name. */
export interface TallyReader {
  count(field: string): number;
  samples(field: string): readonly number[];
}

/** What a value needs beyond the tally. */
export interface ValueContext {
  /** The window's length in days (days elapsed for ytd). */
  days: number;
  changeSystems: { integrated: number; total: number };
}

export interface KpiValue {
  /** null where the denominator is empty. */
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** alert_accuracy_ratio only: how many of the counted verdicts were inferred. */
  inferred?: { actionable: number; noise: number };
}

export interface KpiEntry {
  /** The KPI's key: the same in goals, the API and the metric name `stability_<key>`. */
  readonly key: string;
  readonly title: string;
  readonly unit: Unit;
  readonly direction: Direction;
  /** The written definition (API, /metrics HELP, docs/metrics.md). */
  readonly description: string;
  /** The record timestamp that places a record in a window, e.g. `incident.startedAt`; null for KPIs that are no window's. */
  readonly windowBy: string | null;
  /** The store queries whose fields the formula reads. */
  readonly sources: readonly TallySource[];
  /** The tally fields this KPI introduces (others may read them too), with their /metrics families. */
  readonly tally: Readonly<Record<string, TallyFieldSpec>>;
  /** The value of one scope's tally: pure. */
  readonly formula: (t: TallyReader, ctx: ValueContext) => KpiValue;
  /** Weight in the scorecard's overall score; 0 keeps the KPI out of it. */
  readonly weight: number;
  /** Only the whole org has a value (no business-line or team series). */
  readonly orgOnly: boolean;
  /** A count that grows with the window's length: its yearly target is scaled to the window's share of the year. */
  readonly windowScaled: boolean;
}

export const ratio = (numerator: number, denominator: number): KpiValue => ({
  value: denominator > 0 ? numerator / denominator : null,
  numerator,
  denominator,
});

export const count = (n: number): KpiValue => ({ value: n, numerator: n, denominator: null });

/** Linear interpolation between closest ranks (as numpy's default); null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * p;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** A percentile of millisecond samples, in seconds, reported over `denominator` values. */
export const percentileSeconds = (samples: readonly number[], p: number, denominator: number): KpiValue => {
  const ms = percentile(samples, p);
  return { value: ms === null ? null : ms / 1000, numerator: null, denominator };
};
