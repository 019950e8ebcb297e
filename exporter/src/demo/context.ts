/** What every part of the demo generator shares: the org, the history window and time helpers. */
import type { z } from 'zod';
import type { Org, OrgIndex, Service } from '../domain/org.js';
import type { Collection, recordSchemas } from '../domain/records.js';
import { DAY_MS } from '../domain/time.js';
import type { Random } from './random.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** A record as a client sends it to the API: `{id, ...fields}` with ISO timestamps. */
export type DemoRecord<C extends Collection> = z.input<(typeof recordSchemas)[C]> & { id: string };

export interface DemoContext {
  org: Org;
  index: OrgIndex;
  /** The history covers [from, now). */
  from: number;
  now: number;
}

/** How far through the history `at` is: 0 at the start, 1 at `now` (for trends). */
export function progress(ctx: DemoContext, at: number): number {
  return Math.min(1, Math.max(0, (at - ctx.from) / (ctx.now - ctx.from)));
}

/** A value that moves linearly from `start` to `end` over the history. */
export function trend(ctx: DemoContext, at: number, start: number, end: number): number {
  return start + (end - start) * progress(ctx, at);
}

/** The UTC days of the history, oldest first (the first and last may be partial). */
export function* days(ctx: DemoContext): Generator<{ start: number; weekday: number }> {
  for (let start = Math.floor(ctx.from / DAY_MS) * DAY_MS; start < ctx.now; start += DAY_MS) {
    yield { start, weekday: new Date(start).getUTCDay() };
  }
}

export const isWeekend = (weekday: number) => weekday === 0 || weekday === 6;

/** A moment of the day starting at `dayStart`; `officeShare` of them fall in 07:00-19:00 UTC. */
export function timeOfDay(rng: Random, dayStart: number, officeShare: number): number {
  return rng.chance(officeShare) ? dayStart + rng.between(7 * HOUR, 19 * HOUR) : dayStart + rng.between(0, DAY_MS);
}

/** `count` moments in the day, sorted, inside the history window. */
export function momentsOfDay(
  ctx: DemoContext,
  rng: Random,
  dayStart: number,
  count: number,
  officeShare: number
): number[] {
  const result: number[] = [];
  for (let i = 0; i < count; i++) {
    const at = Math.round(timeOfDay(rng, dayStart, officeShare));
    if (at >= ctx.from && at < ctx.now) result.push(at);
  }
  return result.sort((a, b) => a - b);
}

/** Moments that are still in the future at `now` are left out: the record does not know them yet. */
export function known(ctx: DemoContext, at: number): boolean {
  return at <= ctx.now;
}

export const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function servicesByTeam(org: Org): Map<string, Service[]> {
  const result = new Map<string, Service[]>();
  for (const service of org.services) result.set(service.team, [...(result.get(service.team) ?? []), service]);
  return result;
}

export interface ClosingRates {
  /** Share already done of the tasks not yet due at `now`. */
  doneBeforeDue: number;
  /** Share done (in time or late) of the tasks already due, at the start and at the end of the history. */
  done: [number, number];
  /** Share of the done ones that were done after their due date. */
  late: number;
}

/** When a task (an action, a finding) opened at `openedAt` was done, or undefined while it is open at `now`. */
export function closedAt(
  ctx: DemoContext,
  rng: Random,
  openedAt: number,
  dueAt: number,
  rates: ClosingRates
): number | undefined {
  if (!known(ctx, dueAt))
    return rng.chance(rates.doneBeforeDue) ? Math.round(rng.between(openedAt, ctx.now)) : undefined;
  if (!rng.chance(trend(ctx, openedAt, ...rates.done))) return undefined; // overdue
  const at = rng.chance(rates.late)
    ? dueAt + Math.round(rng.between(0.5, 10) * DAY_MS)
    : Math.round(rng.between(openedAt + HOUR, dueAt));
  return known(ctx, at) ? at : undefined;
}
