/**
 * What the daily report and the committee pack say, built from facts the service gathered: one
 * ReportContent (sections of items, each linking into the Grafana app) that every destination's
 * renderer (reports-slack.ts, reports-chat.ts, reports-email.ts) formats. Pure: no I/O, no clock.
 */
import { appLink, KPI_SUMMARIES, type ReportContent, type ReportItem, type ReportSection } from '@ballast/contract';
import type { KpiSummary, Status } from '@ballast/contract';

type KpiUnit = KpiSummary['unit'];

/** How many items a section lists; the rest is counted in `more` and reached by the section link. */
export const SECTION_ITEMS = 5;

export interface Listed<T> {
  total: number;
  items: T[];
}

export interface DailyFacts {
  /** The report's date (YYYY-MM-DD): sent that morning, about the day before. */
  key: string;
  timezone: string;
  /** The reported day and the report's own day, [from, to) epoch ms. */
  reported: { from: number; to: number };
  today: { from: number; to: number };
  highSeverityAlerts: {
    total: number;
    /** The org's goal for high_priority_alerts_per_day this year, if any. */
    target: number | null;
  };
  /** Alert names by how often they fired on the reported day (all severities), most first. */
  noisiest: Array<{ name: string; count: number; highSeverity: number }>;
  openIncidents: Listed<{ id: string; title: string; priority: string; startedAt: number; owner: string | null }>;
  newFindings: Listed<{ id: string; check: string; severity: string; owner: string | null }>;
  overdueFindings: Listed<{ id: string; check: string; dueAt: number; owner: string | null }>;
  freezes: Array<{ freeze: string; name: string; reason: string; startsAt: number; endsAt: number }>;
  changes: { total: number; uncontrolled: number };
  violations: Listed<{ id: string; title: string; owner: string | null; freezes: string[] }>;
  /**
   * Red lines (absent while no rule is enabled): unwaived violations that began on the reported
   * day (`new`, latest first), and how many are in force when the report is produced.
   */
  redLines?: {
    inForce: number;
    new: Listed<{ id: string; rule: string; title: string; owner: string | null; since: number }>;
  };
  /** KPIs that missed their goal over the 30 days up to the report, per scope. */
  missedKpis: Array<{
    scope: string;
    businessLine: string | null;
    kpi: string;
    value: number | null;
    target: number | null;
  }>;
  /** Per business line: its configured traffic query's value for the day, beside its alerts. */
  businessVolume: Array<{
    businessLine: string;
    name: string;
    unit: string;
    value: number | null;
    /** Why there is no value (query failed, empty result): shown instead of a number. */
    error: string | null;
    alerts: number;
    highSeverityAlerts: number;
  }>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A compact number: 1234567 → 1.23M. */
export function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** A KPI value in its unit, as the app shows it (app-plugin components/format.ts). */
export function kpiText(value: number | null, unit: KpiUnit): string {
  if (value === null) return '–';
  switch (unit) {
    case 'ratio':
      return `${(value * 100).toFixed(1)}%`;
    case 'seconds':
      return value >= 3600 ? `${(value / 3600).toFixed(1)}h` : value >= 60 ? `${Math.round(value / 60)}m` : `${value}s`;
    case 'per_day':
      return `${value.toFixed(2)}/day`;
    case 'score':
      return value.toFixed(1);
    default:
      return Number.isInteger(value) ? String(value) : value.toFixed(1);
  }
}

/** A time in the report's timezone: `2026-12-01 14:05`. */
export function localTime(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value])
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

