/**
 * When scheduled reports are due, as keys: a daily report is for a calendar date (sent at its
 * HH:MM in its timezone, about the day before), a committee pack for a closed week (`2026-W48`)
 * or month (`2026-11`) in the org's timezone. The key is what makes a report unique in the store,
 * so every process computes the same key for the same moment. Pure.
 */
import type { ReportKind } from '@ballast/contract';
import { DAY_MS } from './time.js';
import { calendarDate, zonedMidnight } from './windows.js';

export interface DueReport {
  kind: ReportKind;
  key: string;
  /** [from, to) the report is about (epoch ms). */
  from: number;
  to: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
const dateKey = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

/** y-m-d shifted by `days` (calendar arithmetic, no timezone). */
function shift(y: number, m: number, d: number, days: number) {
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** Local midnight of a `YYYY-MM-DD` key. */
export function midnightOf(key: string, timeZone: string): number {
  const [y, m, d] = key.split('-').map(Number) as [number, number, number];
  return zonedMidnight(y, m, d, timeZone);
}

/** The day a daily report keyed `key` covers: the whole day before, and `key`'s own day (today's freezes). */
export function dailyRanges(key: string, timeZone: string) {
  const [y, m, d] = key.split('-').map(Number) as [number, number, number];
  const before = shift(y, m, d, -1);
  const after = shift(y, m, d, 1);
  const start = zonedMidnight(y, m, d, timeZone);
  return {
    reported: { from: zonedMidnight(before.year, before.month, before.day, timeZone), to: start },
    today: { from: start, to: zonedMidnight(after.year, after.month, after.day, timeZone) },
  };
}

/**
 * The latest daily report due at `now`: today's once the wall clock passed `time`, else
 * yesterday's (so a process that was down at send time still sends it once when it is back).
 */
export function dueDaily(now: number, time: string, timeZone: string): DueReport {
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const { year, month, day } = calendarDate(now, timeZone);
  const sendAt = zonedMidnight(year, month, day, timeZone) + (hh * 60 + mm) * 60_000;
  const date = now >= sendAt ? { year, month, day } : shift(year, month, day, -1);
  const key = dateKey(date.year, date.month, date.day);
  const { reported } = dailyRanges(key, timeZone);
  return { kind: 'daily', key, ...reported };
}

/** ISO 8601 week (`2026-W48`) of the week starting Monday y-m-d. */
export function isoWeekKey(y: number, m: number, d: number): string {
  const thursday = new Date(Date.UTC(y, m - 1, d + 3));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / DAY_MS / 7) + 1;
  return `${thursday.getUTCFullYear()}-W${pad(week)}`;
}

/** The last week (from Monday 00:00) or month that had closed by `now`, in the org's timezone. */
export function lastClosedPeriod(period: 'week' | 'month', now: number, timeZone: string): DueReport {
  const { year, month, day, weekday } = calendarDate(now, timeZone);
  if (period === 'month') {
    const prior = month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
    return {
      kind: 'month',
      key: `${prior.year}-${pad(prior.month)}`,
      from: zonedMidnight(prior.year, prior.month, 1, timeZone),
      to: zonedMidnight(year, month, 1, timeZone),
    };
  }
  const monday = shift(year, month, day, -weekday);
  const before = shift(monday.year, monday.month, monday.day, -7);
  return {
    kind: 'week',
    key: isoWeekKey(before.year, before.month, before.day),
    from: zonedMidnight(before.year, before.month, before.day, timeZone),
    to: zonedMidnight(monday.year, monday.month, monday.day, timeZone),
  };
}

/** Exponential backoff of the n-th failed attempt (1-based), capped: base·2^(n−1) ≤ max. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
