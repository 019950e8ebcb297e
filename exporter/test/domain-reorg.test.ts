/**
 * Reorgs in the org (src/domain/org.ts): the checks of retired and merged teams and services, where
 * a merged owner's new records go (successor, reorgOwner), the change-control defaults; and two
 * per-scope helpers that read the org's teams: a scorecard row's red lines (scorecard.ts
 * redLineCount) and the teams recognized for their drills (reviews.ts bestDrillTeams). Pure.
 *
 * Equivalent mutants left in org.ts: the goal key's `?? ''` (161) replaced by any other constant
 * keys the same goals apart, as no record id can equal that constant.
 */
import { describe, expect, it } from 'vitest';
import { changeControlOf, checkOrgReferences, OrgIndex, type Org } from '../src/domain/org.js';
import { redLineCount } from '../src/domain/scorecard.js';
import { bestDrillTeams } from '../src/domain/reviews.js';
import type { ScopeCount } from '../src/domain/red-lines.js';
import { smallOrg } from './helpers/org.js';

const team = (id: string, extra: object = {}) => ({ id, name: id, businessLine: 'payments', manager: 'M', ...extra });
const service = (id: string, teamId: string, extra: object = {}) => ({
  id,
  name: id,
  team: teamId,
  owner: 'O',
  ...extra,
});

describe('reorg checks', () => {
  it('names a merge with a retirement, an unknown successor, a cycle, and a service left on a gone team', () => {
    const base = smallOrg();
    const org: Org = {
      ...base,
      teams: [
        base.teams[0]!,
        base.teams[1]!,
        { ...base.teams[2]!, retired: true },
        team('t-merged', { mergedInto: 'checkout' }),
        team('t-both', { retired: true, mergedInto: 'checkout' }),
        team('t-unknown', { mergedInto: 'nope' }),
        team('t-a', { mergedInto: 't-b' }),
        team('t-b', { mergedInto: 't-a' }),
      ],
      services: [
        ...base.services,
        service('s-merged', 'checkout', { mergedInto: 'ghost' }),
        service('s-on-merged', 't-merged'),
        service('s-retired', 'catalog', { retired: true }),
      ],
    } as Org;
    expect(checkOrgReferences(org)).toEqual([
      { path: 'teams[4].mergedInto', message: 'give retired or mergedInto, not both' },
      { path: 'teams[5].mergedInto', message: 'unknown team "nope"' },
      { path: 'teams[6].mergedInto', message: 'merges form a cycle through "t-b"' },
      { path: 'teams[7].mergedInto', message: 'merges form a cycle through "t-a"' },
      { path: 'services[3].mergedInto', message: 'unknown service "ghost"' },
      {
        path: 'services[2].team',
        message: 'team "catalog" is retired: retire or merge the service too, or move it to another team',
      },
      {
        path: 'services[4].team',
        message:
          'team "t-merged" is merged into "checkout": retire or merge the service too, or move it to another team',
      },
    ]);
    expect(checkOrgReferences(smallOrg())).toEqual([]);
  });
});

/** ledger merged into checkout, old into ledger, catalog retired, c1 ↔ c2 a cycle; services alike. */
function reorganized(): OrgIndex {
  const base = smallOrg();
  return new OrgIndex({
    ...base,
    teams: [
      base.teams[0]!,
      { ...base.teams[1]!, mergedInto: 'checkout' },
      { ...base.teams[2]!, retired: true },
      team('old', { mergedInto: 'ledger' }),
      team('c1', { mergedInto: 'c2' }),
      team('c2', { mergedInto: 'c1' }),
    ],
    services: [
      base.services[0]!,
      { ...base.services[1]!, mergedInto: 'checkout-api' },
      { ...base.services[2]!, retired: true },
    ],
  } as Org);
}

describe('where a reorganized owner goes', () => {
  it('says why an owner is gone', () => {
    const index = reorganized();
    expect(index.serviceRetirement('ledger-db')).toBe('merged into "checkout-api"');
    expect(index.serviceRetirement('catalog-web')).toBe('retired');
    expect(index.serviceRetirement('checkout-api')).toBeNull();
    expect(index.serviceRetirement('nope')).toBeNull();
    expect(index.teamRetirement('catalog')).toBe('retired');
    expect(index.teamRetirement('checkout')).toBeNull();
  });

  it('follows merges to the active owner, to nothing when they end retired, unknown or in a cycle', () => {
    const index = reorganized();
    expect(['checkout', 'ledger', 'old', 'catalog', 'nope', 'c1'].map((id) => index.successor('team', id))).toEqual([
      'checkout',
      'checkout',
      'checkout',
      undefined,
      undefined,
      undefined,
    ]);
    expect(index.successor('service', 'ledger-db')).toBe('checkout-api');
    expect(index.successor('service', 'checkout')).toBeUndefined();
    expect(index.successor('team', 'checkout-api')).toBeUndefined();
  });

  it("gives a tool's new record the successor, the unassigned team for a retired owner when asked, else nothing", () => {
    const index = reorganized();
    const keep = { unassigned: false };
    const unassigned = { unassigned: true };
    expect(index.reorgOwner({ service: 'checkout-api', team: 'checkout' }, keep)).toBeUndefined();
    expect(index.reorgOwner({ service: 'nope' }, unassigned)).toBeUndefined();
    expect(index.reorgOwner({ service: 'ledger-db', team: 'ledger' }, keep)).toEqual({
      service: 'checkout-api',
      team: 'checkout',
    });
    const noTeam = index.reorgOwner({ service: 'ledger-db' }, keep)!;
    expect([noTeam.service, noTeam.team]).toEqual(['checkout-api', undefined]);
    expect(index.reorgOwner({ service: 'catalog-web' }, unassigned)).toEqual({
      service: undefined,
      team: 'unassigned',
    });
    expect(index.reorgOwner({ service: 'catalog-web' }, keep)).toBeUndefined();
    expect(index.reorgOwner({ team: 'old' }, keep)).toEqual({ team: 'checkout' });
    expect(index.reorgOwner({ team: 'catalog' }, unassigned)).toEqual({ service: undefined, team: 'unassigned' });
    expect(index.reorgOwner({ team: 'catalog' }, keep)).toBeUndefined();
    expect(index.reorgOwner({ team: 'checkout' }, unassigned)).toBeUndefined();
    expect(index.reorgOwner({ team: 'nope' }, unassigned)).toBeUndefined();
    expect(index.reorgOwner({}, unassigned)).toBeUndefined();
  });
});