function section(
  id: string,
  title: string,
  summary: string,
  tone: ReportSection['tone'],
  link: string,
  total: number,
  items: ReportItem[]
): ReportSection {
  const shown = items.slice(0, SECTION_ITEMS);
  return { id, title, summary, tone, link, items: shown, more: Math.max(0, total - shown.length) };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The daily report's red-line item: the violations that began on the reported day, and those in force. */
function redLineSection(
  facts: NonNullable<DailyFacts['redLines']>,
  link: (page: string, params?: Record<string, string | undefined>) => string,
  day: { from: string; to: string },
  tz: string
): ReportSection {
  return section(
    'redlines',
    'Red lines',
    `${plural(facts.new.total, 'new violation')} yesterday, ${facts.inForce} in force`,
    facts.new.total > 0 ? 'bad' : facts.inForce > 0 ? 'warn' : 'good',
    link('red-lines', day),
    facts.new.total,
    facts.new.items.map((v) => ({
      text: `${v.title}${v.owner ? ` · ${v.owner}` : ''}`,
      meta: `${v.rule.replaceAll('_', ' ')} since ${localTime(v.since, tz)}`,
      link: link('red-lines', { rule: v.rule }),
    }))
  );
}

/** The daily report: one section per item the issue names, in the order people read them. */
export function buildDailyReport(facts: DailyFacts, grafanaUrl: string): ReportContent {
  const tz = facts.timezone;
  const day = { from: iso(facts.reported.from), to: iso(facts.reported.to) };
  const link = (page: string, params: Record<string, string | undefined> = {}) => appLink(grafanaUrl, page, params);
  const reportedDate = localTime(facts.reported.from, tz).slice(0, 10);
  const alerts = facts.highSeverityAlerts;
  const overTarget = alerts.target !== null && alerts.total > alerts.target;
  const sections: ReportSection[] = [
    section(
      'alerts',
      'High-severity alerts',
      alerts.target === null
        ? `${alerts.total} yesterday (no daily target set)`
        : `${alerts.total} yesterday against a daily target of ${compact(alerts.target)}`,
      overTarget ? 'bad' : alerts.total > 0 ? 'warn' : 'good',
      link('alerts', { ...day, highSeverity: 'true' }),
      facts.noisiest.length,
      facts.noisiest.map((n) => ({
        text: n.name,
        meta: `${plural(n.count, 'time')}${n.highSeverity > 0 ? `, ${n.highSeverity} high-severity` : ''}`,
        link: link('alerts', { ...day, name: n.name }),
      }))
    ),
    section(
      'incidents',
      'Open high-priority incidents',
      facts.openIncidents.total === 0 ? 'none open' : `${facts.openIncidents.total} open`,
      facts.openIncidents.total > 0 ? 'bad' : 'good',
      link('incidents', { open: 'true', highPriority: 'true' }),
      facts.openIncidents.total,
      facts.openIncidents.items.map((i) => ({
        text: `${i.priority} ${i.title}`,
        meta: `since ${localTime(i.startedAt, tz)}${i.owner ? ` · ${i.owner}` : ''}`,
        link: link(`incidents/${encodeURIComponent(i.id)}`),
      }))
    ),
    section(
      'findings',
      'Inspection findings',
      `${facts.newFindings.total} new yesterday, ${facts.overdueFindings.total} overdue`,
      facts.overdueFindings.total > 0 ? 'bad' : facts.newFindings.total > 0 ? 'warn' : 'good',
      link('actions'),
      facts.newFindings.total + facts.overdueFindings.total,
      [
        ...facts.overdueFindings.items.map((f) => ({
          text: `${f.check}${f.owner ? ` · ${f.owner}` : ''}`,
          meta: `overdue since ${localTime(f.dueAt, tz)}`,
          link: link('actions'),
        })),
        ...facts.newFindings.items.map((f) => ({
          text: `${f.check}${f.owner ? ` · ${f.owner}` : ''}`,
          meta: `new, ${f.severity}`,
          link: link('actions'),
        })),
      ]
    ),
    section(
      'freezes',
      'Freeze windows today',
      facts.freezes.length === 0 ? 'no freeze window today' : plural(facts.freezes.length, 'freeze window'),
      facts.freezes.length > 0 ? 'warn' : 'good',
      link('changes'),
      facts.freezes.length,
      facts.freezes.map((f) => ({
        text: f.name,
        meta: `${localTime(f.startsAt, tz)} → ${localTime(f.endsAt, tz)} · ${f.reason}`,
        link: link('changes'),
      }))
    ),
    section(
      'changes',
      'Changes and violations',
      `${plural(facts.changes.total, 'change')} yesterday, ${facts.changes.uncontrolled} uncontrolled, ${plural(facts.violations.total, 'freeze violation')}`,
      facts.violations.total > 0 ? 'bad' : facts.changes.uncontrolled > 0 ? 'warn' : 'good',
      link('changes', day),
      facts.violations.total,
      facts.violations.items.map((v) => ({
        text: `${v.title}${v.owner ? ` · ${v.owner}` : ''}`,
        meta: `inside ${v.freezes.join(', ')}`,
        link: link('changes', { ...day, violation: 'true' }),
      }))
    ),
    ...(facts.redLines ? [redLineSection(facts.redLines, link, day, tz)] : []),
    section(
      'kpis',
      'Missed KPIs (30 days)',
      facts.missedKpis.length === 0
        ? 'every KPI with a goal is met'
        : plural(facts.missedKpis.length, 'goal') + ' missed',
      facts.missedKpis.length > 0 ? 'bad' : 'good',
      link('committee'),
      facts.missedKpis.length,
      facts.missedKpis.map((m) => {
        const kpi = KPI_SUMMARIES.find((k) => k.key === m.kpi);
        const unit = kpi?.unit ?? 'count';
        return {
          text: `${m.scope}: ${kpi?.title ?? m.kpi}`,
          meta: `${kpiText(m.value, unit)} against a goal of ${kpiText(m.target, unit)}`,
          link: link('', { businessLine: m.businessLine ?? undefined }),
        };
      })
    ),
  ];
  if (facts.businessVolume.length > 0) {
    sections.push(
      section(
        'volume',
        'Business volume and alerts',
        'traffic per business line beside its alerts',
        facts.businessVolume.some((v) => v.error !== null) ? 'warn' : 'neutral',
        link('alerts', day),
        facts.businessVolume.length,
        facts.businessVolume.map((v) => ({
          text: `${v.name}: ${v.value === null ? `no volume (${v.error ?? 'no data'})` : `${compact(v.value)} ${v.unit}`}`,
          meta: `${plural(v.alerts, 'alert')} (${v.highSeverityAlerts} high-severity)${
            v.value ? ` · ${compact((v.alerts / v.value) * 1e6)} alerts per million ${v.unit}` : ''
          }`,
          link: link('alerts', { ...day, businessLine: v.businessLine }),
        }))
      )
    );
  }
  return {
    kind: 'daily',
    key: facts.key,
    title: `Stability daily report, ${facts.key}`,
    subtitle: `About ${reportedDate} (${tz}); freeze windows for ${facts.key}.`,
    link: link(''),
    sections,
  };
}

/** A committee review (service/reviews.ts `draft`) as far as the pack reads it. */
export interface CommitteeFacts {
  period: string;
  from: string;
  to: string;
  kpis: ReadonlyArray<{ key: string; title: string; unit: KpiUnit }>;
  scopes: ReadonlyArray<{
    level: string;
    id: string | null;
    name: string;
    cells: Record<string, { value: number | null; target: number | null; status: Status; previous: number | null }>;
    score: number | null;
  }>;
  topIncidents: ReadonlyArray<{ id: string; title?: string; priority?: string; startedAt?: string }>;
  overdueActions: ReadonlyArray<{ id: string; title?: string; owner?: string; dueAt?: string }>;
  overdueActionsTotal: number;
  /** The period's red lines and who earns recognition (absent on reviews saved before them). */
  redLines?: {
    rules: readonly string[];
    total: number;
    items: ReadonlyArray<{ id: string; rule: string; title: string; owner: string | null; since: string }>;
  };
  recognition?: {
    cleanTeams: ReadonlyArray<{ id: string; name: string }>;
    bestDrills: ReadonlyArray<{ team: string; name: string; drills: number; meanScore: number }>;
  };
  title?: string;
  notes?: string;
}

/** The pack's red lines of the period and its recognition, when the review has them and a rule is on. */
function redLineSections(
  review: CommitteeFacts,
  link: (page: string, params?: Record<string, string | undefined>) => string,
  at: (iso?: string) => string
): ReportSection[] {
  const { redLines, recognition } = review;
  if (!redLines || redLines.rules.length === 0) return [];
  const range = { from: review.from, to: review.to };
  const clean = recognition?.cleanTeams ?? [];
  const drills = recognition?.bestDrills ?? [];
  return [
    section(
      'redlines',
      'Red lines',
      redLines.total === 0 ? 'no violation' : plural(redLines.total, 'violation'),
      redLines.total > 0 ? 'bad' : 'good',
      link('red-lines', range),
      redLines.total,
      redLines.items.map((v) => ({
        text: `${v.title}${v.owner ? ` · ${v.owner}` : ''}`,
        meta: `${v.rule.replaceAll('_', ' ')} since ${at(v.since)}`,
        link: link('red-lines', { ...range, rule: v.rule }),
      }))
    ),
    section(
      'recognition',
      'Recognition',
      `${plural(clean.length, 'team')} without a violation${drills[0] ? `; best drills: ${drills[0].name}` : ''}`,
      clean.length > 0 ? 'good' : 'neutral',
      link('committee', { period: review.period }),
      clean.length + drills.length,
      [
        ...drills.map((d) => ({
          text: d.name,
          meta: `mean drill score ${d.meanScore} over ${plural(d.drills, 'drill')}`,
          link: link('committee', { period: review.period }),
        })),
        ...clean.map((t) => ({
          text: t.name,
          meta: 'no red-line violation',
          link: link('committee', { period: review.period }),
        })),
      ]
    ),
  ];
}

/** The committee pack: the scores, the goals missed, what moved, the top incidents and the overdue actions. */
export function buildCommitteePack(
  kind: 'week' | 'month' | 'review',
  key: string,
  review: CommitteeFacts,
  grafanaUrl: string,
  timeZone: string
): ReportContent {
  const link = (page: string, params: Record<string, string | undefined> = {}) => appLink(grafanaUrl, page, params);
  const range = { from: review.from, to: review.to };
  const units = new Map(review.kpis.map((k) => [k.key, k]));
  const missed = review.scopes.flatMap((s) =>
    Object.entries(s.cells)
      .filter(([, c]) => c.status === 'missed')
      .map(([kpi, c]) => ({ scope: s, kpi, cell: c }))
  );
  const at = (iso?: string) => (iso ? localTime(Date.parse(iso), timeZone) : '');
  const sections: ReportSection[] = [
    section(
      'scores',
      'Scores',
      review.scopes.map((s) => `${s.name} ${s.score === null ? '–' : s.score.toFixed(0)}`).join(' · ') || 'no scope',
      'neutral',
      link('committee', { period: review.period, ...range }),
      review.scopes.length,
      review.scopes.map((s) => ({
        text: s.name,
        meta: `score ${s.score === null ? '–' : s.score.toFixed(0)}`,
        link: link('committee', { period: review.period, businessLine: s.id ?? undefined }),
      }))
    ),
    section(
      'missed',
      'Goals missed',
      missed.length === 0 ? 'every goal met' : `${missed.length} missed`,
      missed.length > 0 ? 'bad' : 'good',
      link('committee', { period: review.period }),
      missed.length,
      missed.map(({ scope, kpi, cell }) => {
        const k = units.get(kpi);
        const unit = k?.unit ?? 'count';
        return {
          text: `${scope.name}: ${k?.title ?? kpi}`,
          meta: `${kpiText(cell.value, unit)} against ${kpiText(cell.target, unit)} (before: ${kpiText(cell.previous, unit)})`,
          link: link('committee', { period: review.period, businessLine: scope.id ?? undefined }),
        };
      })
    ),
    section(
      'incidents',
      'Top high-priority incidents',
      review.topIncidents.length === 0 ? 'no high-priority incident' : plural(review.topIncidents.length, 'incident'),
      review.topIncidents.length > 0 ? 'warn' : 'good',
      link('incidents', { highPriority: 'true', ...range }),
      review.topIncidents.length,
      review.topIncidents.map((i) => ({
        text: `${i.priority ?? ''} ${i.title ?? i.id}`.trim(),
        meta: at(i.startedAt),
        link: link(`incidents/${encodeURIComponent(i.id)}`),
      }))
    ),
    section(
      'actions',
      'Overdue actions',
      review.overdueActionsTotal === 0 ? 'none overdue' : `${review.overdueActionsTotal} overdue`,
      review.overdueActionsTotal > 0 ? 'bad' : 'good',
      link('actions'),
      review.overdueActionsTotal,
      review.overdueActions.map((a) => ({
        text: `${a.title ?? a.id}${a.owner ? ` · ${a.owner}` : ''}`,
        meta: a.dueAt ? `due ${at(a.dueAt)}` : '',
        link: link('actions'),
      }))
    ),
  ];
  sections.push(...redLineSections(review, link, at));
  const periodName =
    kind === 'review' ? (review.title ?? 'Saved review') : `${kind === 'week' ? 'Week' : 'Month'} ${key}`;
  return {
    kind,
    key,
    title: `Stability committee pack, ${periodName}`,
    subtitle: `${at(review.from)} → ${at(review.to)} (${timeZone})${review.notes ? `. ${review.notes}` : ''}`,
    link: link('committee', { period: review.period, ...range }),
    sections,
  };
}
