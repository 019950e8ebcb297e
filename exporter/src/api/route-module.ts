/**
 * The one shape of a route module: `xRoutes(deps: ApiDeps): RouteModule`, its router mounted under
 * /api/v1 by app.ts (the composition root) and its paths merged into the OpenAPI document.
 */
import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { IngestionConfig } from '../ingest/mapping.js';
import type { IngestSource } from '../ingest/receivers.js';
import type { AggregateService } from '../service/aggregates.js';
import type { FreezeService } from '../service/freezes.js';
import type { GateService } from '../service/gate.js';
import type { KpiService } from '../service/kpis.js';
import type { OrgService } from '../service/org.js';
import type { RecordService } from '../service/records.js';
import type { RedLineService } from '../service/red-lines.js';
import type { ReviewService } from '../service/reviews.js';
import type { Store } from '../store/store.js';
import type { TokenEntry } from './auth.js';
import type { OpenApiPaths } from './openapi.js';

/** Everything a route module may use: the services, the tokens and the server settings. */
export interface ApiDeps {
  version: string;
  store: Store;
  orgs: OrgService;
  records: RecordService;
  freezes: FreezeService;
  kpis: KpiService;
  aggregates: AggregateService;
  gate: GateService;
  reviews: ReviewService;
  /** Red lines (built over the store and the org when not given). */
  redLines?: RedLineService;
  tokens: TokenEntry[];
  /** The prom-client registry behind /metrics (receivers add their counters). */
  registry: Registry;
  /** The config file's `ingestion` section (defaults when absent). */
  ingestion?: IngestionConfig;
  /** Secrets of the signing receivers (ingest/receivers.ts `webhookSecretEnv`); a receiver without one takes an ingest token. */
  webhookSecrets?: Partial<Record<IngestSource, string>>;
  /** BALLAST_BODY_LIMIT in bytes: no request body is read beyond it. */
  bodyLimit: number;
}

export interface RouteModule {
  router: Router;
  paths: OpenApiPaths;
}

export type Routes = (deps: ApiDeps) => RouteModule;
