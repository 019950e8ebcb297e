/**
 * The domain's record rules (src/domain/checks.ts), checked directly: every issue a record can
 * raise, with its path and message, and the boundaries (equal instants are allowed, an interval
 * that ends before it starts is not). Pure: no store, no server.
 */
import { describe, expect, it } from 'vitest';
import { checkRecord, type CheckContext } from '../src/domain/checks.js';
import { OrgIndex } from '../src/domain/org.js';
import { smallOrg } from './helpers/org.js';

const ctx = (extra: Partial<CheckContext> = {}): CheckContext => ({ org: new OrgIndex(smallOrg()), ...extra });
// The records below are partial (only the fields the rules read): the schema is checked before.
const check = (collection: Parameters<typeof checkRecord>[0], record: object, c = ctx()) =>
  checkRecord(collection, record as never, c);

const T0 = '2026-03-01T10:00:00Z';
const T1 = '2026-03-01T11:00:00Z';
const T2 = '2026-03-01T12:00:00Z';

describe('ownership', () => {
  it('a known service, with or without its own team, raises nothing', () => {
    expect(check('incidents', { service: 'checkout-api', startedAt: T0 })).toEqual([]);
    expect(check('incidents', { service: 'checkout-api', team: 'checkout', startedAt: T0 })).toEqual([]);
    expect(check('incidents', { team: 'ledger', startedAt: T0 })).toEqual([]);
  });

  it('names an unknown service, a team that is not the service’s, an unknown team', () => {
    expect(check('incidents', { service: 'nope', startedAt: T0 })).toEqual([
      { path: 'service', message: 'unknown service "nope"' },
    ]);
    expect(check('incidents', { service: 'checkout-api', team: 'ledger', startedAt: T0 })).toEqual([
      { path: 'team', message: 'service "checkout-api" belongs to team "checkout", not "ledger"' },
    ]);
    expect(check('incidents', { team: 'ghosts', startedAt: T0 })).toEqual([
      { path: 'team', message: 'unknown team "ghosts"' },
    ]);
    // An unknown service cannot be compared with the team: only the team's own check remains.
    expect(check('incidents', { service: 'nope', team: 'ghosts', startedAt: T0 })).toEqual([
      { path: 'service', message: 'unknown service "nope"' },
      { path: 'team', message: 'unknown team "ghosts"' },
    ]);
  });

  it('a record naming neither is refused: on `service` in general, on `team` for drills', () => {
    expect(check('incidents', { startedAt: T0 })).toEqual([
      { path: 'service', message: 'a service or a team is required' },
    ]);
    expect(check('findings', { foundAt: T0 })).toEqual([
      { path: 'service', message: 'a service or a team is required' },
    ]);
    expect(check('drills', { startedAt: T0 })).toEqual([{ path: 'team', message: 'is required' }]);
  });

  it('only alerts may stay unassigned, and only without a service', () => {
    expect(check('alerts', { team: 'unassigned', startsAt: T0 })).toEqual([]);
    expect(check('incidents', { team: 'unassigned', startedAt: T0 })).toEqual([
      { path: 'team', message: 'unknown team "unassigned"' },
    ]);
    expect(check('alerts', { team: 'unassigned', service: 'checkout-api', startsAt: T0 })).toEqual([
      { path: 'team', message: 'service "checkout-api" belongs to team "checkout", not "unassigned"' },
      { path: 'team', message: 'unknown team "unassigned"' },
    ]);
    expect(check('alerts', { startsAt: T0 })).toEqual([
      { path: 'service', message: 'a service or a team is required' },
    ]);
    expect(check('alerts', { team: 'ghosts', startsAt: T0 })).toEqual([
      { path: 'team', message: 'unknown team "ghosts"' },
    ]);
  });
});

describe('intervals', () => {
  const owned = { service: 'checkout-api' };

  it('incident steps must not come before the start; equal instants are allowed', () => {
    for (const field of ['detectedAt', 'acknowledgedAt', 'recoveredAt', 'resolvedAt']) {
      expect(check('incidents', { ...owned, startedAt: T1, [field]: T0 })).toEqual([
        { path: field, message: 'must not be before startedAt' },
      ]);
      expect(check('incidents', { ...owned, startedAt: T1, [field]: T1 })).toEqual([]);
    }
    expect(
      check('incidents', {
        ...owned,
        startedAt: T0,
        detectedAt: T0,
        acknowledgedAt: T1,
        recoveredAt: T1,
        resolvedAt: T2,
      })
    ).toEqual([]);
  });

  it('an incident is resolved no earlier than recovered, and a field is blamed once', () => {
    expect(check('incidents', { ...owned, startedAt: T0, recoveredAt: T2, resolvedAt: T1 })).toEqual([
      { path: 'resolvedAt', message: 'must not be before recoveredAt' },
    ]);
    expect(check('incidents', { ...owned, startedAt: T1, recoveredAt: T2, resolvedAt: T0 })).toEqual([
      { path: 'resolvedAt', message: 'must not be before startedAt' },
    ]);
    // Both rules broken by one field: one issue, the first rule's.
    expect(check('incidents', { ...owned, startedAt: T2, recoveredAt: T2, resolvedAt: T0 })).toEqual([
      { path: 'resolvedAt', message: 'must not be before startedAt' },
    ]);
  });

  it('an interval with a missing end, or a time that is not one, is not judged', () => {
    expect(check('incidents', { ...owned, startedAt: T1, detectedAt: undefined })).toEqual([]);
    expect(check('incidents', { ...owned, startedAt: 'not a time', detectedAt: T0 })).toEqual([]);
    expect(check('incidents', { ...owned, detectedAt: T0 })).toEqual([]);
  });

  it('alerts, findings and drills have their own intervals', () => {
    expect(check('alerts', { ...owned, startsAt: T1, endsAt: T0 })).toEqual([
      { path: 'endsAt', message: 'must not be before startsAt' },
    ]);
    expect(check('alerts', { ...owned, startsAt: T1, endsAt: T1 })).toEqual([]);
    expect(check('findings', { ...owned, foundAt: T1, closedAt: T0, dueAt: T0 })).toEqual([
      { path: 'closedAt', message: 'must not be before foundAt' },
      { path: 'dueAt', message: 'must not be before foundAt' },
    ]);
    expect(check('findings', { ...owned, foundAt: T1, closedAt: T2, dueAt: T1 })).toEqual([]);
    expect(check('drills', { team: 'checkout', startedAt: T1, detectedAt: T0, recoveredAt: T0 })).toEqual([
      { path: 'detectedAt', message: 'must not be before startedAt' },
      { path: 'recoveredAt', message: 'must not be before startedAt' },
    ]);
    expect(check('drills', { team: 'checkout', startedAt: T1, detectedAt: T1, recoveredAt: T2 })).toEqual([]);
  });
});

