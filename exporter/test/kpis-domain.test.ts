/** The pure KPI pieces: windows in timezones, percentiles, roll-up, targets and status. */
import { describe, expect, it } from 'vitest';
import { emptyTally, kpiValues, percentile, rollUp } from '../src/domain/kpis.js';
import { OrgIndex } from '../src/domain/org.js';
import { overallScore, status, windowTarget, yearlyTarget } from '../src/domain/scorecard.js';
import { parseStep, previousRange, startOfYear, windowRange, yearShare } from '../src/domain/windows.js';
import { smallOrg } from './helpers/org.js';

const at = (iso: string) => Date.parse(iso);

describe('windows', () => {
  it('rolling windows end at the moment and span whole days', () => {
    const r = windowRange('7d', at('2026-03-15T12:00:00Z'), 'UTC');
    expect(r.from).toBe(at('2026-03-08T12:00:00Z'));
    expect(r.days).toBe(7);
    expect(previousRange(r, 'UTC')).toMatchObject({ from: at('2026-03-01T12:00:00Z'), to: r.from });
  });

  it('ytd starts at local midnight of 1 January in the policy timezone', () => {
    expect(startOfYear(2026, 'America/New_York')).toBe(at('2026-01-01T05:00:00Z'));
    expect(startOfYear(2026, 'Asia/Tokyo')).toBe(at('2025-12-31T15:00:00Z'));
    expect(startOfYear(2026, 'Australia/Sydney')).toBe(at('2025-12-31T13:00:00Z')); // summer time (+11)
    // In Tokyo it is already 2026 at 2025-12-31T16:00Z; in New York it is still 2025.
    expect(windowRange('ytd', at('2025-12-31T16:00:00Z'), 'Asia/Tokyo')).toMatchObject({
      year: 2026,
      from: at('2025-12-31T15:00:00Z'),
    });
    expect(windowRange('ytd', at('2025-12-31T16:00:00Z'), 'America/New_York').year).toBe(2025);
  });

  it('ytd in a DST zone after the change: days elapsed count real hours', () => {
    const r = windowRange('ytd', at('2026-04-01T04:00:00Z'), 'America/New_York'); // midnight EDT
    expect(r.from).toBe(at('2026-01-01T05:00:00Z'));
    expect(r.days).toBeCloseTo(90 - 1 / 24, 10); // one hour lost on 8 March
    expect(yearShare(r, 'America/New_York')).toBeCloseTo((90 * 24 - 1) / (365 * 24), 10);
  });

  it('the previous ytd is the same span of last year', () => {
    const r = windowRange('ytd', at('2026-03-01T00:00:00Z'), 'UTC');
    expect(previousRange(r, 'UTC')).toMatchObject({
      from: at('2025-01-01T00:00:00Z'),
      to: at('2025-03-01T00:00:00Z'),
      year: 2025,
    });
  });

  it('parses steps', () => {
    expect(parseStep('1d')).toBe(86_400_000);
    expect(parseStep('15m')).toBe(900_000);
    expect(parseStep('0d')).toBeNull();
    expect(parseStep('1 day')).toBeNull();
  });
});

describe('percentile', () => {
  it('interpolates between ranks and is null without values', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([30, 10, 20, 40], 0.5)).toBe(25);
    expect(percentile([10, 20], 0.9)).toBe(19);
  });
});

