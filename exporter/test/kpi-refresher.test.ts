/**
 * The KPI refresher's schedule, on fake timers: a refresh starts every `intervalMs`, not later.
 * (The end-to-end freshness check with real exporters is in metrics.test.ts; this one is exact.)
 */
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startKpiExport, type KpiExport } from '../src/metrics/kpi-metrics.js';
import type { KpiService } from '../src/service/kpis.js';

const exports: KpiExport[] = [];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
});
afterEach(async () => {
  for (const e of exports.splice(0)) await e.stop();
  vi.useRealTimers();
});

/** A service whose snapshot() only counts calls (and fails, so nothing is rendered: the schedule is under test). */
function countingService() {
  const calls: number[] = [];
  const service = {
    snapshot: vi.fn(async () => {
      calls.push(performance.now());
      throw new Error('no store in this test');
    }),
    last: () => null,
  } as unknown as KpiService;
  return { service, calls };
}

describe('the KPI refresher', () => {
  it.each([100, 1_000, 15_000])('refreshes every %i ms (its configured interval), not later', async (intervalMs) => {
    const { service, calls } = countingService();
    exports.push(startKpiExport(service, new Registry(), { intervalMs, logger: pino({ level: 'silent' }) }));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1); // the first refresh at start-up
    await vi.advanceTimersByTimeAsync(intervalMs - 1);
    expect(calls).toHaveLength(1); // not early
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2); // exactly one interval later
    await vi.advanceTimersByTimeAsync(3 * intervalMs);
    expect(calls).toHaveLength(5);
    expect(calls.slice(1).map((t, i) => t - calls[i]!)).toEqual([intervalMs, intervalMs, intervalMs, intervalMs]);
  });

  it('counts each failed refresh in ballast_store_errors_total and keeps its schedule', async () => {
    const { service } = countingService();
    const registry = new Registry();
    exports.push(startKpiExport(service, registry, { intervalMs: 100, logger: pino({ level: 'silent' }) }));
    await vi.advanceTimersByTimeAsync(250);
    const errors = (await registry.getSingleMetric('ballast_store_errors_total')!.get()).values[0]!.value;
    expect(errors).toBe(3); // at 0, 100 and 200 ms
  });

  it('stops refreshing once stopped', async () => {
    const { service, calls } = countingService();
    const e = startKpiExport(service, new Registry(), { intervalMs: 100, logger: pino({ level: 'silent' }) });
    await vi.advanceTimersByTimeAsync(0);
    await e.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveLength(1);
  });
});
