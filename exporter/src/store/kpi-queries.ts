/**
 * The KPI numerators and denominators per team for one window [from, to), in SQL that runs
 * unchanged on SQLite and PostgreSQL (records carry their resolved team; timestamps are epoch ms).
 * Each source is one grouped query; callers ask only for the sources their KPIs need.
 * Events after the window's end (recovery, closure, completion) do not count: a window shows the
 * KPI as it stood at its end.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { occurrencesBetween, type FreezeWindowSpec } from '../domain/freezes.js';
import { emptyTally, type Stage, type Tally, type TallyField } from '../domain/kpis.js';
import type { Database } from './schema.js';

export interface TallyQuery {
  from: number;
  to: number;
  highPriorities: readonly string[];
  highSeverities: readonly string[];
  /** policy.transientAlertMinutes in ms, or null when off. */
  transientMs: number | null;
  freezes: readonly FreezeWindowSpec[];
}

export const SOURCES = ['incidents', 'recoveries', 'stages', 'alerts', 'findings', 'changes', 'freezes', 'actions', 'drills'] as const;
export type Source = (typeof SOURCES)[number];

type Db = Kysely<Database>;
type TeamRow = { team: string | null } & Record<string, unknown>;

const list = (values: readonly string[]) => sql.join(values.map((v) => sql`${v}`));
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

class Tallies {
  readonly byTeam = new Map<string | null, Tally>();
  of(team: string | null): Tally {
    let t = this.byTeam.get(team);
    if (!t) this.byTeam.set(team, (t = emptyTally()));
    return t;
  }
  /** Adds each row's columns named like tally fields to its team's tally. */
  add(rows: TeamRow[], fields: TallyField[]) {
    for (const row of rows) {
      const t = this.of(row.team);
      for (const f of fields) t.counts[f] += num(row[f]);
    }
  }
}

async function rows(db: Db, query: RawBuilder<unknown>): Promise<TeamRow[]> {
  return (await query.execute(db)).rows as TeamRow[];
}

/** High-priority production incidents started in the window. */
function incidentWhere(q: TallyQuery) {
  return sql`drill = 0 and priority in (${list(q.highPriorities)}) and started_at >= ${q.from} and started_at < ${q.to}`;
}

