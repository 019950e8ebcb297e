/**
 * Grafana Incident (Grafana IRM) outgoing webhooks: `{version, id, source, time, event, incident}`
 * with events `grafana.incident.created`, `grafana.incident.updated.*` (role, severity, status,
 * labels…) and the incident's current state. One record per incident, `gi-<incidentID>`. Signed
 * with `GI-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<base64 SHA-256 of body>:<t>:v1">`, as the
 * official client verifies it (github.com/grafana/incident-go, webhook.go).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { IncidentStepInput } from '../domain/records.js';
import { hmacSha256, incidentDelivery, optionalTime, sameDigest, type IncidentFacts } from './incidents.js';
import { isoTime, parseBody, present, type AdaptContext, type Adapted } from './pipeline.js';

export function validGrafanaIncidentSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  const parts = new Map(
    (header ?? '').split(',').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as const;
    })
  );
  const t = parts.get('t');
  const v1 = parts.get('v1');
  if (!t || !/^\d+$/.test(t) || !v1 || !/^[0-9a-f]{64}$/i.test(v1)) return false;
  const bodyHash = createHash('sha256').update(rawBody).digest('base64');
  return sameDigest(hmacSha256(secret, `${bodyHash}:${t}:v1`), Buffer.from(v1, 'hex'));
}

const person = z.object({ name: z.string().optional() }).loose().nullable().optional();
/** Labels are `{key, label}` pairs in the incident API; older payloads send plain strings. */
const label = z.union([z.string(), z.object({ key: z.string().optional(), label: z.string().optional() }).loose()]);

const webhookSchema = z
  .object({
    event: z.string().min(1),
    time: z.string().optional(),
    incident: z
      .object({
        incidentID: z.string().min(1),
        title: z.string().optional(),
        severity: z.string().optional(),
        status: z.string().optional(),
        isDrill: z.boolean().optional(),
        labels: z.array(label).nullable().optional(),
        createdTime: z.string(),
        modifiedTime: z.string().optional(),
        closedTime: z.string().nullable().optional(),
        incidentStart: z.string().nullable().optional(),
        incidentEnd: z.string().nullable().optional(),
        overviewURL: z.string().optional(),
        createdByUser: person,
        roles: z
          .array(z.object({ role: z.string().optional(), user: person }).loose())
          .nullable()
          .optional(),
      })
      .loose(),
  })
  .loose();

export function adaptGrafanaIncident(body: unknown, ctx: AdaptContext): Adapted {
  const hook = parseBody(webhookSchema, body);
  if (!hook.event.startsWith('grafana.incident.')) return { items: [], ignored: 1 };
  const { incident } = hook;
  const created = isoTime(incident.createdTime, 'incident.createdTime');
  const at = optionalTime(hook.time, 'time') ?? optionalTime(incident.modifiedTime, 'incident.modifiedTime') ?? created;
  const start = optionalTime(incident.incidentStart, 'incident.incidentStart');
  const resolved = incident.status === 'resolved';
  const end = resolved
    ? (optionalTime(incident.incidentEnd, 'incident.incidentEnd') ??
      optionalTime(incident.closedTime, 'incident.closedTime') ??
      at)
    : undefined;
  const labels: Record<string, string> = {};
  for (const l of incident.labels ?? []) {
    if (typeof l === 'string') labels[l] = l;
    else if (l.label !== undefined) labels[l.key ?? l.label] = l.label;
  }
  // Someone took a role other than watching: the incident is being responded to.
  const responders = (incident.roles ?? []).filter((r) => r.role !== 'observer' && present(r.user?.name));
  const steps: IncidentStepInput[] = [];
  if (hook.event === 'grafana.incident.updated.role' && responders.length > 0)
    steps.push({ step: 'response', at, owner: responders.map((r) => `${r.user!.name} (${r.role})`).join(', ') });
  if (hook.event === 'grafana.incident.updated.severity' && present(incident.severity))
    steps.push({ step: 'judgment', at, owner: 'Grafana Incident', note: `severity ${incident.severity}` });
  if (end) steps.push({ step: 'resolution', at: end, owner: 'Grafana Incident' });
  const overview = present(incident.overviewURL);
  const facts: IncidentFacts = {
    receiver: 'grafana-incident',
    tool: 'grafana-incident',
    idPrefix: 'gi',
    toolId: incident.incidentID,
    origin: 'incident',
    title: incident.title,
    // "pending" is Grafana Incident's severity before anyone chose one.
    priority: incident.severity === 'pending' ? undefined : incident.severity,
    subject: { service: present(labels.service), application: present(labels.service), labels },
    teams: [present(labels.team)].filter((t): t is string => !!t),
    ownerPath: 'incident.labels',
    startedAt: start && start < created ? start : created,
    detectedAt: created,
    ...(end ? { recoveredAt: end, resolvedAt: end } : {}),
    sourceUrl:
      overview && ctx.config.incidents.grafanaUrl ? joinUrl(ctx.config.incidents.grafanaUrl, overview) : overview,
    detectionSource: present(incident.createdByUser?.name) ? 'user' : 'monitoring',
    drill: incident.isDrill ?? false,
    steps,
  };
  return incidentDelivery(facts, { at: Date.parse(at), reopened: !resolved }, ctx);
}

/** `https://acme.grafana.net/` + `/a/grafana-incident-app/incidents/19/x`: the overview is relative to Grafana's root. */
function joinUrl(base: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