describe('roll-up', () => {
  it('sums teams into business lines and the org; records without a known team count at the org only', () => {
    const index = new OrgIndex(smallOrg());
    const team = (incidents: number, recovered: number[], drills = 0) => {
      const t = emptyTally();
      t.counts.incidents = incidents;
      t.counts.recovered = recovered.length;
      t.counts.recoveryMs = recovered.reduce((a, b) => a + b, 0);
      t.samples.recoveries.push(...recovered);
      t.counts.drills = drills;
      return t;
    };
    const scopes = rollUp(
      new Map([
        ['checkout', team(2, [1000, 3000], 1)],
        ['catalog', team(1, [5000])],
        [null, team(1, [])],
        ['unassigned', team(4, [9000])],
      ]),
      index
    );
    const find = (level: string, id: string | null) =>
      scopes.find((s) => s.level === level && (s.team ?? s.businessLine) === id)!;
    const ctx = { days: 30, changeSystems: { integrated: 1, total: 2 } };
    const org = kpiValues(find('org', null).tally, ctx);
    expect(org.high_priority_incidents.value).toBe(8);
    expect(org.mttr_seconds).toMatchObject({ value: 18 / 4, numerator: 18, denominator: 4 });
    expect(org.mttr_p50_seconds.value).toBe(4); // 1,3,5,9 s
    expect(org.drill_coverage_ratio).toMatchObject({ value: 1 / 3, numerator: 1, denominator: 3 });
    const payments = kpiValues(find('business_line', 'payments').tally, ctx);
    expect(payments.high_priority_incidents.value).toBe(2);
    expect(payments.mttr_p90_seconds.value).toBeCloseTo(2.8, 10);
    expect(payments.drill_coverage_ratio.value).toBe(0.5);
    const ledger = kpiValues(find('team', 'ledger').tally, ctx);
    expect(ledger.high_priority_incidents.value).toBe(0);
    expect(ledger.mttr_seconds.value).toBeNull();
    expect(ledger.drill_coverage_ratio).toMatchObject({ value: 0, denominator: 1 });
    expect(scopes.filter((s) => s.level === 'team')).toHaveLength(3);
  });
});

describe('targets and status', () => {
  const org = smallOrg();
  org.goals = [
    { year: 2026, kpi: 'mttr_seconds', target: 1800 },
    { year: 2026, kpi: 'mttr_seconds', target: 1200, businessLine: 'payments' },
    { year: 2026, kpi: 'high_priority_incidents', target: 12 },
    { year: 2025, kpi: 'detection_ratio', target: 0.9 },
  ];
  const team = (id: string, businessLine: string) => ({ level: 'team' as const, businessLine, team: id });

  it('a scope inherits non-count targets from its business line, then the org; counts only from itself', () => {
    expect(yearlyTarget(org.goals, 2026, 'mttr_seconds', team('checkout', 'payments'))).toBe(1200);
    expect(yearlyTarget(org.goals, 2026, 'mttr_seconds', team('catalog', 'commerce'))).toBe(1800);
    expect(
      yearlyTarget(org.goals, 2026, 'high_priority_incidents', { level: 'org', businessLine: null, team: null })
    ).toBe(12);
    expect(yearlyTarget(org.goals, 2026, 'high_priority_incidents', team('catalog', 'commerce'))).toBeNull();
    expect(
      yearlyTarget(org.goals, 2026, 'detection_ratio', { level: 'org', businessLine: null, team: null })
    ).toBeNull();
  });

  it('count targets are pro-rated to the window; others are not', () => {
    expect(windowTarget(12, 'high_priority_incidents', 0.25)).toBe(3);
    expect(windowTarget(1800, 'mttr_seconds', 0.25)).toBe(1800);
    expect(windowTarget(null, 'mttr_seconds', 0.25)).toBeNull();
  });

  it('met, at_risk within 10 % on the wrong side, missed, no_data; direction from the definition', () => {
    expect(status('mttr_seconds', 1800, 1800)).toBe('met');
    expect(status('mttr_seconds', 1980, 1800)).toBe('at_risk');
    expect(status('mttr_seconds', 1981, 1800)).toBe('missed');
    expect(status('detection_ratio', 0.95, 0.9)).toBe('met');
    expect(status('detection_ratio', 0.82, 0.9)).toBe('at_risk');
    expect(status('detection_ratio', 0.8, 0.9)).toBe('missed');
    expect(status('detection_ratio', null, 0.9)).toBe('no_data');
    expect(status('detection_ratio', 0.5, null)).toBe('no_data');
  });

  it('the score weighs judged KPIs; at risk counts half', () => {
    expect(overallScore({ mttr_seconds: 'met', high_priority_incidents: 'missed' })).toBe(50);
    expect(overallScore({ mttr_seconds: 'at_risk', detection_ratio: 'no_data' })).toBe(50);
    expect(overallScore({ detection_ratio: 'no_data' })).toBeNull();
  });
});
