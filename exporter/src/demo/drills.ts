/**
 * Demo drills: two a week for a rotation of teams, scores rising over the year. Half of them are
 * also recorded as drill incidents, as teams that run game days through their incident tool do.
 */
import { toIso } from '../domain/time.js';
import { days, HOUR, MINUTE, pad, servicesByTeam, trend, type DemoContext, type DemoRecord } from './context.js';
import type { IncidentRecord } from './incidents.js';
import type { Random } from './random.js';

export type DrillRecord = DemoRecord<'drills'>;

const SCENARIOS = [
  'Primary database failover',
  'Availability zone outage',
  'Kafka broker loss',
  'Dependency latency injection',
  'Certificate expiry',
  'Cache cluster flush',
  'Bad deploy rollback',
  'DNS resolution failure',
];
/** Drill days (UTC weekday) and start hours. */
const SLOTS: [number, number][] = [
  [3, 10],
  [4, 14],
];

export function demoDrills(ctx: DemoContext, rng: Random): { drills: DrillRecord[]; incidents: IncidentRecord[] } {
  const rotation = rng.shuffle(ctx.org.teams);
  const services = servicesByTeam(ctx.org);
  const drills: DrillRecord[] = [];
  const incidents: IncidentRecord[] = [];
  for (const day of days(ctx)) {
    for (const [weekday, hour] of SLOTS) {
      const startedAt = day.start + hour * HOUR;
      if (day.weekday !== weekday || startedAt < ctx.from || startedAt >= ctx.now) continue;
      const team = rotation[drills.length % rotation.length]!;
      const service = rng.pick(services.get(team.id)!);
      const detectedAt = startedAt + Math.round(rng.between(1, 10) * MINUTE);
      const recoveredAt = detectedAt + Math.round(rng.between(8, 45) * MINUTE);
      const scenario = rng.pick(SCENARIOS);
      const id = `drl-${pad(drills.length + 1, 4)}`;
      drills.push({
        id,
        scenario,
        team: team.id,
        service: service.id,
        startedAt: toIso(startedAt),
        detectedAt: toIso(detectedAt),
        recoveredAt: toIso(recoveredAt),
        score: Math.round(Math.min(100, Math.max(20, trend(ctx, startedAt, 66, 88) + 8 * rng.normal()))),
      });
      if (rng.chance(0.5)) {
        incidents.push({
          id: `inc-${id}`,
          title: `Drill: ${scenario} on ${service.id}`,
          priority: 'P2',
          service: service.id,
          startedAt: toIso(startedAt),
          detectedAt: toIso(detectedAt),
          acknowledgedAt: toIso(detectedAt + 2 * MINUTE),
          recoveredAt: toIso(recoveredAt),
          resolvedAt: toIso(recoveredAt),
          detectionSource: 'drill',
          cause: 'unknown',
          drill: true,
        });
      }
    }
  }
  return { drills, incidents };
}
