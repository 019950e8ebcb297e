/**
 * The KPI metrics contract (docs/metrics.md): one gauge family per KPI, numerator and denominator
 * families beside them, targets, freeze state and the exporter's own refresh metrics.
 * KPI families live in their own registry, filled and serialized once per refresh, so a scrape
 * only concatenates a cached text (tens of thousands of series on a large org) with the small
 * main registry (Node's default metrics, self-metrics, freeze state, evaluated at scrape time).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Logger } from 'pino';
import { openOccurrence } from '../domain/freezes.js';
import { TALLY_FIELD_SPECS } from '@ballast/contract';
import { KPI_DEFINITIONS, STAGES, stageMeans, type Scope, type Tally, type TallyField } from '../domain/kpis.js';
import { KPI_WINDOWS, type KpiKey } from '../domain/kpi-keys.js';
import { windowTarget, yearlyTarget } from '../domain/scorecard.js';
import { yearIn, yearShare } from '../domain/windows.js';
import { present, type KpiService, type Snapshot } from '../service/kpis.js';
import { RedLineFamilies } from './red-line-metrics.js';

const SCOPE_LABELS = ['business_line', 'team'] as const;
/** Lets waiting requests in between the steps of a long synchronous job. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Scopes whose ~60 series each are set between two yields (a few ms of work). */
const SCOPES_PER_STEP = 25;
const WINDOWED = ['window', ...SCOPE_LABELS] as const;

/** Labels of a scope: org series carry neither, business-line series one, team series both. */
export function scopeLabels(scope: Scope): Record<string, string> {
  const labels: Record<string, string> = {};
  if (scope.businessLine !== null) labels.business_line = scope.businessLine;
  if (scope.team !== null) labels.team = scope.team;
  return labels;
}

/**
 * Numerator and denominator families: additive, so any grouping can be computed in PromQL. One per
 * tally field of the KPI registry that names a family (the rest are a KPI's own family, or samples).
 */
export const COMPONENT_FAMILIES: { name: string; help: string; field: TallyField; scale?: number }[] =
  TALLY_FIELD_SPECS.flatMap((f) =>
    f.family === null || f.kind === 'samples'
      ? []
      : [
          {
            name: f.family,
            help: f.help,
            field: f.name as TallyField,
            ...(f.scale !== undefined ? { scale: f.scale } : {}),
          },
        ]
  );

function kpiHelp(d: (typeof KPI_DEFINITIONS)[number]): string {
  const unit = { count: 'count', seconds: 'seconds', ratio: 'ratio 0-1', per_day: 'per day', score: 'score 0-100' }[
    d.unit
  ];
  return `${d.title} (${unit}, ${d.direction} is better): ${d.description}`;
}

/** The families recomputed on each refresh, in their own registry. */
class KpiFamilies {
  readonly registry = new Registry();
  private readonly kpis = KPI_DEFINITIONS.map((d) => ({
    key: d.key,
    gauge: this.gauge(`stability_${d.key}`, kpiHelp(d), WINDOWED),
  }));
  private readonly components = COMPONENT_FAMILIES.map((c) => ({ ...c, gauge: this.gauge(c.name, c.help, WINDOWED) }));
  private readonly stageMean = this.gauge(
    'stability_incident_stage_seconds',
    "Mean time of each incident process stage of high-priority incidents (by startedAt): from the previous step reached, or the start, to the stage's step.",
    [...WINDOWED, 'stage']
  );
  private readonly stageCount = this.gauge(
    'stability_incident_stage_incidents',
    'High-priority incidents that reached each stage; denominator of stability_incident_stage_seconds.',
    [...WINDOWED, 'stage']
  );
  private readonly stageSum = this.gauge(
    'stability_incident_stage_spent_seconds',
    'Summed time of each stage; numerator of stability_incident_stage_seconds.',
    [...WINDOWED, 'stage']
  );
  private readonly windowLength = this.gauge(
    'stability_window_seconds',
    'Length of each window (time elapsed this year for ytd); stability_high_severity_alerts / (this / 86400) is stability_high_priority_alerts_per_day.',
    ['window']
  );
  private readonly computedAt = this.gauge(
    'ballast_kpi_snapshot_timestamp_seconds',
    'Unix time the KPI series were computed at: the end of every window.',
    []
  );
  private readonly overdue = this.gauge(
    'stability_inspection_findings_overdue',
    'Open inspection findings past their due date, now.',
    SCOPE_LABELS
  );
  private readonly target = this.gauge(
    'stability_kpi_target',
    "This year's target of a KPI for a scope (its own goal, else for non-count KPIs its business line's or the org's); count targets are yearly.",
    ['kpi', ...SCOPE_LABELS]
  );
  private readonly windowTarget = this.gauge(
    'stability_kpi_window_target',
    "The target a window's value is judged against (the scorecard's): stability_kpi_target of the year the window ends in, counts pro-rated to the window's share of that year in the org's timezone.",
    ['kpi', ...WINDOWED]
  );
  // An info family (value 1) so rules can join on `kpi` for the direction without listing KPIs.
  private readonly info = this.gauge(
    'stability_kpi_info',
    'One series per KPI, value 1, with its unit and direction (which way is better): rules join on kpi for the direction.',
    ['kpi', 'unit', 'direction']
  );
  private readonly systems = this.gauge(
    'stability_change_systems',
    'Change systems in the org config; denominator of stability_change_system_integration_ratio.',
    []
  );
  private readonly integrated = this.gauge(
    'stability_change_systems_integrated',
    'Integrated change systems; numerator of stability_change_system_integration_ratio.',
    []
  );

