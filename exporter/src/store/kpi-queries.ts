/**
 * The KPI numerators and denominators per team for one window [from, to), in SQL that runs
 * unchanged on SQLite and PostgreSQL (records carry their resolved team; timestamps are epoch ms).
 * Each source is one grouped query; callers ask only for the sources their KPIs need. A query
 * returns one column per count field the KPI registry gives its source (`fieldsOf`), named alike.
 * Events after the window's end (recovery, closure, completion) do not count: a window shows the
 * KPI as it stood at its end.
 */
import { fieldsOf, TALLY_SOURCES, type TallySource } from '@ballast/contract';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { emptyTally, type Stage, type Tally } from '../domain/kpis.js';
import type { Database } from './schema.js';
import {
  alertVerdictColumns,
  changeColumns,
  countedAlerts,
  countedChanges,
  freezeViolationCounts,
} from './tally-sql.js';

export interface TallyQuery {
  from: number;
  to: number;
  highPriorities: readonly string[];
  highSeverities: readonly string[];
  /** policy.transientAlertMinutes in ms, or null when off. */
  transientMs: number | null;
  /** Only the records of this service (a committee review of one service); all when absent. */
  service?: string;
}

export const SOURCES = TALLY_SOURCES;
export type Source = TallySource;

type Db = Kysely<Database>;
type TeamRow = { team: string | null } & Record<string, unknown>;

const list = (values: readonly string[]) => sql.join(values.map((v) => sql`${v}`));
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** ` and <column> = service` when the query is narrowed to one service, else nothing. */
function ofService(q: TallyQuery, column = sql`service`) {
  return q.service === undefined ? sql`` : sql` and ${column} = ${q.service}`;
}

/** The same for actions, which belong to a service through their incident. */
function actionsOfService(q: TallyQuery) {
  return q.service === undefined
    ? sql``
    : sql` and incident in (select id from incidents where service = ${q.service})`;
}

class Tallies {
  readonly byTeam = new Map<string | null, Tally>();
  of(team: string | null): Tally {
    let t = this.byTeam.get(team);
    if (!t) this.byTeam.set(team, (t = emptyTally()));
    return t;
  }
  /** Adds each row's columns named like the source's tally fields (KPI registry) to its team's tally. */
  add(source: Source, rows: TeamRow[]) {
    const fields = fieldsOf(source);
    for (const row of rows) {
      const t = this.of(row.team);
      for (const f of fields) {
        // A registry field the SQL does not select would otherwise count as 0, silently.
        if (!(f in row)) throw new Error(`the ${source} tally query returns no column "${f}"`);
        t.counts[f] += num(row[f]);
      }
    }
  }
}

async function rows(db: Db, query: RawBuilder<unknown>): Promise<TeamRow[]> {
  return (await query.execute(db)).rows as TeamRow[];
}

/** High-priority production incidents started in the window. */
function incidentWhere(q: TallyQuery) {
  return sql`drill = 0 and priority in (${list(q.highPriorities)}) and started_at >= ${q.from} and started_at < ${q.to}${ofService(q)}`;
}

/** An incident acknowledged before the window's end (MTTA). */
function acknowledgedBy(q: TallyQuery) {
  return sql`acknowledged_at is not null and acknowledged_at < ${q.to}`;
}

/** acknowledgedAt − detectedAt; an acknowledgement stamped before the detection counts 0, never less. */
const acknowledgementMs = sql`case when acknowledged_at > detected_at then acknowledged_at - detected_at else 0 end`;

/** Deploys started in the window (DORA keys). */
function deployWhere(q: TallyQuery) {
  return sql`kind = 'deploy' and started_at >= ${q.from} and started_at < ${q.to}${ofService(q)}`;
}

/** A successful deploy whose lead time (finishedAt − committedAt) was known at the window's end. */
function leadTimeKnown(q: TallyQuery) {
  return sql`result = 'success' and committed_at is not null and finished_at is not null and finished_at < ${q.to}`;
}

