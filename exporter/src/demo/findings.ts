/**
 * Demo inspection findings: a couple of dozen a working day (fewer at weekends), due by severity,
 * mostly closed in time; closure improves over the year and recent ones are still open.
 */
import type { TARGET_TYPES } from '../domain/records.js';
import { DAY_MS, toIso } from '../domain/time.js';
import {
  closedAt,
  days,
  isWeekend,
  momentsOfDay,
  pad,
  type ClosingRates,
  type DemoContext,
  type DemoRecord,
} from './context.js';
import { weighted, type Random } from './random.js';

export type FindingRecord = DemoRecord<'findings'>;

const CHECKS: { check: string; targetType: (typeof TARGET_TYPES)[number] }[] = [
  { check: 'disk-usage-above-85pct', targetType: 'server' },
  { check: 'ntp-drift', targetType: 'server' },
  { check: 'kernel-patch-missing', targetType: 'server' },
  { check: 'redis-maxmemory-policy', targetType: 'middleware' },
  { check: 'kafka-under-replicated-partitions', targetType: 'middleware' },
  { check: 'tls-certificate-expires-within-30d', targetType: 'network' },
  { check: 'load-balancer-single-zone', targetType: 'network' },
  { check: 'jvm-heap-above-90pct', targetType: 'application' },
  { check: 'no-readiness-probe', targetType: 'application' },
  { check: 'replica-count-below-2', targetType: 'application' },
  { check: 'slow-queries', targetType: 'database' },
  { check: 'backup-not-verified', targetType: 'database' },
  { check: 'manual-runbook-step', targetType: 'other' },
];
/** Days to fix, by severity. */
const DUE_DAYS: Record<string, number> = { high: 2, medium: 7, low: 30 };
const CLOSING: ClosingRates = { doneBeforeDue: 0.5, done: [0.9, 0.97], late: 0.15 };

export function demoFindings(ctx: DemoContext, rng: Random): FindingRecord[] {
  const findings: FindingRecord[] = [];
  for (const day of days(ctx)) {
    const mean = isWeekend(day.weekday) ? 6 : 24;
    for (const foundAt of momentsOfDay(ctx, rng, day.start, rng.count(mean), 0.9)) {
      const { check, targetType } = rng.pick(CHECKS);
      const severity = weighted(rng, { high: 15, medium: 45, low: 40 });
      const dueAt = foundAt + DUE_DAYS[severity]! * DAY_MS;
      const closed = closedAt(ctx, rng, foundAt, dueAt, CLOSING);
      findings.push({
        id: `fnd-${pad(findings.length + 1, 6)}`,
        check,
        targetType,
        severity,
        service: rng.pick(ctx.org.services).id,
        foundAt: toIso(foundAt),
        dueAt: toIso(dueAt),
        ...(closed !== undefined ? { closedAt: toIso(closed) } : {}),
      });
    }
  }
  return findings;
}
