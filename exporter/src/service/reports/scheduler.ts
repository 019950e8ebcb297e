/**
 * The report scheduler: on each tick, claims every report that is due and not yet produced
 * (store/reports.ts: one claim row per kind and date or period), produces it, and sends each due
 * delivery. Any number of exporters may tick on one database: claims and deliveries are taken by
 * single conditional statements, so each report is produced once and sent once per destination,
 * across restarts too. It does nothing while the org config has no `reports:` section.
 *
 * Time comes from `now()` and ticks from `tick()`, so tests drive it without waiting on a clock.
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { ReportContent, ReportKind } from '@ballast/contract';
import type { Destination, ReportsConfig } from '../../domain/reports-config.js';
import { renderFor } from '../../domain/reports-render.js';
import { backoffMs, dueDaily, lastClosedPeriod, type DueReport } from '../../domain/reports-schedule.js';
import { buildCommitteePack, buildDailyReport, type CommitteeFacts } from '../../domain/reports.js';
import type { OrgIndex } from '../../domain/org.js';
import { ReportStore, type DeliveryRow } from '../../store/reports.js';
import type { OrgService } from '../org.js';
import { dailyFacts, type FactSources } from './daily-facts.js';
import type { Deliver, ReportMetrics } from './ports.js';

/** What the scheduler needs of the review service (service/reviews.ts): the draft of a closed period. */
export interface ReviewDrafts {
  draft(input: { period: 'week' | 'month'; at?: string }): Promise<unknown>;
}

export interface RetryPolicy {
  /** Wait after the first failed attempt (ms); doubled after each further one. */
  baseMs: number;
  maxMs: number;
  /** Attempts in all before a delivery is `failed` for good. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, maxMs: 3_600_000, maxAttempts: 10 };
/** How long a process may hold a delivery while sending; far above the send timeout (delivery/index.ts). */
export const SEND_LEASE_MS = 5 * 60_000;
/** A claim still `producing` after this long lost its process; another one takes it over. */
export const STALE_CLAIM_MS = 10 * 60_000;
/** Saved reviews younger than this are sent as packs (older ones were saved before reports were set up). */
export const REVIEW_PACK_WINDOW_MS = 24 * 3_600_000;

export interface SchedulerOptions {
  now?: () => number;
  retry?: RetryPolicy;
  /** This process, as the claims record it. */
  instance?: string;
  logger?: Logger;
  metrics?: ReportMetrics;
}

export class ReportScheduler {
  readonly reportStore: ReportStore;
  private readonly now: () => number;
  private readonly retry: RetryPolicy;
  readonly instance: string;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly sources: FactSources,
    private readonly orgs: OrgService,
    private readonly reviews: ReviewDrafts,
    private readonly deliver: Deliver,
    private readonly options: SchedulerOptions = {}
  ) {
    this.reportStore = new ReportStore(sources.store);
    this.now = options.now ?? Date.now;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.instance = options.instance ?? `${hostname()}:${process.pid}`;
  }

