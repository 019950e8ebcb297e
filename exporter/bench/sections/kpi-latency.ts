/**
 * KPI latency on the large org (large-org.ts), on both stores: the exporter runs as a child
 * process (so its RSS is its own) against a store loaded with a year of records; we measure
 * /metrics p50/p99 as a scraper sees it, what a real Prometheus reports as its scrape duration
 * (beside a static server of the same text), scorecard p50, how soon a written record shows in
 * /metrics, the violation filter over a year of changes, the per-name and per-system aggregates
 * over a year, the KPI refresh time, RSS, and on
 * PostgreSQL the same KPIs as one hand-written SQL query each (the baseline).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip } from 'node:zlib';
import { join } from 'node:path';
import { sql } from 'kysely';
import { KPI_WINDOWS } from '../../src/domain/kpi-keys.js';
import { windowRange } from '../../src/domain/windows.js';
import { loadFreezeWindows } from '../../src/service/freezes.js';
import type { BenchSection } from '../context.js';
import { count, megabytes, seconds } from '../report.js';
import { baselineQueries, runBaseline } from './kpi-baseline.js';
import { LARGE, largeOrg, loadLargeOrg } from './large-org.js';

const EXPORTER_DIR = join(import.meta.dirname, '..', '..');
const METRICS_REQUESTS = 200;
const SCORECARD_REQUESTS = 30;
const WRITES = 3;

const ms = (v: number) => `${v.toFixed(1)} ms`;
const durations = (d: { p50: number; p99: number; max: number }) => `${ms(d.p50)} / ${ms(d.p99)} / ${ms(d.max)}`;
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};

/** The built CLI when it is current, else the sources through tsx. */
function exporterCommand(): string[] {
  const built = join(EXPORTER_DIR, 'dist', 'server.js');
  if (existsSync(built) && readFileSync(built, 'utf8').includes('startKpiExport'))
    return [join(EXPORTER_DIR, 'dist', 'cli', 'main.js')];
  return ['--import', 'tsx', join(EXPORTER_DIR, 'src', 'cli', 'main.ts')];
}

interface Child {
  url: string;
  process: ChildProcess;
  memory(): { rss: number; peak: number };
  stop(): Promise<void>;
}

