/**
 * Time in the domain (src/domain/windows.ts, time.ts): KPI windows, local midnights across DST,
 * calendar dates, year shares, steps and query times. Expected instants are written out by hand
 * from the zones' offsets (Europe/Berlin: CET +1, CEST +2 from 2026-03-29 01:00Z to 2026-10-25
 * 01:00Z; America/New_York: EST −5, EDT −4 from 2026-03-08 07:00Z).
 */
import { describe, expect, it } from 'vitest';
import { DAY_MS, isTimezone, parseQueryTime, toIso, toMs } from '../src/domain/time.js';
import {
  calendarDate,
  parseStep,
  previousRange,
  startOfYear,
  windowRange,
  yearIn,
  yearShare,
  zonedMidnight,
} from '../src/domain/windows.js';

const at = (iso: string) => Date.parse(iso);

describe('zonedMidnight', () => {
  it('is the instant the local clock reads 00:00, in and out of summer time', () => {
    expect(zonedMidnight(2026, 3, 1, 'UTC')).toBe(at('2026-03-01T00:00:00Z'));
    expect(zonedMidnight(2026, 3, 1, 'Europe/Berlin')).toBe(at('2026-02-28T23:00:00Z'));
    expect(zonedMidnight(2026, 7, 1, 'Europe/Berlin')).toBe(at('2026-06-30T22:00:00Z'));
    // The days of the change: midnight is before the jump, in the old offset.
    expect(zonedMidnight(2026, 3, 29, 'Europe/Berlin')).toBe(at('2026-03-28T23:00:00Z'));
    expect(zonedMidnight(2026, 3, 30, 'Europe/Berlin')).toBe(at('2026-03-29T22:00:00Z'));
    expect(zonedMidnight(2026, 10, 25, 'Europe/Berlin')).toBe(at('2026-10-24T22:00:00Z'));
    expect(zonedMidnight(2026, 10, 26, 'Europe/Berlin')).toBe(at('2026-10-25T23:00:00Z'));
    expect(zonedMidnight(2026, 3, 8, 'America/New_York')).toBe(at('2026-03-08T05:00:00Z'));
    expect(zonedMidnight(2026, 3, 9, 'America/New_York')).toBe(at('2026-03-09T04:00:00Z'));
    // Half-hour offsets (India +5:30) and the far side of the date line (Kiritimati +14).
    expect(zonedMidnight(2026, 1, 1, 'Asia/Kolkata')).toBe(at('2025-12-31T18:30:00Z'));
    expect(zonedMidnight(2026, 1, 1, 'Pacific/Kiritimati')).toBe(at('2025-12-31T10:00:00Z'));
  });

  it('ignores the milliseconds of the probing instant (offsets are whole seconds)', () => {
    expect(startOfYear(2026, 'Europe/Berlin')).toBe(at('2025-12-31T23:00:00Z'));
    expect(startOfYear(2027, 'America/New_York')).toBe(at('2027-01-01T05:00:00Z'));
  });
});

describe('calendar dates', () => {
  it('the date and weekday (0 = Monday) an instant falls on in a timezone', () => {
    // 2026-03-01 is a Sunday; 23:30Z on the 1st is already Monday the 2nd in Berlin.
    expect(calendarDate(at('2026-03-01T12:00:00Z'), 'UTC')).toEqual({ year: 2026, month: 3, day: 1, weekday: 6 });
    expect(calendarDate(at('2026-03-01T23:30:00Z'), 'Europe/Berlin')).toEqual({
      year: 2026,
      month: 3,
      day: 2,
      weekday: 0,
    });
    expect(calendarDate(at('2026-03-04T00:00:00Z'), 'UTC').weekday).toBe(2);
    expect(calendarDate(at('2026-03-07T00:00:00Z'), 'UTC').weekday).toBe(5);
    expect(calendarDate(at('2027-01-01T03:00:00Z'), 'America/New_York')).toEqual({
      year: 2026,
      month: 12,
      day: 31,
      weekday: 3,
    });
  });

  it('the year an instant falls in, in a timezone', () => {
    expect(yearIn(at('2025-12-31T23:30:00Z'), 'UTC')).toBe(2025);
    expect(yearIn(at('2025-12-31T23:30:00Z'), 'Europe/Berlin')).toBe(2026);
    expect(yearIn(at('2026-01-01T03:00:00Z'), 'America/New_York')).toBe(2025);
  });
});