  private readonly redLines = new RedLineFamilies(this.registry);

  private gauge(name: string, help: string, labelNames: readonly string[]) {
    return new Gauge({ name, help, labelNames: [...labelNames], registers: [this.registry] });
  }

  /** Replaces every series with the snapshot's values; returns the serialized families. */
  async render(snapshot: Snapshot): Promise<string> {
    this.registry.resetMetrics();
    const { index } = snapshot;
    this.computedAt.set(snapshot.computedAt / 1000);
    for (const d of KPI_DEFINITIONS) this.info.set({ kpi: d.key, unit: d.unit, direction: d.direction }, 1);
    // Yearly targets depend on the year, not the window: looked up once per year, KPI and scope.
    const yearly = new Map<string, number | null>();
    const yearlyOf = (year: number, kpi: KpiKey, scope: Scope) => {
      const id = `${year}|${kpi}|${scope.level}|${scope.businessLine ?? ''}|${scope.team ?? ''}`;
      let target = yearly.get(id);
      if (target === undefined) yearly.set(id, (target = yearlyTarget(index.org.goals, year, kpi, scope)));
      return target;
    };
    for (const window of KPI_WINDOWS) {
      const result = snapshot.windows[window];
      this.windowLength.set({ window }, (result.range.to - result.range.from) / 1000);
      const share = yearShare(result.range, index.org.policy.timezone);
      for (const [i, scope] of result.scopes.entries()) {
        if (i % SCOPES_PER_STEP === 0) await yieldToEventLoop();
        const labels = { window, ...scopeLabels(scope) };
        for (const { key, gauge } of this.kpis) {
          if (!present(key, scope)) continue;
          const value = scope.values[key].value;
          if (value !== null) gauge.set(labels, value);
          const target = windowTarget(yearlyOf(result.range.year, key, scope), key, share);
          if (target !== null) this.windowTarget.set({ kpi: key, ...labels }, target);
        }
        this.setComponents(scope.tally, labels);
      }
    }
    const year = yearIn(snapshot.computedAt, index.org.policy.timezone);
    for (const scope of snapshot.windows.ytd.scopes) {
      for (const { key } of this.kpis) {
        const target = windowTarget(yearlyOf(year, key, scope), key, 1);
        if (target !== null && present(key, scope)) this.target.set({ kpi: key, ...scopeLabels(scope) }, target);
      }
    }
    for (const { scope, count } of snapshot.overdue) this.overdue.set(scopeLabels(scope), count);
    this.redLines.set(snapshot.redLines, scopeLabels);
    const systems = index.org.changeSystems;
    this.systems.set(systems.length);
    this.integrated.set(systems.filter((s) => s.integrated).length);
    // As registry.metrics() formats it, one family at a time: tens of thousands of series would
    // otherwise hold the event loop (and every scrape) for the whole serialization.
    const families: string[] = [];
    for (const { name } of this.registry.getMetricsAsArray()) {
      await yieldToEventLoop();
      families.push(await this.registry.getSingleMetricAsString(name));
    }
    return `${families.join('\n\n')}\n`;
  }

