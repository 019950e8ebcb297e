/**
 * Red lines in the domain (src/domain/red-lines.ts, red-lines-config.ts): when a record crosses
 * its line, when a violation is in force in a window, violation ids, owners, the roll-up per scope
 * and the clean teams; the `redLines:` config and each rule's effective setting. Pure.
 */
import { describe, expect, it } from 'vitest';
import { OrgIndex } from '../src/domain/org.js';
import {
  cleanTeams,
  countByScope,
  crossed,
  inForce,
  lineAfter,
  ownerOf,
  parseViolationId,
  violationId,
  type RedLineRule,
} from '../src/domain/red-lines.js';
import { DEFAULT_RED_LINE_DAYS, enabledRules, redLinesSchema, ruleSettings } from '../src/domain/red-lines-config.js';
import { smallOrg } from './helpers/org.js';

const ALL: RedLineRule[] = [
  'change_in_freeze',
  'incident_without_postmortem',
  'action_overdue',
  'finding_overdue',
  'alert_without_verdict',
];

describe('crossed', () => {
  it('is no breach before the line, one from the line on', () => {
    expect(crossed(1000, null, 999)).toBeNull();
    expect(crossed(1000, null, 1000)).toEqual({ since: 1000, until: null });
    expect(crossed(1000, null, 5000)).toEqual({ since: 1000, until: null });
  });

  it('is no breach when mended at or before the line', () => {
    expect(crossed(1000, 1000, 5000)).toBeNull();
    expect(crossed(1000, 400, 5000)).toBeNull();
    expect(crossed(1000, 1001, 5000)).toEqual({ since: 1000, until: 1001 });
  });

  it('is in force until mended, and a mending after `now` is not yet known', () => {
    expect(crossed(1000, 3000, 3000)).toEqual({ since: 1000, until: 3000 });
    expect(crossed(1000, 3001, 3000)).toEqual({ since: 1000, until: null });
  });

  it('draws a line `days` whole days after a moment', () => {
    expect(lineAfter(1000, 0)).toBe(1000);
    expect(lineAfter(1000, 2)).toBe(1000 + 2 * 86_400_000);
  });
});

describe('inForce', () => {
  it('counts a violation that began inside the window, not one that began at its end or later', () => {
    expect(inForce({ since: 100, until: 150 }, 100, 200)).toBe(true);
    expect(inForce({ since: 199, until: 199 }, 100, 200)).toBe(true);
    expect(inForce({ since: 200, until: null }, 100, 200)).toBe(false);
    expect(inForce({ since: 250, until: null }, 100, 200)).toBe(false);
  });

  it('counts one from before the window while still unmended at its start', () => {
    expect(inForce({ since: 50, until: null }, 100, 200)).toBe(true);
    expect(inForce({ since: 50, until: 101 }, 100, 200)).toBe(true);
    expect(inForce({ since: 50, until: 100 }, 100, 200)).toBe(false);
    expect(inForce({ since: 50, until: 60 }, 100, 200)).toBe(false);
  });

  it('counts a moment-long violation (a change in a freeze) in the window holding its moment', () => {
    expect(inForce({ since: 100, until: 100 }, 100, 200)).toBe(true);
    expect(inForce({ since: 99, until: 99 }, 100, 200)).toBe(false);
  });
});

describe('violation ids', () => {
  it('are `<rule>:<record>` and parse back, the record keeping its own colons', () => {
    expect(violationId('action_overdue', 'a-1')).toBe('action_overdue:a-1');
    expect(parseViolationId('action_overdue:a-1', ALL)).toEqual({
      rule: 'action_overdue',
      record: 'a-1',
    });
    expect(parseViolationId('finding_overdue:x:y', ALL)).toEqual({
      rule: 'finding_overdue',
      record: 'x:y',
    });
  });

  it('name no violation without a rule among those given, or without a record', () => {
    expect(parseViolationId('action_overdue', ALL)).toBeNull();
    expect(parseViolationId('action_overdue:', ALL)).toBeNull();
    expect(parseViolationId('bogus:a-1', ALL)).toBeNull();
    expect(parseViolationId('action_overdue:a-1', ['change_in_freeze'])).toBeNull();
    // An empty rule never names one, even were it listed.
    expect(parseViolationId(':a-1', ['' as RedLineRule])).toBeNull();
  });
});

describe('ownerOf', () => {
  it("is the service's owner, else the team's manager, else nobody", () => {
    const index = new OrgIndex(smallOrg());
    expect(ownerOf(index, { service: 'checkout-api', team: 'ledger' })).toBe('Dennis');
    expect(ownerOf(index, { service: 'gone-api', team: 'ledger' })).toBe('Barbara');
    expect(ownerOf(index, { service: null, team: 'catalog' })).toBe('Linus');
    expect(ownerOf(index, { service: null, team: 'gone' })).toBeNull();
    expect(ownerOf(index, { service: null, team: null })).toBeNull();
  });
});

/** Violations of the teams of smallOrg(), judged in the window [100, 200). */
const breaches = [
  { team: 'checkout', since: 100, until: null },
  { team: 'checkout', since: 150, until: 160 },
  { team: 'ledger', since: 50, until: null },
  { team: 'catalog', since: 200, until: null }, // begins at the window's end: not counted
  { team: 'catalog', since: 10, until: 100 }, // mended at the window's start: not counted
  { team: null, since: 120, until: null },
  { team: 'gone', since: 120, until: null },
];