const QUERIES: Record<Source, (db: Db, q: TallyQuery, out: Tallies) => Promise<void>> = {
  async incidents(db, q, out) {
    const recovered = sql`recovered_at is not null and recovered_at < ${q.to}`;
    const result = await rows(
      db,
      sql`select team,
        count(*) as "incidents",
        sum(case when ${recovered} then 1 else 0 end) as "recovered",
        sum(case when ${recovered} then recovered_at - started_at else 0 end) as "recoveryMs",
        sum(detected_at - started_at) as "detectionMs",
        sum(case when detection_source in ('monitoring', 'inspection') then 1 else 0 end) as "detectedInternally",
        sum(case when acknowledged_at is not null and recovered_at is not null and started_at <= detected_at
          and detected_at <= acknowledged_at and acknowledged_at <= recovered_at then 1 else 0 end) as "completeTimestamps"
      from incidents where ${incidentWhere(q)} group by team`,
    );
    out.add(result, ['incidents', 'recovered', 'recoveryMs', 'detectionMs', 'detectedInternally', 'completeTimestamps']);
  },

  async recoveries(db, q, out) {
    const result = await rows(
      db,
      sql`select team, recovered_at - started_at as ms from incidents
        where ${incidentWhere(q)} and recovered_at is not null and recovered_at < ${q.to}`,
    );
    for (const row of result) out.of(row.team).recoveries.push(num(row.ms));
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
            and i.started_at >= ${q.from} and i.started_at < ${q.to} and s.at < ${q.to}
          group by s.incident_id, i.team, i.started_at, s.step),
        timed as (
          select team, step, at - coalesce(lag(at) over (partition by incident_id order by at, step), started_at) as ms
          from firsts)
        select team, step, count(*) as n, sum(ms) as ms from timed where ms >= 0 group by team, step`,
    );
    for (const row of result) {
      const stage = out.of(row.team).stages[row.step as Stage];
      if (!stage) continue;
      stage.count += num(row.n);
      stage.ms += num(row.ms);
    }
  },

  async alerts(db, q, out) {
    const transient = q.transientMs === null ? sql`1 = 0` : sql`(ends_at is not null and ends_at - starts_at < ${q.transientMs})`;
    const bare = sql`verdict is null and incident is null`;
    const result = await rows(
      db,
      sql`select team,
        count(*) as "alerts",
        sum(case when verdict = 'actionable' or (verdict is null and incident is not null) then 1 else 0 end) as "actionable",
        sum(case when verdict is null and incident is not null then 1 else 0 end) as "inferredActionable",
        sum(case when verdict = 'noise' or (${bare} and ${transient}) then 1 else 0 end) as "noise",
        sum(case when ${bare} and ${transient} then 1 else 0 end) as "inferredNoise",
        sum(case when ${bare} and not ${transient} then 1 else 0 end) as "unreviewed"
      from alerts where severity in (${list(q.highSeverities)}) and starts_at >= ${q.from} and starts_at < ${q.to}
      group by team`,
    );
    out.add(result, ['alerts', 'actionable', 'inferredActionable', 'noise', 'inferredNoise', 'unreviewed']);
  },

  async findings(db, q, out) {
    const result = await rows(
      db,
      sql`select team, count(*) as "findings",
        sum(case when closed_at is not null and closed_at < ${q.to} then 1 else 0 end) as "findingsClosed"
      from findings where found_at >= ${q.from} and found_at < ${q.to} group by team`,
    );
    out.add(result, ['findings', 'findingsClosed']);
  },

  async changes(db, q, out) {
    const result = await rows(
      db,
      sql`select team, count(*) as "changes",
        sum(controlled) as "controlled",
        sum(case when result is not null then 1 else 0 end) as "withResult",
        sum(case when result in ('failed', 'rolled_back') then 1 else 0 end) as "failed"
      from changes where started_at >= ${q.from} and started_at < ${q.to} group by team`,
    );
    out.add(result, ['changes', 'controlled', 'withResult', 'failed']);
  },

  async freezes(db, q, out) {
    for (const row of await freezeViolations(db, q)) out.of(row.team).counts.freezeViolations += num(row.freezeViolations);
  },

  async actions(db, q, out) {
    const result = await rows(
      db,
      sql`select team, count(*) as "actionsDue",
        sum(case when completed_at is not null and completed_at < ${q.to} then 1 else 0 end) as "actionsCompleted"
      from actions where due_at >= ${q.from} and due_at < ${q.to} group by team`,
    );
    out.add(result, ['actionsDue', 'actionsCompleted']);
  },

  async drills(db, q, out) {
    const result = await rows(
      db,
      sql`select team, count(*) as "drills", sum(score) as "drillScore"
      from drills where started_at >= ${q.from} and started_at < ${q.to} group by team`,
    );
    out.add(result, ['drills', 'drillScore']);
  },
};

/** Team tallies of one window; only the given sources are queried (all by default). */
export async function teamTallies(db: Db, q: TallyQuery, sources: Iterable<Source> = SOURCES): Promise<Map<string | null, Tally>> {
  const out = new Tallies();
  for (const source of new Set(sources)) await QUERIES[source](db, q, out);
  return out.byTeam;
}

const CLAUSES_PER_STATEMENT = 400;

/** One clause per freeze occurrence, clipped to the window, with the freeze's scope. */
function violationClauses(q: TallyQuery): RawBuilder<unknown>[] {
  const clauses: RawBuilder<unknown>[] = [];
  for (const freeze of q.freezes) {
    const scope: RawBuilder<unknown>[] = [];
    if (freeze.scope.service !== undefined) scope.push(sql`service = ${freeze.scope.service}`);
    if (freeze.scope.team !== undefined) scope.push(sql`team = ${freeze.scope.team}`);
    if (freeze.scope.businessLine !== undefined) scope.push(sql`business_line = ${freeze.scope.businessLine}`);
    for (const o of occurrencesBetween(freeze, q.from, q.to, 100_000)) {
      const from = Math.max(o.startsAt, q.from);
      const to = Math.min(o.endsAt, q.to);
      clauses.push(sql.join([sql`started_at >= ${from}`, sql`started_at < ${to}`, ...scope], sql` and `));
    }
  }
  return clauses;
}

/** Changes without exemption started inside a freeze occurrence covering them, per team. */
async function freezeViolations(db: Db, q: TallyQuery): Promise<TeamRow[]> {
  const clauses = violationClauses(q);
  if (clauses.length === 0) return [];
  const base = sql`from changes where exemption is null and started_at >= ${q.from} and started_at < ${q.to}`;
  const any = (part: RawBuilder<unknown>[]) => sql.join(part.map((c) => sql`(${c})`), sql` or `);
  if (clauses.length <= CLAUSES_PER_STATEMENT) {
    return rows(db, sql`select team, count(*) as "freezeViolations" ${base} and (${any(clauses)}) group by team`);
  }
  // Too many occurrences for one statement: collect ids so a change inside two freezes counts once.
  const teams = new Map<string, string | null>();
  for (let i = 0; i < clauses.length; i += CLAUSES_PER_STATEMENT) {
    const part = clauses.slice(i, i + CLAUSES_PER_STATEMENT);
    for (const row of await rows(db, sql`select id, team ${base} and (${any(part)})`)) teams.set(row.id as string, row.team);
  }
  const counts = new Map<string | null, number>();
  for (const team of teams.values()) counts.set(team, (counts.get(team) ?? 0) + 1);
  return [...counts].map(([team, n]) => ({ team, freezeViolations: n }));
}

/** Open findings past their due date at `now`, per team (not windowed: a current backlog). */
export async function overdueFindings(db: Db, now: number): Promise<Map<string | null, number>> {
  const result = await rows(
    db,
    sql`select team, count(*) as n from findings where closed_at is null and due_at is not null and due_at < ${now} group by team`,
  );
  return new Map(result.map((r) => [r.team, num(r.n)]));
}

