/**
 * Demo incidents: a few high-priority ones a week and a couple of low-priority ones a day, whose
 * detection and recovery get faster over the year. Each carries its process steps; a quarter are
 * caused by a real change, monitoring-detected ones come with the alerts that fired, and a few
 * have the data gaps real incident records have (no acknowledgement, a missing step or URL).
 */
import type { INCIDENT_CAUSES } from '../domain/records.js';
import { DAY_MS, toIso, toMs } from '../domain/time.js';
import { days, HOUR, known, MINUTE, momentsOfDay, pad, trend, type DemoContext, type DemoRecord } from './context.js';
import { ALERT_NAMES, type AlertRecord } from './alerts.js';
import type { ChangeRecord } from './changes.js';
import { People } from './org.js';
import { weighted, type Random } from './random.js';

export type IncidentRecord = DemoRecord<'incidents'>;
type Step = NonNullable<IncidentRecord['steps']>[number];
type Cause = (typeof INCIDENT_CAUSES)[number];

const HIGH_PER_DAY = 3 / 7;
const LOW_PER_DAY = 2;
/** How far back a change may be to be blamed for an incident. */
const CHANGE_LOOKBACK_MS = 3 * HOUR;

const CAUSES: Record<Cause, number> = {
  change: 25,
  functional_defect: 23,
  capacity: 12,
  third_party: 12,
  design_defect: 8,
  process: 8,
  unknown: 12,
};
const SYMPTOMS: Record<Cause, string[]> = {
  change: ['Errors after release', 'Elevated 5xx after rollout', 'Broken requests after config change'],
  functional_defect: ['Wrong totals returned', 'Requests failing validation', 'Null pointer errors'],
  capacity: ['Latency spike', 'Connection pool exhausted', 'Queue backlog growing'],
  third_party: ['Upstream provider timeouts', 'Card network errors', 'DNS resolution failures'],
  design_defect: ['Retry storm', 'Cache stampede', 'Deadlocks under load'],
  process: ['Expired certificate', 'Manual step skipped', 'Credentials rotated without rollout'],
  unknown: ['Intermittent errors', 'Partial outage', 'Degraded performance'],
};

export interface IncidentHistory {
  incidents: IncidentRecord[];
  /** The alerts that fired for monitoring-detected incidents, linked to them. */
  alerts: AlertRecord[];
}

/**
 * `changes` must be sorted by start; the change blamed for an incident gets a failed or
 * rolled-back result, as it would have.
 */
export function demoIncidents(ctx: DemoContext, rng: Random, changes: ChangeRecord[]): IncidentHistory {
  const people = new People(rng);
  const changeStarts = changes.map((c) => toMs(c.startedAt));
  const perYear = new Map<number, number>();
  const incidents: IncidentRecord[] = [];
  const alerts: AlertRecord[] = [];
  for (const day of days(ctx)) {
    const planned = [
      ...momentsOfDay(ctx, rng, day.start, rng.count(HIGH_PER_DAY), 0.6).map((at) => ({ at, high: true })),
      ...momentsOfDay(ctx, rng, day.start, rng.count(LOW_PER_DAY), 0.6).map((at) => ({ at, high: false })),
    ].sort((a, b) => a.at - b.at);
    for (const { at, high } of planned) {
      const year = new Date(at).getUTCFullYear();
      const seq = (perYear.get(year) ?? 0) + 1;
      perYear.set(year, seq);
      const id = `inc-${year}-${pad(seq, 4)}`;
      const cause = weighted(rng, CAUSES);
      const blamed = cause === 'change' ? changeBefore(rng, changes, changeStarts, at) : undefined;
      if (blamed?.result) blamed.result = high ? 'rolled_back' : 'failed';
      const service = blamed?.service ?? rng.pick(ctx.org.services).id;
      const incident = timeline(ctx, rng, people, { id, at, high, cause, service });
      if (blamed) incident.causedByChange = blamed.id;
      incidents.push(incident);
      if (incident.detectionSource === 'monitoring') alerts.push(...firedAlerts(rng, incident, high));
    }
  }
  return { incidents, alerts };
}

/** A change started shortly before `at` (binary search over the sorted starts). */
function changeBefore(rng: Random, changes: ChangeRecord[], starts: number[], at: number): ChangeRecord | undefined {
  const end = lowerBound(starts, at);
  const begin = lowerBound(starts, at - CHANGE_LOOKBACK_MS);
  return end > begin ? changes[rng.int(begin, end - 1)] : undefined;
}

function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Planned {
  id: string;
  at: number;
  high: boolean;
  cause: Cause;
  service: string;
}

