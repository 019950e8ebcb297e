/**
 * KPI latency on the large org, on both stores: the exporter runs as a child process (so
 * its RSS is its own) against a store loaded with a year of records; we measure /metrics p50/p99,
 * scorecard p50, how soon a written record shows in /metrics, the KPI refresh time, RSS, and on
 * PostgreSQL the same KPIs as one hand-written SQL query each (the baseline).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { sql } from 'kysely';
import { KPI_WINDOWS } from '../../src/domain/kpi-keys.js';
import { windowRange } from '../../src/domain/windows.js';
import { loadFreezeWindows } from '../../src/service/records.js';
import type { BenchSection } from '../context.js';
import { count, megabytes, seconds } from '../report.js';
import { baselineQueries, runBaseline } from './kpi-baseline.js';
import { LARGE, largeOrg, loadLargeOrg } from './large-org.js';

const EXPORTER_DIR = join(import.meta.dirname, '..', '..');
const METRICS_REQUESTS = 200;
const SCORECARD_REQUESTS = 30;
const WRITES = 3;

const ms = (v: number) => `${v.toFixed(1)} ms`;
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};

/** The built CLI when it is current, else the sources through tsx. */
function exporterCommand(): string[] {
  const built = join(EXPORTER_DIR, 'dist', 'server.js');
  if (existsSync(built) && readFileSync(built, 'utf8').includes('startKpiExport')) return [join(EXPORTER_DIR, 'dist', 'cli', 'main.js')];
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
  const status = (field: string) => Number(/(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(field)) ?? '')?.[1] ?? 0) * 1024;
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
 * A scrape as Prometheus makes it: gzip asked for, the answer read to its last byte (`serverMs`:
 * the exporter's share) and then gunzipped to the exposition text (`ms`: what the scraper waits
 * for). fetch() is not used here: undici's streaming decompression costs the client several times
 * the exporter's time on 5 MB of text, which says nothing about the exporter.
 */
function scrape(url: string): Promise<{ ms: number; serverMs: number; bytes: number; text: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const serverMs = performance.now() - started;
        const body = Buffer.concat(chunks);
        const text = (res.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
        resolve({ ms: performance.now() - started, serverMs, bytes: body.length, text });
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

const sample = (text: string, name: string, labels: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`) || (labels === '' && l.startsWith(`${name} `)));
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
        report.line(`${factory.kind}: loaded ${count(written)} rows in ${seconds(loadMs)} (${megabytes(await store.sizeBytes())} on disk)`);

        const startStarted = performance.now();
        child = await startExporter(store.config);
        const first = await timed(`${child.url}/metrics`);
        const coldMs = performance.now() - startStarted;
        const series = first.body.split('\n').filter((l) => l.startsWith('stability_')).length;

        const scrapes: { ms: number; serverMs: number; bytes: number }[] = [];
        for (let i = 0; i < METRICS_REQUESTS; i++) scrapes.push(await scrape(`${child.url}/metrics`));
        const metricsTimes = scrapes.map((s) => s.ms);
        const serverTimes = scrapes.map((s) => s.serverMs);
        const scorecardTimes: number[] = [];
        for (let i = 0; i < SCORECARD_REQUESTS; i++) {
          const r = await timed(`${child.url}/api/v1/scorecard?window=ytd`);
          if (r.status !== 200) throw new Error(`scorecard ${r.status}: ${r.body.slice(0, 300)}`);
          scorecardTimes.push(r.ms);
        }
        const kpisTimes: number[] = [];
        for (let i = 0; i < SCORECARD_REQUESTS; i++) kpisTimes.push((await timed(`${child.url}/api/v1/kpis?window=30d&level=team`)).ms);

        // Write-to-/metrics: one incident through the API, then poll /metrics until it counts.
        const writeTimes: number[] = [];
        const duringRefresh: number[] = []; // /metrics while the write's refresh runs
        const labels = 'window="7d",business_line="bl-3",team="team-3-3"';
        for (let i = 0; i < WRITES; i++) {
          const before = sample((await timed(`${child.url}/metrics`)).body, 'stability_high_priority_incidents', labels) ?? 0;
          const at = new Date(Date.now() - 60_000).toISOString();
          const started = performance.now();
          const put = await timed(`${child.url}/api/v1/incidents/bench-write-${i}`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ title: 'bench', priority: 'P0', team: 'team-3-3', startedAt: at, detectedAt: at, detectionSource: 'monitoring' }),
          });
          if (put.status !== 201) throw new Error(`write ${put.status}: ${put.body.slice(0, 300)}`);
          for (;;) {
            const poll = await timed(`${child.url}/metrics`);
            duringRefresh.push(poll.ms);
            const value = sample(poll.body, 'stability_high_priority_incidents', labels);
            if (value === before + 1) break;
            if (performance.now() - started > 30_000) throw new Error('written record not in /metrics after 30 s');
            await new Promise((r) => setTimeout(r, 25));
          }
          writeTimes.push(performance.now() - started);
        }
        const metricsText = (await timed(`${child.url}/metrics`)).body;
        const refreshSeconds = sample(metricsText, 'ballast_kpi_refresh_duration_seconds', '') ?? NaN;
        const memory = child.memory();
        rows.push([
          factory.kind,
          count(series),
          seconds(coldMs),
          ms(refreshSeconds * 1000),
          ms(quantile(metricsTimes, 0.5)),
          ms(quantile(metricsTimes, 0.99)),
          `${ms(quantile(serverTimes, 0.5))} / ${ms(quantile(serverTimes, 0.99))} (${megabytes(scrapes[0]!.bytes)} gz)`,
          `${ms(quantile(duringRefresh, 0.5))} / ${ms(Math.max(...duringRefresh))}`,
          ms(quantile(scorecardTimes, 0.5)),
          ms(quantile(kpisTimes, 0.5)),
          `${ms(quantile(writeTimes, 0.5))} / ${ms(Math.max(...writeTimes))}`,
          `${megabytes(memory.rss)} / ${megabytes(memory.peak)}`,
        ]);
        // Printed per store at once: a long run stopped half-way still reports what it measured.
        report.table(
          ['store', 'KPI series', 'start→first /metrics', 'refresh', '/metrics p50', '/metrics p99', 'last byte p50 / p99', 'during refresh p50 / max', 'scorecard p50', '/kpis team p50', 'write→/metrics p50 / max', 'RSS now / peak'],
          rows.slice(-1),
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
          baseline.push(['Ballast refresh (all KPIs, stages, components × 4 windows × 221 scopes)', ms(refreshSeconds * 1000)]);
        }
      } finally {
        await child?.stop();
        await store.close();
      }
    });
    report.line('/metrics p50/p99: a scrape as Prometheus makes it (gzip), until the text is gunzipped; last byte: until the last gzip byte arrived; during refresh: polls (fetch) while the refresh after a write ran');
    report.line('targets: /metrics p50 < 50 ms, p99 < 200 ms; scorecard p50 < 100 ms; write→/metrics < 5 s; RSS < 512 MB (exporter child process, /proc VmRSS/VmHWM)');
    if (baseline.length > 0) {
      report.line('\nBaseline on PostgreSQL: one hand-written SQL query per KPI (three levels via GROUPING SETS), ytd window');
      report.table(['query', 'time'], baseline);
    }
  },
};
