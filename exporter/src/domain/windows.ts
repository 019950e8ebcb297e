/**
 * KPI windows: rolling 7d/30d/90d ending at a moment, and ytd (the calendar year to date in the
 * org's IANA timezone). Windows are half-open [from, to): a record at `from` is in, one at `to` is
 * not. Pure; all instants are epoch ms.
 */
import type { KpiWindow } from './kpi-keys.js';
import { DAY_MS } from './time.js';

export interface WindowRange {
  window: KpiWindow;
  from: number;
  to: number;
  /** Length in days (fractional for ytd): the denominator of per-day KPIs. */
  days: number;
  /** Calendar year (in the timezone) the window ends in: whose goals apply. */
  year: number;
}

const ROLLING_DAYS: Partial<Record<KpiWindow, number>> = { '7d': 7, '30d': 30, '90d': 90 };

const formats = new Map<string, Intl.DateTimeFormat>();
function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** Wall-clock fields of an instant in a timezone. */
function wallClock(at: number, timeZone: string) {
  const parts = Object.fromEntries(
    formatIn(timeZone)
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value])
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** How far the timezone's wall clock is ahead of UTC at an instant (ms). */
function offsetAt(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const seconds = Math.floor(at / 1000) * 1000;
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - seconds;
}

/** The instant the wall clock in `timeZone` reads local midnight of the given date. */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): number {
  const asUtc = Date.UTC(year, month - 1, day);
  // Two passes settle the offset even when midnight is near a DST change.
  const first = asUtc - offsetAt(asUtc, timeZone);
  return asUtc - offsetAt(first, timeZone);
}

export function yearIn(at: number, timeZone: string): number {
  return wallClock(at, timeZone).year;
}

/** The calendar date an instant falls on in a timezone; `weekday` 0 = Monday … 6 = Sunday. */
export function calendarDate(at: number, timeZone: string) {
  const { year, month, day } = wallClock(at, timeZone);
  return { year, month, day, weekday: (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7 };
}

export const startOfYear = (year: number, timeZone: string) => zonedMidnight(year, 1, 1, timeZone);

/** The window of the given kind that ends at `to`. */
export function windowRange(window: KpiWindow, to: number, timeZone: string): WindowRange {
  const year = yearIn(to, timeZone);
  const rolling = ROLLING_DAYS[window];
  const from = rolling !== undefined ? to - rolling * DAY_MS : startOfYear(year, timeZone);
  return { window, from, to, days: (to - from) / DAY_MS, year };
}

/** The same window one period earlier: the previous N days, or last year's same span for ytd. */
export function previousRange(range: WindowRange, timeZone: string): WindowRange {
  if (range.window !== 'ytd') return windowRange(range.window, range.from, timeZone);
  const from = startOfYear(range.year - 1, timeZone);
  const to = Math.min(from + (range.to - range.from), range.from);
  return { window: 'ytd', from, to, days: (to - from) / DAY_MS, year: range.year - 1 };
}

/**
 * The share of a year a window covers: elapsed share of the calendar year for ytd, the window's
 * length over the year's length for rolling windows. Yearly count targets are scaled by it.
 */
export function yearShare(range: WindowRange, timeZone: string): number {
  const start = startOfYear(range.year, timeZone);
  const length = startOfYear(range.year + 1, timeZone) - start;
  return (range.to - range.from) / length;
}

const STEP_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

/** Parses a step such as `1d`, `6h`, `15m` or `3600s` (ms), or returns null. */
export function parseStep(step: string): number | null {
  const match = /^(\d+)([smhdw])$/.exec(step.trim());
  if (!match) return null;
  const ms = Number(match[1]) * STEP_UNITS[match[2]!]!;
  return ms > 0 ? ms : null;
}
