/**
 * Record tables (incidents, changes, freeze windows, alerts, findings, actions, drills) and the
 * freeze reads that the annotations share: list filters as the list API takes them (docs/api.md).
 */
import type { DataFrame, TimeRange } from '@grafana/data';
import { FreezeRow, recordsFrame } from '../frames';
import {
  BallastQuery,
  DEFAULT_LIMIT,
  Freeze,
  FreezeOccurrencesResponse,
  MAX_LIMIT,
  RECORD_FILTERS,
  RECORD_TYPES,
  RecordType,
} from '../types';
import type { QueryContext } from './context';

type Scope = Pick<BallastQuery, 'businessLine' | 'team' | 'service'>;

export const isRecordType = (type: string): type is RecordType => (RECORD_TYPES as readonly string[]).includes(type);

/** The list API's parameters: the range, the scope and the collection's own filters (others are dropped). */
export function listParams(q: Scope & Pick<BallastQuery, 'filters'>, type: RecordType, range: TimeRange | undefined) {
  const allowed = new Set(RECORD_FILTERS[type].map((f) => f.key));
  return {
    from: range?.from.toISOString(),
    to: range?.to.toISOString(),
    businessLine: q.businessLine,
    team: q.team,
    service: q.service,
    ...Object.fromEntries(Object.entries(q.filters ?? {}).filter(([k, v]) => allowed.has(k) && v !== '')),
  };
}

export async function runRecords(
  ctx: QueryContext,
  type: RecordType,
  q: BallastQuery,
  range: TimeRange
): Promise<DataFrame[]> {
  const max = Math.min(Math.max(1, q.limit ?? DEFAULT_LIMIT), MAX_LIMIT);
  if (type === 'freezes') {
    return [await freezeTable(ctx, q, range, max)];
  }
  const { items, total } = await ctx.client.list<unknown>(`/api/v1/${type}`, listParams(q, type, range), max);
  return [recordsFrame(q.refId, type, items, total)];
}

/**
 * Each time a freeze window is open within the range, by start: the exporter expands recurring
 * windows in their schedule's timezone (GET /api/v1/freeze-occurrences, at most 5,000).
 */
export function freezeOccurrences(ctx: QueryContext, q: Scope, range: TimeRange) {
  return ctx.client.get<FreezeOccurrencesResponse>('/api/v1/freeze-occurrences', {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    businessLine: q.businessLine,
    team: q.team,
    service: q.service,
  });
}

/** The freeze windows (records) with an occurrence in the range, for their names and schedules. */
export async function freezeWindows(ctx: QueryContext, q: Scope, range: TimeRange): Promise<Freeze[]> {
  const { businessLine, team, service } = q;
  const { items } = await ctx.client.list<Freeze>(
    '/api/v1/freezes',
    listParams({ businessLine, team, service }, 'freezes', range),
    MAX_LIMIT
  );
  return items;
}

/** The freeze windows table: a row per occurrence in the range (time-range bands), with its window's schedule. */
async function freezeTable(ctx: QueryContext, q: BallastQuery, range: TimeRange, max: number): Promise<DataFrame> {
  const [occurrences, windows] = await Promise.all([freezeOccurrences(ctx, q, range), freezeWindows(ctx, q, range)]);
  const schedules = new Map(windows.map((w) => [w.id, w.schedule ?? undefined]));
  let rows: FreezeRow[] = occurrences.items.map((o) => ({ ...o, schedule: schedules.get(o.freeze) }));
  if (q.filters?.active === 'true') {
    const now = Date.now();
    rows = rows.filter((o) => Date.parse(o.startsAt) <= now && now < Date.parse(o.endsAt));
  }
  const notices = occurrences.truncated
    ? [
        {
          severity: 'warning' as const,
          text: `The exporter returned the first ${occurrences.items.length} freeze occurrences of this range only; narrow the range or the scope.`,
        },
      ]
    : [];
  return recordsFrame(q.refId, 'freezes', rows.slice(0, max), rows.length, notices);
}
