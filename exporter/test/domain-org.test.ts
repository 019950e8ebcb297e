/**
 * The org in the domain (src/domain/org.ts): what the schema accepts and fills in, the
 * cross-reference checks the schema cannot make (each issue with its path and message), and the
 * lookups of OrgIndex. Pure: no store, no server.
 */
import { describe, expect, it } from 'vitest';
import { checkOrgReferences, emptyOrg, OrgIndex, orgSchema, policySchema, type Org } from '../src/domain/org.js';
import { smallOrg } from './helpers/org.js';

const parse = (doc: unknown) => orgSchema.safeParse(doc);
const issuesOf = (doc: unknown) => {
  const r = parse(doc);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('org schema', () => {
  it('an empty document is an empty org with the default policy', () => {
    const expected = {
      businessLines: [],
      teams: [],
      services: [],
      changeSystems: [],
      goals: [],
      policy: {
        highPriorities: ['P0', 'P1'],
        highSeverities: ['critical'],
        timezone: 'UTC',
        transientAlertMinutes: null,
      },
    };
    expect(emptyOrg()).toEqual(expected);
    expect(orgSchema.parse({})).toEqual(expected);
    // A policy given in part is completed with the same defaults.
    expect(policySchema.parse({})).toEqual(expected.policy);
    expect(policySchema.parse({ timezone: 'Europe/Berlin' })).toEqual({
      ...expected.policy,
      timezone: 'Europe/Berlin',
    });
  });

  it('names are trimmed, not empty and at most 200 characters', () => {
    const line = (name: string) => ({ businessLines: [{ id: 'b', name, owner: 'O' }] });
    expect(parse(line('  Payments  ')).data?.businessLines[0]!.name).toBe('Payments');
    expect(issuesOf(line('   '))).toEqual(['businessLines.0.name: must not be empty']);
    expect(parse(line('x'.repeat(200))).success).toBe(true);
    expect(parse(line('x'.repeat(201))).success).toBe(false);
  });

  it('every entity is strict and takes its own fields', () => {
    const org = smallOrg();
    expect(parse(org).success).toBe(true);
    expect(parse({ ...org, extra: 1 }).success).toBe(false);
    expect(parse({ businessLines: [{ id: 'b', name: 'B', owner: 'O', extra: 1 }] }).success).toBe(false);
    expect(parse({ teams: [{ id: 't', name: 'T', businessLine: 'b', manager: 'M', extra: 1 }] }).success).toBe(false);
    expect(parse({ services: [{ id: 's', name: 'S', team: 't', owner: 'O', extra: 1 }] }).success).toBe(false);
    expect(parse({ changeSystems: [{ id: 'c', name: 'C', integrated: true, extra: 1 }] }).success).toBe(false);
    expect(parse({ policy: { ...org.policy, extra: 1 } }).success).toBe(false);
    expect(parse({ teams: [{ id: 't', name: 'T', businessLine: 'b' }] }).success).toBe(false);
    expect(parse({ services: [{ id: 's', name: 'S', team: 't' }] }).success).toBe(false);
    expect(parse({ changeSystems: [{ id: 'c', name: 'C', integrated: 'yes' }] }).success).toBe(false);
  });

  it('goals: a known KPI, an integer year in 2000–2100, a finite target', () => {
    const goal = (g: object) => ({ goals: [{ year: 2026, kpi: 'mttr_seconds', target: 1800, ...g }] });
    expect(parse(goal({})).success).toBe(true);
    expect(parse(goal({ year: 2000 })).success).toBe(true);
    expect(parse(goal({ year: 2100 })).success).toBe(true);
    expect(parse(goal({ year: 1999 })).success).toBe(false);
    expect(parse(goal({ year: 2101 })).success).toBe(false);
    expect(parse(goal({ year: 2026.5 })).success).toBe(false);
    expect(parse(goal({ kpi: 'happiness' })).success).toBe(false);
    expect(parse(goal({ target: Infinity })).success).toBe(false);
    expect(parse(goal({ team: 'checkout' })).success).toBe(true);
    expect(parse(goal({ extra: 1 })).success).toBe(false);
  });

  it('policy: at least one priority and severity, a positive transient threshold or null', () => {
    const policy = (p: object) => policySchema.safeParse({ ...smallOrg().policy, ...p }).success;
    expect(policy({})).toBe(true);
    expect(policy({ highPriorities: [] })).toBe(false);
    expect(policy({ highSeverities: [] })).toBe(false);
    expect(policy({ highPriorities: [''] })).toBe(false);
    expect(policy({ transientAlertMinutes: 5 })).toBe(true);
    expect(policy({ transientAlertMinutes: 0 })).toBe(false);
    expect(policy({ transientAlertMinutes: null })).toBe(true);
    expect(policy({ timezone: '' })).toBe(false);
  });
});

describe('checkOrgReferences', () => {
  const withOrg = (change: (org: Org) => void) => {
    const org = smallOrg();
    change(org);
    return checkOrgReferences(org);
  };

  it('a consistent org has no issues', () => {
    expect(checkOrgReferences(smallOrg())).toEqual([]);
    expect(checkOrgReferences(emptyOrg())).toEqual([]);
  });

  it('names duplicate ids in each list by their position', () => {
    expect(
      withOrg((org) => {
        org.businessLines.push({ ...org.businessLines[0]! });
        org.teams.push({ ...org.teams[1]! });
        org.services.push({ ...org.services[2]! });
        org.changeSystems.push({ ...org.changeSystems[0]! });
      })
    ).toEqual([
      { path: 'businessLines[2].id', message: 'duplicate id "payments"' },
      { path: 'teams[3].id', message: 'duplicate id "ledger"' },
      { path: 'services[3].id', message: 'duplicate id "catalog-web"' },
      { path: 'changeSystems[2].id', message: 'duplicate id "argo-cd"' },
    ]);
  });

  it('teams: not the reserved id, a known business line; services: a known team', () => {
    expect(
      withOrg((org) => {
        org.teams.push({ id: 'unassigned', name: 'U', businessLine: 'payments', manager: 'M' });
        org.teams.push({ id: 'orphans', name: 'O', businessLine: 'gone', manager: 'M' });
        org.services.push({ id: 'lost', name: 'L', team: 'nobody', owner: 'O' });
      })
    ).toEqual([
      { path: 'teams[3].id', message: '"unassigned" is reserved for alerts no team owns' },
      { path: 'teams[4].businessLine', message: 'unknown business line "gone"' },
      { path: 'services[3].team', message: 'unknown team "nobody"' },
    ]);
  });

  it('goals: known scopes, not both levels, one per year, KPI and scope', () => {
    expect(
      withOrg((org) => {
        org.goals = [
          { year: 2026, kpi: 'mttr_seconds', target: 1800 },
          { year: 2026, kpi: 'mttr_seconds', target: 1200, businessLine: 'gone' },
          { year: 2026, kpi: 'mttr_seconds', target: 1200, team: 'nobody' },
          { year: 2026, kpi: 'mttr_seconds', target: 1200, team: 'checkout', businessLine: 'payments' },
          { year: 2026, kpi: 'mttr_seconds', target: 900 },
          // Not duplicates: another year, another KPI, another scope.
          { year: 2027, kpi: 'mttr_seconds', target: 1800 },
          { year: 2026, kpi: 'mttd_seconds', target: 1800 },
          { year: 2026, kpi: 'mttr_seconds', target: 1800, team: 'checkout' },
          { year: 2026, kpi: 'mttr_seconds', target: 1800, businessLine: 'payments' },
          { year: 2026, kpi: 'mttr_seconds', target: 1700, team: 'checkout' },
        ];
      })
    ).toEqual([
      { path: 'goals[1].businessLine', message: 'unknown business line "gone"' },
      { path: 'goals[2].team', message: 'unknown team "nobody"' },
      { path: 'goals[3]', message: 'a goal names a business line or a team, not both' },
      { path: 'goals[4]', message: 'duplicate goal for the same year, KPI and scope' },
      { path: 'goals[9]', message: 'duplicate goal for the same year, KPI and scope' },
    ]);
  });

  it('the policy timezone is an IANA zone', () => {
    expect(withOrg((org) => (org.policy.timezone = 'Europe/Berlin'))).toEqual([]);
    expect(withOrg((org) => (org.policy.timezone = 'Mars/Olympus'))).toEqual([
      { path: 'policy.timezone', message: 'unknown IANA timezone "Mars/Olympus"' },
    ]);
  });
});

describe('OrgIndex', () => {
  const org = smallOrg();
  org.policy.highPriorities = ['SEV1'];
  org.policy.highSeverities = ['page', 'critical'];
  const index = new OrgIndex(org);

  it('looks entities up by id', () => {
    expect(index.org).toBe(org);
    expect(index.businessLines.get('commerce')).toEqual(org.businessLines[1]);
    expect(index.teams.get('ledger')).toEqual(org.teams[1]);
    expect(index.services.get('catalog-web')).toEqual(org.services[2]);
    expect(index.changeSystems.get('manual')).toEqual(org.changeSystems[1]);
    expect([index.businessLines.size, index.teams.size, index.services.size, index.changeSystems.size]).toEqual([
      2, 3, 3, 2,
    ]);
  });

  it('high priority and severity are the policy’s lists', () => {
    expect(index.isHighPriority('SEV1')).toBe(true);
    expect(index.isHighPriority('P0')).toBe(false);
    expect(index.isHighSeverity('page')).toBe(true);
    expect(index.isHighSeverity('critical')).toBe(true);
    expect(index.isHighSeverity('warning')).toBe(false);
  });

  it('the owner of a record comes from its service, else its team', () => {
    expect(index.ownerOf({ service: 'ledger-db' })).toEqual({ team: 'ledger', businessLine: 'payments' });
    // The service decides, whatever team the record names.
    expect(index.ownerOf({ service: 'ledger-db', team: 'catalog' })).toEqual({
      team: 'ledger',
      businessLine: 'payments',
    });
    expect(index.ownerOf({ service: 'gone' })).toEqual({ team: null, businessLine: null });
    expect(index.ownerOf({ team: 'catalog' })).toEqual({ team: 'catalog', businessLine: 'commerce' });
    expect(index.ownerOf({ service: null, team: 'catalog' })).toEqual({ team: 'catalog', businessLine: 'commerce' });
    expect(index.ownerOf({ team: 'unassigned' })).toEqual({ team: 'unassigned', businessLine: null });
    expect(index.ownerOf({})).toEqual({ team: null, businessLine: null });
    expect(index.ownerOf({ team: null })).toEqual({ team: null, businessLine: null });
  });
});