describe('countByScope and cleanTeams', () => {
  it('rolls up team → business line → org, every scope present, unknown teams at the org only', () => {
    const index = new OrgIndex(smallOrg());
    expect(countByScope(breaches, 100, 200, index)).toEqual([
      { level: 'org', businessLine: null, team: null, count: 5 },
      {
        level: 'business_line',
        businessLine: 'payments',
        team: null,
        count: 3,
      },
      {
        level: 'business_line',
        businessLine: 'commerce',
        team: null,
        count: 0,
      },
      { level: 'team', businessLine: 'payments', team: 'checkout', count: 2 },
      { level: 'team', businessLine: 'payments', team: 'ledger', count: 1 },
      { level: 'team', businessLine: 'commerce', team: 'catalog', count: 0 },
    ]);
  });

  it('is all zero for a window before any violation', () => {
    const index = new OrgIndex(smallOrg());
    expect(countByScope(breaches, 0, 5, index).map((s) => s.count)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('keeps, in the order given, the teams with no violation in force', () => {
    expect(cleanTeams(breaches, ['catalog', 'ledger', 'checkout', 'other'], 100, 200)).toEqual(['catalog', 'other']);
    expect(cleanTeams(breaches, ['catalog', 'ledger', 'checkout'], 0, 40)).toEqual(['ledger', 'checkout']);
    expect(cleanTeams(breaches, ['catalog', 'ledger', 'checkout'], 0, 5)).toEqual(['catalog', 'ledger', 'checkout']);
  });
});

describe('the redLines: config', () => {
  it('turns on each rule named, with its default grace', () => {
    expect(DEFAULT_RED_LINE_DAYS).toEqual({
      change_in_freeze: 0,
      incident_without_postmortem: 5,
      action_overdue: 7,
      finding_overdue: 7,
      alert_without_verdict: 3,
    });
    expect(
      redLinesSchema.parse({
        change_in_freeze: {},
        incident_without_postmortem: {},
        action_overdue: {},
        finding_overdue: {},
        alert_without_verdict: {},
      })
    ).toEqual({
      change_in_freeze: { enabled: true },
      incident_without_postmortem: { enabled: true, days: 5 },
      action_overdue: { enabled: true, days: 7 },
      finding_overdue: { enabled: true, days: 7 },
      alert_without_verdict: { enabled: true, days: 3 },
    });
    expect(redLinesSchema.parse({})).toEqual({});
  });

  it('takes 0 to 365 whole days, and names what is wrong otherwise', () => {
    expect(redLinesSchema.parse({ action_overdue: { days: 0 } }).action_overdue).toEqual({ enabled: true, days: 0 });
    expect(redLinesSchema.parse({ action_overdue: { days: 365 } }).action_overdue?.days).toBe(365);
    const messageOf = (doc: unknown) => {
      const r = redLinesSchema.safeParse(doc);
      return r.success ? null : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(messageOf({ finding_overdue: { days: 1.5 } })).toEqual([
      'finding_overdue.days: must be a whole number of days',
    ]);
    expect(messageOf({ finding_overdue: { days: -1 } })).toEqual(['finding_overdue.days: must be at least 0']);
    expect(messageOf({ finding_overdue: { days: 366 } })).toEqual(['finding_overdue.days: must be at most 365']);
  });

  it('refuses unknown rules and fields, and grace for a change in a freeze', () => {
    for (const doc of [
      { bogus: {} },
      { action_overdue: { days: 1, extra: true } },
      { change_in_freeze: { days: 1 } },
      { alert_without_verdict: { enabled: 'yes' } },
    ])
      expect(redLinesSchema.safeParse(doc).success, JSON.stringify(doc)).toBe(false);
  });

  it('has every rule off while none is named', () => {
    const off = {
      change_in_freeze: { enabled: false, days: 0 },
      incident_without_postmortem: { enabled: false, days: 5 },
      action_overdue: { enabled: false, days: 7 },
      finding_overdue: { enabled: false, days: 7 },
      alert_without_verdict: { enabled: false, days: 3 },
    };
    expect(ruleSettings(undefined)).toEqual(off);
    expect(ruleSettings({})).toEqual(off);
    expect(enabledRules(undefined)).toEqual([]);
  });

  it('gives each rule named its setting, the others off, enabled rules in the order of the rules', () => {
    const config = redLinesSchema.parse({
      alert_without_verdict: { days: 1 },
      finding_overdue: { enabled: false, days: 2 },
      change_in_freeze: {},
    });
    expect(ruleSettings(config)).toEqual({
      change_in_freeze: { enabled: true, days: 0 },
      incident_without_postmortem: { enabled: false, days: 5 },
      action_overdue: { enabled: false, days: 7 },
      finding_overdue: { enabled: false, days: 2 },
      alert_without_verdict: { enabled: true, days: 1 },
    });
    expect(enabledRules(config)).toEqual(['change_in_freeze', 'alert_without_verdict']);
  });
});
