/** Query strings → parsed record queries (api/list-params.ts): values, defaults, and 400s naming each parameter. */
import { describe, expect, it } from 'vitest';
import { ParamReader, recordQuery } from '../src/api/list-params.js';
import { ValidationError } from '../src/service/errors.js';

const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('no ValidationError');
};

describe('recordQuery', () => {
  it('reads owners (repeated or comma-separated), the range, the page, column filters and flags', () => {
    expect(
      recordQuery('alerts', {
        team: ['checkout', 'ledger, catalog'],
        from: '2026-03-01T00:00:00Z',
        to: '1772409600000',
        limit: '10',
        severity: 'critical',
        highSeverity: 'true',
        verdict: 'none',
      })
    ).toEqual({
      team: ['checkout', 'ledger', 'catalog'],
      from: Date.parse('2026-03-01T00:00:00Z'),
      to: 1772409600000,
      limit: 10,
      offset: 0,
      fields: { severity: ['critical'] },
      flags: { highSeverity: true },
      verdict: ['none'],
    });
  });

  it('defaults to the first 100, and reads only the flags of the collection', () => {
    expect(recordQuery('changes', { open: 'maybe', violation: 'false' })).toEqual({
      limit: 100,
      offset: 0,
      fields: {},
      flags: { violation: false },
    });
  });

  it('names every bad parameter at once', () => {
    const issues = issuesOf(() =>
      recordQuery('incidents', { limit: '0', offset: '-1', from: 'yesterday', drill: 'yes', team: { nested: 'x' } })
    );
    expect(issues.map((i) => i.path).sort()).toEqual(['drill', 'from', 'limit', 'offset', 'team']);
    expect(issuesOf(() => recordQuery('alerts', { verdict: 'maybe' }))).toEqual([
      { path: 'verdict', message: 'must be one of actionable, noise, none' },
    ]);
    expect(issuesOf(() => recordQuery('drills', { from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }))).toEqual(
      [{ path: 'from', message: 'must not be after to' }]
    );
  });
});

describe('ParamReader.choice', () => {
  it('takes one of the allowed values, once', () => {
    const read = new ParamReader({ sort: 'noise', other: ['a', 'b'] });
    expect(read.choice('sort', ['alerts', 'noise'])).toBe('noise');
    expect(read.choice('other', ['a', 'b'])).toBeUndefined();
    expect(read.choice('absent', ['a'])).toBeUndefined();
    expect(read.issues).toEqual([{ path: 'other', message: 'must be one of a, b' }]);
  });
});
