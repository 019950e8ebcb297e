/**
 * Start-up and shutdown: open the store, apply the org config, mount the API, listen, and on
 * SIGTERM stop accepting, drain in-flight requests and close the store.
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import YAML from 'yaml';
import { createApp } from './api/app.js';
import { exposureProblem, type Config } from './config.js';
import { splitConfigFile, type IngestionConfig } from './ingest/mapping.js';
import { startKpiExport } from './metrics/kpi-metrics.js';
import { createRegistry } from './metrics/registry.js';
import { reportMetrics } from './metrics/report-metrics.js';
import { deliverer } from './delivery/index.js';
import { ReportScheduler } from './service/reports/scheduler.js';
import { secretEnvNames } from './domain/reports-config.js';
import { AggregateService } from './service/aggregates.js';
import { FreezeService } from './service/freezes.js';
import { GateService } from './service/gate.js';
import { KpiService } from './service/kpis.js';
import { OrgService, StaleRevisionError } from './service/org.js';
import { RecordService } from './service/records.js';
import { RedLineService } from './service/red-lines.js';
import { ReviewService } from './service/reviews.js';
import { readerFor } from './store/sqlite-reader.js';
import { Store } from './store/store.js';
import { VERSION } from './version.js';

export interface Services {
  store: Store;
  orgs: OrgService;
  freezes: FreezeService;
  records: RecordService;
  /** The config file's `ingestion` section (defaults when absent). */
  ingestion?: IngestionConfig;
}

export interface RunningServer {
  url: string;
  services: Services;
  close(): Promise<void>;
}

/** Opens the store and builds the services; applies the org config file when one is set. */
export async function openServices(
  config: Pick<Config, 'dataDir' | 'databaseUrl' | 'configFile'> & Partial<Pick<Config, 'dbTimeouts'>>,
  logger: Logger
): Promise<Services> {
  const store = await Store.open({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    timeouts: config.dbTimeouts,
  });
  const orgs = new OrgService(store);
  const freezes = new FreezeService(store, orgs);
  const records = new RecordService(store, orgs, freezes);
  let ingestion: IngestionConfig | undefined;
  if (config.configFile) {
    try {
      const document = splitConfigFile(YAML.parse(await readFile(config.configFile, 'utf8')));
      ingestion = document.ingestion;
      const revision = await applyOrgIfChanged(orgs, document.org);
      logger.info({ file: config.configFile, revision }, 'org config applied');
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return { store, orgs, freezes, records, ingestion };
}

/** A compare-and-set, so exporters starting together with one config file replace the org once. */
async function applyOrgIfChanged(orgs: OrgService, document: unknown): Promise<number> {
  const wanted = OrgService.parse(document);
  for (let attempt = 1; ; attempt++) {
    const { org, revision } = await orgs.current();
    if (JSON.stringify(org) === JSON.stringify(wanted)) return revision;
    try {
      return await orgs.replace(wanted, revision);
    } catch (error) {
      if (!(error instanceof StaleRevisionError) || attempt >= 3) throw error;
    }
  }
}

/** Builds the API's services over the opened ones, mounts the routes (api/app.ts) and listens. */
export async function startServer(config: Config, logger: Logger, services: Services): Promise<RunningServer> {
  const problem = exposureProblem(config);
  if (problem) throw new Error(problem);
  const registry = createRegistry(VERSION, services.store.kind);
  const kpiReader = readerFor(services.store); // SQLite: KPI queries off the event loop
  const { store, orgs, freezes, records } = services;
  const redLines = new RedLineService(store, orgs, { reader: kpiReader.db });
  const kpis = new KpiService(store, orgs, { reader: kpiReader.db, redLines });
  const kpiExport = startKpiExport(kpis, registry, { intervalMs: config.refreshIntervalMs, logger });
  const reviews = new ReviewService(store, orgs, kpis, records, redLines);
  const app = createApp({
    version: VERSION,
    ...services,
    kpis,
    aggregates: new AggregateService(store, orgs, { reader: kpiReader.db }),
    gate: new GateService(store, orgs),
    reviews,
    redLines,
    tokens: config.tokens,
    registry,
    webhookSecrets: config.webhookSecrets,
    bodyLimit: config.bodyLimit,
    logger,
    metricsPublic: config.metricsPublic,
    responseTimeoutMs: config.responseTimeoutMs,
    metrics: (req, res) => kpiExport.respond(req, res),
    host: config.host,
  });
  const server: Server = createServer(requestTimeouts(config.requestTimeoutMs), app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  // Scheduled reports (docs/reports.md): each tick does nothing while the org has no `reports:`.
  const scheduler = new ReportScheduler(
    { store, records, freezes, kpis, redLines },
    orgs,
    reviews,
    deliverer(config.reports.secret),
    {
      retry: config.reports.retry,
      logger,
      metrics: reportMetrics(registry),
    }
  );
  if (config.reports.tickMs > 0) {
    // Names only: an unset variable fails its deliveries, so say so at start rather than at 08:30.
    const reportsConfig = (await orgs.current()).org.reports;
    const unset = reportsConfig ? secretEnvNames(reportsConfig).filter((name) => !config.reports.secret(name)) : [];
    if (unset.length > 0) logger.warn({ unset }, 'report destinations name environment variables that are not set');
    scheduler.start(config.reports.tickMs);
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  if (config.tokens.length === 0)
    logger.warn({ host: config.host }, 'no BALLAST_TOKENS set: serving without authentication, on loopback only');
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await scheduler.stop();
      await kpiExport.stop();
      await kpiReader.close();
      await services.store.close();
    })());
  return { url, services, close };
}

/**
 * Node's defaults let a client hold a connection 300 s by trickling its body: the whole request
 * must arrive within `ms` (0 turns the limit off), its headers within 10 s of that, checked each second.
 */
function requestTimeouts(ms: number) {
  return {
    requestTimeout: ms,
    headersTimeout: ms === 0 ? 60_000 : Math.min(ms, 10_000),
    connectionsCheckingInterval: Math.min(1000, ms || 1000),
  };
}
