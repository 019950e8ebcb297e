/**
 * Alertmanager webhook throughput through the real HTTP server: notifications of 10 alerts, 8 in
 * flight (Alertmanager delivers groups in parallel), on each store. Three passes: new alerts, the
 * same notifications re-sent (all deduplicated), then their resolution (each record updated).
 */
import { pino } from 'pino';
import { configFromEnv } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import type { BenchSection } from '../context.js';
import { demoData } from '../fixtures.js';
import { count, perSecond } from '../report.js';
import { recordQuery } from '../../src/api/list-params.js';

const NOTIFICATIONS = 1000;
const ALERTS_PER_NOTIFICATION = 10;
const IN_FLIGHT = 8;

function notifications(services: string[], status: 'firing' | 'resolved') {
  const start = Date.parse('2026-03-10T00:00:00Z');
  return Array.from({ length: NOTIFICATIONS }, (_, n) => ({
    version: '4',
    status,
    receiver: 'ballast',
    groupKey: `{}:{alertname="Bench${n}"}`,
    alerts: Array.from({ length: ALERTS_PER_NOTIFICATION }, (_, i) => {
      const k = n * ALERTS_PER_NOTIFICATION + i;
      const startsAt = new Date(start + k * 1000).toISOString();
      return {
        status,
        labels: {
          alertname: `Bench${n % 50}`,
          severity: k % 7 === 0 ? 'critical' : 'warning',
          service: services[k % services.length]!,
          instance: `node-${k}`,
        },
        annotations: {},
        startsAt,
        endsAt: status === 'resolved' ? new Date(start + k * 1000 + 300_000).toISOString() : '0001-01-01T00:00:00Z',
        generatorURL: '',
        fingerprint: k.toString(16).padStart(16, '0'),
      };
    }),
  }));
}

async function pass(url: string, bodies: unknown[]): Promise<{ ms: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < bodies.length) {
        const body = JSON.stringify(bodies[next++]);
        const t = performance.now();
        const res = await fetch(`${url}/api/v1/ingest/alertmanager`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
      }
    })
  );
  return { ms: performance.now() - started, latencies };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

export const alertmanagerWebhookSection: BenchSection = {
  name: `Alertmanager webhook (${count(NOTIFICATIONS)} notifications × ${ALERTS_PER_NOTIFICATION} alerts, ${IN_FLIGHT} in flight, over HTTP)`,
  async run({ report, eachStore }) {
    const { org } = demoData().data;
    const services = org.services.map((s) => s.id);
    const rows: string[][] = [];
    await eachStore(async (factory) => {
      const store = await factory.open();
      const config = configFromEnv({}, { host: '127.0.0.1', port: 0, ...store.config });
      const server = await startServer(config, pino({ level: 'silent' }), store.services);
      try {
        await store.services.orgs.replace(org);
        const passes: [string, unknown[]][] = [
          ['new', notifications(services, 'firing')],
          ['re-sent', notifications(services, 'firing')],
          ['resolved', notifications(services, 'resolved')],
        ];
        for (const [name, bodies] of passes) {
          const { ms, latencies } = await pass(server.url, bodies);
          const alerts = NOTIFICATIONS * ALERTS_PER_NOTIFICATION;
          rows.push([
            factory.kind,
            name,
            perSecond(alerts, ms),
            perSecond(NOTIFICATIONS, ms),
            `${percentile(latencies, 50).toFixed(1)} ms`,
            `${percentile(latencies, 99).toFixed(1)} ms`,
          ]);
        }
        const { total } = await store.services.records.list('alerts', recordQuery('alerts', { limit: '1' }));
        if (total !== NOTIFICATIONS * ALERTS_PER_NOTIFICATION)
          throw new Error(`expected ${NOTIFICATIONS * ALERTS_PER_NOTIFICATION} alert records, found ${total}`);
      } finally {
        await server.close(); // closes the store too
        await store.close();
      }
    });
    report.table(['store', 'pass', 'alerts/s', 'requests/s', 'p50 / request', 'p99 / request'], rows);
  },
};