const QUERIES: Record<Source, (db: Db, q: TallyQuery, out: Tallies) => Promise<void>> = {
  async incidents(db, q, out) {
    const recovered = sql`recovered_at is not null and recovered_at < ${q.to}`;
    const acknowledged = acknowledgedBy(q);
    const result = await rows(
      db,
      sql`select team,
        count(*) as "incidents",
        sum(case when ${recovered} then 1 else 0 end) as "recovered",
        sum(case when ${recovered} then recovered_at - started_at else 0 end) as "recoveryMs",
        sum(detected_at - started_at) as "detectionMs",
        sum(case when ${acknowledged} then 1 else 0 end) as "acknowledged",
        sum(case when ${acknowledged} then ${acknowledgementMs} else 0 end) as "acknowledgementMs",
        sum(case when detection_source in ('monitoring', 'inspection') then 1 else 0 end) as "detectedInternally",
        sum(case when acknowledged_at is not null and recovered_at is not null and started_at <= detected_at
          and detected_at <= acknowledged_at and acknowledged_at <= recovered_at then 1 else 0 end) as "completeTimestamps",
        sum(case when caused_by_change is not null and ${recovered} then 1 else 0 end) as "changeIncidentsRecovered",
        sum(case when caused_by_change is not null and ${recovered} then recovered_at - started_at else 0 end) as "changeIncidentRecoveryMs"
      from incidents where ${incidentWhere(q)} group by team`
    );
    out.add('incidents', result);
  },

  async recoveries(db, q, out) {
    const result = await rows(
      db,
      sql`select team, recovered_at - started_at as ms from incidents
        where ${incidentWhere(q)} and recovered_at is not null and recovered_at < ${q.to}`
    );
    for (const row of result) out.of(row.team).samples.recoveries.push(num(row.ms));
  },

  async acknowledgements(db, q, out) {
    const result = await rows(
      db,
      sql`select team, ${acknowledgementMs} as ms from incidents where ${incidentWhere(q)} and ${acknowledgedBy(q)}`
    );
    for (const row of result) out.of(row.team).samples.acknowledgements.push(num(row.ms));
  },

  async stages(db, q, out) {
    // Each stage lasts from the previous step reached (or the incident's start) to its own step;
    // a step given several times counts at its first time.
    const result = await rows(
      db,
      sql`with firsts as (
          select s.incident_id, i.team, i.started_at, s.step, min(s.at) as at
          from incident_steps s join incidents i on i.id = s.incident_id
          where i.drill = 0 and i.priority in (${list(q.highPriorities)})
            and i.started_at >= ${q.from} and i.started_at < ${q.to} and s.at < ${q.to}${ofService(q, sql`i.service`)}
          group by s.incident_id, i.team, i.started_at, s.step),
        timed as (
          select team, step, at - coalesce(lag(at) over (partition by incident_id order by at, step), started_at) as ms
          from firsts)
        select team, step, count(*) as n, sum(ms) as ms from timed where ms >= 0 group by team, step`
    );
    for (const row of result) {
      const stage = out.of(row.team).stages[row.step as Stage];
      if (!stage) continue;
      stage.count += num(row.n);
      stage.ms += num(row.ms);
    }
  },

  async alerts(db, q, out) {
    const result = await rows(
      db,
      sql`select team, ${alertVerdictColumns(q.transientMs)} from alerts where ${countedAlerts(q)}${ofService(q)} group by team`
    );
    out.add('alerts', result);
  },

  async findings(db, q, out) {
    const result = await rows(
      db,
      sql`select team, count(*) as "findings",
        sum(case when closed_at is not null and closed_at < ${q.to} then 1 else 0 end) as "findingsClosed"
      from findings where found_at >= ${q.from} and found_at < ${q.to}${ofService(q)} group by team`
    );
    out.add('findings', result);
  },

  async changes(db, q, out) {
    const result = await rows(
      db,
      sql`select team, ${changeColumns()} from changes where ${countedChanges(q)}${ofService(q)} group by team`
    );
    out.add('changes', result);
  },

  async freezes(db, q, out) {
    const where = q.service === undefined ? undefined : sql`service = ${q.service}`;
    for (const [team, n] of await freezeViolationCounts(db, q, 'team', where))
      out.of(team).counts.freezeViolations += n;
  },

  async actions(db, q, out) {
    const result = await rows(
      db,
      sql`select team, count(*) as "actionsDue",
        sum(case when completed_at is not null and completed_at < ${q.to} then 1 else 0 end) as "actionsCompleted"
      from actions where due_at >= ${q.from} and due_at < ${q.to}${actionsOfService(q)} group by team`
    );
    out.add('actions', result);
  },

  // Debt, not windowed by the start: everything due before the window's end, as it stood then.
  async actionDebt(db, q, out) {
    const result = await rows(
      db,
      sql`select team, count(*) as "actionsDueToDate",
        sum(case when completed_at is not null and completed_at < ${q.to} then 1 else 0 end) as "actionsCompletedToDate"
      from actions where due_at < ${q.to}${actionsOfService(q)} group by team`
    );
    out.add('actionDebt', result);
  },

  async findingDebt(db, q, out) {
    const result = await rows(
      db,
      sql`select team, count(*) as "overdueFindings" from findings
      where found_at < ${q.to} and due_at is not null and due_at < ${q.to} and (closed_at is null or closed_at >= ${q.to})${ofService(q)}
      group by team`
    );
    out.add('findingDebt', result);
  },

  async drills(db, q, out) {
    const result = await rows(
      db,
      sql`select team, count(*) as "drills", sum(score) as "drillScore"
      from drills where started_at >= ${q.from} and started_at < ${q.to}${ofService(q)} group by team`
    );
    out.add('drills', result);
  },

  // The DORA keys. A deploy counts as change-caused when a high-priority production incident
  // started before the window's end names it, however many do.
  async deploys(db, q, out) {
    // Not correlated: both databases build the set of named changes once, then probe it per deploy.
    const caused = sql`id in (select caused_by_change from incidents where caused_by_change is not null and drill = 0
      and priority in (${list(q.highPriorities)}) and started_at < ${q.to})`;
    const result = await rows(
      db,
      sql`select team,
        sum(case when result = 'success' then 1 else 0 end) as "deploysSucceeded",
        sum(case when result is not null then 1 else 0 end) as "deploysWithResult",
        sum(case when result is not null and ${caused} then 1 else 0 end) as "deploysCausingIncidents",
        sum(case when ${leadTimeKnown(q)} then 1 else 0 end) as "deploysWithLeadTime"
      from changes where ${deployWhere(q)} group by team`
    );
    out.add('deploys', result);
  },

  /** Individual lead times (samples, for the median). */
  async leadTimes(db, q, out) {
    const result = await rows(
      db,
      sql`select team, finished_at - committed_at as ms from changes where ${deployWhere(q)} and ${leadTimeKnown(q)}`
    );
    for (const row of result) out.of(row.team).samples.leadTimes.push(num(row.ms));
  },
};

/** Team tallies of one window; only the given sources are queried (all by default). */
export async function teamTallies(
  db: Db,
  q: TallyQuery,
  sources: Iterable<Source> = SOURCES
): Promise<Map<string | null, Tally>> {
  const out = new Tallies();
  for (const source of new Set(sources)) await QUERIES[source](db, q, out);
  return out.byTeam;
}

/** Open findings past their due date at `now`, per team (not windowed: a current backlog). */
export async function overdueFindings(db: Db, now: number): Promise<Map<string | null, number>> {
  const result = await rows(
    db,
    sql`select team, count(*) as n from findings where closed_at is null and due_at is not null and due_at < ${now} group by team`
  );
  return new Map(result.map((r) => [r.team, num(r.n)]));
}