async function startExporter(store: { dataDir: string; databaseUrl?: string }): Promise<Child> {
  const child = spawn(process.execPath, [...exporterCommand(), 'serve'], {
    cwd: EXPORTER_DIR,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      BALLAST_DATA_DIR: store.dataDir,
      DATABASE_URL: store.databaseUrl ?? '',
      BALLAST_TOKENS: '',
      BALLAST_CONFIG: '',
      BALLAST_METRICS_PUBLIC: 'true',
      BALLAST_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /Ballast exporter (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exporter exited (${code}): ${stderr.slice(-2000)}`)));
  });
  const status = (field: string) =>
    Number(
      /(\d+) kB/.exec(
        readFileSync(`/proc/${child.pid}/status`, 'utf8')
          .split('\n')
          .find((l) => l.startsWith(field)) ?? ''
      )?.[1] ?? 0
    ) * 1024;
  return {
    url,
    process: child,
    memory: () => ({ rss: status('VmRSS:'), peak: status('VmHWM:') }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function timed(url: string, init?: RequestInit): Promise<{ ms: number; body: string; status: number }> {
  const started = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  return { ms: performance.now() - started, body, status: res.status };
}

/**
 * A scrape as Prometheus makes it: gzip asked for, the answer inflated as it streams in (Go's
 * gzip reader does the same) to its last byte. `serverMs`: until the last compressed byte came,
 * the exporter's share; `ms`: until the last byte of exposition text was inflated, what a scraper
 * waits for before it parses. fetch() is not used: undici's decompression and a 5 MB JS string
 * cost this client several times the exporter's time, which says nothing about the exporter.
 */
function scrape(
  url: string
): Promise<{ ms: number; serverMs: number; bytes: number; textBytes: number; body: Buffer; text(): string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      if (res.headers['content-encoding'] !== 'gzip')
        return reject(new Error(`/metrics answered without gzip (${res.statusCode})`));
      const chunks: Buffer[] = [];
      let serverMs = 0;
      const text: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => (serverMs = performance.now() - started));
      const inflate = res.pipe(createGunzip());
      inflate.on('data', (d: Buffer) => text.push(d)); // kept as bytes: a JS string is made only when asked, after the clock stops
      inflate.on('end', () => {
        const body = Buffer.concat(chunks);
        const ms = performance.now() - started;
        const textBytes = text.reduce((n, d) => n + d.length, 0);
        resolve({
          ms,
          serverMs,
          bytes: body.length,
          textBytes,
          body,
          text: () => Buffer.concat(text).toString('utf8'),
        });
      });
      inflate.on('error', reject);
      res.on('error', reject);
    }).on('error', reject);
  });
}

interface PrometheusServer {
  query(promql: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  waitFor(promql: string, predicate: (samples: { value: number }[]) => boolean, timeoutMs?: number): Promise<unknown>;
  stop(): Promise<void>;
}

/** Seconds of real Prometheus scrapes (one a second per target) whose durations are read back. */
const PROMETHEUS_SCRAPE_SECONDS = 60;
type ScrapeDurations = { p50: number; p99: number; max: number };

/** Serves one captured gzip exposition as it is: a scrape target that costs nothing to answer. */
async function staticCopy(gzipBody: Buffer): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      'content-encoding': 'gzip',
      'content-length': gzipBody.length,
    });
    res.end(gzipBody);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * What a real Prometheus (Debian's package, started by the test harness) reports as
 * scrape_duration_seconds: request, inflating, parsing and appending every sample to its TSDB.
 * It scrapes the exporter and, as a floor, a static copy of the same exposition at the same time:
 * the difference is what the exporter adds. Skipped with a reason where Prometheus cannot start.
 */
async function prometheusScrapes(
  exporterUrl: string,
  gzipBody: Buffer
): Promise<{ exporter: ScrapeDurations; copy: ScrapeDurations } | string> {
  const harness = '../../../test/support/prometheus.js'; // loaded on demand, as context.ts loads PostgreSQL's
  const copy = await staticCopy(gzipBody);
  let prometheus: PrometheusServer;
  try {
    const { startPrometheus } = (await import(harness)) as { startPrometheus(o: object): Promise<PrometheusServer> };
    prometheus = await startPrometheus({
      scrapeTargets: [
        { url: `${exporterUrl}/metrics`, job: 'ballast' },
        { url: `${copy.url}/metrics`, job: 'copy' },
      ],
      scrapeInterval: '1s',
    });
  } catch (error) {
    await copy.close();
    return `skipped (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
  try {
    // The first scrapes create ~50k series each; the steady state starts after them.
    await prometheus.waitFor(
      'count_over_time(scrape_duration_seconds{job=~"ballast|copy"}[10m]) >= 3',
      (s) => s.length === 2,
      60_000
    );
    await new Promise((r) => setTimeout(r, PROMETHEUS_SCRAPE_SECONDS * 1000));
    const range = `scrape_duration_seconds{job=~"ballast|copy"}[${PROMETHEUS_SCRAPE_SECONDS}s]`;
    const byJob = async (promql: string) =>
      new Map((await prometheus.query(promql)).map((s) => [s.metric.job!, s.value * 1000]));
    const [p50, p99, max] = await Promise.all([
      byJob(`quantile_over_time(0.5, ${range})`),
      byJob(`quantile_over_time(0.99, ${range})`),
      byJob(`max_over_time(${range})`),
    ]);
    const of = (job: string) => ({ p50: p50.get(job) ?? NaN, p99: p99.get(job) ?? NaN, max: max.get(job) ?? NaN });
    return { exporter: of('ballast'), copy: of('copy') };
  } finally {
    await prometheus.stop();
    await copy.close();
  }
}

const sample = (text: string, name: string, labels: string) => {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{${labels}}`) || (labels === '' && l.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

export const kpiLatencySection: BenchSection = {
  name: `KPI latency on the large org (${LARGE.businessLines} business lines, ${count(LARGE.businessLines * LARGE.teamsPerLine)} teams, ${count(LARGE.alerts)} alerts)`,
  async run({ report, eachStore }) {
    const rows: string[][] = [];
    const baseline: string[][] = [];
    await eachStore(async (factory) => {
      const store = await factory.open();
      let child: Child | null = null;
      try {
        const now = Date.now();
        const org = largeOrg(new Date(now).getUTCFullYear());
        await store.services.orgs.replace(org);
        const loadStarted = performance.now();
        const written = await loadLargeOrg(store, factory.kind, org, now);
        if (factory.kind === 'postgres') await sql`analyze`.execute(store.services.store.db); // fresh statistics, as autovacuum would give
        const loadMs = performance.now() - loadStarted;
        report.line(
          `${factory.kind}: loaded ${count(written)} rows in ${seconds(loadMs)} (${megabytes(await store.sizeBytes())} on disk)`
        );

        const startStarted = performance.now();
        child = await startExporter(store.config);
        const first = await timed(`${child.url}/metrics`);
        const coldMs = performance.now() - startStarted;
        const series = first.body.split('\n').filter((l) => l.startsWith('stability_')).length;

        // Only the times are kept: holding 200 inflated texts would make this client's GC the figure.
        const firstScrape = await scrape(`${child.url}/metrics`);
        const metricsTimes: number[] = [];
        const serverTimes: number[] = [];
        for (let i = 0; i < METRICS_REQUESTS; i++) {
          const { ms, serverMs } = await scrape(`${child.url}/metrics`);
          metricsTimes.push(ms);
          serverTimes.push(serverMs);
        }
        const real = await prometheusScrapes(child.url, firstScrape.body);
        const scorecardTimes: number[] = [];
        for (let i = 0; i < SCORECARD_REQUESTS; i++) {
          const r = await timed(`${child.url}/api/v1/scorecard?window=ytd`);
          if (r.status !== 200) throw new Error(`scorecard ${r.status}: ${r.body.slice(0, 300)}`);
          scorecardTimes.push(r.ms);
        }
        const kpisTimes: number[] = [];
        for (let i = 0; i < SCORECARD_REQUESTS; i++)
          kpisTimes.push((await timed(`${child.url}/api/v1/kpis?window=30d&level=team`)).ms);
        // The violation filter is computed, not indexed: a year of changes is read for one page.
        const violationTimes: number[] = [];
        let violations = '';
        for (let i = 0; i < 5; i++) {
          const r = await timed(`${child.url}/api/v1/changes?violation=true&limit=100`);
          if (r.status !== 200) throw new Error(`changes?violation ${r.status}: ${r.body.slice(0, 300)}`);
          violationTimes.push(r.ms);
          violations = `${count((JSON.parse(r.body) as { total: number }).total)} of ${count(LARGE.changes)} changes`;
        }
        // The per-name and per-system aggregates over the year the records span (the app's Alerts and Changes pages).
        const yearRange = `from=${new Date(Date.now() - 366 * 86_400_000).toISOString()}&to=${new Date().toISOString()}`;
        const aggregateTimes: Record<'alerts-by-name' | 'changes-by-system', number[]> = {
          'alerts-by-name': [],
          'changes-by-system': [],
        };
        for (let i = 0; i < 5; i++) {
          for (const path of ['alerts-by-name', 'changes-by-system'] as const) {
            const r = await timed(
              `${child.url}/api/v1/${path}?${yearRange}${path === 'alerts-by-name' ? '&limit=1000' : ''}`
            );
            if (r.status !== 200) throw new Error(`${path} ${r.status}: ${r.body.slice(0, 300)}`);
            aggregateTimes[path].push(r.ms);
          }
        }
        report.line(
          `${factory.kind}: GET /api/v1/alerts-by-name over a year (${count(LARGE.highSeverityAlerts)} high-severity of ${count(LARGE.alerts)} alerts) p50 ${ms(quantile(aggregateTimes['alerts-by-name'], 0.5))}; ` +
            `GET /api/v1/changes-by-system over a year (${count(LARGE.changes)} changes) p50 ${ms(quantile(aggregateTimes['changes-by-system'], 0.5))}`
        );

        // Write-to-/metrics: one incident through the API, then poll /metrics until it counts.
        const writeTimes: number[] = [];
        const duringRefresh: number[] = []; // /metrics while the write's refresh runs
        const labels = 'window="7d",business_line="bl-3",team="team-3-3"';
        for (let i = 0; i < WRITES; i++) {
          const before =
            sample((await scrape(`${child.url}/metrics`)).text(), 'stability_high_priority_incidents', labels) ?? 0;
          const at = new Date(Date.now() - 60_000).toISOString();
          const started = performance.now();
          const put = await timed(`${child.url}/api/v1/incidents/bench-write-${i}`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              title: 'bench',
              priority: 'P0',
              team: 'team-3-3',
              startedAt: at,
              detectedAt: at,
              detectionSource: 'monitoring',
            }),
          });
          if (put.status !== 201) throw new Error(`write ${put.status}: ${put.body.slice(0, 300)}`);
          for (;;) {
            const poll = await scrape(`${child.url}/metrics`);
            duringRefresh.push(poll.ms);
            const value = sample(poll.text(), 'stability_high_priority_incidents', labels);
            if (value === before + 1) break;
            if (performance.now() - started > 30_000) throw new Error('written record not in /metrics after 30 s');
            await new Promise((r) => setTimeout(r, 25));
          }
          writeTimes.push(performance.now() - started);
        }
        const metricsText = (await scrape(`${child.url}/metrics`)).text();
        const refreshSeconds = sample(metricsText, 'ballast_kpi_refresh_duration_seconds', '') ?? NaN;
        const memory = child.memory();
        rows.push([
          factory.kind,
          count(series),
          seconds(coldMs),
          ms(refreshSeconds * 1000),
          ms(quantile(metricsTimes, 0.5)),
          ms(quantile(metricsTimes, 0.99)),
          `${ms(quantile(serverTimes, 0.5))} / ${ms(quantile(serverTimes, 0.99))} (${megabytes(firstScrape.bytes)} gz → ${megabytes(firstScrape.textBytes)})`,
          typeof real === 'string' ? real : durations(real.exporter),
          typeof real === 'string' ? '' : durations(real.copy),
          `${ms(quantile(duringRefresh, 0.5))} / ${ms(Math.max(...duringRefresh))}`,
          ms(quantile(scorecardTimes, 0.5)),
          ms(quantile(kpisTimes, 0.5)),
          `${ms(quantile(writeTimes, 0.5))} / ${ms(Math.max(...writeTimes))}`,
          `${megabytes(memory.rss)} / ${megabytes(memory.peak)}`,
        ]);
        report.line(
          `${factory.kind}: GET /api/v1/changes?violation=true&limit=100 (no time range: ${violations}) p50 ${ms(quantile(violationTimes, 0.5))}`
        );
        // Printed per store at once: a long run stopped half-way still reports what it measured.
        report.table(
          [
            'store',
            'KPI series',
            'start→first /metrics',
            'refresh',
            '/metrics p50',
            '/metrics p99',
            'last byte p50 / p99',
            'Prometheus scrape p50 / p99 / max',
            'same text from a static server',
            'during refresh p50 / max',
            'scorecard p50',
            '/kpis team p50',
            'write→/metrics p50 / max',
            'RSS now / peak',
          ],
          rows.slice(-1)
        );

        if (factory.kind === 'postgres') {
          const freezes = await loadFreezeWindows(store.services.store.db);
          let total = 0;
          const perKpi = new Map<string, number>();
          for (const window of KPI_WINDOWS) {
            const range = windowRange(window, Date.now(), org.policy.timezone);
            const times = await runBaseline(store.services.store.db, baselineQueries(org, range, freezes));
            for (const [kpi, t] of times) {
              total += t;
              if (window === 'ytd') perKpi.set(kpi, t);
            }
          }
          for (const [kpi, t] of perKpi) baseline.push([kpi, ms(t)]);
          baseline.push(['all KPIs × 4 windows (sequential)', ms(total)]);
          baseline.push([
            'Ballast refresh (all KPIs, stages, components × 4 windows × 221 scopes)',
            ms(refreshSeconds * 1000),
          ]);
        }
      } finally {
        await child?.stop();
        await store.close();
      }
    });
    report.line(
      '/metrics p50/p99: a scrape as Prometheus makes it (gzip), until the last byte of text is inflated; last byte: until the last gzip byte arrived'
    );
    report.line(
      `Prometheus scrape: scrape_duration_seconds of a real Prometheus scraping every second for ${PROMETHEUS_SCRAPE_SECONDS} s (request, inflate, parse, TSDB append), beside the same exposition served from memory by a static server at the same time`
    );
    report.line('during refresh: scrapes while the refresh after a write ran');
    report.line(
      'targets: /metrics p50 < 50 ms, p99 < 200 ms; scorecard p50 < 100 ms; write→/metrics < 5 s; RSS < 512 MB (exporter child process, /proc VmRSS/VmHWM)'
    );
    if (baseline.length > 0) {
      report.line(
        '\nBaseline on PostgreSQL: one hand-written SQL query per KPI (three levels via GROUPING SETS), ytd window'
      );
      report.table(['query', 'time'], baseline);
    }
  },
};
