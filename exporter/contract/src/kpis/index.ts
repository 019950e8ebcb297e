/**
 * Everything derived from the KPI registry (registry.ts). Nothing here names a KPI: a new entry
 * there shows up in every list, set and table below.
 */
import { KPI_REGISTRY } from './registry.js';
import type { KpiEntry, KpiValue, TallyFieldSpec, TallyReader, TallySource, ValueContext } from './types.js';

export { KPI_REGISTRY } from './registry.js';
export * from './status.js';
export * from './types.js';

type Entry = (typeof KPI_REGISTRY)[number];
type KeysOfUnion<T> = T extends unknown ? keyof T : never;

export type KpiKey = Entry['key'];
/** Every tally field some entry introduces (counts and sample lists). */
export type TallyFieldName = Extract<KeysOfUnion<Entry['tally']>, string>;
type SamplesOf<T> = T extends unknown
  ? { [K in keyof T]: T[K] extends { kind: 'samples' } ? K : never }[keyof T]
  : never;
/** The fields holding lists of individual values. */
export type SampleFieldName = Extract<SamplesOf<Entry['tally']>, string>;
/** The additive fields. */
export type CountFieldName = Exclude<TallyFieldName, SampleFieldName>;

const ENTRIES: readonly KpiEntry[] = KPI_REGISTRY;

export const KPI_KEYS: readonly KpiKey[] = KPI_REGISTRY.map((e) => e.key);
export const KPI_BY_KEY: ReadonlyMap<string, KpiEntry> = new Map(ENTRIES.map((e) => [e.key, e]));

export function isKpiKey(key: string): key is KpiKey {
  return KPI_BY_KEY.has(key);
}

/** What the API's `GET /kpis/definitions` and the plugins know of a KPI. */
export interface KpiDefinition {
  key: KpiKey;
  title: string;
  unit: KpiEntry['unit'];
  direction: KpiEntry['direction'];
  description: string;
}
export type KpiSummary = Omit<KpiDefinition, 'description'>;

export const KPI_DEFINITIONS: readonly KpiDefinition[] = KPI_REGISTRY.map(
  ({ key, title, unit, direction, description }) => ({
    key,
    title,
    unit,
    direction,
    description,
  })
);
export const KPI_SUMMARIES: readonly KpiSummary[] = KPI_DEFINITIONS.map(({ key, title, unit, direction }) => ({
  key,
  title,
  unit,
  direction,
}));

/** KPIs that only exist for the whole org. */
export const ORG_ONLY: ReadonlySet<string> = new Set(ENTRIES.filter((e) => e.orgOnly).map((e) => e.key));
/** Counts that grow with the window's length: their yearly targets are scaled to the window. */
export const WINDOW_SCALED: ReadonlySet<string> = new Set(ENTRIES.filter((e) => e.windowScaled).map((e) => e.key));
/** Weight of each KPI in the overall score (the committee's emphasis: incidents and recovery). */
export const SCORE_WEIGHTS = Object.fromEntries(ENTRIES.map((e) => [e.key, e.weight])) as Record<KpiKey, number>;

export interface TallyField extends TallyFieldSpec {
  name: TallyFieldName;
  /** The KPI that introduced it. */
  kpi: KpiKey;
}

/** Every tally field, in registry order. */
export const TALLY_FIELD_SPECS: readonly TallyField[] = ENTRIES.flatMap((e) =>
  Object.entries(e.tally).map(([name, spec]) => ({ ...spec, name: name as TallyFieldName, kpi: e.key as KpiKey }))
);
/** The additive fields (summed up the org). */
export const COUNT_FIELDS = TALLY_FIELD_SPECS.filter((f) => f.kind !== 'samples').map(
  (f) => f.name
) as readonly CountFieldName[];
/** The fields holding individual values (percentiles). */
export const SAMPLE_FIELDS = TALLY_FIELD_SPECS.filter((f) => f.kind === 'samples').map(
  (f) => f.name
) as readonly SampleFieldName[];

/** The count fields a store query fills (its SQL returns one column of each name per team). */
export function fieldsOf(source: TallySource | 'org'): CountFieldName[] {
  return TALLY_FIELD_SPECS.filter((f) => f.source === source && f.kind !== 'samples').map(
    (f) => f.name as CountFieldName
  );
}

/** The store queries a KPI needs. */
export function sourcesOf(kpi: string): readonly TallySource[] {
  return KPI_BY_KEY.get(kpi)?.sources ?? [];
}

/** Every KPI's value for one scope's tally. */
export function kpiValues(t: TallyReader, ctx: ValueContext): Record<KpiKey, KpiValue> {
  return Object.fromEntries(ENTRIES.map((e) => [e.key, e.formula(t, ctx)])) as Record<KpiKey, KpiValue>;
}
