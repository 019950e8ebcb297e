/**
 * The registry's formula helpers and derived sets, on hand-computed values: ratio, count,
 * percentile (linear between closest ranks, as numpy's default), percentileSeconds, the org-only
 * and window-scaled KPI sets, and the count fields each store query fills.
 */
import { describe, expect, it } from 'vitest';
import { fieldsOf, ORG_ONLY, SAMPLE_FIELDS, WINDOW_SCALED } from '../src/index.js';
import { count, percentile, percentileSeconds, ratio } from '../src/kpis/types.js';

describe('ratio and count', () => {
  it('divides when there is a denominator, else has no value (never Infinity or NaN)', () => {
    expect(ratio(1, 4)).toEqual({ value: 0.25, numerator: 1, denominator: 4 });
    expect(ratio(0, 5)).toEqual({ value: 0, numerator: 0, denominator: 5 });
    expect(ratio(3, 0)).toEqual({ value: null, numerator: 3, denominator: 0 });
    expect(ratio(0, 0)).toEqual({ value: null, numerator: 0, denominator: 0 });
  });

  it('a count is its own numerator, without denominator', () => {
    expect(count(7)).toEqual({ value: 7, numerator: 7, denominator: null });
  });
});

describe('percentile', () => {
  it('interpolates linearly between the closest ranks of the sorted values', () => {
    // numpy.percentile([1, 2, 3, 4, 5], 90) = 4.6: rank 0.9 * 4 = 3.6, between 4 and 5.
    expect(percentile([5, 1, 4, 2, 3], 0.9)).toBeCloseTo(4.6, 12);
    // Unsorted input: rank 1.5 of [10, 20, 30, 40] is 25 (not 15, as in the given order).
    expect(percentile([30, 10, 20, 40], 0.5)).toBe(25);
    expect(percentile([100, 1, 10], 0.5)).toBe(10);
    expect(percentile([8, 2], 0.25)).toBe(3.5); // 2 + (8 - 2) * 0.25
  });

  it('the ends are the minimum and maximum; one value is every percentile; none is null', () => {
    expect(percentile([9, 3, 6], 0)).toBe(3);
    expect(percentile([9, 3, 6], 1)).toBe(9);
    expect(percentile([42], 0.9)).toBe(42);
    expect(percentile([], 0.5)).toBeNull();
  });

  it('percentileSeconds: milliseconds in, seconds out, over the given denominator', () => {
    expect(percentileSeconds([3_000, 1_000], 0.5, 2)).toEqual({ value: 2, numerator: null, denominator: 2 });
    expect(percentileSeconds([], 0.9, 0)).toEqual({ value: null, numerator: null, denominator: 0 });
  });
});

describe('derived sets', () => {
  it('only the change-system integration ratio is org-only', () => {
    expect([...ORG_ONLY]).toEqual(['change_system_integration_ratio']);
  });

  it('the counts that grow with the window are the window-scaled ones', () => {
    expect([...WINDOW_SCALED].sort()).toEqual(['freeze_violations', 'high_priority_incidents']);
  });

  it('fieldsOf lists the count fields a store query fills, never the sample fields', () => {
    expect(fieldsOf('drills')).toEqual(['drills', 'drillScore']);
    expect(fieldsOf('org')).toEqual(['teams', 'drilledTeams']);
    expect(fieldsOf('alerts')).toEqual([
      'actionable',
      'noise',
      'inferredActionable',
      'inferredNoise',
      'unreviewed',
      'alerts',
    ]);
    expect(fieldsOf('incidents')).toEqual(
      expect.arrayContaining(['incidents', 'recovered', 'recoveryMs', 'detectionMs', 'detectedInternally'])
    );
    expect(fieldsOf('incidents')).not.toContain('recoveries');
    // Sample-only sources (percentiles) fill no count field.
    expect(fieldsOf('recoveries')).toEqual([]);
    expect(fieldsOf('leadTimes')).toEqual([]);
    expect(SAMPLE_FIELDS).toEqual(expect.arrayContaining(['recoveries', 'leadTimes']));
  });
});
