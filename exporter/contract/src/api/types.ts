/**
 * The exporter's API answers as the plugins read them (docs/api.md). Record shapes are derived from
 * the record schemas (type-only: zod stays out of plugin bundles): what a PUT takes, plus the id,
 * the resolved owner and the time it was last written; optional fields may come back as null.
 */
import type { KpiSummary, KpiKey } from '../kpis/index.js';
import type { Status } from '../kpis/status.js';
import type { KpiWindow, Level } from '../enums.js';
import type {
  ActionInput,
  AlertInput,
  ChangeInput,
  DrillInput,
  FindingInput,
  FreezeInput,
  IncidentInput,
} from '../records.js';

export interface HealthResponse {
  status: string;
  version: string;
  apiVersion: string;
  store?: { kind: string; migrations: number };
}

export interface Org {
  businessLines: Array<{ id: string; name: string; owner: string }>;
  teams: Array<{ id: string; name: string; businessLine: string; manager: string }>;
  services: Array<{ id: string; name: string; team: string; owner: string }>;
  changeSystems: Array<{ id: string; name: string; integrated: boolean }>;
  revision?: number | string;
}

export interface ListResponse<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

// ---------------------------------------------------------------- KPIs

/** One value of `GET /api/v1/kpis`. */
export interface KpiValueItem {
  kpi: KpiKey;
  level: Level;
  businessLine: string | null;
  team: string | null;
  value: number | null;
  numerator?: number | null;
  denominator?: number | null;
  /** alert_accuracy_ratio: how many counted verdicts were inferred. */
  inferred?: { actionable: number; noise: number };
}

export interface KpiValuesResponse {
  window: KpiWindow;
  from: string;
  to: string;
  revision?: number;
  values: KpiValueItem[];
}

export interface KpiSeriesResponse {
  kpi: KpiKey;
  window: KpiWindow;
  step: string;
  unit: KpiSummary['unit'];
  series: Array<{
    level: Level;
    businessLine: string | null;
    team: string | null;
    points: Array<{ at: string; value: number | null }>;
  }>;
}

export interface ScorecardCell {
  value: number | null;
  target: number | null;
  status: Status;
  previous: number | null;
}

export interface ScorecardScope {
  level: Level;
  id: string | null;
  name: string;
  owner?: string | null;
  businessLine?: string | null;
  cells: Record<string, ScorecardCell>;
  score: number | null;
}

export interface ScorecardResponse {
  window: KpiWindow;
  year?: number;
  generatedAt: string;
  from?: string;
  to?: string;
  kpis: KpiSummary[];
  scopes: ScorecardScope[];
}

// ---------------------------------------------------------------- records

/** Optional fields of an answer may be absent or null. */
type Answered<T> = { [K in keyof T]: undefined extends T[K] ? Exclude<T[K], undefined> | null | undefined : T[K] };

/** Fields every stored record has: its id, the resolved owner and the time it was last written. */
export interface Stored {
  id: string;
  service?: string | null;
  team?: string | null;
  businessLine?: string | null;
  updatedAt?: string;
}

type Owned<T> = Omit<Answered<T>, 'service' | 'team'>;

export type Incident = Stored & Owned<IncidentInput>;
export type IncidentStepRecord = NonNullable<Incident['steps']>[number];
export type Change = Stored &
  Omit<Owned<ChangeInput>, 'controlled'> & {
    /** Resolved by the exporter: given, citing a gate check, or from an integrated change system. */
    controlled: boolean;
    /** Ids of the freeze windows the change started inside without an exemption (the freeze_violations rule). */
    violatedFreezes?: string[];
  };
export type Freeze = Stored & Answered<FreezeInput>;
export type FreezeScope = FreezeInput['scope'];
export type Alert = Stored & Owned<AlertInput>;
export type Finding = Stored & Owned<FindingInput>;
export type Action = Stored & Answered<ActionInput>;
export type Drill = Stored & Omit<Answered<DrillInput>, 'service' | 'team'>;
export type BallastRecord = Incident | Change | Freeze | Alert | Finding | Action | Drill;

/** One time a freeze window is open (`GET /api/v1/freeze-occurrences`); recurring windows expanded by the exporter. */
export interface FreezeOccurrence {
  /** The freeze window's id. */
  freeze: string;
  name: string;
  reason: string;
  scope: FreezeScope;
  startsAt: string;
  endsAt: string;
}

export interface FreezeOccurrencesResponse {
  /** By start; at most 5,000. */
  items: FreezeOccurrence[];
  /** True when there were more occurrences than `items` holds. */
  truncated: boolean;
}

/** `GET /api/v1/gate`: 200 allowed, 423 refused with the freezes in force. */
export interface GateAnswer {
  allowed: boolean;
  checkId: string;
  freezes?: Array<{ id: string; name: string; reason: string; startsAt: string; endsAt: string }>;
}