  /** Ticks now and then every `intervalMs`; a tick never overlaps the one before. */
  start(intervalMs: number): void {
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch((error: unknown) => this.options.logger?.error({ err: error }, 'report tick failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(loop, intervalMs);
        });
    };
    loop();
  }

  /** Stops ticking; waits for a send in progress, so a graceful stop never leaves one half-known. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Produces what is due and sends what is due. */
  async tick(): Promise<void> {
    const { index } = await this.orgs.current();
    const config = index.org.reports;
    if (!config) return;
    for (const due of await this.dueReports(config, index)) {
      await this.produce(due, config, index).catch((error: unknown) =>
        this.options.logger?.error({ err: error, kind: due.kind, key: due.key }, 'report production failed')
      );
    }
    await this.sendDue(config);
    this.options.metrics?.observe(await this.reportStore.deliveryCounts());
  }

  private async dueReports(config: ReportsConfig, index: OrgIndex): Promise<DueReport[]> {
    const now = this.now();
    const tz = index.org.policy.timezone;
    const due: DueReport[] = [];
    if (config.daily) due.push(dueDaily(now, config.daily.time, config.daily.timezone));
    if (config.committee?.week) due.push(lastClosedPeriod('week', now, tz));
    if (config.committee?.month) due.push(lastClosedPeriod('month', now, tz));
    if (config.committee?.review) {
      const saved = await this.sources.store.db
        .selectFrom('reviews')
        .select(['id', 'from_at', 'to_at'])
        .where('saved_at', '>=', now - REVIEW_PACK_WINDOW_MS)
        .where('saved_at', '<=', now)
        .orderBy('saved_at')
        .execute();
      for (const r of saved) due.push({ kind: 'review', key: r.id, from: Number(r.from_at), to: Number(r.to_at) });
    }
    return due;
  }

  private destinationsOf(kind: ReportKind, config: ReportsConfig): Destination[] {
    const ids =
      kind === 'daily'
        ? config.daily?.destinations
        : kind === 'review'
          ? config.committee?.review?.destinations
          : config.committee?.[kind]?.destinations;
    return (ids ?? []).map((id) => config.destinations.find((d) => d.id === id)).filter((d) => d !== undefined);
  }

  private async produce(due: DueReport, config: ReportsConfig, index: OrgIndex): Promise<void> {
    const now = this.now();
    const { id, won } = await this.reportStore.claim(due.kind, due.key, this.instance, now, STALE_CLAIM_MS);
    if (!won) return;
    const content = await this.content(due, config, index, now);
    const destinations = this.destinationsOf(due.kind, config).map((d) => ({ id: d.id, kind: d.kind }));
    const stored = await this.reportStore.produce(
      id,
      this.instance,
      { title: content.title, document: JSON.stringify(content) },
      destinations,
      this.now()
    );
    if (stored) {
      this.options.metrics?.produced(due.kind);
      this.options.logger?.info({ report: id, destinations: destinations.length }, 'report produced');
    }
  }

  private async content(due: DueReport, config: ReportsConfig, index: OrgIndex, now: number): Promise<ReportContent> {
    const tz = index.org.policy.timezone;
    if (due.kind === 'daily') {
      return buildDailyReport(await dailyFacts(this.sources, index, config, due.key, now), config.grafanaUrl);
    }
    if (due.kind === 'review') {
      const row = await this.sources.store.db
        .selectFrom('reviews')
        .select('document')
        .where('id', '=', due.key)
        .executeTakeFirstOrThrow();
      return buildCommitteePack('review', due.key, JSON.parse(row.document) as CommitteeFacts, config.grafanaUrl, tz);
    }
    const review = (await this.reviews.draft({
      period: due.kind,
      at: new Date(due.from).toISOString(),
    })) as CommitteeFacts;
    return buildCommitteePack(due.kind, due.key, review, config.grafanaUrl, tz);
  }

  private async sendDue(config: ReportsConfig): Promise<void> {
    for (const row of await this.reportStore.interruptExpired(this.now())) {
      this.options.metrics?.delivery(kindOf(row), row.destination, 'interrupted');
    }
    for (;;) {
      const taken = await this.reportStore.takeDue(this.now(), this.instance, SEND_LEASE_MS);
      if (taken.length === 0) return;
      for (const delivery of taken) await this.send(delivery, config);
      if (this.stopped) return;
    }
  }

  private async send(delivery: DeliveryRow, config: ReportsConfig): Promise<void> {
    const report = await this.reportStore.report(delivery.report_id);
    const destination = config.destinations.find((d) => d.id === delivery.destination);
    let result: { ok: boolean; error?: string };
    if (!report?.document) result = { ok: false, error: 'the report has no stored content' };
    else if (!destination || destination.kind !== delivery.destination_kind)
      result = { ok: false, error: `destination "${delivery.destination}" is no longer configured` };
    else {
      const content = JSON.parse(report.document) as ReportContent;
      result = await this.deliver(
        destination,
        renderFor(destination.kind, content, report.id),
        {
          delivery: delivery.id,
          report: report.id,
        },
        config
      );
    }
    const now = this.now();
    const final = delivery.attempts >= this.retry.maxAttempts;
    const status = result.ok ? 'delivered' : final ? 'failed' : 'retrying';
    await this.reportStore.finish(
      delivery.id,
      this.instance,
      {
        status,
        error: result.ok ? null : (result.error ?? 'failed'),
        nextAttemptAt:
          status === 'retrying' ? now + backoffMs(delivery.attempts, this.retry.baseMs, this.retry.maxMs) : null,
      },
      now
    );
    this.options.metrics?.delivery(kindOf(delivery), delivery.destination, status);
    const log = { report: delivery.report_id, destination: delivery.destination, attempt: delivery.attempts };
    if (result.ok) this.options.logger?.info(log, 'report delivered');
    else this.options.logger?.warn({ ...log, error: result.error, status }, 'report delivery failed');
  }
}

/** The report kind of a delivery, from its report id (`rp-<kind>-<key>`). */
const kindOf = (d: DeliveryRow) => d.report_id.split('-')[1] ?? 'unknown';
