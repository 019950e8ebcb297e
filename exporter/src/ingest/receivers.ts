/**
 * The receivers, one per tool: which collection each writes, how its body becomes records, how a
 * record merges with the stored one, and its body-size limit. HTTP (auth, status codes, counters)
 * is api/ingest-routes.ts's job.
 */
import { adaptAlertmanager, mergeAlert } from './alertmanager.js';
import { adaptArgoCd } from './argocd.js';
import { adaptCloudEvents } from './cloudevents.js';
import { adaptGithub, validSignature } from './github.js';
import { adaptPagerDuty } from './pagerduty.js';
import type { Collection } from '../domain/records.js';
import { mergeChange, type AdaptContext, type Adapted, type Merge } from './pipeline.js';

export const INGEST_SOURCES = ['alertmanager', 'github', 'argocd', 'pagerduty', 'cloudevents'] as const;
export type IngestSource = (typeof INGEST_SOURCES)[number];

/** What an adapter sees of a request: the parsed body and its headers. */
export interface Delivery {
  body: unknown;
  header(name: string): string | undefined;
}

/** Records a receiver may write (freeze windows are the committee's, never a tool's). */
export type IngestCollection = Exclude<Collection, 'freezes'>;

/**
 * Tools that sign their deliveries instead of sending a bearer token. With the secret set (from
 * the environment variable `env`), the signature is the authentication; without it the receiver
 * takes an ingest token like the others.
 */
export interface Signature {
  env: string;
  /** Named in the 401 answer, so the sender's admin knows what to check. */
  header: string;
  /** Must compare in constant time (crypto.timingSafeEqual). */
  verify(secret: string, rawBody: Buffer, delivery: Delivery, now: number): boolean;
}

export interface Receiver {
  /** The collection written, unless the adapter names another one for this delivery. */
  collection: IngestCollection;
  adapt(delivery: Delivery, ctx: AdaptContext): Adapted;
  merge: Merge;
  signature?: Signature;
  /** Bytes; a notification group can hold many alerts, a change event is small. */
  bodyLimit: number;
  /** The OpenAPI summary. */
  summary: string;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const RECEIVERS: Record<IngestSource, Receiver> = {
  alertmanager: {
    collection: 'alerts',
    adapt: (d, ctx) => adaptAlertmanager(d.body, ctx),
    merge: mergeAlert,
    bodyLimit: 5 * MiB,
    summary: 'Prometheus Alertmanager webhook (payload version 4) → alert records',
  },
  github: {
    collection: 'changes',
    adapt: (d, ctx) => adaptGithub(d.header('x-github-event'), d.body, ctx),
    merge: mergeChange,
    signature: {
      env: 'BALLAST_GITHUB_WEBHOOK_SECRET',
      header: 'X-Hub-Signature-256',
      verify: (secret, raw, d) => validSignature(secret, raw, d.header('x-hub-signature-256')),
    },
    bodyLimit: 1 * MiB,
    summary: 'GitHub deployment_status webhook (X-Hub-Signature-256) → change records',
  },
  argocd: {
    collection: 'changes',
    adapt: (d, ctx) => adaptArgoCd(d.body, ctx),
    merge: mergeChange,
    bodyLimit: 64 * KiB,
    summary: 'Argo CD notification (ballast-change template) → change records',
  },
  pagerduty: {
    collection: 'changes',
    adapt: (d, ctx) => adaptPagerDuty(d.body, ctx),
    merge: mergeChange,
    bodyLimit: 512 * KiB,
    summary: 'PagerDuty Change Events v2 body → change record',
  },
  cloudevents: {
    collection: 'changes',
    adapt: (d, ctx) => adaptCloudEvents(d.body, ctx),
    merge: mergeChange,
    bodyLimit: 1 * MiB,
    summary: 'CloudEvents 1.0 structured JSON (single or batch) → change records',
  },
};

/** Per-receiver body limits (capped by BALLAST_BODY_LIMIT). */
export const BODY_LIMITS = Object.fromEntries(INGEST_SOURCES.map((s) => [s, RECEIVERS[s].bodyLimit])) as Record<
  IngestSource,
  number
>;

/** The webhook secrets of the signing receivers, from the environment; never logged. */
export function webhookSecretsFromEnv(env: NodeJS.ProcessEnv): Partial<Record<IngestSource, string>> {
  const secrets: Partial<Record<IngestSource, string>> = {};
  for (const source of INGEST_SOURCES) {
    const name = RECEIVERS[source].signature?.env;
    const value = name ? env[name] : undefined;
    if (value) secrets[source] = value;
  }
  return secrets;
}
