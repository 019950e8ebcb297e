/**
 * Committee reviews look at one calendar period: the week (from Monday 00:00) or the month in the
 * org's timezone. Pure: the bounds of a period and of the one before it.
 */
import { DAY_MS } from './time.js';
import { calendarDate, yearIn, zonedMidnight, type WindowRange } from './windows.js';

export const REVIEW_PERIODS = ['week', 'month'] as const;
export type ReviewPeriod = (typeof REVIEW_PERIODS)[number];

export interface ReviewRanges {
  current: WindowRange;
  previous: WindowRange;
}

/** Start of the period containing `at`, and of the next one. */
function bounds(period: ReviewPeriod, at: number, timeZone: string): { start: number; end: number } {
  const { year, month, day, weekday } = calendarDate(at, timeZone);
  if (period === 'month') {
    return {
      start: zonedMidnight(year, month, 1, timeZone),
      end: zonedMidnight(month === 12 ? year + 1 : year, (month % 12) + 1, 1, timeZone),
    };
  }
  // Date.UTC normalises day overflow, so "day - weekday" may cross a month or year boundary.
  const monday = new Date(Date.UTC(year, month - 1, day - weekday));
  const next = new Date(monday.getTime() + 7 * DAY_MS);
  return {
    start: zonedMidnight(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate(), timeZone),
    end: zonedMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone),
  };
}

function range(from: number, to: number, timeZone: string): WindowRange {
  // `window` only names the nearest rolling window; goals are judged by the range's share of the year.
  return { window: '30d', from, to, days: (to - from) / DAY_MS, year: yearIn(from, timeZone) };
}

/**
 * The period containing `at` and the one before it. A period still running ends at `now`, and
 * the previous one is cut to the same elapsed length, so both compare like for like.
 */
export function reviewRanges(period: ReviewPeriod, at: number, now: number, timeZone: string): ReviewRanges {
  const { start, end } = bounds(period, at, timeZone);
  const prior = bounds(period, start - 1, timeZone);
  const to = Math.min(end, now);
  const elapsed = to - start;
  const previousTo = end <= now ? start : Math.min(start, prior.start + elapsed);
  return { current: range(start, to, timeZone), previous: range(prior.start, previousTo, timeZone) };
}
