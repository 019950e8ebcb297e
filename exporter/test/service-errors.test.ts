/**
 * The errors the API turns into status codes (src/service/errors.ts): every issue names a field,
 * zod's paths become `records[3].startedAt`, an unknown field is named by its own path.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConflictError, prefixed, ValidationError, zodIssues } from '../src/service/errors.js';

const issuesOf = (schema: z.ZodType, value: unknown, prefix?: string) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a failure');
  return zodIssues(r.error, prefix);
};

describe('ValidationError', () => {
  it('its message lists each issue; an issue without a path is about the body', () => {
    const e = new ValidationError([
      { path: 'team', message: 'is required' },
      { path: '', message: 'must be a JSON object' },
    ]);
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe('team: is required; body: must be a JSON object');
    expect(e.issues).toEqual([
      { path: 'team', message: 'is required' },
      { path: 'body', message: 'must be a JSON object' },
    ]);
  });

  it('a conflict keeps its message and issues (none by default)', () => {
    expect(new ConflictError('stale').issues).toEqual([]);
    const e = new ConflictError('stale', [{ path: 'revision', message: 'is 3, not 2' }]);
    expect(e.message).toBe('stale');
    expect(e.issues).toEqual([{ path: 'revision', message: 'is 3, not 2' }]);
  });
});

describe('zodIssues', () => {
  const record = z
    .object({ startedAt: z.string(), tags: z.array(z.string()), owner: z.object({ name: z.string() }).strict() })
    .strict();

  it('paths join keys with dots and indexes in brackets, under the prefix', () => {
    const value = { startedAt: 1, tags: ['a', 2], owner: { name: 3 } };
    expect(issuesOf(record, value).map((i) => i.path)).toEqual(['startedAt', 'tags[1]', 'owner.name']);
    expect(issuesOf(record, value, 'records[3]').map((i) => i.path)).toEqual([
      'records[3].startedAt',
      'records[3].tags[1]',
      'records[3].owner.name',
    ]);
    expect(issuesOf(z.array(z.string()), [1], 'records').map((i) => i.path)).toEqual(['records[0]']);
  });

  it('a missing field "is required"; other messages are zod’s own', () => {
    const issues = issuesOf(record, { tags: [], owner: { name: 'x' } });
    expect(issues).toEqual([{ path: 'startedAt', message: 'is required' }]);
    const wrongType = issuesOf(record, { startedAt: 5, tags: [], owner: { name: 'x' } });
    expect(wrongType).toHaveLength(1);
    expect(wrongType[0]!.path).toBe('startedAt');
    expect(wrongType[0]!.message).not.toBe('is required');
    expect(wrongType[0]!.message).toMatch(/string/);
  });

  it('only a missing value is rewritten: a custom message ending like zod’s is kept', () => {
    const custom = z.string().refine(() => false, 'expected a ticket, received undefined');
    expect(issuesOf(z.object({ ticket: custom }), { ticket: 'x' })).toEqual([
      { path: 'ticket', message: 'expected a ticket, received undefined' },
    ]);
  });

  it('each unknown field is named by its own path', () => {
    const issues = issuesOf(
      record,
      { startedAt: 'x', tags: [], owner: { name: 'x', extra: 1 }, more: 1, most: 2 },
      'r'
    );
    expect(issues).toEqual([
      { path: 'r.owner.extra', message: 'unknown field' },
      { path: 'r.more', message: 'unknown field' },
      { path: 'r.most', message: 'unknown field' },
    ]);
  });

  it('an issue about the whole value has the prefix as its path (empty without one)', () => {
    expect(issuesOf(z.string(), 5, 'records[0]')[0]!.path).toBe('records[0]');
    expect(issuesOf(z.string(), 5)[0]!.path).toBe('');
  });
});

describe('prefixed', () => {
  it('puts issues under a prefix; one without a path takes the prefix itself', () => {
    expect(
      prefixed(
        [
          { path: 'team', message: 'a' },
          { path: '', message: 'b' },
        ],
        'records[2]'
      )
    ).toEqual([
      { path: 'records[2].team', message: 'a' },
      { path: 'records[2]', message: 'b' },
    ]);
  });
});
