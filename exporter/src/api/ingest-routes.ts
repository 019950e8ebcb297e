/**
 * `/api/v1/ingest/<source>`: one receiver per tool (ingest/receivers.ts). Each answers 200 only
 * after the write has committed; a store outage surfaces as 503 (errors.ts) so the sender retries;
 * a malformed body is 400 naming the field; each has its own body-size limit (capped by
 * BALLAST_BODY_LIMIT). The org is read once per request: the adapter resolves owners with it and
 * the write checks against it.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { defaultIngestion } from '../ingest/mapping.js';
import type { Actor } from '../domain/actor.js';
import { DeliveryLog } from '../ingest/deliveries.js';
import { writeItems, type Adapted } from '../ingest/pipeline.js';
import { INGEST_SOURCES, RECEIVERS, webhookSecretEnv, type IngestSource } from '../ingest/receivers.js';
import { createIngestMetrics } from '../metrics/ingest-metrics.js';
import { ValidationError } from '../service/errors.js';
import { actorOf, AuthError, requireRole } from './auth.js';
import { HttpError } from './errors.js';
import type { OpenApiPaths } from './openapi.js';
import type { ApiDeps, RouteModule } from './route-module.js';

type RawRequest = Request & { rawBody?: Buffer };

export function ingestRoutes(deps: ApiDeps): RouteModule {
  const config = deps.ingestion ?? defaultIngestion();
  const metrics = createIngestMetrics(deps.registry);
  const router = Router();
  const ingest = requireRole(deps.tokens, 'ingest');
  const deliveries = new DeliveryLog();

  const receive =
    (source: IngestSource): RequestHandler =>
    async (req: RawRequest, res) => {
      const receiver = RECEIVERS[source];
      const labels = { source };
      let adapted: Adapted | undefined;
      try {
        const size = req.rawBody?.length ?? 0;
        const limit = Math.min(receiver.bodyLimit, deps.bodyLimit);
        if (size > limit)
          throw new HttpError(413, `the body is ${size} bytes; the ${source} receiver takes at most ${limit}`);
        const deliveryId = receiver.deliveryId?.({ body: req.body, header: (name) => req.header(name) });
        if (deliveryId !== undefined && deliveries.has(`${source}:${deliveryId}`)) {
          metrics.received.inc(labels);
          metrics.deduplicated.inc(labels);
          res.json({ source, received: 1, created: 0, updated: 0, deduplicated: 1, ignored: 0, unassigned: 0 });
          return;
        }
        const org = await deps.orgs.index();
        adapted = receiver.adapt(
          { body: req.body, header: (name) => req.header(name) },
          { config, org, now: Date.now() }
        );
        const summary = await writeItems(
          deps.records,
          adapted.collection ?? receiver.collection,
          adapted,
          adapted.merge ?? receiver.merge,
          org,
          actorOf(res)
        );
        metrics.received.inc(labels, summary.received);
        metrics.written.inc(labels, summary.created + summary.updated);
        metrics.deduplicated.inc(labels, summary.deduplicated);
        metrics.ignored.inc(labels, summary.ignored);
        metrics.unassigned.inc(labels, summary.unassigned);
        if (deliveryId !== undefined) deliveries.add(`${source}:${deliveryId}`);
        res.json({ source, ...summary });
      } catch (error) {
        // Counted per item when the body could be read, else as one.
        const items = adapted ? adapted.items.length + adapted.ignored : 1;
        metrics.received.inc(labels, items);
        if (isRefusal(error)) metrics.rejected.inc(labels, items);
        throw error;
      }
    };

  /** A signing tool cannot send a bearer token: with its secret set, the signature is the authentication. */
  const authFor = (source: IngestSource): RequestHandler => {
    const signature = RECEIVERS[source].signature;
    const secret = deps.webhookSecrets?.[source];
    if (!signature || !secret) return ingest;
    return (req: RawRequest, res, next) => {
      const delivery = { body: undefined, header: (name: string) => req.header(name) };
      if (signature.verify(secret, req.rawBody ?? Buffer.alloc(0), delivery, Date.now())) {
        // The signature names no token: the actor is the receiver's secret.
        res.locals.actor = { token: `${source}-webhook`, role: 'ingest', grafana: false } satisfies Actor;
        return next();
      }
      metrics.received.inc({ source });
      metrics.rejected.inc({ source });
      next(new AuthError(401, `${signature.header} is missing or does not match the body (check the webhook secret)`));
    };
  };

  for (const source of INGEST_SOURCES) router.post(`/ingest/${source}`, authFor(source), receive(source));
  return { router, paths: PATHS };
}

function isRefusal(error: unknown): boolean {
  return (
    error instanceof ValidationError || error instanceof AuthError || (error instanceof HttpError && error.status < 500)
  );
}

const error = {
  description: 'Error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

const PATHS: OpenApiPaths = Object.fromEntries(
  INGEST_SOURCES.map((source) => [
    `/api/v1/ingest/${source}`,
    {
      post: {
        summary: `${RECEIVERS[source].summary}; body limit ${RECEIVERS[source].bodyLimit} bytes`,
        ...(RECEIVERS[source].signature
          ? {
              description: `Signed with ${RECEIVERS[source].signature!.header} when ${webhookSecretEnv(source)} is set (then no bearer token is needed).`,
            }
          : {}),
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: {
          200: { description: '{source, received, created, updated, deduplicated, ignored, unassigned}' },
          ...Object.fromEntries([400, 401, 403, 413, 415, 503].map((c) => [String(c), error])),
        },
      },
    },
  ])
);
