import { FreezeOccurrence } from '../types';

/**
 * Month-grid helpers of the freeze calendar. Which windows are open when (fixed or recurring, in
 * their schedule's timezone) is the exporter's answer (`GET /api/v1/freeze-occurrences`), not
 * computed here.
 */

/** Days (local midnight) of the calendar month containing `month` (YYYY-MM), padded to whole weeks starting Monday. */
export function monthGrid(month: string): Date[] {
  const [y, m] = month.split('-').map(Number);
  const first = new Date(y, m - 1, 1);
  const start = new Date(first);
  start.setDate(1 - ((first.getDay() + 6) % 7));
  const last = new Date(y, m, 0);
  const end = new Date(last);
  end.setDate(last.getDate() + (6 - ((last.getDay() + 6) % 7)));
  const days: Date[] = [];
  for (const d = new Date(start); d <= end; d.setDate(d.getDate() + 1)) {
    days.push(new Date(d));
  }
  return days;
}

/** The local midnight after `day` (not day + 24 h: days around a DST change are 23 or 25 hours). */
export function nextDay(day: Date): Date {
  const d = new Date(day);
  d.setDate(d.getDate() + 1);
  return d;
}

/** Whether an occurrence is open at some time of the (local) day. */
export function onDay(o: FreezeOccurrence, day: Date): boolean {
  return Date.parse(o.startsAt) < nextDay(day).getTime() && Date.parse(o.endsAt) > day.getTime();
}

/** Whether an occurrence is open at `now`. */
export function openAt(o: FreezeOccurrence, now = Date.now()): boolean {
  return Date.parse(o.startsAt) <= now && now < Date.parse(o.endsAt);
}

export function monthOf(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
}

export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number);
  return monthOf(new Date(y, m - 1 + by, 1));
}