function timeline(ctx: DemoContext, rng: Random, people: People, p: Planned): IncidentRecord {
  const { at, high } = p;
  const detectedAt = at + Math.round(rng.logNormal(trend(ctx, at, 8, 4) * MINUTE, 0.7));
  const acknowledgedAt = detectedAt + Math.round(rng.logNormal(3 * MINUTE, 0.5));
  const median = (high ? trend(ctx, at, 50, 21) : trend(ctx, at, 180, 90)) * MINUTE;
  const recoveredAt = Math.max(acknowledgedAt + 5 * MINUTE, at + Math.round(rng.logNormal(median, 0.6)));
  const resolvedAt = recoveredAt + Math.round(rng.between(1, 36) * HOUR);
  const postmortemAt = high ? resolvedAt + Math.round(rng.between(1, 5) * DAY_MS) : undefined;
  const priority = high ? (rng.chance(0.15) ? 'P0' : 'P1') : rng.chance(0.4) ? 'P2' : 'P3';
  const owner = ownersOf(ctx, people, p.service);
  const step = (name: Step['step'], ms: number, who: string, note?: string): Step => ({
    step: name,
    at: toIso(ms),
    owner: who,
    ...(note ? { note } : {}),
  });
  const during = (share: number) => between(acknowledgedAt, recoveredAt, share);
  const steps: Step[] = [
    step('response', acknowledgedAt, owner.onCall),
    step('judgment', during(0.1), owner.commander),
    step('resolution', recoveredAt, owner.service, 'Service recovered; error rate back to baseline.'),
    step('verification', recoveredAt + Math.round(rng.between(10, 30) * MINUTE), owner.onCall),
  ];
  if (high) {
    steps.push(step('notification', during(0.2), owner.commander));
    if (priority === 'P0' || rng.chance(0.6)) steps.push(step('war_room', during(0.3), owner.commander));
    if (rng.chance(priority === 'P0' ? 0.8 : 0.25)) steps.push(step('escalation', during(0.4), owner.businessLine));
    steps.push(step('postmortem', postmortemAt!, owner.manager, `Postmortem review for ${p.id}`));
  }
  const incident: IncidentRecord = {
    id: p.id,
    title: `${rng.pick(SYMPTOMS[p.cause])} on ${p.service}`,
    priority,
    service: p.service,
    startedAt: toIso(at),
    detectedAt: toIso(detectedAt),
    acknowledgedAt: toIso(acknowledgedAt),
    ...(known(ctx, recoveredAt) ? { recoveredAt: toIso(recoveredAt) } : {}),
    ...(known(ctx, resolvedAt) ? { resolvedAt: toIso(resolvedAt) } : {}),
    detectionSource: weighted(rng, {
      monitoring: trend(ctx, at, 72, 88),
      user: trend(ctx, at, 14, 5),
      inspection: 8,
      other: trend(ctx, at, 6, 2),
    }),
    cause: p.cause,
    ...(postmortemAt !== undefined && known(ctx, postmortemAt)
      ? { postmortemUrl: `https://wiki.example.com/postmortems/${p.id}` }
      : {}),
    steps: steps.filter((s) => known(ctx, toMs(s.at))).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
  };
  if (rng.chance(trend(ctx, at, 0.08, 0.02))) leaveGap(rng, incident);
  return incident;
}

/** Real records are not always complete: drop one piece the data-quality KPI looks for. */
function leaveGap(rng: Random, incident: IncidentRecord) {
  const gap = rng.pick(['acknowledgement', 'step', 'postmortemUrl'] as const);
  if (gap === 'acknowledgement') {
    delete incident.acknowledgedAt;
    incident.steps = incident.steps!.filter((s) => s.step !== 'response');
  } else if (gap === 'step') {
    incident.steps = incident.steps!.filter((s) => s.step !== 'judgment');
  } else {
    delete incident.postmortemUrl;
  }
}

function between(start: number, end: number, share: number): number {
  return Math.round(start + (end - start) * share);
}

function ownersOf(ctx: DemoContext, people: People, serviceId: string) {
  const service = ctx.index.services.get(serviceId)!;
  const team = ctx.index.teams.get(service.team)!;
  return {
    onCall: people.person(),
    commander: people.person(),
    service: service.owner,
    manager: team.manager,
    businessLine: ctx.index.businessLines.get(team.businessLine)!.owner,
  };
}

function firedAlerts(rng: Random, incident: IncidentRecord, high: boolean): AlertRecord[] {
  const started = toMs(incident.startedAt);
  const detected = toMs(incident.detectedAt);
  return Array.from({ length: rng.int(1, 3) }, (_, k) => ({
    id: `alt-${incident.id}-${k + 1}`,
    name: rng.pick(ALERT_NAMES),
    severity: high ? 'critical' : 'warning',
    service: incident.service!,
    startsAt: toIso(Math.max(started, detected - Math.round(rng.between(0, 2) * MINUTE))),
    ...(incident.recoveredAt ? { endsAt: incident.recoveredAt } : {}),
    verdict: 'actionable' as const,
    incident: incident.id,
  }));
}
