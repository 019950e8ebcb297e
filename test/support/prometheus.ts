// A throw-away Prometheus server (the real `prometheus` binary) on 127.0.0.1:<free port>,
// with its TSDB in a fresh temp dir, plus a `promtool` runner.

import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requireBinary } from './binaries.js';
import { makeTempDir } from './cleanup.js';
import { freePort } from './ports.js';
import { addressInUse, httpOk, startProcess, waitUntil, type ManagedProcess } from './process.js';

export interface ScrapeTarget {
  /** `http://127.0.0.1:1234/metrics`, or `127.0.0.1:1234` (then http and /metrics). */
  url: string;
  /** job label (default "ballast"); targets sharing a job must share scheme and path. */
  job?: string;
  /** Extra target labels. */
  labels?: Record<string, string>;
}

export interface ConfigContext {
  /** The port Prometheus listens on. */
  port: number;
  /** The temp dir (config, rules/ and data/ live here). */
  dir: string;
  /** Paths of the rule files written or given via `ruleFiles`. */
  ruleFiles: string[];
}

export interface PrometheusOptions {
  /**
   * Extra targets to scrape; Prometheus always scrapes itself as job "prometheus".
   * Note: Prometheus 2.42 applies new targets on a 5 s tick, so the first scrape lands ~5 s
   * after start: use waitFor('up{job="ballast"}', ...) rather than a fixed sleep.
   */
  scrapeTargets?: ReadonlyArray<string | ScrapeTarget>;
  /** Complete prometheus.yml replacing the generated one (a function gets the port etc.). */
  configYaml?: string | ((ctx: ConfigContext) => string);
  /** Rule files: absolute paths to use as they are, or { "name.yml": "<yaml>" } written to <dir>/rules/. */
  ruleFiles?: ReadonlyArray<string> | Readonly<Record<string, string>>;
  /**
   * Alertmanager base URL, e.g. from startAlertmanager().url. startPrometheus() then returns
   * only once Prometheus has discovered it (about 5 s: Prometheus applies discovered targets
   * on a 5 s tick), and sets --rules.alert.resend-delay=1s unless extraArgs sets it.
   */
  alertmanagerUrl?: string;
  /** Global scrape interval (default "1s"). */
  scrapeInterval?: string;
  /** Global rule evaluation interval (default: the scrape interval). */
  evaluationInterval?: string;
  /** --web.enable-lifecycle, for reload() (default true). */
  enableLifecycle?: boolean;
  /** More command-line flags. */
  extraArgs?: readonly string[];
  /** Start-up timeout (default 30 s). */
  timeoutMs?: number;
}

export interface PromSample {
  metric: Record<string, string>;
  value: number;
  /** Unix seconds. */
  timestamp: number;
}

export interface PrometheusServer {
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly configFile: string;
  readonly pid: number;
  /** Instant query; vector or scalar results as samples (a scalar has an empty metric). */
  query(promql: string): Promise<PromSample[]>;
  /** Polls `query(promql)` until `predicate` holds; returns the samples that satisfied it. */
  waitFor(promql: string, predicate: (samples: PromSample[]) => boolean, timeoutMs?: number): Promise<PromSample[]>;
  /** POST /-/reload (needs enableLifecycle), e.g. after rewriting the config or a rule file. */
  reload(): Promise<void>;
  logTail(lines?: number): string;
  /** Stops the server and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
}

export interface PromtoolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `promtool ...args` and resolves with its exit code and output (never rejects on a non-zero exit). */
export function promtool(
  args: readonly string[],
  opts: { cwd?: string; timeoutMs?: number } = {}
): Promise<PromtoolResult> {
  const bin = requireBinary('promtool');
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      [...args],
      { cwd: opts.cwd, timeout: opts.timeoutMs ?? 60_000, encoding: 'utf8', maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          if (err.killed || err.signal)
            resolve({ code: -1, stdout, stderr: `${stderr}\n[promtool killed by ${err.signal ?? 'timeout'}]` });
          else reject(new Error(`promtool could not be run: ${err.message}`));
          return;
        }
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      }
    );
  });
}

