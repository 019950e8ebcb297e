import { occurrencesOf, parseCron, scopeCovers, violatedFreezes, zonedTime } from './freezes';
import { Change, Freeze } from '../types';

const weekend: Freeze = {
  id: 'frz-payments-weekend',
  name: 'Payments weekend freeze',
  reason: 'settlement',
  scope: { businessLine: 'payments' },
  schedule: { cron: '0 18 * * 5', durationMinutes: 3780, timezone: 'Europe/Berlin' },
};

describe('freeze windows', () => {
  it('parses five-field cron expressions with lists, ranges, steps and names', () => {
    const c = parseCron('*/15 9-17 1,15 JAN-MAR mon-fri');
    expect([...c.minute.values]).toEqual([0, 15, 30, 45]);
    expect([...c.hour.values]).toHaveLength(9);
    expect([...c.month.values]).toEqual([1, 2, 3]);
    expect([...c.dow.values]).toEqual([1, 2, 3, 4, 5]);
    expect(() => parseCron('0 18 * *')).toThrow(/five-field/);
  });

  it('reads wall-clock times in the freeze’s timezone, across daylight-saving changes', () => {
    expect(new Date(zonedTime(2026, 7, 3, 18, 0, 'Europe/Berlin')).toISOString()).toBe('2026-07-03T16:00:00.000Z'); // CEST
    expect(new Date(zonedTime(2026, 11, 27, 18, 0, 'Europe/Berlin')).toISOString()).toBe('2026-11-27T17:00:00.000Z'); // CET
  });

  it('a weekly schedule gives one occurrence per Friday 18:00 Berlin, 63 hours long', () => {
    const from = Date.parse('2026-10-19T00:00:00Z');
    const to = Date.parse('2026-11-09T00:00:00Z');
    const occ = occurrencesOf(weekend, from, to);
    expect(occ.map((o) => new Date(o.start).toISOString())).toEqual([
      '2026-10-16T16:00:00.000Z', // still open on Monday 19 October until 09:00 Berlin
      '2026-10-23T16:00:00.000Z',
      '2026-10-30T17:00:00.000Z', // after the switch to CET on 25 October
      '2026-11-06T17:00:00.000Z',
    ]);
    expect(occ.every((o) => o.end - o.start === 3780 * 60_000)).toBe(true);
  });

  it('an occurrence that started before the range but overlaps it is included', () => {
    const occ = occurrencesOf(weekend, Date.parse('2026-11-08T12:00:00Z'), Date.parse('2026-11-08T13:00:00Z'));
    expect(occ).toHaveLength(1);
  });

  it('fixed windows overlap or not', () => {
    const fixed: Freeze = { id: 'f', name: 'Year end', reason: 'r', scope: {}, startsAt: '2026-12-20T00:00:00Z', endsAt: '2027-01-03T00:00:00Z' };
    expect(occurrencesOf(fixed, Date.parse('2026-12-01T00:00:00Z'), Date.parse('2026-12-21T00:00:00Z'))).toHaveLength(1);
    expect(occurrencesOf(fixed, Date.parse('2026-11-01T00:00:00Z'), Date.parse('2026-12-01T00:00:00Z'))).toHaveLength(0);
  });

  it('a change violates a freeze when it starts inside an occurrence whose scope covers it and has no exemption', () => {
    const occ = occurrencesOf(weekend, Date.parse('2026-11-06T00:00:00Z'), Date.parse('2026-11-10T00:00:00Z'));
    const change: Change = {
      id: 'c1',
      system: 'argo-cd',
      kind: 'deploy',
      startedAt: '2026-11-07T10:00:00Z',
      controlled: true,
      service: 'checkout-api',
      team: 'payments-checkout',
      businessLine: 'payments',
    };
    expect(violatedFreezes(change, occ)).toHaveLength(1);
    expect(violatedFreezes({ ...change, exemption: 'hotfix' }, occ)).toHaveLength(0);
    expect(violatedFreezes({ ...change, businessLine: 'commerce' }, occ)).toHaveLength(0);
    // Like the exporter: open from the start (inclusive) to the end (exclusive), Monday 09:00 Berlin.
    expect(violatedFreezes({ ...change, startedAt: '2026-11-09T07:59:59Z' }, occ)).toHaveLength(1);
    expect(violatedFreezes({ ...change, startedAt: '2026-11-09T08:00:00Z' }, occ)).toHaveLength(0);
    expect(violatedFreezes({ ...change, startedAt: '2026-11-06T17:00:00Z' }, occ)).toHaveLength(1);
    expect(scopeCovers({}, change)).toBe(true);
  });
});