describe('windows', () => {
  it('rolling windows of 7, 30 and 90 days end at the moment', () => {
    const to = at('2026-06-15T12:00:00Z');
    for (const [window, days] of [
      ['7d', 7],
      ['30d', 30],
      ['90d', 90],
    ] as const) {
      expect(windowRange(window, to, 'Europe/Berlin')).toEqual({
        window,
        from: to - days * DAY_MS,
        to,
        days,
        year: 2026,
      });
    }
  });

  it('ytd is the local calendar year so far; its previous range is last year’s same span', () => {
    const to = at('2026-02-01T00:00:00Z');
    const ytd = windowRange('ytd', to, 'Europe/Berlin');
    expect(ytd).toEqual({
      window: 'ytd',
      from: at('2025-12-31T23:00:00Z'),
      to,
      days: 31 + 1 / 24,
      year: 2026,
    });
    expect(previousRange(ytd, 'Europe/Berlin')).toEqual({
      window: 'ytd',
      from: at('2024-12-31T23:00:00Z'),
      to: at('2025-02-01T00:00:00Z'),
      days: 31 + 1 / 24,
      year: 2025,
    });
  });

  it('a previous ytd never reaches into the current one', () => {
    // A ytd range longer than a year (as a hand-made range could be) is cut at its own start.
    const long = {
      window: 'ytd' as const,
      from: at('2026-01-01T00:00:00Z'),
      to: at('2027-06-01T00:00:00Z'),
      days: 0,
      year: 2026,
    };
    const prev = previousRange(long, 'UTC');
    expect(prev).toEqual({
      window: 'ytd',
      from: at('2025-01-01T00:00:00Z'),
      to: at('2026-01-01T00:00:00Z'),
      days: 365,
      year: 2025,
    });
  });

  it('a previous rolling window is the N days before', () => {
    const r = windowRange('30d', at('2026-06-15T00:00:00Z'), 'UTC');
    expect(previousRange(r, 'UTC')).toEqual({
      window: '30d',
      from: at('2026-04-16T00:00:00Z'),
      to: at('2026-05-16T00:00:00Z'),
      days: 30,
      year: 2026,
    });
  });

  it('year share: the window length over the length of its year', () => {
    expect(yearShare(windowRange('30d', at('2026-06-15T00:00:00Z'), 'UTC'), 'UTC')).toBeCloseTo(30 / 365, 12);
    expect(yearShare(windowRange('7d', at('2028-06-15T00:00:00Z'), 'UTC'), 'UTC')).toBeCloseTo(7 / 366, 12);
    expect(yearShare(windowRange('ytd', at('2026-07-02T12:00:00Z'), 'UTC'), 'UTC')).toBeCloseTo(182.5 / 365, 12);
  });
});

describe('steps', () => {
  it('seconds, minutes, hours, days and weeks; anything else is null', () => {
    expect(parseStep('3600s')).toBe(3_600_000);
    expect(parseStep('15m')).toBe(15 * 60_000);
    expect(parseStep('6h')).toBe(6 * 3_600_000);
    expect(parseStep('2d')).toBe(2 * 86_400_000);
    expect(parseStep('1w')).toBe(7 * 86_400_000);
    expect(parseStep(' 2h ')).toBe(7_200_000);
    for (const bad of ['0s', '', 'h', '1.5h', '-1h', '1y', '1h30m', 'x1h', '1hx', '1H'])
      expect([bad, parseStep(bad)]).toEqual([bad, null]);
  });
});

describe('time helpers', () => {
  it('IANA timezones', () => {
    expect(isTimezone('UTC')).toBe(true);
    expect(isTimezone('Europe/Berlin')).toBe(true);
    expect(isTimezone('Mars/Olympus')).toBe(false);
    expect(isTimezone('')).toBe(false);
  });

  it('ISO and epoch ms convert both ways', () => {
    expect(toMs('2026-03-01T12:00:00Z')).toBe(1_772_366_400_000);
    expect(toIso(1_772_366_400_000)).toBe('2026-03-01T12:00:00.000Z');
    expect(DAY_MS).toBe(24 * 3_600_000);
  });

  it('query times: the record format or epoch milliseconds, within the range of a Date', () => {
    expect(parseQueryTime('2026-03-01T12:00:00Z')).toEqual({ ms: 1_772_366_400_000 });
    expect(parseQueryTime('2026-03-01T13:00:00+01:00')).toEqual({ ms: 1_772_366_400_000 });
    expect(parseQueryTime('1772366400000')).toEqual({ ms: 1_772_366_400_000 });
    expect(parseQueryTime('0')).toEqual({ ms: 0 });
    expect(parseQueryTime('8640000000000000')).toEqual({ ms: 8.64e15 });
    const problem = {
      problem: 'must be an ISO 8601 date-time with an offset, e.g. 2026-03-01T12:00:00Z, or epoch milliseconds',
    };
    expect(parseQueryTime('8640000000000001')).toEqual(problem);
    expect(parseQueryTime('12345678901234567')).toEqual(problem); // 17 digits
    expect(parseQueryTime('-5')).toEqual(problem);
    expect(parseQueryTime('x1772366400000')).toEqual(problem);
    expect(parseQueryTime('1772366400000x')).toEqual(problem);
    expect(parseQueryTime('2026-03-01')).toEqual(problem);
    expect(parseQueryTime('')).toEqual(problem);
  });
});
