/**
 * Tallies, roll-up and the scorecard in the domain (src/domain/kpis.ts, scorecard.ts), without a
 * store: tallies add field by field, a team's tally reaches its business line and the org, targets
 * are inherited as the registry says (counts only from the scope itself), and the score is the
 * weighted share of met KPIs. Weights (registry): mttr_seconds 3, high_priority_incidents 3,
 * mttd_seconds 2, detection_ratio 2, mttr_p90_seconds 1, mttr_p50_seconds 0.
 */
import { describe, expect, it } from 'vitest';
import { addTally, emptyTally, rollUp, stageMeans, STAGES, tallyReader, TALLY_FIELDS } from '../src/domain/kpis.js';
import { OrgIndex, type Goal } from '../src/domain/org.js';
import { overallScore, status, windowTarget, yearlyTarget } from '../src/domain/scorecard.js';
import { smallOrg } from './helpers/org.js';

describe('tallies', () => {
  it('an empty tally has every count at zero, no samples and no stage time', () => {
    const t = emptyTally();
    expect(Object.keys(t.counts).sort()).toEqual([...TALLY_FIELDS].sort());
    expect(Object.values(t.counts).every((n) => n === 0)).toBe(true);
    expect(t.samples).toEqual({ recoveries: [], acknowledgements: [], leadTimes: [] });
    expect(Object.keys(t.stages)).toEqual([
      'response',
      'judgment',
      'notification',
      'war_room',
      'escalation',
      'resolution',
      'verification',
      'postmortem',
    ]);
    for (const s of STAGES) expect(t.stages[s]).toEqual({ count: 0, ms: 0 });
    // Each call is a fresh object: filling one leaves the next empty.
    t.counts.incidents = 3;
    t.samples.recoveries.push(1);
    t.stages.response.count = 1;
    expect(emptyTally().counts.incidents).toBe(0);
    expect(emptyTally().samples.recoveries).toEqual([]);
    expect(emptyTally().stages.response.count).toBe(0);
  });

  it('addTally adds counts, appends samples and adds stage counts and times into its first argument', () => {
    const a = emptyTally();
    a.counts.incidents = 2;
    a.counts.recoveryMs = 5000;
    a.samples.recoveries.push(1000, 4000);
    a.stages.response = { count: 1, ms: 60_000 };
    const b = emptyTally();
    b.counts.incidents = 3;
    b.counts.drills = 1;
    b.samples.recoveries.push(7000);
    b.stages.response = { count: 2, ms: 30_000 };
    b.stages.postmortem = { count: 1, ms: 9000 };
    const result = addTally(a, b);
    expect(result).toBe(a);
    expect(a.counts.incidents).toBe(5);
    expect(a.counts.recoveryMs).toBe(5000);
    expect(a.counts.drills).toBe(1);
    expect(a.samples.recoveries).toEqual([1000, 4000, 7000]);
    expect(a.stages.response).toEqual({ count: 3, ms: 90_000 });
    expect(a.stages.postmortem).toEqual({ count: 1, ms: 9000 });
    // b is left as it was.
    expect(b.counts.incidents).toBe(3);
    expect(b.samples.recoveries).toEqual([7000]);
  });

  it('stage means are seconds per incident reaching the stage, null where none did', () => {
    const t = emptyTally();
    t.stages.response = { count: 4, ms: 10_000 };
    t.stages.judgment = { count: 1, ms: 90_000 };
    const means = stageMeans(t);
    expect(means.response).toBe(2.5);
    expect(means.judgment).toBe(90);
    expect(means.notification).toBeNull();
    expect(Object.keys(means)).toEqual([...STAGES]);
  });

  it('a formula reading a field no tally has is a programming error', () => {
    const t = emptyTally();
    t.counts.incidents = 7;
    t.samples.recoveries.push(3);
    const reader = tallyReader(t);
    expect(reader.count('incidents')).toBe(7);
    expect(reader.samples('recoveries')).toEqual([3]);
    expect(() => reader.count('nope')).toThrow('no tally count field nope');
    expect(() => reader.samples('nope')).toThrow('no tally samples field nope');
  });
});

