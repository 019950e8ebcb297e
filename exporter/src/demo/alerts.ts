/**
 * Demo alerts: ~180 critical a day plus warnings and infos, from a few noisy services more than
 * the rest. Most critical alerts get a verdict; the share judged actionable (alert accuracy)
 * climbs from ~75% to ~92% over the year.
 */
import { toIso } from '../domain/time.js';
import {
  days,
  isWeekend,
  known,
  MINUTE,
  momentsOfDay,
  pad,
  trend,
  type DemoContext,
  type DemoRecord,
} from './context.js';
import { WeightedPicker, type Random } from './random.js';

export type AlertRecord = DemoRecord<'alerts'>;

/** Per severity: mean a weekday, mean a weekend day, [reviewed share at start, at end], [actionable at start, at end]. */
const SEVERITIES: {
  severity: string;
  weekday: number;
  weekend: number;
  reviewed: [number, number];
  actionable: [number, number];
}[] = [
  { severity: 'critical', weekday: 188, weekend: 160, reviewed: [0.8, 0.95], actionable: [0.75, 0.92] },
  { severity: 'warning', weekday: 75, weekend: 60, reviewed: [0.2, 0.4], actionable: [0.55, 0.7] },
  { severity: 'info', weekday: 28, weekend: 20, reviewed: [0.05, 0.1], actionable: [0.4, 0.5] },
];

export const ALERT_NAMES = [
  'HighErrorRate',
  'HighLatencyP99',
  'SLOBurnRateFast',
  'SLOBurnRateSlow',
  'PodCrashLooping',
  'PodNotReady',
  'CPUThrottlingHigh',
  'MemoryPressure',
  'DiskSpaceLow',
  'KafkaConsumerLag',
  'DatabaseReplicationLag',
  'DatabaseConnectionsExhausted',
  'CertificateExpiringSoon',
  'Http5xxSpike',
  'QueueBacklogGrowing',
  'UpstreamTimeouts',
];

export function demoAlerts(ctx: DemoContext, rng: Random): AlertRecord[] {
  // Noisy services: alert volume falls off with a service's (random) rank.
  const ranked = rng.shuffle(ctx.org.services);
  const services = new WeightedPicker(
    ranked,
    ranked.map((_, i) => 1 / (i + 1) ** 0.7)
  );
  const alerts: Omit<AlertRecord, 'id'>[] = [];
  for (const day of days(ctx)) {
    for (const s of SEVERITIES) {
      const mean = isWeekend(day.weekday) ? s.weekend : s.weekday;
      for (const at of momentsOfDay(ctx, rng, day.start, rng.count(mean), 0.5)) {
        const endsAt = at + Math.round(rng.logNormal(12 * MINUTE, 1));
        const reviewed = rng.chance(trend(ctx, at, ...s.reviewed));
        alerts.push({
          name: rng.pick(ALERT_NAMES),
          severity: s.severity,
          service: services.pick(rng).id,
          startsAt: toIso(at),
          ...(known(ctx, endsAt) ? { endsAt: toIso(endsAt) } : {}),
          verdict: reviewed ? (rng.chance(trend(ctx, at, ...s.actionable)) ? 'actionable' : 'noise') : null,
        });
      }
    }
  }
  // Ids in time order, across severities.
  return alerts
    .sort((a, b) => (a.startsAt < b.startsAt ? -1 : a.startsAt > b.startsAt ? 1 : 0))
    .map((alert, i) => ({ id: `alt-${pad(i + 1, 7)}`, ...alert }));
}
