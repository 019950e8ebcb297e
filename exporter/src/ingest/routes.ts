/**
 * `/api/v1/ingest/<source>`: one receiver per tool. Each answers 200 only after the write has
 * committed; a store outage surfaces as 503 (api/errors.ts) so the sender retries; a malformed body
 * is 400 naming the field; each has its own body-size limit (capped by BALLAST_BODY_LIMIT).
 */
import { Router, type Request, type RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import { AuthError, requireRole, type TokenEntry } from '../api/auth.js';
import { HttpError } from '../api/errors.js';
import type { OpenApiPaths } from '../api/openapi.js';
import { createIngestMetrics, type IngestMetrics } from '../metrics/ingest-metrics.js';
import { ValidationError } from '../service/errors.js';
import type { OrgService } from '../service/org.js';
import type { RecordService } from '../service/records.js';
import { adaptAlertmanager, mergeAlert } from './alertmanager.js';
import { adaptArgoCd } from './argocd.js';
import { adaptCloudEvents } from './cloudevents.js';
import { adaptGithub, validSignature } from './github.js';
import { defaultIngestion, type IngestionConfig } from './mapping.js';
import { adaptPagerDuty } from './pagerduty.js';
import { mergeChange, writeItems, type AdaptContext, type Adapted, type Merge } from './pipeline.js';

export const INGEST_SOURCES = ['alertmanager', 'github', 'argocd', 'pagerduty', 'cloudevents'] as const;
export type IngestSource = (typeof INGEST_SOURCES)[number];

const KiB = 1024;
const MiB = 1024 * KiB;
/** Per-receiver body limits: a notification group can hold many alerts; a change event is small. */
export const BODY_LIMITS: Record<IngestSource, number> = {
  alertmanager: 5 * MiB,
  github: 1 * MiB,
  argocd: 64 * KiB,
  pagerduty: 512 * KiB,
  cloudevents: 1 * MiB,
};

export interface IngestDeps {
  records: RecordService;
  orgs: OrgService;
  tokens: TokenEntry[];
  registry: Registry;
  ingestion?: IngestionConfig;
  /** BALLAST_GITHUB_WEBHOOK_SECRET; when unset the GitHub receiver takes an ingest token instead. */
  githubSecret?: string;
  /** BALLAST_BODY_LIMIT: no receiver accepts more. */
  bodyLimit: number;
}

type RawRequest = Request & { rawBody?: Buffer };
type Adapter = (req: RawRequest, ctx: AdaptContext) => Adapted;

export function ingestRouter(deps: IngestDeps): { router: Router; paths: OpenApiPaths; metrics: IngestMetrics } {
  const config = deps.ingestion ?? defaultIngestion();
  const metrics = createIngestMetrics(deps.registry);
  const router = Router();
  const ingest = requireRole(deps.tokens, 'ingest');

  const receiver =
    (source: IngestSource, collection: 'alerts' | 'changes', merge: Merge, adapt: Adapter): RequestHandler =>
    async (req: RawRequest, res) => {
      const labels = { source };
      let adapted: Adapted | undefined;
      try {
        const size = req.rawBody?.length ?? 0;
        const limit = Math.min(BODY_LIMITS[source], deps.bodyLimit);
        if (size > limit) throw new HttpError(413, `the body is ${size} bytes; the ${source} receiver takes at most ${limit}`);
        adapted = adapt(req, { config, org: await deps.orgs.index(), now: Date.now() });
        const summary = await writeItems(deps.records, collection, adapted, merge);
        metrics.received.inc(labels, summary.received);
        metrics.written.inc(labels, summary.created + summary.updated);
        metrics.deduplicated.inc(labels, summary.deduplicated);
        metrics.ignored.inc(labels, summary.ignored);
        metrics.unassigned.inc(labels, summary.unassigned);
        res.json({ source, ...summary });
      } catch (error) {
        // Counted per item when the body could be read, else as one.
        const items = adapted ? adapted.items.length + adapted.ignored : 1;
        metrics.received.inc(labels, items);
        if (isRefusal(error)) metrics.rejected.inc(labels, items);
        throw error;
      }
    };

  router.post('/ingest/alertmanager', ingest, receiver('alertmanager', 'alerts', mergeAlert, (req, ctx) => adaptAlertmanager(req.body, ctx)));
  router.post(
    '/ingest/github',
    githubAuth(deps),
    receiver('github', 'changes', mergeChange, (req, ctx) => adaptGithub(req.header('x-github-event'), req.body, ctx)),
  );
  router.post('/ingest/argocd', ingest, receiver('argocd', 'changes', mergeChange, (req, ctx) => adaptArgoCd(req.body, ctx)));
  router.post('/ingest/pagerduty', ingest, receiver('pagerduty', 'changes', mergeChange, (req, ctx) => adaptPagerDuty(req.body, ctx)));
  router.post('/ingest/cloudevents', ingest, receiver('cloudevents', 'changes', mergeChange, (req, ctx) => adaptCloudEvents(req.body, ctx)));
  return { router, paths: openApiPaths(), metrics };

  /** GitHub cannot send a bearer token: with a secret set, the signature is the authentication. */
  function githubAuth({ githubSecret, tokens }: IngestDeps): RequestHandler {
    if (!githubSecret) return requireRole(tokens, 'ingest');
    return (req: RawRequest, _res, next) => {
      if (validSignature(githubSecret, req.rawBody ?? Buffer.alloc(0), req.header('x-hub-signature-256'))) return next();
      metrics.received.inc({ source: 'github' });
      metrics.rejected.inc({ source: 'github' });
      next(new AuthError(401, 'X-Hub-Signature-256 is missing or does not match the body (check the webhook secret)'));
    };
  }
}

function isRefusal(error: unknown): boolean {
  return error instanceof ValidationError || error instanceof AuthError || (error instanceof HttpError && error.status < 500);
}

function openApiPaths(): OpenApiPaths {
  const summaries: Record<IngestSource, string> = {
    alertmanager: 'Prometheus Alertmanager webhook (payload version 4) → alert records',
    github: 'GitHub deployment_status webhook (X-Hub-Signature-256) → change records',
    argocd: 'Argo CD notification (ballast-change template) → change records',
    pagerduty: 'PagerDuty Change Events v2 body → change record',
    cloudevents: 'CloudEvents 1.0 structured JSON (single or batch) → change records',
  };
  const error = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return Object.fromEntries(
    INGEST_SOURCES.map((source) => [
      `/api/v1/ingest/${source}`,
      {
        post: {
          summary: `${summaries[source]}; body limit ${BODY_LIMITS[source]} bytes`,
          ...(source === 'github' ? { security: [] } : {}),
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
          responses: {
            200: { description: '{source, received, created, updated, deduplicated, ignored, unassigned}' },
            ...Object.fromEntries([400, 401, 403, 413, 415, 503].map((c) => [String(c), error])),
          },
        },
      },
    ]),
  );
}
