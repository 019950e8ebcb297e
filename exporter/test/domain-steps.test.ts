/**
 * Incident steps in the process order (src/domain/checks.ts stepOrderIssues, newStepOrderIssues,
 * appendedStepIssue) and the incident rules of checkRecord that use them. Pure: the messages are
 * written out in full.
 */
import { describe, expect, it } from 'vitest';
import { appendedStepIssue, checkRecord, newStepOrderIssues, stepOrderIssues } from '../src/domain/checks.js';
import { OrgIndex } from '../src/domain/org.js';
import type { IncidentStepInput, RecordInput } from '../src/domain/records.js';
import { smallOrg } from './helpers/org.js';

/** Minute n after 2026-03-01T10:00Z. */
const T = (minute: number) => `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
const step = (name: IncidentStepInput['step'], minute: number, extra: Partial<IncidentStepInput> = {}) =>
  ({ step: name, at: T(minute), owner: 'Ken', ...extra }) as IncidentStepInput;
const tail = 'which comes earlier in the process; give outOfOrder with a reason to record it anyway';

describe('stepOrderIssues', () => {
  it('blames the step reached too early, with the step it comes before', () => {
    expect(stepOrderIssues([step('war_room', 5), step('response', 8)])).toEqual([
      {
        index: 0,
        after: 1,
        message: `war_room at 2026-03-01T10:05:00.000Z is before response (steps[1], at 2026-03-01T10:08:00.000Z), ${tail}`,
      },
    ]);
    expect(stepOrderIssues([step('response', 5), step('war_room', 5), step('postmortem', 9)])).toEqual([]);
    expect(stepOrderIssues([])).toEqual([]);
  });

  it("reads a stage's earliest step, the first of equal ones", () => {
    expect(
      stepOrderIssues([step('response', 1), step('notification', 9), step('notification', 3), step('war_room', 5)])
    ).toEqual([]);
    expect(
      stepOrderIssues([step('response', 5), step('notification', 3), step('notification', 3)]).map((i) => [
        i.index,
        i.after,
      ])
    ).toEqual([[1, 0]]);
  });

  it('judges every later stage against the last stage in order, not against one reached too early', () => {
    expect(
      stepOrderIssues([step('response', 10), step('judgment', 4), step('notification', 6), step('war_room', 12)]).map(
        (i) => [i.index, i.after]
      )
    ).toEqual([
      [1, 0],
      [2, 0],
    ]);
  });

  it('leaves out steps marked outOfOrder and steps without a readable time', () => {
    expect(stepOrderIssues([step('response', 8), step('war_room', 5, { outOfOrder: 'bridge first' })])).toEqual([]);
    const unreadable = { step: 'war_room', at: 'not a time', owner: 'Ken' } as IncidentStepInput;
    expect(
      stepOrderIssues([unreadable, step('response', 8), step('resolution', 7)]).map((i) => [i.index, i.after])
    ).toEqual([[2, 1]]);
  });
});

describe('newStepOrderIssues and appendedStepIssue', () => {
  it('are the issues not already stored in that disorder', () => {
    const stored = [step('war_room', 5), step('response', 8)];
    expect(newStepOrderIssues(stored).map((i) => [i.index, i.after])).toEqual([[0, 1]]);
    expect(newStepOrderIssues(stored, stored)).toEqual([]);
    const more = [...stored, step('judgment', 6)];
    expect(newStepOrderIssues(more, stored).map((i) => [i.index, i.after])).toEqual([[2, 1]]);
    // The same steps at other times are another disorder.
    expect(newStepOrderIssues([step('war_room', 4), step('response', 8)], stored).map((i) => i.index)).toEqual([0]);
  });

  it('says why one more step breaks the order, or null', () => {
    expect(appendedStepIssue([step('response', 1)], step('war_room', 5))).toBeNull();
    expect(appendedStepIssue([step('response', 8)], step('war_room', 5))).toBe(
      `war_room at 2026-03-01T10:05:00.000Z would come before response at 2026-03-01T10:08:00.000Z, ${tail}`
    );
    const disordered = [step('war_room', 5), step('response', 8)];
    expect(appendedStepIssue(disordered, step('escalation', 9))).toBeNull();
    expect(appendedStepIssue(disordered, step('judgment', 6))).toBe(
      `judgment at 2026-03-01T10:06:00.000Z would come before response at 2026-03-01T10:08:00.000Z, ${tail}`
    );
  });
});

describe('checkRecord of an incident', () => {
  const incident = (extra: object = {}) =>
    ({
      id: 'inc-1',
      title: 'Down',
      priority: 'P1',
      service: 'checkout-api',
      startedAt: T(0),
      detectionSource: 'monitoring',
      ...extra,
    }) as unknown as RecordInput<'incidents'>;

  it('blames steps out of order on their time, unless stored so', () => {
    const org = new OrgIndex(smallOrg());
    const steps = [step('war_room', 5), step('response', 8)];
    expect(checkRecord('incidents', incident({ steps }), { org })).toEqual([
      {
        path: 'steps[0].at',
        message: `war_room at 2026-03-01T10:05:00.000Z is before response (steps[1], at 2026-03-01T10:08:00.000Z), ${tail}`,
      },
    ]);
    expect(checkRecord('incidents', incident({ steps }), { org, stored: { service: 'checkout-api', steps } })).toEqual(
      []
    );
    expect(checkRecord('incidents', incident({ steps: [step('response', 1)] }), { org })).toEqual([]);
  });

  it('checks the change it cites unless it already cited it', () => {
    const org = new OrgIndex(smallOrg());
    const none = () => false;
    expect(checkRecord('incidents', incident({ causedByChange: 'c1' }), { org, changeExists: none })).toEqual([
      { path: 'causedByChange', message: 'unknown change "c1"' },
    ]);
    expect(
      checkRecord('incidents', incident({ causedByChange: 'c1' }), {
        org,
        changeExists: none,
        stored: { causedByChange: 'c1' },
      })
    ).toEqual([]);
    expect(
      checkRecord('incidents', incident({ causedByChange: 'c1' }), { org, changeExists: (id) => id === 'c1' })
    ).toEqual([]);
    expect(checkRecord('incidents', incident({ causedByChange: 'c1' }), { org })).toEqual([]);
  });
});