describe('changes', () => {
  const change = { service: 'checkout-api', system: 'argo-cd', startedAt: T1 };

  it('finish after start, commit no later than the start, a known change system', () => {
    expect(check('changes', { ...change, finishedAt: T2, committedAt: T0 })).toEqual([]);
    expect(check('changes', { ...change, committedAt: T1 })).toEqual([]);
    expect(check('changes', { ...change, finishedAt: T0 })).toEqual([
      { path: 'finishedAt', message: 'must not be before startedAt' },
    ]);
    expect(check('changes', { ...change, committedAt: T2 })).toEqual([
      { path: 'committedAt', message: 'must not be after startedAt' },
    ]);
    expect(check('changes', { ...change, system: 'jenkins' })).toEqual([
      { path: 'system', message: 'unknown change system "jenkins"' },
    ]);
    expect(check('changes', { ...change, service: 'nope' })).toEqual([
      { path: 'service', message: 'unknown service "nope"' },
    ]);
  });
});

describe('actions', () => {
  it('name an incident that exists, when the caller can tell', () => {
    const known = new Set(['inc-1']);
    const c = ctx({ incidentExists: (id) => known.has(id) });
    expect(check('actions', { incident: 'inc-1' }, c)).toEqual([]);
    expect(check('actions', { incident: 'inc-2' }, c)).toEqual([
      { path: 'incident', message: 'unknown incident "inc-2"' },
    ]);
    expect(check('actions', { incident: 'inc-2' })).toEqual([]);
  });
});

describe('freezes', () => {
  const fixed = { startsAt: T0, endsAt: T1 };
  const schedule = { cron: '0 18 * * 5', durationMinutes: 60, timezone: 'Europe/Berlin' };

  it('a fixed or a recurring window with a known scope raises nothing', () => {
    expect(check('freezes', { scope: {}, ...fixed })).toEqual([]);
    expect(check('freezes', { scope: { businessLine: 'payments' }, schedule })).toEqual([]);
    expect(check('freezes', { scope: { team: 'ledger', service: 'ledger-db' }, ...fixed })).toEqual([]);
  });

  it('names each unknown scope field', () => {
    expect(check('freezes', { scope: { businessLine: 'x', team: 'y', service: 'z' }, ...fixed })).toEqual([
      { path: 'scope.businessLine', message: 'unknown business line "x"' },
      { path: 'scope.team', message: 'unknown team "y"' },
      { path: 'scope.service', message: 'unknown service "z"' },
    ]);
  });

  it('either both fixed bounds or a schedule', () => {
    expect(check('freezes', { scope: {}, ...fixed, schedule })).toEqual([
      { path: 'schedule', message: 'give either startsAt and endsAt or a schedule, not both' },
    ]);
    expect(check('freezes', { scope: {}, endsAt: T1, schedule })).toEqual([
      { path: 'schedule', message: 'give either startsAt and endsAt or a schedule, not both' },
    ]);
    expect(check('freezes', { scope: {} })).toEqual([
      { path: 'startsAt', message: 'give either startsAt and endsAt or a schedule' },
    ]);
    expect(check('freezes', { scope: {}, startsAt: T0 })).toEqual([
      { path: 'endsAt', message: 'is required with startsAt' },
    ]);
    expect(check('freezes', { scope: {}, endsAt: T0 })).toEqual([
      { path: 'startsAt', message: 'is required with endsAt' },
    ]);
  });

  it('a fixed window ends after it starts (an empty one is refused)', () => {
    expect(check('freezes', { scope: {}, startsAt: T1, endsAt: T1 })).toEqual([
      { path: 'endsAt', message: 'must be after startsAt' },
    ]);
    expect(check('freezes', { scope: {}, startsAt: T1, endsAt: T0 })).toEqual([
      { path: 'endsAt', message: 'must be after startsAt' },
    ]);
  });

  it('a schedule has an IANA timezone and a cron expression croner reads', () => {
    expect(check('freezes', { scope: {}, schedule: { ...schedule, timezone: 'Mars/Olympus' } })).toEqual([
      { path: 'schedule.timezone', message: 'unknown IANA timezone "Mars/Olympus"' },
    ]);
    const issues = check('freezes', { scope: {}, schedule: { ...schedule, cron: '0 25 * * *' } });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('schedule.cron');
    expect(issues[0]!.message).toMatch(/^not a valid cron expression: \S/);
  });
});
