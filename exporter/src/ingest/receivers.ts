/**
 * The receivers, one per tool: which collection each writes, how its body becomes records, how a
 * record merges with the stored one, and its body-size limit. HTTP (auth, status codes, counters)
 * is api/ingest-routes.ts's job.
 */
import { adaptAlertmanager, mergeAlert } from './alertmanager.js';
import { adaptArgoCd } from './argocd.js';
import { adaptCloudEvents } from './cloudevents.js';
import { adaptGithub, githubDeliveryId, mergeGithubChange, validSignature } from './github.js';
import { adaptPagerDuty } from './pagerduty.js';
import { adaptPagerDutyIncident, validPagerDutySignature } from './pagerduty-incidents.js';
import { adaptOpsgenie } from './opsgenie.js';
import { adaptGrafanaOnCall } from './grafana-oncall.js';
import { adaptGrafanaIncident, validGrafanaIncidentSignature } from './grafana-incident.js';
import { adaptIncidentIo, validIncidentIoSignature } from './incidentio.js';
import { mergeIncident } from './incidents.js';
import { adaptJira, mergeJiraIncident } from './jira.js';
import { adaptFindings, mergeFinding } from './findings.js';
import { adaptLitmus, mergeLitmus } from './litmus.js';
import { adaptChaosMesh } from './chaos-mesh.js';
import type { Collection } from '../domain/records.js';
import { mergeChange, type AdaptContext, type Adapted, type Merge } from './pipeline.js';

export const INGEST_SOURCES = [
  'alertmanager',
  'github',
  'argocd',
  'pagerduty',
  'cloudevents',
  'jira',
  'alertmanager-findings',
  'litmus',
  'chaos-mesh',
  'pagerduty-incidents',
  'opsgenie',
  'grafana-oncall',
  'grafana-incident',
  'incidentio',
] as const;
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
 * `webhookSecretEnv(source)`), the signature is the authentication; without it the receiver
 * takes an ingest token like the others.
 */
export interface Signature {
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
  /** The sender's id of a delivery, when it gives one: a delivery already written is answered as a duplicate. */
  deliveryId?: (delivery: Delivery) => string | undefined;
  /** Bytes; a notification group can hold many alerts, a change event is small. */
  bodyLimit: number;
  /** The OpenAPI summary. */
  summary: string;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * An incident tool's receiver: its adapter binds the merge to each event's time (mergeIncident);
 * the merge here only serves a delivery that brings none.
 */
function incidentReceiver(r: Omit<Receiver, 'collection' | 'merge'>): Receiver {
  return { collection: 'incidents', merge: mergeIncident({ at: 0 }), ...r };
}

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
    merge: mergeGithubChange,
    deliveryId: (d) => githubDeliveryId(d.header),
    signature: {
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
  jira: {
    // Incidents or improvement actions: each delivery names its collection (Adapted.collection).
    collection: 'incidents',
    adapt: (d, ctx) => adaptJira(d.body, ctx),
    merge: mergeJiraIncident,
    signature: {
      header: 'X-Hub-Signature',
      verify: (secret, raw, d) => validSignature(secret, raw, d.header('x-hub-signature')),
    },
    bodyLimit: 1 * MiB,
    summary: 'Jira Cloud issue webhook (X-Hub-Signature) → incident or improvement-action records',
  },
  'alertmanager-findings': {
    collection: 'findings',
    adapt: (d, ctx) => adaptFindings(d.body, ctx),
    merge: mergeFinding,
    bodyLimit: 5 * MiB,
    summary: 'Prometheus Alertmanager webhook (version 4) of inspection rules → finding records',
  },
  litmus: {
    collection: 'drills',
    adapt: (d, ctx) => adaptLitmus(d.body, ctx),
    merge: mergeLitmus,
    // A cluster's whole list of results, managed fields included.
    bodyLimit: 5 * MiB,
    summary: 'LitmusChaos ChaosResult (one or a list, as kubectl prints it) → drill records',
  },
  'chaos-mesh': {
    collection: 'drills',
    // Replaced per delivery by the merge that recomputes the score with the configured rule.
    adapt: (d, ctx) => adaptChaosMesh(d.body, ctx),
    merge: (incoming) => incoming,
    bodyLimit: 1 * MiB,
    summary: 'Chaos Mesh experiment events (kubernetes-event-exporter webhook) → drill records',
  },
  // Incident tools: each delivery is one event of one incident.
  'pagerduty-incidents': incidentReceiver({
    adapt: (d, ctx) => adaptPagerDutyIncident(d.body, ctx),
    signature: {
      header: 'X-PagerDuty-Signature',
      verify: (secret, raw, d) => validPagerDutySignature(secret, raw, d.header('x-pagerduty-signature')),
    },
    bodyLimit: 512 * KiB,
    summary: 'PagerDuty Webhooks V3 incident events (X-PagerDuty-Signature) → incident records',
  }),
  opsgenie: incidentReceiver({
    adapt: (d, ctx) => adaptOpsgenie(d.body, ctx),
    bodyLimit: 512 * KiB,
    summary: 'Opsgenie Webhook integration (alert actions) → incident records',
  }),
  'grafana-oncall': incidentReceiver({
    adapt: (d, ctx) => adaptGrafanaOnCall(d.body, ctx),
    bodyLimit: 1 * MiB,
    summary: 'Grafana OnCall outgoing webhook (alert groups, whole payload) → incident records',
  }),
  'grafana-incident': incidentReceiver({
    adapt: (d, ctx) => adaptGrafanaIncident(d.body, ctx),
    signature: {
      header: 'GI-Signature',
      verify: (secret, raw, d) => validGrafanaIncidentSignature(secret, raw, d.header('gi-signature')),
    },
    bodyLimit: 1 * MiB,
    summary: 'Grafana Incident outgoing webhook (GI-Signature) → incident records',
  }),
  incidentio: incidentReceiver({
    adapt: (d, ctx) => adaptIncidentIo(d.body, ctx),
    signature: {
      header: 'webhook-signature',
      verify: (secret, raw, d, now) => validIncidentIoSignature(secret, raw, d, now),
    },
    bodyLimit: 1 * MiB,
    summary: 'incident.io webhooks (Svix-signed) → incident records',
  }),
};

/** Per-receiver body limits (capped by BALLAST_BODY_LIMIT). */
export const BODY_LIMITS = Object.fromEntries(INGEST_SOURCES.map((s) => [s, RECEIVERS[s].bodyLimit])) as Record<
  IngestSource,
  number
>;

/** `BALLAST_<SOURCE>_WEBHOOK_SECRET`, e.g. BALLAST_PAGERDUTY_INCIDENTS_WEBHOOK_SECRET: one rule for every signing receiver. */
export const webhookSecretEnv = (source: IngestSource) =>
  `BALLAST_${source.toUpperCase().replace(/-/g, '_')}_WEBHOOK_SECRET`;

/** The webhook secrets of the signing receivers, from the environment; never logged. */
export function webhookSecretsFromEnv(env: NodeJS.ProcessEnv): Partial<Record<IngestSource, string>> {
  const secrets: Partial<Record<IngestSource, string>> = {};
  for (const source of INGEST_SOURCES) {
    const value = RECEIVERS[source].signature ? env[webhookSecretEnv(source)] : undefined;
    if (value) secrets[source] = value;
  }
  return secrets;
}
