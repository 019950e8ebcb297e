/**
 * Freeze windows in the domain (src/domain/freezes.ts), without a store: when a fixed or recurring
 * window is open (half-open [start, end)), its occurrences over a range, and which changes
 * violated which window. Expected instants are written out by hand (UTC), from the cron
 * expression read in the window's timezone.
 */
import { describe, expect, it } from 'vitest';
import {
  cronProblem,
  occurrencesBetween,
  openOccurrence,
  violatedFreezes,
  type FreezeWindowSpec,
} from '../src/domain/freezes.js';

const at = (iso: string) => Date.parse(iso);
const base = { name: 'Freeze', reason: 'Why' };

const fixed: FreezeWindowSpec = {
  id: 'fixed',
  ...base,
  scope: {},
  startsAt: at('2026-03-02T10:00:00Z'),
  endsAt: at('2026-03-02T12:00:00Z'),
};
// 09:00 UTC every day, one hour.
const daily: FreezeWindowSpec = {
  id: 'daily',
  ...base,
  scope: {},
  schedule: { cron: '0 9 * * *', durationMinutes: 60, timezone: 'UTC' },
};
// Friday 18:00 in Berlin (CET = UTC+1 in March before the 29th), two hours.
const friday: FreezeWindowSpec = {
  id: 'friday',
  ...base,
  scope: { team: 'checkout' },
  schedule: { cron: '0 18 * * 5', durationMinutes: 120, timezone: 'Europe/Berlin' },
};

describe('cronProblem', () => {
  it('is null for an expression croner reads, the reason otherwise', () => {
    expect(cronProblem('0 18 * * 5', 'Europe/Berlin')).toBeNull();
    expect(cronProblem('61 * * * *', 'UTC')).toEqual(expect.stringMatching(/\S/));
    expect(cronProblem('not cron', 'UTC')).not.toBeNull();
  });
});

describe('openOccurrence', () => {
  it('a fixed window is open from its start (included) to its end (excluded)', () => {
    const open = { id: 'fixed', ...base, startsAt: fixed.startsAt, endsAt: fixed.endsAt };
    expect(openOccurrence(fixed, at('2026-03-02T10:00:00Z'))).toEqual(open);
    expect(openOccurrence(fixed, at('2026-03-02T11:59:59.999Z'))).toEqual(open);
    expect(openOccurrence(fixed, at('2026-03-02T12:00:00Z'))).toBeNull();
    expect(openOccurrence(fixed, at('2026-03-02T09:59:59.999Z'))).toBeNull();
    expect(openOccurrence({ ...fixed, endsAt: undefined }, at('2026-03-02T11:00:00Z'))).toBeNull();
    expect(openOccurrence({ ...fixed, startsAt: undefined }, at('2026-03-02T11:00:00Z'))).toBeNull();
  });

  it('a recurring window is open from each start for its duration, in its own timezone', () => {
    // Friday 2026-03-06 18:00 CET = 17:00Z, until 19:00Z.
    const open = { id: 'friday', ...base, startsAt: at('2026-03-06T17:00:00Z'), endsAt: at('2026-03-06T19:00:00Z') };
    expect(openOccurrence(friday, at('2026-03-06T17:00:00Z'))).toEqual(open);
    expect(openOccurrence(friday, at('2026-03-06T18:59:59.999Z'))).toEqual(open);
    expect(openOccurrence(friday, at('2026-03-06T19:00:00Z'))).toBeNull();
    expect(openOccurrence(friday, at('2026-03-06T16:59:59.999Z'))).toBeNull();
    // Thursday: no start within the last two hours.
    expect(openOccurrence(friday, at('2026-03-05T17:30:00Z'))).toBeNull();
  });

  it('a start in the skipped DST hour opens when the clock resumes', () => {
    // 2026-03-29 02:30 does not exist in Berlin (02:00 CET → 03:00 CEST): croner runs it at
    // 03:30 CEST = 01:30Z (as gate.test.ts shows over HTTP). 20 minutes: until 01:50Z.
    const nightly: FreezeWindowSpec = {
      id: 'nightly',
      ...base,
      scope: {},
      schedule: { cron: '30 2 * * *', durationMinutes: 20, timezone: 'Europe/Berlin' },
    };
    const resumed = {
      id: 'nightly',
      ...base,
      startsAt: at('2026-03-29T01:30:00Z'),
      endsAt: at('2026-03-29T01:50:00Z'),
    };
    expect(openOccurrence(nightly, at('2026-03-29T01:35:00Z'))).toEqual(resumed);
    expect(openOccurrence(nightly, at('2026-03-29T01:49:59Z'))).toEqual(resumed);
    expect(openOccurrence(nightly, at('2026-03-29T01:50:00Z'))).toBeNull();
    expect(openOccurrence(nightly, at('2026-03-29T01:10:00Z'))).toBeNull();
    // The day before, 02:30 CET = 01:30Z.
    expect(openOccurrence(nightly, at('2026-03-28T01:40:00Z'))).toMatchObject({
      startsAt: at('2026-03-28T01:30:00Z'),
      endsAt: at('2026-03-28T01:50:00Z'),
    });
    expect(openOccurrence(nightly, at('2026-03-28T01:50:00Z'))).toBeNull();
  });
});

