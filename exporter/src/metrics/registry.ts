/**
 * The Prometheus registry behind /metrics: Node's default metrics and the exporter's own.
 * The KPI gauges register themselves here (metrics/kpi-metrics.ts).
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export function createRegistry(version: string, store: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const info = new Gauge({
    name: 'ballast_build_info',
    help: 'Ballast exporter build information; always 1.',
    labelNames: ['version', 'store'],
    registers: [registry],
  });
  info.set({ version, store }, 1);
  return registry;
}
