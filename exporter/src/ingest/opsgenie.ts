/**
 * Opsgenie's Webhook integration: one POST per alert action (`Create`, `Acknowledge`, `Close`,
 * `EscalateNext`, `UpdatePriority` …) with the alert's fields (docs.opsgenie.com, "Webhook
 * Integration" and its alert action data). All actions of an alert write one incident record,
 * `og-<alertId>`. Opsgenie does not sign: its custom headers carry the ingest token.
 */
import { z } from 'zod';
import type { IncidentStepInput } from '../domain/records.js';
import { incidentDelivery, type IncidentFacts } from './incidents.js';
import { stringValues } from './mapping.js';
import { isoTime, parseBody, present, type AdaptContext, type Adapted } from './pipeline.js';
import { ValidationError } from '../service/errors.js';

/** Opsgenie sends createdAt in epoch ms and updatedAt in epoch ns. */
const epoch = z.number().nonnegative();

const alertSchema = z
  .object({
    alertId: z.string().min(1),
    tinyId: z.string().optional(),
    message: z.string().optional(),
    alias: z.string().optional(),
    entity: z.string().optional(),
    source: z.string().optional(),
    priority: z.string().optional(),
    createdAt: epoch,
    updatedAt: epoch.optional(),
    username: z.string().optional(),
    tags: z.array(z.string()).optional(),
    teams: z.array(z.string()).optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

const webhookSchema = z
  .object({
    action: z.string().min(1),
    alert: alertSchema,
    source: z.object({ name: z.string().optional(), type: z.string().optional() }).loose().optional(),
    escalationName: z.string().optional(),
  })
  .loose();

type Action = 'open' | 'ack' | 'close' | 'escalate' | 'priority' | 'note' | 'unack';
/** Opsgenie's action names (lower-cased); others (tags, custom actions…) are ignored. */
const ACTIONS: Record<string, Action> = {
  create: 'open',
  acknowledge: 'ack',
  unacknowledge: 'unack',
  close: 'close',
  escalate: 'escalate',
  escalatenext: 'escalate',
  assignownership: 'escalate',
  updatepriority: 'priority',
  addnote: 'note',
};

const MAX_MS = Date.UTC(9999, 0);

export function adaptOpsgenie(body: unknown, ctx: AdaptContext): Adapted {
  const hook = parseBody(webhookSchema, body);
  const action = ACTIONS[hook.action.toLowerCase()];
  if (!action) return { items: [], ignored: 1 };
  const { alert } = hook;
  const created = timeOf(alert.createdAt, 1, 'alert.createdAt');
  // The action's own time: the alert's last update (ns); a Create is its creation.
  const at =
    action === 'open' || alert.updatedAt === undefined ? created : timeOf(alert.updatedAt, 1e6, 'alert.updatedAt');
  const who = present(alert.username) ?? present(hook.source?.name) ?? 'Opsgenie';
  const step = (name: IncidentStepInput['step'], note?: string) => [
    { step: name, at, owner: who, ...(note ? { note } : {}) },
  ];
  const tags = Object.fromEntries(
    (alert.tags ?? []).map((t) => t.split(/[:=]/, 2)).filter((kv): kv is [string, string] => kv.length === 2)
  );
  const facts: IncidentFacts = {
    receiver: 'opsgenie',
    tool: 'opsgenie',
    idPrefix: 'og',
    toolId: alert.alertId,
    origin: 'alert',
    title: alert.message,
    priority: alert.priority,
    subject: {
      service: present(tags.service) ?? present(stringValues(alert.details).service),
      application: present(alert.entity) ?? present(alert.source),
      labels: { ...stringValues(alert.details), ...tags },
    },
    teams: alert.teams,
    ownerPath: 'alert.entity',
    startedAt: created,
    sourceUrl: ctx.config.incidents.opsgenieAlertUrl.replace('{id}', encodeURIComponent(alert.alertId)),
    detectionSource: hook.source?.type?.toLowerCase() === 'web' ? 'user' : 'monitoring',
  };
  switch (action) {
    case 'ack':
      Object.assign(facts, { acknowledgedAt: at, steps: step('response') });
      break;
    case 'close':
      Object.assign(facts, { recoveredAt: at, resolvedAt: at, steps: step('resolution') });
      break;
    case 'escalate':
      facts.steps = step('escalation', present(hook.escalationName));
      break;
    case 'priority':
      facts.steps = step('judgment', alert.priority ? `priority ${alert.priority}` : undefined);
      break;
    case 'note':
      facts.steps = step('notification', present((hook as { note?: string }).note));
      break;
  }
  return incidentDelivery(facts, { at: Date.parse(at) }, ctx);
}

/** Then checked like any record time (the API's bounds), named by the sender's field. */
function timeOf(value: number, perMs: number, path: string): string {
  const ms = Math.floor(value / perMs);
  if (ms > MAX_MS) throw new ValidationError([{ path, message: 'is not an Opsgenie epoch time' }]);
  return isoTime(new Date(ms).toISOString(), path);
}