describe('occurrencesBetween', () => {
  it('a fixed window is one occurrence when it overlaps [from, to)', () => {
    const one = [{ id: 'fixed', ...base, startsAt: fixed.startsAt, endsAt: fixed.endsAt }];
    expect(occurrencesBetween(fixed, at('2026-03-02T11:59:00Z'), at('2026-03-03T00:00:00Z'))).toEqual(one);
    expect(occurrencesBetween(fixed, at('2026-03-01T00:00:00Z'), at('2026-03-02T10:00:01Z'))).toEqual(one);
    expect(occurrencesBetween(fixed, at('2026-03-02T12:00:00Z'), at('2026-03-03T00:00:00Z'))).toEqual([]);
    expect(occurrencesBetween(fixed, at('2026-03-01T00:00:00Z'), at('2026-03-02T10:00:00Z'))).toEqual([]);
    expect(occurrencesBetween({ ...fixed, endsAt: undefined }, 0, at('2030-01-01T00:00:00Z'))).toEqual([]);
    expect(occurrencesBetween({ ...fixed, startsAt: undefined }, 0, at('2030-01-01T00:00:00Z'))).toEqual([]);
  });

  it('a recurring window: every occurrence overlapping [from, to), in order, up to the limit', () => {
    const occ = (day: string) => ({
      id: 'daily',
      ...base,
      startsAt: at(`${day}T09:00:00Z`),
      endsAt: at(`${day}T10:00:00Z`),
    });
    // From 09:30 on the 2nd: that day's occurrence (until 10:00) overlaps; the 4th starts at `to`.
    const from = at('2026-03-02T09:30:00Z');
    const to = at('2026-03-04T09:00:00Z');
    expect(occurrencesBetween(daily, from, to)).toEqual([occ('2026-03-02'), occ('2026-03-03')]);
    expect(occurrencesBetween(daily, from, to, 1)).toEqual([occ('2026-03-02')]);
    // An occurrence that ended exactly at `from` does not overlap.
    expect(occurrencesBetween(daily, at('2026-03-02T10:00:00Z'), to)).toEqual([occ('2026-03-03')]);
    expect(occurrencesBetween(daily, to, to + 1)).toEqual([occ('2026-03-04')]);
    expect(occurrencesBetween(daily, at('2026-03-02T10:00:00Z'), at('2026-03-03T09:00:00Z'))).toEqual([]);
  });

  it('a range from the beginning of time starts at the earliest record time (2000-01-01)', () => {
    expect(occurrencesBetween(daily, -8.64e15, at('2000-01-03T00:00:00Z'))).toEqual([
      { id: 'daily', ...base, startsAt: at('2000-01-01T09:00:00Z'), endsAt: at('2000-01-01T10:00:00Z') },
      { id: 'daily', ...base, startsAt: at('2000-01-02T09:00:00Z'), endsAt: at('2000-01-02T10:00:00Z') },
    ]);
  });
});

describe('violatedFreezes', () => {
  const change = (iso: string, extra: object = {}) => ({ startedAt: at(iso), team: 'checkout', ...extra });

  it('nothing to judge: one empty list per change', () => {
    expect(violatedFreezes([], [change('2026-03-02T10:30:00Z')])).toEqual([[]]);
    expect(violatedFreezes([fixed], [])).toEqual([]);
  });

  it('a change started inside a window whose scope covers it, without exemption, violates it', () => {
    const changes = [
      change('2026-03-02T10:30:00Z'), // fixed open; daily open (09:00–10:00)? no: 10:30
      change('2026-03-02T09:30:00Z'), // daily open
      change('2026-03-02T10:30:00Z', { exemption: 'CAB-1' }),
      change('2026-03-02T12:00:00Z'), // fixed just closed
      change('2026-03-06T17:30:00Z'), // friday (team checkout)
      change('2026-03-06T17:30:00Z', { team: 'ledger' }), // friday's scope is another team
    ];
    expect(violatedFreezes([fixed, daily, friday], changes)).toEqual([['fixed'], ['daily'], [], [], ['friday'], []]);
  });

  it('bisection over shared occurrences: open at a start, closed at an end, between and around', () => {
    const times = [
      '2026-03-01T08:59:59.999Z',
      '2026-03-01T09:00:00Z',
      '2026-03-01T09:59:59.999Z',
      '2026-03-01T10:00:00Z',
      '2026-03-02T09:15:00Z',
      '2026-03-03T12:00:00Z',
      '2026-03-04T09:45:00Z',
      '2026-03-04T10:00:00Z',
    ];
    const expected = [[], ['daily'], ['daily'], [], ['daily'], [], ['daily'], []];
    expect(
      violatedFreezes(
        [daily],
        times.map((t) => change(t))
      )
    ).toEqual(expected);
    // In another order the answer follows the changes.
    expect(
      violatedFreezes(
        [daily],
        [...times].reverse().map((t) => change(t))
      )
    ).toEqual([...expected].reverse());
  });

  it('changes years apart (more starts than the budget) are judged one by one, with the same rule', () => {
    // 2 changes: a budget of 54 occurrences; five years of daily starts are far more.
    const changes = [change('2021-06-01T09:10:00Z'), change('2026-06-01T10:10:00Z'), change('2026-06-02T09:59:00Z')];
    expect(violatedFreezes([daily], changes)).toEqual([['daily'], [], ['daily']]);
    const late = [change('2021-06-01T08:10:00Z'), change('2026-06-01T09:00:00Z')];
    expect(violatedFreezes([daily], late)).toEqual([[], ['daily']]);
  });
});
