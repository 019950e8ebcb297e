/**
 * Rules a record must follow beyond its schema: it names a known service or team, and its
 * intervals do not end before they start. Pure: the caller passes the org and what it knows.
 */
import { UNASSIGNED_TEAM, type Issue, type OrgIndex } from './org.js';
import type { Collection, RecordInput } from './records.js';
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
  org: OrgIndex,
  teamRequired = false
) {
  if (record.service !== undefined) {
    const service = org.services.get(record.service);
    if (!service) issues.push({ path: 'service', message: `unknown service "${record.service}"` });
    else if (record.team !== undefined && record.team !== service.team) {
      issues.push({
        path: 'team',
        message: `service "${record.service}" belongs to team "${service.team}", not "${record.team}"`,
      });
    }
  }
  if (record.team !== undefined && !org.teams.has(record.team)) {
    issues.push({ path: 'team', message: `unknown team "${record.team}"` });
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
}

/** Returns every issue of one record; an empty list means the record may be written. */
export function checkRecord<C extends Collection>(collection: C, input: RecordInput<C>, ctx: CheckContext): Issue[] {
  const issues: Issue[] = [];
  const record = input as Record<string, unknown>;
  switch (collection) {
    case 'incidents':
      checkOwnership(issues, record, ctx.org);
      // Process order: a KPI is an interval between two of these (MTTD = detected − started).
      notBefore(issues, record, 'detectedAt', 'startedAt');
      notBefore(issues, record, 'acknowledgedAt', 'startedAt');
      notBefore(issues, record, 'recoveredAt', 'startedAt');
      notBefore(issues, record, 'resolvedAt', 'startedAt');
      notBefore(issues, record, 'resolvedAt', 'recoveredAt');
      break;
    case 'alerts':
      // Only alerts may stay unowned (UNASSIGNED_TEAM): the alert exists whether or not we know its owner.
      if (record.team !== UNASSIGNED_TEAM || record.service !== undefined) checkOwnership(issues, record, ctx.org);
      notBefore(issues, record, 'endsAt', 'startsAt');
      break;
    case 'findings':
      checkOwnership(issues, record, ctx.org);
      notBefore(issues, record, 'closedAt', 'foundAt');
      notBefore(issues, record, 'dueAt', 'foundAt');
      break;
    case 'changes': {
      checkOwnership(issues, record, ctx.org);
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
      checkOwnership(issues, record, ctx.org, true);
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
      checkFreeze(issues, input as RecordInput<'freezes'>, ctx.org);
      break;
  }
  return issues;
}

function checkFreeze(issues: Issue[], freeze: RecordInput<'freezes'>, org: OrgIndex) {
  const { businessLine, team, service } = freeze.scope;
  if (businessLine !== undefined && !org.businessLines.has(businessLine)) {
    issues.push({ path: 'scope.businessLine', message: `unknown business line "${businessLine}"` });
  }
  if (team !== undefined && !org.teams.has(team))
    issues.push({ path: 'scope.team', message: `unknown team "${team}"` });
  if (service !== undefined && !org.services.has(service)) {
    issues.push({ path: 'scope.service', message: `unknown service "${service}"` });
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
