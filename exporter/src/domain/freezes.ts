/**
 * Freeze windows: when they are open and whom they apply to. A window is either fixed
 * (startsAt..endsAt) or recurring (a cron expression of start times, read in an IANA timezone,
 * plus a duration), like GitLab deploy freezes. Recurring starts are computed in the window's
 * timezone, so "18:00 every Friday in Europe/Berlin" stays 18:00 local across DST changes.
 */
import { EARLIEST_RECORD_TIME, scopeApplies } from '@ballast/contract';
import { Cron } from 'croner';

export interface FreezeWindowSpec {
  id: string;
  name: string;
  reason: string;
  scope: { businessLine?: string; team?: string; service?: string };
  startsAt?: number;
  endsAt?: number;
  schedule?: { cron: string; durationMinutes: number; timezone: string };
}

export interface OpenWindow {
  id: string;
  name: string;
  reason: string;
  startsAt: number;
  endsAt: number;
}

/** Returns why a cron expression cannot be used, or null when it can. */
export function cronProblem(expression: string, timezone: string): string | null {
  try {
    new Cron(expression, { timezone, paused: true });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The occurrence of a window that is open at `at` (epoch ms), or null. */
export function openOccurrence(window: FreezeWindowSpec, at: number): OpenWindow | null {
  const base = { id: window.id, name: window.name, reason: window.reason };
  if (window.schedule) {
    const { cron, durationMinutes, timezone } = window.schedule;
    const duration = durationMinutes * 60_000;
    // The window is open iff some start s satisfies at - duration < s <= at: the first start
    // after (at - duration) tells.
    const job = new Cron(cron, { timezone, paused: true });
    const start = job.nextRun(new Date(at - duration))?.getTime();
    if (start !== undefined && start <= at) return { ...base, startsAt: start, endsAt: start + duration };
    // A start in a skipped DST hour runs when the clock resumes, but croner only finds it from a
    // cursor before the jump: look again from earlier.
    const late = startsFrom(job, at - duration - DST_LOOKBACK_MS, at).find((s) => s + duration > at);
    return late !== undefined ? { ...base, startsAt: late, endsAt: late + duration } : null;
  }
  if (window.startsAt !== undefined && window.endsAt !== undefined && window.startsAt <= at && at < window.endsAt) {
    return { ...base, startsAt: window.startsAt, endsAt: window.endsAt };
  }
  return null;
}

/** Every occurrence of a window that overlaps [from, to), in order (bounded by `limit`). */
export function occurrencesBetween(window: FreezeWindowSpec, from: number, to: number, limit = 1000): OpenWindow[] {
  const base = { id: window.id, name: window.name, reason: window.reason };
  if (!window.schedule) {
    const { startsAt, endsAt } = window;
    return startsAt !== undefined && endsAt !== undefined && startsAt < to && endsAt > from
      ? [{ ...base, startsAt, endsAt }]
      : [];
  }
  const { cron, durationMinutes, timezone } = window.schedule;
  const duration = durationMinutes * 60_000;
  const job = new Cron(cron, { timezone, paused: true });
  const result: OpenWindow[] = [];
  // No record predates EARLIEST_RECORD_TIME, so no earlier occurrence can matter (and a range
  // "from the beginning of time" starts there instead of at an invalid Date).
  const start = Math.max(from, EARLIEST_RECORD_TIME);
  // From before any DST jump that could hide a start (see openOccurrence).
  let cursor: Date | null = new Date(start - duration - DST_LOOKBACK_MS);
  while (result.length < limit) {
    cursor = job.nextRun(cursor);
    if (!cursor || cursor.getTime() >= to) break;
    if (cursor.getTime() + duration > start)
      result.push({ ...base, startsAt: cursor.getTime(), endsAt: cursor.getTime() + duration });
  }
  return result;
}

/** Longer than any DST shift (at most an hour today). */
const DST_LOOKBACK_MS = 3 * 3_600_000;

/** Starts in (from, to], in order. */
function startsFrom(job: Cron, from: number, to: number): number[] {
  const starts: number[] = [];
  for (let next = job.nextRun(new Date(from)); next && next.getTime() <= to; next = job.nextRun(next))
    starts.push(next.getTime());
  return starts;
}

// The scope rule is the contract's (the timeline panel draws freeze bands with the same one).
export { scopeApplies };

export interface ChangeMoment {
  startedAt: number;
  service?: string | null;
  team?: string | null;
  businessLine?: string | null;
  exemption?: string | null;
}

/**
 * For each change, the ids of the freeze windows it violated: it started inside an occurrence of
 * a window whose scope covers it, and carries no exemption. The rule of the freeze_violations KPI.
 */
export function violatedFreezes(windows: readonly FreezeWindowSpec[], changes: readonly ChangeMoment[]): string[][] {
  if (changes.length === 0 || windows.length === 0) return changes.map(() => []);
  const calendars = windows.map((w) => ({ window: w, isOpen: openTest(w, changes) }));
  return changes.map((change) => {
    if (change.exemption) return [];
    return calendars
      .filter(({ window, isOpen }) => scopeApplies(window.scope, change) && isOpen(change.startedAt))
      .map(({ window }) => window.id);
  });
}

/**
 * Whether a window is open at a change's start, for a set of changes. Changes close together
 * (a page, a KPI window) share one expansion of the schedule over their span, searched by
 * bisection; when that span holds more starts than the changes justify (one change dated far
 * from the others), each change is judged on its own (openOccurrence: a start or two each). Either
 * way the work is bounded by the number of changes, never by how far apart their times are.
 */
function openTest(window: FreezeWindowSpec, changes: readonly ChangeMoment[]): (at: number) => boolean {
  if (!window.schedule) return (at) => openOccurrence(window, at) !== null;
  let from = Infinity;
  let to = -Infinity;
  for (const c of changes) {
    from = Math.min(from, c.startedAt);
    to = Math.max(to, c.startedAt + 1);
  }
  const budget = 2 * changes.length + 50;
  const occurrences = occurrencesBetween(window, from, to, budget + 1);
  if (occurrences.length <= budget) return (at) => openAmong(occurrences, at);
  return (at) => openOccurrence(window, at) !== null;
}

/**
 * Whether one of a window's occurrences (sorted by start) is open at `at`. They all last as long,
 * so the last one starting at or before `at` is the one that ends latest: bisection finds it.
 */
function openAmong(occurrences: readonly OpenWindow[], at: number): boolean {
  let lo = 0;
  let hi = occurrences.length - 1;
  let candidate = -1; // the last occurrence starting at or before `at`
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (occurrences[mid]!.startsAt <= at) {
      candidate = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return candidate >= 0 && at < occurrences[candidate]!.endsAt;
}

/**
 * One version of a freeze window: what the window said from `effectiveAt` (when that version was
 * announced) until the next version's, or nothing at all from an `ended` version on (the window
 * was ended or deleted: kept for history, in force for nobody after that).
 */
export interface FreezeVersion {
  version: number;
  effectiveAt: number;
  ended: boolean;
  spec: FreezeWindowSpec;
}

/** A window's versions, in the order they took effect. */
export interface FreezeHistory {
  id: string;
  versions: FreezeVersion[];
}

/**
 * When a window was in force within [from, to), as the changes are judged: each version's
 * occurrences, cut to the span it was in force (from its announcement or edit to the next version
 * or its end). So the timeline of a past day shows a window ended since, and a window written after
 * the fact only from when it was written, exactly as violations count. At most `limit` per version.
 */
export function occurrencesInForce(
  history: FreezeHistory,
  from: number,
  to: number,
  limit = 1000
): (OpenWindow & { scope: FreezeWindowSpec['scope'] })[] {
  const out: (OpenWindow & { scope: FreezeWindowSpec['scope'] })[] = [];
  history.versions.forEach((v, i) => {
    const until = history.versions[i + 1]?.effectiveAt ?? Infinity;
    if (v.ended || until <= from || v.effectiveAt >= to || until <= v.effectiveAt) return;
    const lo = Math.max(from, v.effectiveAt);
    const hi = Math.min(to, until);
    for (const o of occurrencesBetween(v.spec, lo, hi, limit)) {
      const startsAt = Math.max(o.startsAt, v.effectiveAt);
      const endsAt = Math.min(o.endsAt, until);
      if (endsAt > startsAt) out.push({ ...o, id: history.id, startsAt, endsAt, scope: v.spec.scope });
    }
  });
  return out;
}

/** Versions in the order they take effect: by effectiveAt, then by version number. */
export function inEffectOrder(versions: readonly FreezeVersion[]): FreezeVersion[] {
  return [...versions].sort((a, b) => a.effectiveAt - b.effectiveAt || a.version - b.version);
}

/** The version of a window in force at `at` (the last one announced at or before it), or null. */
export function versionInForce(history: FreezeHistory, at: number): FreezeVersion | null {
  let found: FreezeVersion | null = null;
  for (const v of history.versions) {
    if (v.effectiveAt > at) break;
    found = v;
  }
  return found && !found.ended ? found : null;
}

/**
 * For each change, the ids of the windows it violated, judged on what each window said when the
 * change started: only a version announced at or before the change's start, and not ended, can
 * make it a violation. So a window written today that starts at midnight leaves the morning's
 * changes alone, and editing or deleting a window never moves a violation of the past.
 * Each version judges only the changes that started while it was in force, so the work stays
 * bounded as in violatedFreezes.
 */
export function violatedFreezeHistories(
  histories: readonly FreezeHistory[],
  changes: readonly ChangeMoment[]
): string[][] {
  const result: string[][] = changes.map(() => []);
  if (changes.length === 0) return result;
  for (const history of [...histories].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const groups = new Map<FreezeVersion, number[]>();
    changes.forEach((change, i) => {
      const version = versionInForce(history, change.startedAt);
      if (!version) return;
      const group = groups.get(version);
      if (group) group.push(i);
      else groups.set(version, [i]);
    });
    for (const [version, indexes] of groups) {
      const violated = violatedFreezes(
        [version.spec],
        indexes.map((i) => changes[i]!)
      );
      indexes.forEach((changeIndex, j) => {
        if (violated[j]!.length > 0) result[changeIndex]!.push(history.id);
      });
    }
  }
  return result;
}