function parseTarget(t: string | ScrapeTarget): {
  job: string;
  scheme: string;
  address: string;
  path: string;
  labels?: Record<string, string>;
} {
  const spec = typeof t === 'string' ? { url: t } : t;
  const raw = /^[a-z]+:\/\//i.test(spec.url) ? spec.url : `http://${spec.url}`;
  const u = new URL(raw);
  if (u.search) throw new Error(`startPrometheus: scrape target ${spec.url} has a query string; not supported`);
  return {
    job: spec.job ?? 'ballast',
    scheme: u.protocol.replace(':', ''),
    address: u.host,
    path: u.pathname === '/' ? '/metrics' : u.pathname,
    labels: spec.labels,
  };
}

function generateConfig(opts: PrometheusOptions, ctx: ConfigContext): string {
  const scrapeInterval = opts.scrapeInterval ?? '1s';
  const jobs = new Map<
    string,
    { scheme: string; path: string; groups: Array<{ targets: string[]; labels?: Record<string, string> }> }
  >();
  jobs.set('prometheus', { scheme: 'http', path: '/metrics', groups: [{ targets: [`127.0.0.1:${ctx.port}`] }] });
  for (const t of opts.scrapeTargets ?? []) {
    const p = parseTarget(t);
    const job = jobs.get(p.job);
    if (!job) {
      jobs.set(p.job, { scheme: p.scheme, path: p.path, groups: [{ targets: [p.address], labels: p.labels }] });
    } else if (job.scheme !== p.scheme || job.path !== p.path) {
      throw new Error(
        `startPrometheus: targets of job "${p.job}" must share scheme and path; give them different jobs`
      );
    } else {
      job.groups.push({ targets: [p.address], labels: p.labels });
    }
  }
  const config: Record<string, unknown> = {
    global: {
      scrape_interval: scrapeInterval,
      scrape_timeout: scrapeInterval,
      evaluation_interval: opts.evaluationInterval ?? scrapeInterval,
    },
    rule_files: ctx.ruleFiles,
    scrape_configs: [...jobs].map(([job, j]) => ({
      job_name: job,
      scheme: j.scheme,
      metrics_path: j.path,
      static_configs: j.groups.map((g) =>
        g.labels ? { targets: g.targets, labels: g.labels } : { targets: g.targets }
      ),
    })),
  };
  if (opts.alertmanagerUrl) {
    const u = new URL(opts.alertmanagerUrl);
    config.alerting = {
      alertmanagers: [
        {
          scheme: u.protocol.replace(':', ''),
          path_prefix: u.pathname === '/' ? undefined : u.pathname,
          api_version: 'v2',
          static_configs: [{ targets: [u.host] }],
        },
      ],
    };
  }
  // JSON is valid YAML, and needs no YAML library.
  return `${JSON.stringify(config, null, 2)}\n`;
}

function writeRuleFiles(dir: string, ruleFiles: PrometheusOptions['ruleFiles']): string[] {
  if (!ruleFiles) return [];
  if (Array.isArray(ruleFiles)) return (ruleFiles as readonly string[]).map((f) => path.resolve(f));
  const rulesDir = path.join(dir, 'rules');
  mkdirSync(rulesDir, { recursive: true });
  return Object.entries(ruleFiles as Record<string, string>).map(([name, content]) => {
    if (name.includes('/') || name.startsWith('.'))
      throw new Error(`startPrometheus: rule file name must be a plain file name, got ${name}`);
    const file = path.join(rulesDir, name);
    writeFileSync(file, content);
    return file;
  });
}

interface ApiResponse {
  status: 'success' | 'error';
  data?: { resultType: string; result: unknown };
  errorType?: string;
  error?: string;
}

