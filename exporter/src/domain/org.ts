/**
 * The org: three levels of ownership (business line → team → service), the change systems, the
 * yearly goals and the policy that says what "high priority" and "high severity" mean.
 * Loaded from the YAML config (BALLAST_CONFIG) and replaceable over the API.
 */
import { z } from 'zod';
import { recordId } from './records.js';
import { KPI_KEYS } from './kpi-keys.js';
import { isTimezone } from './time.js';
import { checkReportsReferences, reportsSchema } from './reports-config.js';
import { reviewConfigSchema } from './reviews.js';

const name = z.string().trim().min(1, 'must not be empty').max(200);

/**
 * Reserved team for alerts whose labels name no known service or team: they are kept (never
 * dropped) and counted at org level only, as the team has no business line. Only alerts may use it.
 */
export const UNASSIGNED_TEAM = 'unassigned';

export const businessLineSchema = z.object({ id: recordId, name, owner: name }).strict();
export const teamSchema = z.object({ id: recordId, name, businessLine: recordId, manager: name }).strict();
export const serviceSchema = z.object({ id: recordId, name, team: recordId, owner: name }).strict();
export const changeSystemSchema = z.object({ id: recordId, name, integrated: z.boolean() }).strict();
export const goalSchema = z
  .object({
    year: z.number().int().min(2000).max(2100),
    kpi: z.enum(KPI_KEYS),
    target: z.number().finite(),
    businessLine: recordId.optional(),
    team: recordId.optional(),
  })
  .strict();

export const policySchema = z
  .object({
    highPriorities: z.array(name).min(1).default(['P0', 'P1']),
    highSeverities: z.array(name).min(1).default(['critical']),
    timezone: name.default('UTC').describe('IANA timezone of calendar windows such as ytd.'),
    transientAlertMinutes: z
      .number()
      .positive()
      .nullable()
      .default(null)
      .describe('When set, an unreviewed alert that resolved sooner than this counts as noise.'),
  })
  .strict();

export const orgSchema = z
  .object({
    businessLines: z.array(businessLineSchema).default([]),
    teams: z.array(teamSchema).default([]),
    services: z.array(serviceSchema).default([]),
    changeSystems: z.array(changeSystemSchema).default([]),
    goals: z.array(goalSchema).default([]),
    policy: policySchema.default({
      highPriorities: ['P0', 'P1'],
      highSeverities: ['critical'],
      timezone: 'UTC',
      transientAlertMinutes: null,
    }),
    /** Scheduled reports (domain/reports-config.ts); no scheduled report goes out without it. */
    reports: reportsSchema.optional(),
    /** Committee reviews (domain/reviews.ts): what counts as a change worth listing. */
    review: reviewConfigSchema.optional(),
  })
  .strict();

export type BusinessLine = z.infer<typeof businessLineSchema>;
export type Team = z.infer<typeof teamSchema>;
export type Service = z.infer<typeof serviceSchema>;
export type ChangeSystem = z.infer<typeof changeSystemSchema>;
export type Goal = z.infer<typeof goalSchema>;
export type Policy = z.infer<typeof policySchema>;
export type Org = z.infer<typeof orgSchema>;

export interface Issue {
  /** Where the problem is, as a JSON path such as `teams[3].businessLine`. */
  path: string;
  message: string;
}

export function emptyOrg(): Org {
  return orgSchema.parse({});
}

/** Cross-reference checks the schema alone cannot make: duplicates and unknown ids. */
export function checkOrgReferences(org: Org): Issue[] {
  const issues: Issue[] = [];
  const unique = (list: { id: string }[], key: string) => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      if (seen.has(item.id)) issues.push({ path: `${key}[${i}].id`, message: `duplicate id "${item.id}"` });
      seen.add(item.id);
    });
    return seen;
  };
  const lines = unique(org.businessLines, 'businessLines');
  const teams = unique(org.teams, 'teams');
  unique(org.services, 'services');
  unique(org.changeSystems, 'changeSystems');
  org.teams.forEach((t, i) => {
    if (t.id === UNASSIGNED_TEAM)
      issues.push({ path: `teams[${i}].id`, message: `"${UNASSIGNED_TEAM}" is reserved for alerts no team owns` });
    if (!lines.has(t.businessLine)) {
      issues.push({ path: `teams[${i}].businessLine`, message: `unknown business line "${t.businessLine}"` });
    }
  });
  org.services.forEach((s, i) => {
    if (!teams.has(s.team)) issues.push({ path: `services[${i}].team`, message: `unknown team "${s.team}"` });
  });
  const goalKeys = new Set<string>();
  org.goals.forEach((g, i) => {
    if (g.businessLine && !lines.has(g.businessLine)) {
      issues.push({ path: `goals[${i}].businessLine`, message: `unknown business line "${g.businessLine}"` });
    }
    if (g.team && !teams.has(g.team)) issues.push({ path: `goals[${i}].team`, message: `unknown team "${g.team}"` });
    if (g.team && g.businessLine) {
      issues.push({ path: `goals[${i}]`, message: 'a goal names a business line or a team, not both' });
    }
    const key = `${g.year}|${g.kpi}|${g.businessLine ?? ''}|${g.team ?? ''}`;
    if (goalKeys.has(key))
      issues.push({ path: `goals[${i}]`, message: 'duplicate goal for the same year, KPI and scope' });
    goalKeys.add(key);
  });
  if (!isTimezone(org.policy.timezone)) {
    issues.push({ path: 'policy.timezone', message: `unknown IANA timezone "${org.policy.timezone}"` });
  }
  if (org.reports) issues.push(...checkReportsReferences(org.reports, lines));
  return issues;
}

/** Fast lookups over an org, built once per org revision. */
export class OrgIndex {
  readonly businessLines: Map<string, BusinessLine>;
  readonly teams: Map<string, Team>;
  readonly services: Map<string, Service>;
  readonly changeSystems: Map<string, ChangeSystem>;
  private readonly highPriorities: Set<string>;
  private readonly highSeverities: Set<string>;

  constructor(readonly org: Org) {
    this.businessLines = new Map(org.businessLines.map((b) => [b.id, b]));
    this.teams = new Map(org.teams.map((t) => [t.id, t]));
    this.services = new Map(org.services.map((s) => [s.id, s]));
    this.changeSystems = new Map(org.changeSystems.map((c) => [c.id, c]));
    this.highPriorities = new Set(org.policy.highPriorities);
    this.highSeverities = new Set(org.policy.highSeverities);
  }

  isHighPriority(priority: string): boolean {
    return this.highPriorities.has(priority);
  }

  isHighSeverity(severity: string): boolean {
    return this.highSeverities.has(severity);
  }

  /** The team and business line a record belongs to, from its service or its team. */
  ownerOf(ref: { service?: string | null; team?: string | null }): {
    team: string | null;
    businessLine: string | null;
  } {
    const team = ref.service ? (this.services.get(ref.service)?.team ?? null) : (ref.team ?? null);
    return { team, businessLine: team ? (this.teams.get(team)?.businessLine ?? null) : null };
  }
}
