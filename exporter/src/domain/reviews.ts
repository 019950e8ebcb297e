/**
 * Committee reviews look at one calendar period: the week (from Monday 00:00), the month or the
 * quarter in the org's timezone. Pure: the bounds of a period and of the one before it, and what
 * moved between them far enough to be worth the committee's time.
 */
import { statusOf, type Direction, type ReviewChange, type ReviewPeriod, type Status } from '@ballast/contract';
import { z } from 'zod';
import { DAY_MS } from './time.js';
import { calendarDate, yearIn, zonedMidnight, type WindowRange } from './windows.js';

/** "What changed" lists a KPI that moved by at least this share of its previous value (5 %) by default. */
export const DEFAULT_CHANGE_THRESHOLD = 0.05;

/** The org config's `review:` block. */
export const reviewConfigSchema = z
  .object({
    changeThreshold: z
      .number()
      .min(0, 'must be at least 0')
      .max(10, 'must be at most 10 (1000 %)')
      .default(DEFAULT_CHANGE_THRESHOLD)
      .describe(
        'Relative move (0.05 = 5 % of the previous value) from which "what changed" lists a KPI; a status change (met, at risk, missed) is listed whatever its size.'
      ),
  })
  .strict();

export interface ReviewRanges {
  current: WindowRange;
  previous: WindowRange;
}

/** Start of the period containing `at`, and of the next one. */
function bounds(period: ReviewPeriod, at: number, timeZone: string): { start: number; end: number } {
  const { year, month, day, weekday } = calendarDate(at, timeZone);
  if (period === 'month' || period === 'quarter') {
    // A calendar quarter starts in January, April, July or October.
    const first = period === 'month' ? month : month - ((month - 1) % 3);
    const next = first + (period === 'month' ? 1 : 3);
    return {
      start: zonedMidnight(year, first, 1, timeZone),
      end: zonedMidnight(next > 12 ? year + 1 : year, next > 12 ? next - 12 : next, 1, timeZone),
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

/** A scope's cell of a judged review: its value, target and status now, and its value before. */
export interface JudgedCell {
  value: number | null;
  target: number | null;
  status: Status;
  previous: number | null;
}

export interface JudgedScope {
  level: string;
  id: string;
  name: string;
  cells: Record<string, JudgedCell>;
}

/** A KPI's move between the two periods, as the API's "what changed" lists it. */
export type Movement = ReviewChange;

const JUDGED: ReadonlySet<Status> = new Set(['met', 'at_risk', 'missed']);

/**
 * What changed: the KPIs whose value moved by at least `threshold` of the previous value (0.05 =
 * 5 %), or whose status changed between met, at risk and missed; largest relative move first
 * (a move from 0 first of all). Unmoved values and those without a value on either side are left out.
 */
export function whatChanged(
  scopes: readonly JudgedScope[],
  kpis: readonly { key: string; direction: Direction }[],
  threshold: number
): Movement[] {
  const out: Movement[] = [];
  for (const scope of scopes) {
    for (const { key, direction } of kpis) {
      const cell = scope.cells[key];
      if (!cell || cell.value === null || cell.previous === null || cell.value === cell.previous) continue;
      const { value, previous, target, status } = cell;
      const relative = previous === 0 ? null : (value - previous) / Math.abs(previous);
      const statusBefore = statusOf(direction, previous, target);
      const reasons: Movement['reasons'] = [];
      // A move from 0 is past any threshold; the epsilon keeps 0.05 from missing 5 % by rounding.
      if (relative === null || Math.abs(relative) >= threshold - 1e-12) reasons.push('threshold');
      if (statusBefore !== status && JUDGED.has(statusBefore) && JUDGED.has(status)) reasons.push('status');
      if (reasons.length === 0) continue;
      out.push({
        level: scope.level,
        scope: scope.id,
        scopeName: scope.name,
        kpi: key,
        previous,
        value,
        relative,
        better: value < previous === (direction === 'lower'),
        statusBefore,
        status,
        reasons,
      });
    }
  }
  const size = (m: Movement) => (m.relative === null ? Infinity : Math.abs(m.relative));
  return out.sort((a, b) => size(b) - size(a) || a.scope.localeCompare(b.scope) || a.kpi.localeCompare(b.kpi));
}

/** How many teams a review names for their drill scores. */
export const RECOGNIZED_DRILL_TEAMS = 5;

/**
 * The teams with the best drill scores of a period: mean score per team, best first (ties: more
 * drills, then the team id); teams the org does not have are left out.
 */
export function bestDrillTeams(
  rows: readonly { team: string | null; drills: number; scoreSum: number; bestScore: number }[],
  teamName: (id: string) => string | undefined,
  limit = RECOGNIZED_DRILL_TEAMS
): { team: string; name: string; drills: number; meanScore: number; bestScore: number }[] {
  return rows
    .flatMap((r) => {
      const name = r.team === null ? undefined : teamName(r.team);
      if (name === undefined || r.drills <= 0) return [];
      const meanScore = Math.round((r.scoreSum / r.drills) * 10) / 10;
      return [{ team: r.team!, name, drills: r.drills, meanScore, bestScore: r.bestScore }];
    })
    .sort((a, b) => b.meanScore - a.meanScore || b.drills - a.drills || a.team.localeCompare(b.team))
    .slice(0, limit);
}
