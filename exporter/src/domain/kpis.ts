/**
 * KPI tallies. The store hands over one Tally (numerators, denominators, samples such as recovery
 * durations) per team for a window; this module adds tallies up team → business line → org and
 * turns a tally into KPI values with the formulas of the registry (@ballast/contract). Sums roll
 * up exactly; means come from sums and counts; percentiles come from the individual samples,
 * which are few (high-priority incidents only).
 */
import {
  COUNT_FIELDS,
  kpiValues as registryValues,
  SAMPLE_FIELDS,
  type CountFieldName,
  type KpiKey,
  type KpiValue,
  type Level,
  type SampleFieldName,
  type TallyReader,
  type ValueContext,
} from '@ballast/contract';
import type { OrgIndex } from './org.js';
import { INCIDENT_STEPS } from './records.js';

// The registry is the KPIs' one definition; these names are the domain's view of it.
export {
  DIRECTIONS,
  KPI_BY_KEY as DEFINITIONS_BY_KEY,
  KPI_DEFINITIONS,
  ORG_ONLY,
  percentile,
  UNITS,
  WINDOW_SCALED,
  type Direction,
  type KpiDefinition,
  type KpiValue,
  type Unit,
  type ValueContext,
} from '@ballast/contract';

/** The incident process stages: the time from the previous step (or the start) to each step. */
export const STAGES = INCIDENT_STEPS;
export type Stage = (typeof STAGES)[number];

/** The additive numbers of one scope and window: the registry's count fields. */
export const TALLY_FIELDS = COUNT_FIELDS;
export type TallyField = CountFieldName;

export interface Tally {
  counts: Record<CountFieldName, number>;
  /** Individual values (ms), e.g. recoveredAt − startedAt of each recovered high-priority incident. */
  samples: Record<SampleFieldName, number[]>;
  stages: Record<Stage, { count: number; ms: number }>;
}

export function emptyTally(): Tally {
  return {
    counts: Object.fromEntries(COUNT_FIELDS.map((f) => [f, 0])) as Tally['counts'],
    samples: Object.fromEntries(SAMPLE_FIELDS.map((f) => [f, []])) as unknown as Tally['samples'],
    stages: Object.fromEntries(STAGES.map((s) => [s, { count: 0, ms: 0 }])) as Tally['stages'],
  };
}

/** Adds `b` into `a` (mutates and returns `a`). */
export function addTally(a: Tally, b: Tally): Tally {
  for (const f of COUNT_FIELDS) a.counts[f] += b.counts[f];
  for (const f of SAMPLE_FIELDS) for (const v of b.samples[f]) a.samples[f].push(v);
  for (const s of STAGES) {
    a.stages[s].count += b.stages[s].count;
    a.stages[s].ms += b.stages[s].ms;
  }
  return a;
}

/** A formula's view of a tally; a field no registry entry declares is a programming error. */
export function tallyReader(t: Tally): TallyReader {
  return {
    count(field) {
      const n = (t.counts as Record<string, number>)[field];
      if (n === undefined) throw new Error(`no tally count field ${field}`);
      return n;
    },
    samples(field) {
      const values = (t.samples as Record<string, number[]>)[field];
      if (values === undefined) throw new Error(`no tally samples field ${field}`);
      return values;
    },
  };
}

/** Every KPI's value for one scope's tally (the registry's formulas). */
export function kpiValues(t: Tally, ctx: ValueContext): Record<KpiKey, KpiValue> {
  return registryValues(tallyReader(t), ctx);
}

/** Mean seconds per stage, or null where no incident reached the stage. */
export function stageMeans(t: Tally): Record<Stage, number | null> {
  return Object.fromEntries(
    STAGES.map((s) => [s, t.stages[s].count > 0 ? t.stages[s].ms / 1000 / t.stages[s].count : null])
  ) as Record<Stage, number | null>;
}

export interface Scope {
  level: Level;
  /** Set for business-line and team scopes. */
  businessLine: string | null;
  /** Set for team scopes. */
  team: string | null;
}

export interface ScopeTally extends Scope {
  tally: Tally;
}

/**
 * Rolls team tallies up to every team, business line and the org of the config. Tallies of
 * records without a known team (null, `unassigned`, or a team the org no longer has) count at the
 * org level only. Every scope of the org is present, with an empty tally when it has no records.
 */
export function rollUp(byTeam: ReadonlyMap<string | null, Tally>, org: OrgIndex): ScopeTally[] {
  const orgTally = emptyTally();
  const lines = new Map(org.org.businessLines.map((b) => [b.id, emptyTally()]));
  const teams: ScopeTally[] = [];
  for (const [team, tally] of byTeam) {
    if (team === null || !org.teams.has(team)) addTally(orgTally, tally);
  }
  for (const team of org.org.teams) {
    const tally = byTeam.get(team.id) ?? emptyTally();
    const own = addTally(emptyTally(), tally);
    own.counts.drilledTeams = own.counts.drills > 0 ? 1 : 0;
    // A team a reorg retired or merged is no team to drill any more: it counts where it drilled.
    own.counts.teams = org.teamRetirement(team.id) ? own.counts.drilledTeams : 1;
    teams.push({ level: 'team', businessLine: team.businessLine, team: team.id, tally: own });
    addTally(lines.get(team.businessLine)!, own);
    addTally(orgTally, own);
  }
  return [
    { level: 'org', businessLine: null, team: null, tally: orgTally },
    ...[...lines].map(([id, tally]) => ({ level: 'business_line' as const, businessLine: id, team: null, tally })),
    ...teams,
  ];
}