  private setComponents(tally: Tally, labels: Record<string, string>) {
    for (const c of this.components) c.gauge.set(labels, tally.counts[c.field] * (c.scale ?? 1));
    const means = stageMeans(tally);
    for (const stage of STAGES) {
      const { count, ms } = tally.stages[stage];
      const l = { ...labels, stage };
      this.stageCount.set(l, count);
      this.stageSum.set(l, ms / 1000);
      if (means[stage] !== null) this.stageMean.set(l, means[stage]);
    }
  }
}

const gzipAsync = promisify(gzip);

export interface KpiExport {
  /** The KPI families' text, after the first refresh has finished (or failed). */
  text(): Promise<string>;
  /**
   * Serves /metrics: the main registry, then the KPI families. With `Accept-Encoding: gzip` (as
   * Prometheus sends) the KPI part goes out pre-compressed at refresh time, as a second gzip member.
   */
  respond(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Recomputes now if the data changed or the snapshot is too old. */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the refresher: every `intervalMs` it checks the store's revision and recomputes the
 * snapshot when the data changed or it is older than the service's max age, then re-renders.
 * Self-metrics and freeze state are registered in `registry` (the main one).
 */
export function startKpiExport(
  service: KpiService,
  registry: Registry,
  options: { intervalMs: number; logger: Logger }
): KpiExport {
  const families = new KpiFamilies();
  let rendered = '';
  let renderedGzip = gzipSync('');
  let renderedRevision: Snapshot | null = null;
  const duration = new Gauge({
    name: 'ballast_kpi_refresh_duration_seconds',
    help: 'How long the last KPI refresh took (queries, roll-up and rendering).',
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: 'ballast_kpi_last_refresh_timestamp_seconds',
    help: 'Unix time of the last successful KPI refresh.',
    registers: [registry],
  });
  const storeErrors = new Counter({
    name: 'ballast_store_errors_total',
    help: 'KPI refreshes that failed on a store error.',
    registers: [registry],
  });
  new Gauge({
    name: 'stability_freeze_active',
    help: 'Whether a freeze window is open now (1) or not (0), with its scope as labels.',
    labelNames: ['freeze', 'business_line', 'team', 'service'],
    registers: [registry],
    collect() {
      this.reset();
      const now = Date.now();
      for (const freeze of service.last()?.freezes ?? []) {
        const { businessLine, team, service: svc } = freeze.scope;
        const labels = {
          freeze: freeze.id,
          ...(businessLine !== undefined ? { business_line: businessLine } : {}),
          ...(team !== undefined ? { team } : {}),
          ...(svc !== undefined ? { service: svc } : {}),
        };
        this.set(labels, openOccurrence(freeze, now) ? 1 : 0);
      }
    },
  });

  let running: Promise<void> | null = null;
  const refresh = () =>
    (running ??= (async () => {
      const started = performance.now();
      try {
        const snapshot = await service.snapshot();
        if (snapshot !== renderedRevision) {
          const text = await families.render(snapshot);
          renderedGzip = await gzipAsync(text); // off the event loop, in libuv's pool
          rendered = text;
          renderedRevision = snapshot;
          duration.set((performance.now() - started) / 1000);
        }
        lastSuccess.set(Date.now() / 1000);
      } catch (error) {
        storeErrors.inc();
        options.logger.error({ err: error }, 'KPI refresh failed');
      }
    })().finally(() => {
      running = null;
    }));

  const first = refresh();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  // Refreshes start every intervalMs (not intervalMs after the last one ended): a write waits at
  // most one interval plus one refresh, not an interval plus two refreshes, to show in /metrics.
  const loop = (lastStarted: number) => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        const started = performance.now();
        void refresh().then(() => loop(started));
      },
      Math.max(0, options.intervalMs - (performance.now() - lastStarted))
    );
    timer.unref(); // the refresher alone never keeps the process alive
  };
  const firstStarted = performance.now();
  void first.then(() => loop(firstStarted));
  return {
    async text() {
      await first;
      return rendered;
    },
    async respond(req, res) {
      await first;
      const [kpis, kpisGzip] = [rendered, renderedGzip];
      const head = await registry.metrics();
      res.setHeader('Content-Type', registry.contentType);
      res.setHeader('Vary', 'Accept-Encoding');
      if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
        res.setHeader('Content-Encoding', 'gzip');
        res.end(Buffer.concat([gzipSync(head), kpisGzip]));
      } else {
        res.end(head + kpis);
      }
    },
    refresh,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
