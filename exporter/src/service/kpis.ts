/**
 * KPI use cases: the values per window and scope, their history (series), the scorecard, and the
 * refresher that keeps one computed snapshot current for /metrics. The snapshot is a cache keyed
 * by the store's data revision (bumped by every write of any process) and at most `maxAgeMs` old
 * (windows slide), so several exporter processes on one PostgreSQL all answer correctly.
 */
import type { Kysely } from 'kysely';
import { KPI_BY_KEY, KPI_SUMMARIES, sourcesOf } from '@ballast/contract';
import { emptyTally, kpiValues, ORG_ONLY, rollUp, type KpiValue, type Scope, type ScopeTally } from '../domain/kpis.js';
import { KPI_KEYS, KPI_WINDOWS, type KpiKey, type KpiWindow, type Level } from '../domain/kpi-keys.js';
import type { FreezeWindowSpec } from '../domain/freezes.js';
import type { OrgIndex } from '../domain/org.js';
import { overallScore, redLineCount, status, windowTarget, yearlyTarget, type Status } from '../domain/scorecard.js';
import { toIso } from '../domain/time.js';
import { previousRange, windowRange, yearShare, type WindowRange } from '../domain/windows.js';
import { overdueFindings, teamTallies, type Source } from '../store/kpi-queries.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { loadFreezeWindows } from './freezes.js';
import type { OrgService } from './org.js';
import type { RedLineCounts, RedLineService } from './red-lines.js';

export interface ScopeValues extends ScopeTally {
  values: Record<KpiKey, KpiValue>;
}

export interface WindowResult {
  range: WindowRange;
  scopes: ScopeValues[];
}

export interface Snapshot {
  revision: number;
  computedAt: number;
  index: OrgIndex;
  freezes: FreezeWindowSpec[];
  windows: Record<KpiWindow, WindowResult>;
  /** Open findings past due, per scope (not windowed). */
  overdue: { scope: Scope; count: number }[];
  /** Red-line violations per window, rule and scope (metrics, scorecard); absent without a red-line service. */
  redLines?: RedLineCounts;
  /** Lazily computed windows one period earlier (scorecard trend). */
  previous: Map<KpiWindow, Promise<WindowResult>>;
}

export interface ScopeFilter {
  level?: Level;
  businessLine?: string;
  team?: string;
}

export interface KpiServiceOptions {
  /** Recompute at least this often even without writes: windows slide (ms). */
  maxAgeMs?: number;
  now?: () => number;
  /** Where the KPI queries run (e.g. a worker-thread SQLite reader); the store's connection by default. */
  reader?: Kysely<Database>;
  /** Counts red-line violations in each refresh (the metrics and the scorecard show them). */
  redLines?: Pick<RedLineService, 'windowCounts'>;
}

export class KpiService {
  private cached: Snapshot | null = null;
  private inflight: Promise<Snapshot> | null = null;
  private readonly maxAgeMs: number;
  private readonly reader: Kysely<Database>;
  readonly now: () => number;
  private readonly redLines: Pick<RedLineService, 'windowCounts'> | undefined;

  constructor(
    private readonly store: Store,
    private readonly orgs: OrgService,
    options: KpiServiceOptions = {}
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.reader = options.reader ?? store.db;
    this.redLines = options.redLines;
  }

  /** The current snapshot; recomputed when the data changed or it is older than maxAgeMs. */
  async snapshot(): Promise<Snapshot> {
    const revision = await this.store.revision();
    const cached = this.cached;
    if (cached && cached.revision === revision && this.now() - cached.computedAt < this.maxAgeMs) return cached;
    return this.recompute(revision);
  }

  /** The last computed snapshot, if any, without checking freshness. */
  last(): Snapshot | null {
    return this.cached;
  }

  private recompute(revision: number): Promise<Snapshot> {
    if (this.inflight) {
      return this.inflight.then((s) => (s.revision === revision ? s : this.recompute(revision)));
    }
    const run = this.compute(revision).finally(() => {
      if (this.inflight === run) this.inflight = null;
    });
    this.inflight = run;
    return run;
  }