describe('change control', () => {
  it('defaults to a gate check of at most 60 minutes and exemptions by Admins only', () => {
    expect(changeControlOf({})).toEqual({ gateCheckMaxAgeMinutes: 60, grafanaEditorsGrantExemptions: false });
    expect(changeControlOf({ changeControl: { grafanaEditorsGrantExemptions: true } })).toEqual({
      gateCheckMaxAgeMinutes: 60,
      grafanaEditorsGrantExemptions: true,
    });
    for (const ok of [1, 10_080])
      expect(changeControlOf({ changeControl: { gateCheckMaxAgeMinutes: ok } }).gateCheckMaxAgeMinutes).toBe(ok);
    for (const bad of [0, 10_081, 1.5])
      expect(() => changeControlOf({ changeControl: { gateCheckMaxAgeMinutes: bad } }), String(bad)).toThrow();
  });
});

describe('redLineCount', () => {
  it("reads each rule's count of the row's own scope, 0 where the rule has none", () => {
    const scope = (level: ScopeCount['level'], businessLine: string | null, t: string | null, count: number) => ({
      level,
      businessLine,
      team: t,
      count,
    });
    const byRule = {
      action_overdue: [
        scope('org', null, null, 3),
        scope('business_line', 'payments', null, 2),
        scope('business_line', 'commerce', null, 1),
        scope('team', 'payments', 'checkout', 2),
        scope('team', 'payments', 'ledger', 0),
      ],
      finding_overdue: [
        scope('org', null, null, 1),
        scope('business_line', 'commerce', null, 1),
        scope('team', 'commerce', 'catalog', 1),
      ],
    };
    expect(redLineCount(byRule, { level: 'org', id: null })).toEqual({
      total: 4,
      byRule: { action_overdue: 3, finding_overdue: 1 },
    });
    expect(redLineCount(byRule, { level: 'business_line', id: 'commerce' })).toEqual({
      total: 2,
      byRule: { action_overdue: 1, finding_overdue: 1 },
    });
    expect(redLineCount(byRule, { level: 'team', id: 'checkout' })).toEqual({
      total: 2,
      byRule: { action_overdue: 2, finding_overdue: 0 },
    });
    // A team is found by its own id, never by its business line's.
    expect(redLineCount(byRule, { level: 'team', id: 'payments' })).toEqual({
      total: 0,
      byRule: { action_overdue: 0, finding_overdue: 0 },
    });
    expect(redLineCount({}, { level: 'org', id: null })).toEqual({ total: 0, byRule: {} });
  });
});

describe('bestDrillTeams', () => {
  it('ranks known teams that drilled by mean score, then drills, then id, up to the limit', () => {
    const names: Record<string, string> = {
      a: 'A',
      b: 'B',
      checkout: 'Checkout',
      ledger: 'Ledger',
      catalog: 'Catalog',
      zero: 'Zero',
    };
    const rows = [
      { team: 'checkout', drills: 2, scoreSum: 170, bestScore: 90 },
      { team: 'ledger', drills: 3, scoreSum: 255, bestScore: 95 },
      { team: 'catalog', drills: 1, scoreSum: 85, bestScore: 85 },
      { team: null, drills: 5, scoreSum: 500, bestScore: 100 },
      { team: 'gone', drills: 5, scoreSum: 500, bestScore: 100 },
      { team: 'zero', drills: 0, scoreSum: 0, bestScore: 0 },
      { team: 'a', drills: 3, scoreSum: 277, bestScore: 99 },
      { team: 'b', drills: 2, scoreSum: 170, bestScore: 88 },
    ];
    const teamName = (id: string) => names[id];
    expect(bestDrillTeams(rows, teamName)).toEqual([
      { team: 'a', name: 'A', drills: 3, meanScore: 92.3, bestScore: 99 },
      { team: 'ledger', name: 'Ledger', drills: 3, meanScore: 85, bestScore: 95 },
      { team: 'b', name: 'B', drills: 2, meanScore: 85, bestScore: 88 },
      { team: 'checkout', name: 'Checkout', drills: 2, meanScore: 85, bestScore: 90 },
      { team: 'catalog', name: 'Catalog', drills: 1, meanScore: 85, bestScore: 85 },
    ]);
    expect(bestDrillTeams(rows, teamName, 2).map((t) => t.team)).toEqual(['a', 'ledger']);
  });
});
