/**
 * Rules a record must follow beyond its schema: it names a known service or team (not one a reorg
 * retired, unless the record already had it), the records it cites exist, its intervals do not end
 * before they start and its process steps come in the process's order. Pure: the caller passes the
 * org and what it knows.
 */
import { UNASSIGNED_TEAM, type Issue, type OrgIndex } from './org.js';
import { INCIDENT_STEPS, type Collection, type IncidentStepInput, type RecordInput } from './records.js';
import { cronProblem } from './freezes.js';
import { isTimezone, parseIsoTimestamp } from './time.js';

const ms = (iso: string | undefined) => (iso === undefined ? undefined : (parseIsoTimestamp(iso) ?? undefined));

function notBefore(issues: Issue[], record: Record<string, unknown>, end: string, start: string) {
  const e = ms(record[end] as string | undefined);
  const s = ms(record[start] as string | undefined);
  if (e !== undefined && s !== undefined && e < s && !issues.some((i) => i.path === end))
    issues.push({ path: end, message: `must not be before ${start}` });
}

function checkOwnership(
  issues: Issue[],
  record: { service?: string; team?: string },
  ctx: CheckContext,
  teamRequired = false
) {
  const { org, stored } = ctx;
  if (record.service !== undefined) {
    const service = org.services.get(record.service);
    if (!service) issues.push({ path: 'service', message: `unknown service "${record.service}"` });
    else if (record.team !== undefined && record.team !== service.team) {
      issues.push({
        path: 'team',
        message: `service "${record.service}" belongs to team "${service.team}", not "${record.team}"`,
      });
    } else {
      // A reorg keeps the past: a record that had this service keeps it (an alert resolving).
      const gone = org.serviceRetirement(record.service);
      if (gone && stored?.service !== record.service)
        issues.push({ path: 'service', message: `service "${record.service}" is ${gone}` });
    }
  }
  if (record.team !== undefined && !org.teams.has(record.team)) {
    issues.push({ path: 'team', message: `unknown team "${record.team}"` });
  } else if (record.team !== undefined && record.service === undefined) {
    const gone = org.teamRetirement(record.team);
    const kept = stored !== undefined && (stored.service ?? null) === null && stored.team === record.team;
    if (gone && !kept) issues.push({ path: 'team', message: `team "${record.team}" is ${gone}` });
  }
  if (record.service === undefined && record.team === undefined) {
    issues.push({
      path: teamRequired ? 'team' : 'service',
      message: teamRequired ? 'is required' : 'a service or a team is required',
    });
  }
}

export interface CheckContext {
  org: OrgIndex;
  /** Whether an incident with this id exists (for improvement actions). */
  incidentExists?: (id: string) => boolean;
  /** Whether a change with this id exists (an incident's causedByChange). */
  changeExists?: (id: string) => boolean;
  /**
   * What the stored record of this id says, absent for a new record: an owner or a cited change
   * it already had stays valid after a reorg or a deletion (updates never fail for them).
   */
  stored?: {
    service?: string | null;
    team?: string | null;
    causedByChange?: string | null;
    /** An incident's stored steps: disorder already stored (before the order rule) is not re-judged. */
    steps?: readonly IncidentStepInput[];
  };
}

/**
 * Incident steps follow the process (INCIDENT_STEPS): each stage is reached (its first step, the
 * time the stage KPIs read) no earlier than every earlier stage. A stage given again later (a
 * further notification) is no problem. A step with `outOfOrder` (a reason) is left out of the
 * order, so a real timeline that ran otherwise is kept, with its reason shown. Returns the index
 * of each offending step with its message; the step blamed is the one reached too early.
 */
export function stepOrderIssues(steps: readonly IncidentStepInput[]): StepOrderIssue[] {
  const firsts = new Map<string, number>();
  steps.forEach((s, index) => {
    const at = ms(s.at);
    if (s.outOfOrder !== undefined || at === undefined) return;
    const first = firsts.get(s.step);
    if (first === undefined || at < ms(steps[first]!.at)!) firsts.set(s.step, index);
  });
  const issues: StepOrderIssue[] = [];
  let latest: number | undefined;
  for (const step of INCIDENT_STEPS) {
    const index = firsts.get(step);
    if (index === undefined) continue;
    if (latest !== undefined && ms(steps[index]!.at)! < ms(steps[latest]!.at)!) {
      const [early, late] = [steps[index]!, steps[latest]!];
      issues.push({
        index,
        after: latest,
        message: `${early.step} at ${early.at} is before ${late.step} (steps[${latest}], at ${late.at}), which comes earlier in the process; give outOfOrder with a reason to record it anyway`,
      });
    } else latest = index;
  }
  return issues;
}

export interface StepOrderIssue {
  /** The step reached too early. */
  index: number;
  /** The step of an earlier stage it comes before. */
  after: number;
  message: string;
}

/**
 * Whether one more step (POST /incidents/{id}/steps) breaks the order of the stored ones: the
 * message, or null. Disorder already stored (before this rule, or marked) is not the new step's.
 */
export function appendedStepIssue(stored: readonly IncidentStepInput[], step: IncidentStepInput): string | null {
  const all = [...stored, step];
  const added = newStepOrderIssues(all, stored)[0];
  if (!added) return null;
  const [early, late] = [all[added.index]!, all[added.after]!];
  return `${early.step} at ${early.at} would come before ${late.step} at ${late.at}, which comes earlier in the process; give outOfOrder with a reason to record it anyway`;
}

