/**
 * The KPI counts split by something other than the owner: high-severity alerts by alert name, and
 * changes by change system. The counting rules are the KPIs' own (tally-sql.ts); the range and the
 * owner filters are the caller's.
 */
import type { AlertNameCounts, AlertNameSort, ChangeSystemCounts } from '@ballast/contract';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './schema.js';
import {
  alertVerdictColumns,
  changeColumns,
  countedAlerts,
  countedChanges,
  freezeViolationCounts,
  sqlList,
  type TransientMs,
} from './tally-sql.js';

type Db = Kysely<Database>;

export interface OwnerColumns {
  businessLine?: readonly string[];
  team?: readonly string[];
  service?: readonly string[];
}

export interface AggregateRange {
  from: number;
  to: number;
}

/** Rows narrowed to the owner filters given (each list: any of its values). */
function owners(filter: OwnerColumns): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`1 = 1`];
  const add = (column: string, values?: readonly string[]) => {
    if (values && values.length > 0) parts.push(sql`${sql.ref(column)} in (${sqlList(values)})`);
  };
  add('business_line', filter.businessLine);
  add('team', filter.team);
  add('service', filter.service);
  return sql.join(parts, sql` and `);
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export interface AlertNameQuery extends AggregateRange, OwnerColumns {
  highSeverities: readonly string[];
  transientMs: TransientMs;
  sort: AlertNameSort;
  limit: number;
  offset: number;
}

const ALERT_FIELDS = ['alerts', 'actionable', 'inferredActionable', 'noise', 'inferredNoise', 'unreviewed'] as const;

/** One page of alert names with their verdict counts, and how many names there are. */
export async function alertsByName(db: Db, q: AlertNameQuery): Promise<{ items: AlertNameCounts[]; total: number }> {
  const where = sql`${countedAlerts(q)} and ${owners(q)}`;
  const order = q.sort === 'noise' ? sql`"noise" desc, "alerts" desc, name` : sql`"alerts" desc, name`;
  const [page, count] = await Promise.all([
    sql<Record<string, unknown>>`select name, ${alertVerdictColumns(q.transientMs)} from alerts where ${where}
      group by name order by ${order} limit ${q.limit} offset ${q.offset}`.execute(db),
    sql<{ n: unknown }>`select count(distinct name) as "n" from alerts where ${where}`.execute(db),
  ]);
  const items = page.rows.map((row) => ({
    name: row.name as string,
    ...(Object.fromEntries(ALERT_FIELDS.map((f) => [f, num(row[f])])) as Omit<AlertNameCounts, 'name'>),
  }));
  return { items, total: num(count.rows[0]?.n) };
}

export type ChangeSystemQuery = AggregateRange & OwnerColumns;

const CHANGE_FIELDS = ['changes', 'controlled', 'withResult', 'failed'] as const;

/** Change counts and freeze violations per change system that has changes in the range. */
export async function changesBySystem(db: Db, q: ChangeSystemQuery): Promise<ChangeSystemCounts[]> {
  const where = owners(q);
  const [result, violations] = await Promise.all([
    sql<
      Record<string, unknown>
    >`select system, ${changeColumns()} from changes where ${countedChanges(q)} and ${where} group by system`.execute(
      db
    ),
    freezeViolationCounts(db, q, 'system', where),
  ]);
  return result.rows.map((row) => ({
    system: row.system as string,
    ...(Object.fromEntries(CHANGE_FIELDS.map((f) => [f, num(row[f])])) as Omit<
      ChangeSystemCounts,
      'system' | 'freezeViolations'
    >),
    freezeViolations: violations.get(row.system as string) ?? 0,
  }));
}