  private async compute(revision: number): Promise<Snapshot> {
    const now = this.now();
    const index = await this.orgs.index();
    // For stability_freeze_active only: the freeze KPI reads the verdict stored on each change.
    const freezes = await loadFreezeWindows(this.reader);
    const ranges = KPI_WINDOWS.map((w) => windowRange(w, now, index.org.policy.timezone));
    const [results, overdueByTeam, redLines] = await Promise.all([
      Promise.all(ranges.map((r) => this.computeWindow(r, index))),
      overdueFindings(this.reader, now),
      this.redLines?.windowCounts(ranges, index, now),
    ]);
    // Rolled up like any tally: the overdue count rides in the `findings` field.
    const overdue = rollUp(
      new Map(
        [...overdueByTeam].map(([team, n]) => [
          team,
          Object.assign(emptyTally(), { counts: { ...emptyTally().counts, findings: n } }),
        ])
      ),
      index
    );
    const snapshot: Snapshot = {
      revision,
      computedAt: now,
      index,
      freezes,
      windows: Object.fromEntries(results.map((r) => [r.range.window, r])) as Record<KpiWindow, WindowResult>,
      overdue: overdue.map(({ tally, ...scope }) => ({ scope, count: tally.counts.findings })),
      previous: new Map(),
      ...(redLines ? { redLines } : {}),
    };
    this.cached = snapshot;
    return snapshot;
  }

  /**
   * Every scope's values for one window; `sources` limits the queries (series of one KPI);
   * `service` counts only that service's records (they roll up into its team's scope).
   */
  async computeWindow(
    range: WindowRange,
    index: OrgIndex,
    sources?: Source[],
    service?: string
  ): Promise<WindowResult> {
    const { policy } = index.org;
    const byTeam = await teamTallies(
      this.reader,
      {
        from: range.from,
        to: range.to,
        highPriorities: policy.highPriorities,
        highSeverities: policy.highSeverities,
        transientMs: policy.transientAlertMinutes === null ? null : policy.transientAlertMinutes * 60_000,
        ...(service !== undefined ? { service } : {}),
      },
      sources
    );
    const systems = index.org.changeSystems;
    const ctx = {
      days: range.days,
      changeSystems: { integrated: systems.filter((s) => s.integrated).length, total: systems.length },
    };
    return { range, scopes: rollUp(byTeam, index).map((s) => ({ ...s, values: kpiValues(s.tally, ctx) })) };
  }

  async previous(snapshot: Snapshot, window: KpiWindow): Promise<WindowResult> {
    let result = snapshot.previous.get(window);
    if (!result) {
      const range = previousRange(snapshot.windows[window].range, snapshot.index.org.policy.timezone);
      result = this.computeWindow(range, snapshot.index);
      snapshot.previous.set(window, result);
      result.catch(() => snapshot.previous.delete(window));
    }
    return result;
  }

  /** `GET /kpis`: values of one window, for the scopes and KPIs asked for. */
  async values(window: KpiWindow, filter: ScopeFilter, kpis: readonly KpiKey[] = KPI_KEYS) {
    const snapshot = await this.snapshot();
    const result = snapshot.windows[window];
    const values = [];
    for (const scope of result.scopes.filter((s) => matches(s, filter, snapshot.index))) {
      for (const kpi of kpis) {
        if (!present(kpi, scope)) continue;
        const v = scope.values[kpi];
        values.push({ kpi, level: scope.level, businessLine: scope.businessLine, team: scope.team, ...v });
      }
    }
    return { window, from: toIso(result.range.from), to: toIso(result.range.to), revision: snapshot.revision, values };
  }

  /** `GET /kpis/series`: the KPI as it stood at each step, each point computed from the records. */
  async series(kpi: KpiKey, window: KpiWindow, from: number, to: number, stepMs: number, filter: ScopeFilter) {
    const index = await this.orgs.index();
    const sources = sourcesOf(kpi);
    const series = new Map<
      string,
      { level: Level; businessLine: string | null; team: string | null; points: { at: string; value: number | null }[] }
    >();
    for (let at = from; at <= to; at += stepMs) {
      const range = windowRange(window, at, index.org.policy.timezone);
      const result = await this.computeWindow(range, index, [...sources]);
      for (const scope of result.scopes.filter((s) => matches(s, filter, index) && present(kpi, s))) {
        const key = `${scope.level}|${scope.businessLine}|${scope.team}`;
        let entry = series.get(key);
        if (!entry)
          series.set(
            key,
            (entry = { level: scope.level, businessLine: scope.businessLine, team: scope.team, points: [] })
          );
        entry.points.push({ at: toIso(at), value: scope.values[kpi].value });
      }
    }
    const unit = KPI_BY_KEY.get(kpi)!.unit;
    return { kpi, window, unit, series: [...series.values()] };
  }

