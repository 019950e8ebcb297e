/**
 * The exporter's API answers as the plugins read them (docs/api.md). Record shapes are derived from
 * the record schemas (type-only: zod stays out of plugin bundles): what a PUT takes, plus the id,
 * the resolved owner and the time it was last written; optional fields may come back as null.
 */
import type { KpiSummary, KpiKey } from '../kpis/index.js';
import type { Status } from '../kpis/status.js';
import type { KpiWindow, Level } from '../enums.js';
import type { RedLineCount } from '../red-lines.js';
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
  /** `retired` / `mergedInto`: kept for history after a reorg; new records may not name them. */
  teams: Array<{
    id: string;
    name: string;
    businessLine: string;
    manager: string;
    retired?: true;
    mergedInto?: string;
  }>;
  services: Array<{ id: string; name: string; team: string; owner: string; retired?: true; mergedInto?: string }>;
  changeSystems: Array<{ id: string; name: string; integrated: boolean }>;
  /** The yearly goals (targets) per KPI, for the org or a business line or team (the scorecard's targets). */
  goals?: OrgGoal[];
  /** Change control (docs/metrics.md, Controlled changes): how old a gate check may be; whether Grafana Editors grant exemptions. */
  changeControl?: { gateCheckMaxAgeMinutes: number; grafanaEditorsGrantExemptions: boolean };
  revision?: number | string;
}

/** One goal of the org config (`goals[]`): a KPI's target for a year, org-wide or for one business line or team. */
export interface OrgGoal {
  year: number;
  kpi: KpiKey;
  target: number;
  businessLine?: string;
  team?: string;
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
  /** Red-line violations in force in the window (absent while no red line is enabled). */
  redLines?: RedLineCount;
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
    /** Counted by the KPIs: decided on evidence when written (docs/metrics.md, "Controlled changes"). */
    controlled: boolean;
    /** What the sender said (`controlled` as sent), when it said anything: a claim, never evidence. */
    controlledClaim?: boolean;
    /** Why the change counts as controlled or not. */
    controlReason?: string;
    /** Ids of the freeze windows the change started inside without an exemption (the freeze_violations rule), as stored. */
    violatedFreezes?: string[];
    /** Who granted the exemption (actor name) and when. */
    exemptionBy?: string;
    exemptionAt?: string;
  };
export type Freeze = Stored &
  Answered<FreezeInput> & {
    /** Current version (each write that changes the window adds one; GET /freezes/{id}/versions lists them). */
    version?: number;
    /** When the window was ended or deleted: kept for history, in force for nobody from then on. */
    endedAt?: string | null;
  };
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
