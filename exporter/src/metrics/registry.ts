/**
 * The Prometheus registry behind /metrics: Node's default metrics and the exporter's own.
 * The KPI gauges register themselves here (metrics/kpi-metrics.ts).
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export function createRegistry(version: string, store: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client names these gauges *_total, which `promtool check metrics` rejects; the same
  // numbers remain, per type, in nodejs_active_handles / _requests / _resources.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(name);
  }
  const info = new Gauge({
    name: 'ballast_build_info',
    help: 'Ballast exporter build information; always 1.',
    labelNames: ['version', 'store'],
    registers: [registry],
  });
  info.set({ version, store }, 1);
  return registry;
}