  /** `GET /scorecard`: per scope, each KPI's value, target, status and previous value, and a score. */
  async scorecard(window: KpiWindow) {
    const snapshot = await this.snapshot();
    const current = snapshot.windows[window];
    const previous = await this.previous(snapshot, window);
    const redLines = snapshot.redLines?.windows[window];
    return {
      window,
      year: current.range.year,
      generatedAt: toIso(snapshot.computedAt),
      from: toIso(current.range.from),
      to: toIso(current.range.to),
      kpis: KPI_SUMMARIES,
      scopes: judge(current, previous, snapshot.index).map((row) =>
        redLines && snapshot.redLines!.rules.length > 0 ? { ...row, redLines: redLineCount(redLines, row) } : row
      ),
    };
  }

  /** Any range judged against its goals and compared with another (committee reviews; optionally of one service). */
  async compare(current: WindowRange, previous: WindowRange, service?: string) {
    const revision = await this.store.revision();
    const index = await this.orgs.index();
    const [now, before] = await Promise.all([
      this.computeWindow(current, index, undefined, service),
      this.computeWindow(previous, index, undefined, service),
    ]);
    return { revision, index, kpis: KPI_SUMMARIES, scopes: judge(now, before, index) };
  }
}

/** Per scope of `current`: each KPI's value, target, status and value in `previous`, and the score. */
function judge(current: WindowResult, previous: WindowResult, index: OrgIndex) {
  const share = yearShare(current.range, index.org.policy.timezone);
  const previousByScope = new Map(previous.scopes.map((s) => [scopeKey(s), s]));
  return current.scopes.map((scope) => {
    const before = previousByScope.get(scopeKey(scope));
    const statuses: Partial<Record<KpiKey, Status>> = {};
    const cells = Object.fromEntries(
      KPI_KEYS.map((kpi) => {
        const shown = present(kpi, scope);
        const value = shown ? scope.values[kpi].value : null;
        const target = windowTarget(yearlyTarget(index.org.goals, current.range.year, kpi, scope), kpi, share);
        statuses[kpi] = status(kpi, value, target);
        const prior = shown && before ? before.values[kpi].value : null;
        return [kpi, { value, target, status: statuses[kpi], previous: prior }];
      })
    );
    return { ...describeScope(scope, index), cells, score: overallScore(statuses) };
  });
}

export const scopeKey = (s: Scope) => `${s.level}|${s.businessLine ?? ''}|${s.team ?? ''}`;

/** Whether a KPI exists at a scope's level (org-only KPIs have no business-line or team value). */
export const present = (kpi: KpiKey, scope: Scope) => scope.level === 'org' || !ORG_ONLY.has(kpi);

function matches(scope: Scope, filter: ScopeFilter, index: OrgIndex): boolean {
  if (filter.level && scope.level !== filter.level) return false;
  if (filter.team && scope.team !== filter.team) return false;
  if (filter.businessLine) {
    const line = scope.level === 'team' ? index.teams.get(scope.team!)?.businessLine : scope.businessLine;
    if (line !== filter.businessLine) return false;
  }
  return true;
}

function describeScope(scope: Scope, index: OrgIndex) {
  if (scope.level === 'team') {
    const team = index.teams.get(scope.team!)!;
    return { level: scope.level, id: team.id, name: team.name, owner: team.manager, businessLine: team.businessLine };
  }
  if (scope.level === 'business_line') {
    const line = index.businessLines.get(scope.businessLine!)!;
    return { level: scope.level, id: line.id, name: line.name, owner: line.owner, businessLine: line.id };
  }
  return { level: scope.level, id: 'org', name: 'Organization', owner: null, businessLine: null };
}
