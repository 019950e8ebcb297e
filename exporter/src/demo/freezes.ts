/**
 * Demo freeze windows: the year-end holidays and a national holiday week for everyone, peak sales
 * for Commerce, and a recurring weekend freeze for Payments. Windows run a quarter past `now` so
 * the gate has upcoming freezes to show. Each is announced well before it starts (`announcedAt`,
 * as a history import gives it): a window violates only changes started after its announcement.
 */
import { occurrencesBetween, scopeApplies, type FreezeWindowSpec } from '../domain/freezes.js';
import { DAY_MS, toIso, toMs } from '../domain/time.js';
import type { DemoContext, DemoRecord } from './context.js';

export type FreezeRecord = DemoRecord<'freezes'>;

const AHEAD_MS = 90 * DAY_MS;
/** Fixed windows are announced a month ahead. */
const NOTICE_MS = 30 * DAY_MS;
/** The weekend freeze has been policy since long before any history. */
const WEEKEND_ANNOUNCED = '2020-01-01T00:00:00Z';

export function demoFreezes(ctx: DemoContext): FreezeRecord[] {
  const first = new Date(ctx.from).getUTCFullYear() - 1;
  const last = new Date(ctx.now + AHEAD_MS).getUTCFullYear();
  const fixed: FreezeRecord[] = [];
  for (let year = first; year <= last; year++) {
    fixed.push(
      {
        id: `frz-year-end-${year}`,
        name: `Year-end freeze ${year}`,
        reason: 'Holidays: reduced staffing and peak traffic; only exempted fixes.',
        scope: {},
        startsAt: `${year}-12-20T00:00:00Z`,
        endsAt: `${year + 1}-01-03T00:00:00Z`,
      },
      {
        id: `frz-national-holiday-${year}`,
        name: `National holiday week ${year}`,
        reason: 'National holiday week: most engineers are off.',
        scope: {},
        startsAt: `${year}-10-01T00:00:00Z`,
        endsAt: `${year}-10-08T00:00:00Z`,
      },
      {
        id: `frz-peak-sales-${year}`,
        name: `Peak sales ${year}`,
        reason: 'Black Friday to Cyber Monday: the busiest days of the year for the storefront.',
        scope: { businessLine: 'commerce' },
        startsAt: toIso(blackFriday(year) - DAY_MS),
        endsAt: toIso(blackFriday(year) + 4 * DAY_MS),
      }
    );
  }
  const inRange = fixed
    .filter((f) => toMs(f.startsAt!) < ctx.now + AHEAD_MS && toMs(f.endsAt!) > ctx.from)
    .map((f) => ({ ...f, announcedAt: toIso(toMs(f.startsAt!) - NOTICE_MS) }));
  return [
    ...inRange,
    {
      id: 'frz-payments-weekend',
      name: 'Payments weekend freeze',
      reason: 'No Payments changes from Friday 18:00 to Monday 09:00 (Berlin): weekend settlement runs.',
      scope: { businessLine: 'payments' },
      schedule: { cron: '0 18 * * 5', durationMinutes: 3780, timezone: 'Europe/Berlin' },
      announcedAt: WEEKEND_ANNOUNCED,
    },
  ];
}

/** Black Friday: the day after the fourth Thursday of November (UTC midnight). */
function blackFriday(year: number): number {
  const first = Date.UTC(year, 10, 1);
  const firstThursday = first + ((4 - new Date(first).getUTCDay() + 7) % 7) * DAY_MS;
  return firstThursday + 22 * DAY_MS;
}

/** Answers "is this business line frozen at this moment?" over the history, from the windows above. */
export class FreezeCalendar {
  private readonly windows: { startsAt: number; endsAt: number; scope: FreezeWindowSpec['scope'] }[] = [];

  constructor(freezes: FreezeRecord[], ctx: DemoContext) {
    for (const f of freezes) {
      const spec: FreezeWindowSpec = {
        id: f.id,
        name: f.name,
        reason: f.reason,
        scope: f.scope ?? {},
        startsAt: f.startsAt ? toMs(f.startsAt) : undefined,
        endsAt: f.endsAt ? toMs(f.endsAt) : undefined,
        schedule: f.schedule,
      };
      for (const o of occurrencesBetween(spec, ctx.from, ctx.now)) this.windows.push({ ...o, scope: spec.scope });
    }
  }

  frozen(at: number, businessLine: string): boolean {
    return this.windows.some((w) => w.startsAt <= at && at < w.endsAt && scopeApplies(w.scope, { businessLine }));
  }
}
