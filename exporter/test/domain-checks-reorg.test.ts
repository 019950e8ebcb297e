/**
 * The record rules after a reorg (src/domain/checks.ts): a new record may not name a retired or
 * merged service or team, a stored record keeps the one it had, a new freeze may not be scoped to
 * one; and the edges of freeze windows the changes are judged on (src/domain/freezes.ts): an
 * occurrence longer than the DST look-back, a change at the very start of an occurrence. Pure.
 *
 * Equivalent mutants left in freezes.ts, all about how much work is done, never its result:
 * violatedFreezes' early return for no change or no window (the general path gives the same empty
 * lists); openTest's choice between the shared expansion and openOccurrence (`!window.schedule`,
 * the budget `2 * n + 50`, `occurrences.length <= budget`, the span's `-Infinity`): both judge the
 * same way; `paused: true` on a croner job without a callback (nothing runs either way); and in
 * openOccurrence the first look (`at - duration`, `start <= at`) whose misses the DST fallback
 * look from earlier finds again.
 */
import { describe, expect, it } from 'vitest';
import { checkRecord } from '../src/domain/checks.js';
import { occurrencesBetween, violatedFreezes, type FreezeWindowSpec } from '../src/domain/freezes.js';
import { OrgIndex, type Org } from '../src/domain/org.js';
import { smallOrg } from './helpers/org.js';

/** ledger-db merged into checkout-api, team catalog retired (with its service). */
function reorganized(): OrgIndex {
  const base = smallOrg();
  return new OrgIndex({
    ...base,
    teams: [base.teams[0]!, base.teams[1]!, { ...base.teams[2]!, retired: true }],
    services: [
      base.services[0]!,
      { ...base.services[1]!, mergedInto: 'checkout-api' },
      { ...base.services[2]!, retired: true },
    ],
  } as Org);
}
const check = (collection: Parameters<typeof checkRecord>[0], record: object, stored?: object) =>
  checkRecord(collection, record as never, { org: reorganized(), ...(stored ? { stored } : {}) });
const T0 = '2026-03-01T10:00:00Z';

describe('records naming a reorganized owner', () => {
  it('refuses a retired or merged service on a new record, keeps it on one that had it', () => {
    expect(check('findings', { service: 'ledger-db', foundAt: T0 })).toEqual([
      { path: 'service', message: 'service "ledger-db" is merged into "checkout-api"' },
    ]);
    expect(check('findings', { service: 'ledger-db', foundAt: T0 }, { service: 'ledger-db' })).toEqual([]);
    expect(check('findings', { service: 'ledger-db', foundAt: T0 }, { service: 'checkout-api' })).toEqual([
      { path: 'service', message: 'service "ledger-db" is merged into "checkout-api"' },
    ]);
    expect(check('findings', { service: 'checkout-api', foundAt: T0 })).toEqual([]);
  });

  it('refuses a retired team on a new record, keeps it on one that had that team and no service', () => {
    const issue = [{ path: 'team', message: 'team "catalog" is retired' }];
    expect(check('findings', { team: 'catalog', foundAt: T0 })).toEqual(issue);
    expect(check('findings', { team: 'catalog', foundAt: T0 }, { team: 'catalog', service: null })).toEqual([]);
    expect(check('findings', { team: 'catalog', foundAt: T0 }, { team: 'catalog' })).toEqual([]);
    expect(check('findings', { team: 'catalog', foundAt: T0 }, { team: 'catalog', service: 'catalog-web' })).toEqual(
      issue
    );
    expect(check('findings', { team: 'catalog', foundAt: T0 }, { team: 'ledger', service: null })).toEqual(issue);
    expect(check('findings', { team: 'ledger', foundAt: T0 })).toEqual([]);
  });

  it('refuses a new freeze scoped to a retired team or service, not an existing one', () => {
    const freeze = { scope: { team: 'catalog', service: 'catalog-web' }, startsAt: T0, endsAt: '2026-03-01T11:00:00Z' };
    expect(check('freezes', freeze)).toEqual([
      { path: 'scope.team', message: 'team "catalog" is retired' },
      { path: 'scope.service', message: 'service "catalog-web" is retired' },
    ]);
    expect(check('freezes', freeze, { team: null })).toEqual([]);
  });
});

const at = (iso: string) => Date.parse(iso);

describe('freeze edges', () => {
  it('finds an occurrence that began more than the DST look-back before the range', () => {
    // 09:00 UTC for ten hours: the one of 03-02 is still open at 12:00.
    const long: FreezeWindowSpec = {
      id: 'long',
      name: 'Long',
      reason: 'r',
      scope: {},
      schedule: { cron: '0 9 * * *', durationMinutes: 600, timezone: 'UTC' },
    };
    expect(
      occurrencesBetween(long, at('2026-03-02T12:00:00Z'), at('2026-03-03T00:00:00Z')).map((o) => [
        o.startsAt,
        o.endsAt,
      ])
    ).toEqual([[at('2026-03-02T09:00:00Z'), at('2026-03-02T19:00:00Z')]]);
  });

  it('counts the latest change starting exactly when an occurrence starts', () => {
    const daily: FreezeWindowSpec = {
      id: 'daily',
      name: 'Daily',
      reason: 'r',
      scope: {},
      schedule: { cron: '0 9 * * *', durationMinutes: 60, timezone: 'UTC' },
    };
    const changes = [{ startedAt: at('2026-03-01T12:00:00Z') }, { startedAt: at('2026-03-02T09:00:00Z') }];
    expect(violatedFreezes([daily], changes)).toEqual([[], ['daily']]);
  });
});
