/**
 * Gathers what the daily report says (domain/reports.ts DailyFacts) from the store, the KPIs and
 * the org's Prometheus, for one report date. "Open" and "overdue" are judged at `now` (when the
 * report is produced), the day's counts over the reported day.
 */
import { sql } from 'kysely';
import { dailyRanges } from '../../domain/reports-schedule.js';
import type { ReportsConfig } from '../../domain/reports-config.js';
import { SECTION_ITEMS, type DailyFacts } from '../../domain/reports.js';
import { yearlyTarget } from '../../domain/scorecard.js';
import { windowRange, previousRange } from '../../domain/windows.js';
import type { OrgIndex } from '../../domain/org.js';
import type { Store } from '../../store/store.js';
import type { FreezeService } from '../freezes.js';
import type { KpiService } from '../kpis.js';
import type { RecordService } from '../records.js';
import type { RedLineService } from '../red-lines.js';
import { enabledRules } from '../../domain/red-lines-config.js';
import { queryVolume } from './business-volume.js';

export interface FactSources {
  store: Store;
  records: RecordService;
  freezes: FreezeService;
  kpis: KpiService;
  /** The daily report's red-line item (left out without it, or while no rule is enabled). */
  redLines?: RedLineService;
}

const ownerName = (index: OrgIndex, row: { service: string | null; team: string | null }) =>
  (row.service ? index.services.get(row.service)?.name : undefined) ??
  (row.team ? (index.teams.get(row.team)?.name ?? row.team) : null) ??
  row.service;

export async function dailyFacts(
  sources: FactSources,
  index: OrgIndex,
  reports: ReportsConfig,
  key: string,
  now: number
): Promise<DailyFacts> {
  const timezone = reports.daily?.timezone ?? index.org.policy.timezone;
  const { reported, today } = dailyRanges(key, timezone);
  const db = sources.store.db;
  const high = index.org.policy.highSeverities;
  const highPriorities = index.org.policy.highPriorities;
  const isHigh = sql<number>`case when severity in (${sql.join(high)}) then 1 else 0 end`;

  const alertsOfDay = db
    .selectFrom('alerts')
    .where('starts_at', '>=', reported.from)
    .where('starts_at', '<', reported.to);
  const incidentsOpen = db
    .selectFrom('incidents')
    .where('drill', '=', 0)
    .where('priority', 'in', highPriorities)
    .where('started_at', '<=', now)
    .where((eb) => eb.or([eb('recovered_at', 'is', null), eb('recovered_at', '>', now)]));
  const findingsNew = db
    .selectFrom('findings')
    .where('found_at', '>=', reported.from)
    .where('found_at', '<', reported.to);
  const findingsOverdue = db
    .selectFrom('findings')
    .where('due_at', '<', now)
    .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>', now)]));
  const count = (q: { select: typeof alertsOfDay.select }) =>
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();

  const [byName, byLine, highTotal, incidents, incidentsTotal, newFindings, newTotal, overdue, overdueTotal, changes] =
    await Promise.all([
      alertsOfDay
        .select(['name', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>(isHigh).as('high')])
        .groupBy('name')
        .orderBy('n', 'desc')
        .orderBy('name')
        .limit(SECTION_ITEMS)
        .execute(),
      alertsOfDay
        .select([
          'business_line',
          (eb) => eb.fn.countAll<number>().as('n'),
          (eb) => eb.fn.sum<number>(isHigh).as('high'),
        ])
        .groupBy('business_line')
        .execute(),
      high.length === 0
        ? { n: 0 }
        : alertsOfDay
            .where('severity', 'in', high)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow(),
      incidentsOpen
        .select(['id', 'title', 'priority', 'started_at', 'service', 'team'])
        .orderBy('started_at')
        .orderBy('id')
        .limit(SECTION_ITEMS)
        .execute(),
      count(incidentsOpen as unknown as typeof alertsOfDay),
      findingsNew
        .select(['id', 'check_name', 'severity', 'service', 'team'])
        .orderBy('found_at', 'desc')
        .orderBy('id')
        .limit(SECTION_ITEMS)
        .execute(),
      count(findingsNew as unknown as typeof alertsOfDay),
      findingsOverdue
        .select(['id', 'check_name', 'due_at', 'service', 'team'])
        .orderBy('due_at')
        .orderBy('id')
        .limit(SECTION_ITEMS)
        .execute(),
      count(findingsOverdue as unknown as typeof alertsOfDay),
      db
        .selectFrom('changes')
        .where('started_at', '>=', reported.from)
        .where('started_at', '<', reported.to)
        .select([
          (eb) => eb.fn.countAll<number>().as('n'),
          (eb) => eb.fn.sum<number>(sql`case when controlled = 0 then 1 else 0 end`).as('uncontrolled'),
        ])
        .executeTakeFirstOrThrow(),
    ]);

  const [violations, freezes, missedKpis, businessVolume] = await Promise.all([
    sources.records.list('changes', {
      from: reported.from,
      to: reported.to,
      flags: { violation: true },
      fields: {},
      limit: SECTION_ITEMS,
      offset: 0,
    }),
    sources.freezes.occurrences({ from: today.from, to: today.to }),
    missed(sources.kpis, index, reported.to),
    Promise.all(
      reports.businessVolume.map(async (v) => {
        const line = byLine.find((l) => l.business_line === v.businessLine);
        const volume = reports.prometheus
          ? await queryVolume(reports.prometheus.url, v.query, reported.to)
          : { value: null, error: 'no Prometheus configured' };
        return {
          businessLine: v.businessLine,
          name: index.businessLines.get(v.businessLine)?.name ?? v.businessLine,
          unit: v.unit,
          value: volume.value,
          error: volume.error,
          alerts: Number(line?.n ?? 0),
          highSeverityAlerts: Number(line?.high ?? 0),
        };
      })
    ),
  ]);

  const redLines = await redLineFacts(sources, index, reported, now);
  const year = Number(key.slice(0, 4));
  return {
    key,
    timezone,
    reported,
    today,
    highSeverityAlerts: {
      total: Number(highTotal.n),
      target: yearlyTarget(index.org.goals, year, 'high_priority_alerts_per_day', {
        level: 'org',
        businessLine: null,
        team: null,
      }),
    },
    noisiest: byName.map((r) => ({ name: r.name, count: Number(r.n), highSeverity: Number(r.high ?? 0) })),
    openIncidents: {
      total: Number(incidentsTotal.n),
      items: incidents.map((i) => ({
        id: i.id,
        title: i.title,
        priority: i.priority,
        startedAt: Number(i.started_at),
        owner: ownerName(index, i),
      })),
    },
    newFindings: {
      total: Number(newTotal.n),
      items: newFindings.map((f) => ({
        id: f.id,
        check: f.check_name,
        severity: f.severity,
        owner: ownerName(index, f),
      })),
    },
    overdueFindings: {
      total: Number(overdueTotal.n),
      items: overdue.map((f) => ({
        id: f.id,
        check: f.check_name,
        dueAt: Number(f.due_at),
        owner: ownerName(index, f),
      })),
    },
    freezes: freezes.items.map((f) => ({
      freeze: f.freeze,
      name: f.name,
      reason: f.reason,
      startsAt: Date.parse(String(f.startsAt)),
      endsAt: Date.parse(String(f.endsAt)),
    })),
    changes: { total: Number(changes.n), uncontrolled: Number(changes.uncontrolled ?? 0) },
    violations: {
      total: violations.total,
      items: violations.items.map((c) => ({
        id: String(c.id),
        title: String(c.title ?? c.id),
        owner: ownerName(index, { service: (c.service as string) ?? null, team: (c.team as string) ?? null }),
        freezes: (c.violatedFreezes as string[] | undefined) ?? [],
      })),
    },
    missedKpis,
    businessVolume,
    ...(redLines ? { redLines } : {}),
  };
}