/** The order issues of `steps` but for the pairs of steps already stored in that disorder. */
export function newStepOrderIssues(
  steps: readonly IncidentStepInput[],
  stored: readonly IncidentStepInput[] = []
): StepOrderIssue[] {
  const pair = (list: readonly IncidentStepInput[]) => (i: StepOrderIssue) =>
    [list[i.index]!, list[i.after]!].map((s) => `${s.step}|${ms(s.at)}`).join('|');
  const known = new Set(stepOrderIssues(stored).map(pair(stored)));
  return stepOrderIssues(steps).filter((i) => !known.has(pair(steps)(i)));
}

/** Returns every issue of one record; an empty list means the record may be written. */
export function checkRecord<C extends Collection>(collection: C, input: RecordInput<C>, ctx: CheckContext): Issue[] {
  const issues: Issue[] = [];
  const record = input as Record<string, unknown>;
  switch (collection) {
    case 'incidents': {
      checkOwnership(issues, record, ctx);
      const cited = record.causedByChange as string | undefined;
      if (cited !== undefined && cited !== ctx.stored?.causedByChange && ctx.changeExists && !ctx.changeExists(cited))
        issues.push({ path: 'causedByChange', message: `unknown change "${cited}"` });
      const steps = record.steps as IncidentStepInput[] | undefined;
      if (steps)
        for (const { index, message } of newStepOrderIssues(steps, ctx.stored?.steps))
          issues.push({ path: `steps[${index}].at`, message });
      // Process order: a KPI is an interval between two of these (MTTD = detected − started).
      notBefore(issues, record, 'detectedAt', 'startedAt');
      notBefore(issues, record, 'acknowledgedAt', 'startedAt');
      notBefore(issues, record, 'recoveredAt', 'startedAt');
      notBefore(issues, record, 'resolvedAt', 'startedAt');
      notBefore(issues, record, 'resolvedAt', 'recoveredAt');
      break;
    }
    case 'alerts':
      // Only alerts may stay unowned (UNASSIGNED_TEAM): the alert exists whether or not we know its owner.
      if (record.team !== UNASSIGNED_TEAM || record.service !== undefined) checkOwnership(issues, record, ctx);
      notBefore(issues, record, 'endsAt', 'startsAt');
      break;
    case 'findings':
      checkOwnership(issues, record, ctx);
      notBefore(issues, record, 'closedAt', 'foundAt');
      notBefore(issues, record, 'dueAt', 'foundAt');
      break;
    case 'changes': {
      checkOwnership(issues, record, ctx);
      notBefore(issues, record, 'finishedAt', 'startedAt');
      // The deployed commit exists before its deploy starts (DORA lead time counts from it).
      const committed = ms(record.committedAt as string | undefined);
      if (committed !== undefined && committed > ms(record.startedAt as string)!) {
        issues.push({ path: 'committedAt', message: 'must not be after startedAt' });
      }
      const system = record.system as string;
      if (!ctx.org.changeSystems.has(system))
        issues.push({ path: 'system', message: `unknown change system "${system}"` });
      break;
    }
    case 'drills':
      checkOwnership(issues, record, ctx, true);
      notBefore(issues, record, 'detectedAt', 'startedAt');
      notBefore(issues, record, 'recoveredAt', 'startedAt');
      break;
    case 'actions': {
      const incident = record.incident as string;
      if (ctx.incidentExists && !ctx.incidentExists(incident)) {
        issues.push({ path: 'incident', message: `unknown incident "${incident}"` });
      }
      break;
    }
    case 'freezes':
      checkFreeze(issues, input as RecordInput<'freezes'>, ctx.org, ctx.stored === undefined);
      break;
  }
  return issues;
}

function checkFreeze(issues: Issue[], freeze: RecordInput<'freezes'>, org: OrgIndex, isNew: boolean) {
  const { businessLine, team, service } = freeze.scope;
  if (businessLine !== undefined && !org.businessLines.has(businessLine)) {
    issues.push({ path: 'scope.businessLine', message: `unknown business line "${businessLine}"` });
  }
  if (team !== undefined && !org.teams.has(team))
    issues.push({ path: 'scope.team', message: `unknown team "${team}"` });
  else if (team !== undefined && isNew && org.teamRetirement(team))
    issues.push({ path: 'scope.team', message: `team "${team}" is ${org.teamRetirement(team)}` });
  if (service !== undefined && !org.services.has(service)) {
    issues.push({ path: 'scope.service', message: `unknown service "${service}"` });
  } else if (service !== undefined && isNew && org.serviceRetirement(service)) {
    issues.push({ path: 'scope.service', message: `service "${service}" is ${org.serviceRetirement(service)}` });
  }
  const fixed = freeze.startsAt !== undefined || freeze.endsAt !== undefined;
  if (fixed && freeze.schedule) {
    issues.push({ path: 'schedule', message: 'give either startsAt and endsAt or a schedule, not both' });
  } else if (!fixed && !freeze.schedule) {
    issues.push({ path: 'startsAt', message: 'give either startsAt and endsAt or a schedule' });
  } else if (fixed) {
    if (freeze.startsAt === undefined) issues.push({ path: 'startsAt', message: 'is required with endsAt' });
    if (freeze.endsAt === undefined) issues.push({ path: 'endsAt', message: 'is required with startsAt' });
    const s = ms(freeze.startsAt);
    const e = ms(freeze.endsAt);
    if (s !== undefined && e !== undefined && e <= s)
      issues.push({ path: 'endsAt', message: 'must be after startsAt' });
  } else if (freeze.schedule) {
    const { cron, timezone } = freeze.schedule;
    if (!isTimezone(timezone))
      issues.push({ path: 'schedule.timezone', message: `unknown IANA timezone "${timezone}"` });
    else {
      const problem = cronProblem(cron, timezone);
      if (problem) issues.push({ path: 'schedule.cron', message: `not a valid cron expression: ${problem}` });
    }
  }
}
