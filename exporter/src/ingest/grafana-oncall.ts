/**
 * Grafana OnCall (Grafana IRM) outgoing webhooks for alert groups, with "Forward whole payload" on:
 * the body is OnCall's webhook data (`event`, `user`, `alert_group`, `alert_payload`,
 * `integration`…; grafana/oncall docs/sources/configure/integrations/outgoing-webhooks/index.md).
 * Each alert group is one incident record, `oncall-<alert group id>`; OnCall does not sign, its
 * Authorization header setting carries the ingest token.
 */
import { z } from 'zod';
import type { IncidentStepInput } from '../domain/records.js';
import { incidentDelivery, optionalTime, type IncidentFacts } from './incidents.js';
import { stringValues } from './mapping.js';
import { isoTime, parseBody, present, type AdaptContext, type Adapted } from './pipeline.js';

const user = z.object({ username: z.string().optional(), email: z.string().optional() }).loose().nullable().optional();
const time = z.string().nullable().optional();

const webhookSchema = z
  .object({
    event: z.object({ type: z.string().min(1), time: z.string() }).loose(),
    user,
    alert_group: z
      .object({
        id: z.string().min(1),
        state: z.string().optional(),
        title: z.string().nullable().optional(),
        created_at: z.string(),
        acknowledged_at: time,
        resolved_at: time,
        permalinks: z.object({ web: z.string().nullable().optional() }).loose().optional(),
        labels: z.record(z.string(), z.unknown()).nullable().optional(),
      })
      .loose(),
    alert_payload: z
      .object({ labels: z.record(z.string(), z.unknown()).nullable().optional(), startsAt: z.string().optional() })
      .loose()
      .nullable()
      .optional(),
    integration: z
      .object({
        name: z.string().nullable().optional(),
        type: z.string().nullable().optional(),
        team: z.string().nullable().optional(),
        labels: z.record(z.string(), z.unknown()).nullable().optional(),
      })
      .loose()
      .nullable()
      .optional(),
    alert_group_acknowledged_by: user,
    alert_group_resolved_by: user,
  })
  .loose();

/** OnCall's `event.type` values; `status change` repeats one of the others and is read by the group's state. */
const EVENTS = new Set([
  'alert group created',
  'escalation',
  'acknowledge',
  'resolve',
  'silence',
  'unsilence',
  'unresolve',
  'unacknowledge',
  'status change',
]);

export function adaptGrafanaOnCall(body: unknown, ctx: AdaptContext): Adapted {
  const hook = parseBody(webhookSchema, body);
  const type = hook.event.type.toLowerCase();
  if (!EVENTS.has(type)) return { items: [], ignored: 1 };
  const group = hook.alert_group;
  const at = isoTime(hook.event.time, 'event.time');
  const name = (u: z.infer<typeof user>) => present(u?.username) ?? present(u?.email);
  const who = name(hook.user) ?? 'Grafana OnCall';
  const step = (s: IncidentStepInput['step'], owner = who, when = at, note?: string): IncidentStepInput[] => [
    { step: s, at: when, owner, ...(note ? { note } : {}) },
  ];
  const created = isoTime(group.created_at, 'alert_group.created_at');
  // The first alert's own start (Alertmanager, Grafana Alerting) is when impact began, before the group.
  const firstAlert = optionalTime(hook.alert_payload?.startsAt, 'alert_payload.startsAt');
  const acknowledgedAt = optionalTime(group.acknowledged_at, 'alert_group.acknowledged_at');
  const resolvedAt = optionalTime(group.resolved_at, 'alert_group.resolved_at');
  const labels = {
    ...stringValues(hook.integration?.labels),
    ...stringValues(hook.alert_payload?.labels),
    ...stringValues(group.labels),
  };
  const facts: IncidentFacts = {
    receiver: 'grafana-oncall',
    tool: 'grafana-oncall',
    idPrefix: 'oncall',
    toolId: group.id,
    origin: 'alert_group',
    title: present(group.title ?? undefined) ?? present(labels.alertname),
    priority: labels.priority ?? labels.severity,
    subject: { service: present(labels.service), application: present(hook.integration?.name ?? undefined), labels },
    teams: [present(labels.team), present(hook.integration?.team ?? undefined)].filter((t): t is string => !!t),
    ownerPath: 'integration.name',
    startedAt: firstAlert && firstAlert < created ? firstAlert : created,
    detectedAt: created,
    ...(acknowledgedAt ? { acknowledgedAt } : {}),
    ...(resolvedAt && group.state === 'resolved' ? { recoveredAt: resolvedAt, resolvedAt } : {}),
    sourceUrl: group.permalinks?.web ?? undefined,
    detectionSource: hook.integration?.type === 'manual' ? 'user' : 'monitoring',
    steps: [
      ...(acknowledgedAt ? step('response', name(hook.alert_group_acknowledged_by) ?? who, acknowledgedAt) : []),
      ...(resolvedAt && group.state === 'resolved'
        ? step('resolution', name(hook.alert_group_resolved_by) ?? who, resolvedAt)
        : []),
      ...(type === 'escalation' ? step('escalation', 'Grafana OnCall') : []),
      // Silencing is the on-call's judgment that the group can wait.
      ...(type === 'silence' ? step('judgment', who, at, 'silenced') : []),
    ],
  };
  return incidentDelivery(facts, { at: Date.parse(at), reopened: type === 'unresolve' }, ctx);
}