function toSamples(data: { resultType: string; result: unknown }): PromSample[] {
  if (data.resultType === 'vector') {
    return (data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((s) => ({
      metric: s.metric,
      timestamp: s.value[0],
      value: Number.parseFloat(s.value[1]),
    }));
  }
  if (data.resultType === 'scalar') {
    const [ts, v] = data.result as [number, string];
    return [{ metric: {}, timestamp: ts, value: Number.parseFloat(v) }];
  }
  throw new Error(`query returned a ${data.resultType}; use an instant-vector or scalar expression`);
}

export async function startPrometheus(opts: PrometheusOptions = {}): Promise<PrometheusServer> {
  const bin = requireBinary('prometheus');
  const tmp = makeTempDir('prometheus');
  try {
    const configFile = path.join(tmp.path, 'prometheus.yml');
    const dataDir = path.join(tmp.path, 'data');
    const ruleFiles = writeRuleFiles(tmp.path, opts.ruleFiles);

    let proc: ManagedProcess | undefined;
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const ctx: ConfigContext = { port, dir: tmp.path, ruleFiles };
      const yaml =
        typeof opts.configYaml === 'function' ? opts.configYaml(ctx) : (opts.configYaml ?? generateConfig(opts, ctx));
      writeFileSync(configFile, yaml);
      const args = [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${dataDir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=http://127.0.0.1:${port}/`,
        '--log.level=info',
        ...(opts.enableLifecycle === false ? [] : ['--web.enable-lifecycle']),
        // Prometheus re-sends firing alerts only every minute by default; an alert that fired
        // before the Alertmanager was discovered would otherwise wait that long.
        ...((opts.extraArgs ?? []).some((a) => a.startsWith('--rules.alert.resend-delay'))
          ? []
          : ['--rules.alert.resend-delay=1s']),
        ...(opts.extraArgs ?? []),
      ];
      proc = startProcess('prometheus', bin, args, { cwd: tmp.path });
      try {
        await waitUntil(() => httpOk(`http://127.0.0.1:${port}/-/ready`), {
          proc,
          what: `prometheus /-/ready on 127.0.0.1:${port}`,
          timeoutMs: opts.timeoutMs ?? 30_000,
          intervalMs: 50,
        });
        break;
      } catch (err) {
        await proc.stop({ timeoutMs: 2_000 });
        if (attempt < 3 && addressInUse(proc)) continue;
        throw err;
      }
    }
    const server = proc;
    const url = `http://127.0.0.1:${port}`;

    if (opts.alertmanagerUrl && !opts.configYaml) {
      // Prometheus applies discovered targets on a 5 s tick: don't hand out a server that
      // would still drop alerts for lack of an Alertmanager.
      try {
        await waitUntil(
          async () => {
            const res = await fetch(`${url}/api/v1/alertmanagers`, { signal: AbortSignal.timeout(2_000) });
            const body = (await res.json()) as { data?: { activeAlertmanagers?: unknown[] } };
            return (body.data?.activeAlertmanagers?.length ?? 0) > 0;
          },
          {
            proc: server,
            what: `prometheus to discover the Alertmanager at ${opts.alertmanagerUrl}`,
            timeoutMs: opts.timeoutMs ?? 30_000,
            intervalMs: 100,
          }
        );
      } catch (err) {
        await server.stop({ timeoutMs: 2_000 });
        throw err;
      }
    }

    const query = async (promql: string): Promise<PromSample[]> => {
      const res = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: promql }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json()) as ApiResponse;
      if (body.status !== 'success' || !body.data) {
        throw new Error(
          `query ${JSON.stringify(promql)} failed: HTTP ${res.status} ${body.errorType ?? ''}: ${body.error ?? 'no data'}`
        );
      }
      return toSamples(body.data);
    };

    const waitFor = async (
      promql: string,
      predicate: (s: PromSample[]) => boolean,
      timeoutMs = 30_000
    ): Promise<PromSample[]> => {
      let last: PromSample[] | undefined;
      try {
        return await waitUntil(
          async () => {
            last = await query(promql);
            return predicate(last) ? last : undefined;
          },
          { what: `PromQL ${JSON.stringify(promql)} to satisfy the predicate`, timeoutMs, intervalMs: 200 }
        );
      } catch (err) {
        const lastText = last === undefined ? 'no successful query' : JSON.stringify(last);
        throw new Error(
          `${err instanceof Error ? err.message : String(err)}\nlast result: ${lastText}\n--- last lines of prometheus output ---\n${server.logTail(20)}\n--- end ---`
        );
      }
    };

    const reload = async (): Promise<void> => {
      const res = await fetch(`${url}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      if (!res.ok) throw new Error(`prometheus reload failed: HTTP ${res.status}: ${text}\n${server.logTail(20)}`);
    };

    let stopping: Promise<void> | undefined;
    return {
      url,
      port,
      dir: tmp.path,
      configFile,
      pid: server.pid,
      query,
      waitFor,
      reload,
      logTail: (n) => server.logTail(n),
      stop: () =>
        (stopping ??= (async () => {
          try {
            await server.stop({ timeoutMs: 10_000 });
          } finally {
            tmp.remove();
          }
        })()),
    };
  } catch (err) {
    tmp.remove();
    throw err;
  }
}