describe('rollUp', () => {
  const index = new OrgIndex(smallOrg());
  const tally = (incidents: number, drills = 0) => {
    const t = emptyTally();
    t.counts.incidents = incidents;
    t.counts.drills = drills;
    return t;
  };

  it('every scope of the org, in order: the org, each business line, each team', () => {
    const scopes = rollUp(new Map(), index);
    expect(scopes.map((s) => [s.level, s.businessLine, s.team])).toEqual([
      ['org', null, null],
      ['business_line', 'payments', null],
      ['business_line', 'commerce', null],
      ['team', 'payments', 'checkout'],
      ['team', 'payments', 'ledger'],
      ['team', 'commerce', 'catalog'],
    ]);
    // Every team counts as a team; none has drilled.
    expect(scopes.map((s) => s.tally.counts.teams)).toEqual([3, 2, 1, 1, 1, 1]);
    expect(scopes.map((s) => s.tally.counts.drilledTeams)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('teams add up to their business line and the org; unknown teams count at the org only', () => {
    const input = new Map([
      ['checkout', tally(2, 3)],
      ['ledger', tally(1)],
      ['catalog', tally(4, 1)],
      [null, tally(8)],
      ['unassigned', tally(16)],
      ['gone', tally(32)],
    ]);
    const scopes = rollUp(input, index);
    const counts = scopes.map((s) => [s.tally.counts.incidents, s.tally.counts.drills, s.tally.counts.drilledTeams]);
    expect(counts).toEqual([
      [63, 4, 2], // org: 2 + 1 + 4 + 8 + 16 + 32
      [3, 3, 1], // payments
      [4, 1, 1], // commerce
      [2, 3, 1],
      [1, 0, 0],
      [4, 1, 1],
    ]);
    // The input tallies are not changed by the roll-up.
    expect(input.get('checkout')!.counts.teams).toBe(0);
    expect(input.get('checkout')!.counts.incidents).toBe(2);
  });
});

describe('yearly targets', () => {
  const goals: Goal[] = [
    { year: 2026, kpi: 'mttr_seconds', target: 1800 },
    { year: 2026, kpi: 'mttr_seconds', target: 1200, businessLine: 'payments' },
    { year: 2026, kpi: 'mttr_seconds', target: 600, team: 'checkout' },
    { year: 2025, kpi: 'mttr_seconds', target: 3000 },
    { year: 2026, kpi: 'high_priority_incidents', target: 12 },
    { year: 2026, kpi: 'high_priority_incidents', target: 6, businessLine: 'payments' },
    { year: 2026, kpi: 'high_priority_incidents', target: 2, team: 'ledger' },
    { year: 2026, kpi: 'mttd_seconds', target: 300, team: 'checkout' },
    { year: 2026, kpi: 'detection_ratio', target: 0.9, businessLine: 'commerce' },
  ];
  const org = { level: 'org' as const, businessLine: null, team: null };
  const line = (id: string) => ({ level: 'business_line' as const, businessLine: id, team: null });
  const team = (id: string, businessLine: string) => ({ level: 'team' as const, businessLine, team: id });

  it('a non-count KPI: the scope’s own goal, else its business line’s, else the org’s', () => {
    expect(yearlyTarget(goals, 2026, 'mttr_seconds', team('checkout', 'payments'))).toBe(600);
    expect(yearlyTarget(goals, 2026, 'mttr_seconds', team('ledger', 'payments'))).toBe(1200);
    expect(yearlyTarget(goals, 2026, 'mttr_seconds', team('catalog', 'commerce'))).toBe(1800);
    expect(yearlyTarget(goals, 2026, 'mttr_seconds', line('payments'))).toBe(1200);
    expect(yearlyTarget(goals, 2026, 'mttr_seconds', line('commerce'))).toBe(1800);
    expect(yearlyTarget(goals, 2026, 'mttr_seconds', org)).toBe(1800);
    expect(yearlyTarget(goals, 2025, 'mttr_seconds', team('checkout', 'payments'))).toBe(3000);
    expect(yearlyTarget(goals, 2024, 'mttr_seconds', team('checkout', 'payments'))).toBeNull();
  });

  it('a goal below a scope never applies to it', () => {
    // mttd only for team checkout: not its business line's, not the org's, not another team's.
    expect(yearlyTarget(goals, 2026, 'mttd_seconds', line('payments'))).toBeNull();
    expect(yearlyTarget(goals, 2026, 'mttd_seconds', org)).toBeNull();
    expect(yearlyTarget(goals, 2026, 'mttd_seconds', team('ledger', 'payments'))).toBeNull();
    // detection only for commerce: its team inherits it, the org and payments do not.
    expect(yearlyTarget(goals, 2026, 'detection_ratio', team('catalog', 'commerce'))).toBe(0.9);
    expect(yearlyTarget(goals, 2026, 'detection_ratio', team('checkout', 'payments'))).toBeNull();
    expect(yearlyTarget(goals, 2026, 'detection_ratio', org)).toBeNull();
    expect(yearlyTarget(goals, 2026, 'detection_ratio', line('payments'))).toBeNull();
  });

  it('a count KPI takes only the scope’s own goal (it grows with the scope)', () => {
    expect(yearlyTarget(goals, 2026, 'high_priority_incidents', org)).toBe(12);
    expect(yearlyTarget(goals, 2026, 'high_priority_incidents', line('payments'))).toBe(6);
    expect(yearlyTarget(goals, 2026, 'high_priority_incidents', line('commerce'))).toBeNull();
    expect(yearlyTarget(goals, 2026, 'high_priority_incidents', team('ledger', 'payments'))).toBe(2);
    expect(yearlyTarget(goals, 2026, 'high_priority_incidents', team('checkout', 'payments'))).toBeNull();
  });

  it('count targets are scaled to the window’s share of the year; others are not', () => {
    expect(windowTarget(12, 'high_priority_incidents', 0.25)).toBe(3);
    expect(windowTarget(10, 'freeze_violations', 0.5)).toBe(5);
    expect(windowTarget(0.9, 'detection_ratio', 0.25)).toBe(0.9);
    expect(windowTarget(null, 'high_priority_incidents', 0.25)).toBeNull();
  });
});

describe('status and score', () => {
  it('status follows the KPI’s direction; at risk is a shortfall of at most 10 % of the target', () => {
    // lower is better
    expect(status('mttr_seconds', 1000, 1000)).toBe('met');
    expect(status('mttr_seconds', 999, 1000)).toBe('met');
    expect(status('mttr_seconds', 1100, 1000)).toBe('at_risk');
    expect(status('mttr_seconds', 1101, 1000)).toBe('missed');
    // higher is better
    expect(status('detection_ratio', 0.5, 0.5)).toBe('met');
    expect(status('detection_ratio', 0.46, 0.5)).toBe('at_risk');
    expect(status('detection_ratio', 0.44, 0.5)).toBe('missed');
    expect(status('mttr_seconds', null, 1000)).toBe('no_data');
    expect(status('mttr_seconds', 1000, null)).toBe('no_data');
  });

  it('the score: weighted points (met 1, at risk ½, missed 0) over the judged weights, to one decimal', () => {
    expect(overallScore({ mttr_seconds: 'met', mttd_seconds: 'missed' })).toBe(60); // 3 / 5
    expect(overallScore({ mttr_seconds: 'at_risk', detection_ratio: 'met' })).toBe(70); // 3.5 / 5
    // 4 / 7 = 57.142…
    expect(overallScore({ mttr_seconds: 'met', mttd_seconds: 'at_risk', detection_ratio: 'missed' })).toBe(57.1);
    // 2 / 3 = 66.666…: rounded, not cut.
    expect(overallScore({ mttd_seconds: 'met', mttr_p90_seconds: 'missed' })).toBe(66.7);
    expect(overallScore({ mttr_seconds: 'missed', high_priority_incidents: 'missed' })).toBe(0);
    // no_data and weight-0 KPIs are not judged.
    expect(overallScore({ mttr_seconds: 'met', mttd_seconds: 'no_data' })).toBe(100);
    expect(overallScore({ mttr_p50_seconds: 'missed', mttr_p90_seconds: 'met' })).toBe(100);
    expect(overallScore({ mttr_p50_seconds: 'met' })).toBeNull();
    expect(overallScore({ mttr_seconds: 'no_data' })).toBeNull();
    expect(overallScore({})).toBeNull();
  });
});