/** Unwaived violations that began on the reported day, latest first, and the count in force at `now`. */
async function redLineFacts(
  sources: FactSources,
  index: OrgIndex,
  reported: { from: number; to: number },
  now: number
): Promise<DailyFacts['redLines']> {
  if (!sources.redLines || enabledRules(index.org.redLines).length === 0) return undefined;
  const breaches = await sources.redLines.unwaived(index, Math.min(reported.from, now), now + 1, {}, now);
  const fresh = breaches
    .filter((b) => b.since >= reported.from && b.since < reported.to)
    .sort((a, b) => b.since - a.since || a.record.localeCompare(b.record));
  return {
    inForce: breaches.filter((b) => b.since <= now && (b.until === null || b.until > now)).length,
    new: {
      total: fresh.length,
      items: fresh.slice(0, SECTION_ITEMS).map((b) => ({
        id: `${b.rule}:${b.record}`,
        rule: b.rule,
        title: b.title,
        owner: b.owner,
        since: b.since,
      })),
    },
  };
}

/** Goals missed over the 30 days up to `to`, for the org and each business line. */
async function missed(kpis: KpiService, index: OrgIndex, to: number): Promise<DailyFacts['missedKpis']> {
  const tz = index.org.policy.timezone;
  const current = windowRange('30d', to, tz);
  const judged = await kpis.compare(current, previousRange(current, tz));
  return judged.scopes
    .filter((s) => s.level !== 'team')
    .flatMap((s) =>
      Object.entries(s.cells)
        .filter(([, c]) => c.status === 'missed')
        .map(([kpi, c]) => ({
          scope: s.name,
          businessLine: s.level === 'business_line' ? s.id : null,
          kpi,
          value: c.value,
          target: c.target,
        }))
    );
}
