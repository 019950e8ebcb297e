import { describe, expect, it } from 'vitest';
import { statusOf } from '../src/index.js';

describe('statusOf', () => {
  it('judges against the target with a 10 % at-risk band on the wrong side', () => {
    expect(statusOf('lower', 3600, 3600)).toBe('met');
    expect(statusOf('lower', 3960, 3600)).toBe('at_risk'); // 360 over = 10 % of 3600
    expect(statusOf('lower', 3961, 3600)).toBe('missed');
    expect(statusOf('higher', 0.95, 0.95)).toBe('met');
    expect(statusOf('higher', 0.86, 0.95)).toBe('at_risk'); // 0.09 short ≤ 0.095
    expect(statusOf('higher', 0.85, 0.95)).toBe('missed'); // 0.1 short > 0.095
  });

  it('is no_data without a finite value or target', () => {
    expect(statusOf('lower', null, 1)).toBe('no_data');
    expect(statusOf('lower', 1, null)).toBe('no_data');
    expect(statusOf('higher', Number.NaN, 1)).toBe('no_data');
    expect(statusOf('higher', 1, Number.POSITIVE_INFINITY)).toBe('no_data');
  });
});
