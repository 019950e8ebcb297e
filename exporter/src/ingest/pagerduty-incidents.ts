/**
 * PagerDuty Webhooks V3 (a webhook subscription), incident events. Each delivery holds one event;
 * all events of an incident write one record, `pd-<incident id>`. The body is signed with
 * `X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the raw body>`, several comma-separated during a
 * secret rotation (developer.pagerduty.com, docs/webhooks/04-Signatures.md).
 */
import { z } from 'zod';
import type { IncidentStepInput } from '../domain/records.js';
import { hmacSha256, incidentDelivery, optionalTime, sameDigest, type IncidentFacts } from './incidents.js';
import { stringValues } from './mapping.js';
import { isoTime, parseBody, present, type AdaptContext, type Adapted } from './pipeline.js';
import { ValidationError } from '../service/errors.js';

export function validPagerDutySignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  const expected = hmacSha256(secret, rawBody);
  return (header ?? '')
    .split(',')
    .map((s) => /^v1=([0-9a-f]{64})$/i.exec(s.trim())?.[1])
    .some((hex) => hex !== undefined && sameDigest(expected, Buffer.from(hex, 'hex')));
}

const reference = z.object({ id: z.string().optional(), summary: z.string().optional() }).loose();

const incidentSchema = z
  .object({
    id: z.string().min(1),
    type: z.literal('incident'),
    html_url: z.string().optional(),
    number: z.number().optional(),
    status: z.string().optional(),
    title: z.string().optional(),
    created_at: z.string().optional(),
    service: reference.optional(),
    teams: z.array(reference).optional(),
    priority: reference.nullable().optional(),
    urgency: z.string().optional(),
  })
  .loose();

/** `incident.annotated` carries the note and a reference to its incident. */
const noteSchema = z
  .object({
    type: z.literal('incident_note'),
    content: z.string().optional(),
    incident: z.object({ id: z.string().min(1), summary: z.string().optional(), html_url: z.string().optional() }),
  })
  .loose();

const webhookSchema = z.object({
  event: z.object({
    id: z.string().optional(),
    event_type: z.string().min(1),
    resource_type: z.string().optional(),
    occurred_at: z.string(),
    agent: z.object({ type: z.string().optional(), summary: z.string().optional() }).loose().nullable().optional(),
    data: z.unknown(),
  }),
});

/** Events that say something about the incident's process; the others (responders, status updates) are ignored. */
const HANDLED = new Set([
  'incident.triggered',
  'incident.acknowledged',
  'incident.escalated',
  'incident.priority_updated',
  'incident.reassigned',
  'incident.delegated',
  'incident.resolved',
  'incident.reopened',
  'incident.unacknowledged',
  'incident.annotated',
]);

export function adaptPagerDutyIncident(body: unknown, ctx: AdaptContext): Adapted {
  const { event } = parseBody(webhookSchema, body);
  if (!HANDLED.has(event.event_type)) return { items: [], ignored: 1 };
  const at = isoTime(event.occurred_at, 'event.occurred_at');
  const who = present(event.agent?.summary) ?? 'PagerDuty';
  const step = (name: IncidentStepInput['step'], note?: string): IncidentStepInput[] => [
    { step: name, at, owner: who, ...(note ? { note } : {}) },
  ];

  if (event.event_type === 'incident.annotated') {
    const note = parseBody(noteSchema, event.data, 'event.data');
    return incidentDelivery(
      {
        ...common(note.incident.id, at),
        ownerOptional: true,
        title: note.incident.summary,
        sourceUrl: note.incident.html_url,
        subject: {},
        ownerPath: 'event.data.incident',
        steps: step('notification', note.content),
      },
      { at: Date.parse(at) },
      ctx
    );
  }

  const incident = parseBody(incidentSchema, event.data, 'event.data');
  const created = optionalTime(incident.created_at, 'event.data.created_at') ?? at;
  const facts: IncidentFacts = {
    ...common(incident.id, created),
    title: incident.title,
    priority: present(incident.priority?.summary) ?? incident.urgency,
    subject: {
      application: present(incident.service?.summary),
      labels: stringValues({ service_id: incident.service?.id, urgency: incident.urgency }),
    },
    teams: (incident.teams ?? []).map((t) => present(t.summary)).filter((t): t is string => t !== undefined),
    ownerPath: 'event.data.service.summary',
    sourceUrl: incident.html_url,
    // Triggered by a person (the web UI, the mobile app) rather than an integration.
    detectionSource:
      event.event_type === 'incident.triggered' && event.agent?.type === 'user_reference' ? 'user' : 'monitoring',
  };
  switch (event.event_type) {
    case 'incident.acknowledged':
      Object.assign(facts, { acknowledgedAt: at, steps: step('response') });
      break;
    case 'incident.escalated':
    case 'incident.delegated':
      facts.steps = step('escalation', escalationNote(event.event_type, incident));
      break;
    case 'incident.reassigned':
      facts.steps = step('escalation', 'reassigned');
      break;
    case 'incident.priority_updated':
      facts.steps = step('judgment', incident.priority?.summary ? `priority ${incident.priority.summary}` : undefined);
      break;
    case 'incident.resolved':
      Object.assign(facts, { recoveredAt: at, resolvedAt: at, steps: step('resolution') });
      break;
  }
  // A resolved incident's re-sent older events still carry `status`: only a later open event reopens it.
  const open = incident.status !== undefined && incident.status !== 'resolved';
  return incidentDelivery(facts, { at: Date.parse(at), reopened: open }, ctx);
}

function common(id: string, startedAt: string) {
  if (!/^[A-Za-z0-9]+$/.test(id))
    throw new ValidationError([{ path: 'event.data.id', message: 'must be a PagerDuty incident id' }]);
  return {
    receiver: 'pagerduty-incidents',
    tool: 'pagerduty',
    idPrefix: 'pd',
    toolId: id,
    origin: 'event.data',
    startedAt,
    detectionSource: 'monitoring' as const,
  };
}

function escalationNote(type: string, incident: z.infer<typeof incidentSchema>): string | undefined {
  const policy = (incident as { escalation_policy?: { summary?: string } }).escalation_policy?.summary;
  if (type === 'incident.delegated') return policy ? `delegated to ${policy}` : 'delegated';
  return policy ? `escalated (${policy})` : undefined;
}
