/**
 * The scheduled reports in /metrics (docs/metrics.md "Reports"): attempts by outcome counted by
 * this process, and the deliveries in each state as the store holds them (shared by every
 * process), refreshed after each scheduler tick so a scrape never waits on the database.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { DELIVERY_STATUSES } from '@ballast/contract';
import type { ReportMetrics } from '../service/reports/ports.js';

export function reportMetrics(registry: Registry): ReportMetrics {
  const produced = new Counter({
    name: 'ballast_reports_produced_total',
    help: 'Scheduled reports this process produced (each report is produced by one process only), by kind.',
    labelNames: ['kind'],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'ballast_report_deliveries_total',
    help: 'Report delivery attempts this process made, by report kind, destination and outcome (delivered, retrying, failed, interrupted).',
    labelNames: ['kind', 'destination', 'outcome'],
    registers: [registry],
  });
  const state = new Gauge({
    name: 'ballast_report_deliveries',
    help: 'Report deliveries in the store by destination and status (pending, sending, retrying, delivered, failed, interrupted).',
    labelNames: ['destination', 'status'],
    registers: [registry],
  });
  const lastTick = new Gauge({
    name: 'ballast_report_scheduler_last_tick_timestamp_seconds',
    help: 'When this process last finished a report scheduler tick.',
    registers: [registry],
  });
  return {
    produced: (kind) => produced.inc({ kind }),
    delivery: (kind, destination, outcome) => deliveries.inc({ kind, destination, outcome }),
    observe(counts) {
      state.reset();
      const destinations = new Set(counts.map((c) => c.destination));
      // Every status of every destination is present (0 when none), so rate() and alerts see a series.
      for (const destination of destinations)
        for (const status of DELIVERY_STATUSES) state.set({ destination, status }, 0);
      for (const c of counts) state.set({ destination: c.destination, status: c.status }, c.count);
      lastTick.set(Date.now() / 1000);
    },
  };
}
