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
import { redLinesSchema } from './red-lines-config.js';

const name = z.string().trim().min(1, 'must not be empty').max(200);

/**
 * Reserved team for alerts whose labels name no known service or team: they are kept (never
 * dropped) and counted at org level only, as the team has no business line. Only alerts may use it.
 */
export const UNASSIGNED_TEAM = 'unassigned';

export const businessLineSchema = z.object({ id: recordId, name, owner: name }).strict();
/**
 * A reorg keeps a team or service for history instead of removing it: `retired: true` (gone) or
 * `mergedInto` (its work continues under another id). Past records keep it as their owner; new
 * records may not name it (checks.ts); ingestion sends a merged one's new records to its successor.
 */
const reorg = {
  retired: z.literal(true).optional().describe('Kept for history; new records may not name it.'),
  mergedInto: recordId
    .optional()
    .describe('Kept for history; new records go to this id of the same kind (ingestion follows it).'),
};
export const teamSchema = z.object({ id: recordId, name, businessLine: recordId, manager: name, ...reorg }).strict();
export const serviceSchema = z.object({ id: recordId, name, team: recordId, owner: name, ...reorg }).strict();
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

/** How "controlled" is judged (docs/metrics.md, "Controlled changes"); absent: the defaults. */
export const changeControlSchema = z
  .object({
    gateCheckMaxAgeMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(60)
      .describe('A cited gate check counts only when asked at most this long before the change started.'),
    grafanaEditorsGrantExemptions: z
      .boolean()
      .default(false)
      .describe('Whether Grafana Editors (not only Admins) may grant freeze exemptions through the app.'),
  })
  .strict();
export type ChangeControl = z.infer<typeof changeControlSchema>;

/** The org's change-control settings, defaults filled in. */
export function changeControlOf(org: { changeControl?: Partial<ChangeControl> }): ChangeControl {
  return changeControlSchema.parse(org.changeControl ?? {});
}

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
    /** Red lines (domain/red-lines-config.ts): the built-in rules switched on, with their grace. */
    redLines: redLinesSchema.optional(),
    /** Evidence rules of "controlled" and who grants freeze exemptions (service/change-control.ts). */
    changeControl: changeControlSchema.optional(),
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
  issues.push(...checkReorg(org));
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

type Reorganized = { id: string; retired?: true; mergedInto?: string };

/** What a reorg says of a team or service: null while it is active. */
export function retirement(entry: Reorganized | undefined): string | null {
  if (!entry) return null;
  if (entry.mergedInto !== undefined) return `merged into "${entry.mergedInto}"`;
  return entry.retired ? 'retired' : null;
}

/**
 * Reorg rules: a merge names another entry of the same kind, without cycles; an entry is retired
 * or merged, not both; an active service does not belong to a retired or merged team (its new
 * records would be that team's: retire or merge the service too, or move it).
 */
function checkReorg(org: Org): Issue[] {
  const issues: Issue[] = [];
  const kinds = [
    ['teams', 'team', org.teams],
    ['services', 'service', org.services],
  ] as const;
  for (const [key, kind, list] of kinds) {
    const byId = new Map<string, Reorganized>(list.map((e) => [e.id, e]));
    list.forEach((e: Reorganized, i) => {
      if (e.mergedInto === undefined) return;
      const path = `${key}[${i}].mergedInto`;
      if (e.retired) issues.push({ path, message: 'give retired or mergedInto, not both' });
      if (!byId.has(e.mergedInto)) issues.push({ path, message: `unknown ${kind} "${e.mergedInto}"` });
      else if (successorChain(byId, e.id) === null)
        issues.push({ path, message: `merges form a cycle through "${e.mergedInto}"` });
    });
  }
  const teams = new Map(org.teams.map((t) => [t.id, t]));
  org.services.forEach((s, i) => {
    const gone = retirement(teams.get(s.team));
    if (gone && !retirement(s)) {
      issues.push({
        path: `services[${i}].team`,
        message: `team "${s.team}" is ${gone}: retire or merge the service too, or move it to another team`,
      });
    }
  });
  return issues;
}

/** The active entry a merged one's work continues under (itself when active), undefined when it ends retired, null for a cycle. */
function successorChain(byId: ReadonlyMap<string, Reorganized>, id: string): string | undefined | null {
  const seen = new Set<string>();
  let current = byId.get(id);
  while (current) {
    if (seen.has(current.id)) return null;
    seen.add(current.id);
    if (current.mergedInto === undefined) return current.retired ? undefined : current.id;
    current = byId.get(current.mergedInto);
  }
  return undefined;
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

  /** Why new records may not name this service (`retired`, `merged into "x"`), or null. */
  serviceRetirement(id: string): string | null {
    return retirement(this.services.get(id));
  }

  teamRetirement(id: string): string | null {
    return retirement(this.teams.get(id));
  }

  /**
   * Where a tool's new record naming this owner goes after a reorg: the owner itself while active,
   * the end of its merges, or undefined when that ends retired (or the id is unknown).
   */
  successor(kind: 'service' | 'team', id: string): string | undefined {
    const found = successorChain(kind === 'service' ? this.services : this.teams, id);
    return found ?? undefined;
  }

  /**
   * The owner a tool's new record takes when the one it names was reorganized: the successor of a
   * merged service or team; for a retired one, the unassigned team when `unassigned` (alerts) and
   * else nothing (the record is refused, naming it). Undefined when the owner is active.
   */
  reorgOwner(
    ref: { service?: string; team?: string },
    options: { unassigned: boolean }
  ): { service?: string; team?: string } | undefined {
    const gone = options.unassigned ? { service: undefined, team: UNASSIGNED_TEAM } : undefined;
    if (ref.service !== undefined) {
      if (!this.services.has(ref.service) || !this.serviceRetirement(ref.service)) return undefined;
      const next = this.successor('service', ref.service);
      if (next === undefined) return gone;
      return { service: next, team: ref.team === undefined ? undefined : this.services.get(next)!.team };
    }
    if (ref.team === undefined || !this.teams.has(ref.team) || !this.teamRetirement(ref.team)) return undefined;
    const next = this.successor('team', ref.team);
    return next === undefined ? gone : { team: next };
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
