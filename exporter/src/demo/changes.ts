/**
 * Demo changes: ~350 a day (busier on weekdays, quiet in freezes), mostly through integrated
 * systems, ~2% failed and ~1% rolled back, and a few inside freezes without an exemption. Deploys
 * through systems that report the deployed commit carry its time (`committedAt`, DORA lead time),
 * from about a day and a half before the deploy early in the year to under a day by its end.
 */
import type { CHANGE_KINDS } from '../domain/records.js';
import { DAY_MS, toIso } from '../domain/time.js';
import {
  days,
  HOUR,
  isWeekend,
  known,
  MINUTE,
  momentsOfDay,
  pad,
  trend,
  type DemoContext,
  type DemoRecord,
} from './context.js';
import type { FreezeCalendar } from './freezes.js';
import { weighted, type Random } from './random.js';

export type ChangeRecord = DemoRecord<'changes'>;
type Kind = (typeof CHANGE_KINDS)[number];

/** Mean changes per weekday and weekend day; with freezes this averages ~350 a day. */
const PER_WEEKDAY = 472;
const PER_WEEKEND_DAY = 150;
/** Share of the changes planned inside a freeze that still go ahead. */
const FROZEN_SHARE = 0.12;
/** Share of those that go ahead without an exemption: freeze violations. */
const VIOLATION_SHARE = 0.08;

const KINDS: Record<Kind, number> = {
  deploy: 62,
  config: 15,
  feature_flag: 10,
  infrastructure: 6,
  database: 5,
  other: 2,
};
const SYSTEMS: Record<Kind, Record<string, number>> = {
  deploy: { 'argo-cd': 50, 'github-actions': 25, jenkins: 15, spinnaker: 10 },
  config: { 'argo-cd': 60, 'ansible-tower': 40 },
  feature_flag: { launchdarkly: 1 },
  infrastructure: { 'terraform-cloud': 1 },
  database: { 'manual-db-console': 70, jenkins: 30 },
  other: { 'ansible-tower': 50, jenkins: 50 },
};
/** Non-integrated systems whose changes pass the freeze gate more often as the year goes on. */
const GATED: Record<string, [number, number]> = {
  'terraform-cloud': [0.2, 0.85],
  'ansible-tower': [0.1, 0.6],
  'manual-db-console': [0, 0.3],
};
/** Deploy systems whose receivers carry the commit time; Jenkins deploys do not (no lead time). */
const REPORTS_COMMIT = new Set(['argo-cd', 'github-actions', 'spinnaker']);
/** Median hours from commit to deploy start, at the start and the end of the history. */
const LEAD_HOURS: [number, number] = [36, 16];
const EXEMPTIONS = [
  'Hotfix for a customer-facing outage, approved by the incident commander',
  'Security patch (CVE), approved by the CISO',
  'Regulatory deadline, approved by the business line CTO',
];

/** `commits` is its own stream, so commit times leave the other change fields as they were. */
export function demoChanges(ctx: DemoContext, rng: Random, calendar: FreezeCalendar, commits: Random): ChangeRecord[] {
  const changes: ChangeRecord[] = [];
  const services = ctx.org.services;
  for (const day of days(ctx)) {
    const mean = isWeekend(day.weekday) ? PER_WEEKEND_DAY : PER_WEEKDAY;
    for (const at of momentsOfDay(ctx, rng, day.start, rng.count(mean), 0.85)) {
      const service = rng.pick(services);
      const businessLine = ctx.index.ownerOf({ service: service.id }).businessLine!;
      const frozen = calendar.frozen(at, businessLine);
      if (frozen && !rng.chance(FROZEN_SHARE)) continue;
      const kind = weighted(rng, KINDS);
      const system = weighted(rng, SYSTEMS[kind]);
      const gate = GATED[system];
      const finishedAt = at + Math.round(rng.between(2, 40) * MINUTE);
      const change: ChangeRecord = {
        id: `chg-${pad(changes.length + 1, 6)}`,
        title: title(rng, kind, service.id),
        system,
        service: service.id,
        kind,
        startedAt: toIso(at),
        ...(known(ctx, finishedAt)
          ? { finishedAt: toIso(finishedAt), result: weighted(rng, { success: 97, failed: 2, rolled_back: 1 }) }
          : {}),
      };
      if (kind === 'deploy' && REPORTS_COMMIT.has(system)) {
        const leadMs = commits.logNormal(trend(ctx, at, ...LEAD_HOURS) * HOUR, 0.8);
        change.committedAt = toIso(at - Math.round(Math.min(leadMs, 30 * DAY_MS)));
      }
      if (gate && rng.chance(trend(ctx, at, gate[0], gate[1]))) change.gateCheck = `gate-${pad(rng.int(0, 1e9), 9)}`;
      if (frozen && !rng.chance(VIOLATION_SHARE)) change.exemption = rng.pick(EXEMPTIONS);
      changes.push(change);
    }
  }
  return changes;
}

function title(rng: Random, kind: Kind, service: string): string {
  switch (kind) {
    case 'deploy':
      return `Deploy ${service} v${rng.int(1, 9)}.${rng.int(0, 40)}.${rng.int(0, 20)}`;
    case 'config':
      return `Update ${service} configuration`;
    case 'feature_flag':
      return `Roll out flag ${service}.${rng.pick(['new-flow', 'fast-path', 'v2-api', 'batching', 'cache-ttl'])} to ${rng.pick([5, 25, 50, 100])}%`;
    case 'infrastructure':
      return `Apply infrastructure plan for ${service}`;
    case 'database':
      return `Migrate ${service} schema`;
    default:
      return `Maintenance on ${service}`;
  }
}
