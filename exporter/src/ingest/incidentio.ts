/**
 * incident.io webhooks (`public_incident.incident_created_v2`, `…incident_updated_v2`,
 * `…incident_status_updated_v2`): `{event_type, "<event_type>": <incident or {incident, …}>}`.
 * One record per incident, `iio-<incident id>`; custom timestamps (e.g. "Impact started") give the
 * process times (`ingestion.incidents.incidentio.timestamps`). Delivered by Svix and signed the
 * Standard Webhooks way: `webhook-signature: v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`
 * keyed with the base64 part of the `whsec_…` secret (docs.incident.io/api-reference/webhooks);
 * a timestamp more than 5 minutes off is refused, as Svix's own verifier does, so a captured
 * delivery cannot be replayed later.
 */
import { z } from 'zod';
import type { IncidentStepInput } from '../domain/records.js';
import type { Delivery } from './receivers.js';
import { hmacSha256, incidentDelivery, optionalTime, sameDigest, type IncidentFacts } from './incidents.js';
import { parseBody, present, type AdaptContext, type Adapted } from './pipeline.js';

export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

export function validIncidentIoSignature(secret: string, rawBody: Buffer, d: Delivery, now: number): boolean {
  const id = d.header('webhook-id');
  const timestamp = d.header('webhook-timestamp');
  const signatures = d.header('webhook-signature');
  if (!id || !timestamp || !/^\d{1,12}$/.test(timestamp) || !signatures) return false;
  if (Math.abs(now - Number(timestamp) * 1000) > SIGNATURE_TOLERANCE_MS) return false;
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  const expected = hmacSha256(key, Buffer.concat([Buffer.from(`${id}.${timestamp}.`), rawBody]));
  // Space-separated `v1,<base64>` entries: one per active secret during a rotation.
  return signatures
    .split(' ')
    .map((s) => /^v1,([A-Za-z0-9+/]+={0,2})$/.exec(s.trim())?.[1])
    .some((b64) => b64 !== undefined && sameDigest(expected, Buffer.from(b64, 'base64')));
}

const named = z.object({ name: z.string().optional() }).loose();

const incidentSchema = z
  .object({
    id: z.string().min(1),
    reference: z.string().optional(),
    name: z.string().optional(),
    permalink: z.string().optional(),
    mode: z.string().optional(),
    created_at: z.string(),
    updated_at: z.string().optional(),
    severity: named.nullable().optional(),
    incident_status: z.object({ category: z.string().optional(), name: z.string().optional() }).loose().optional(),
    incident_timestamp_values: z
      .array(
        z
          .object({
            incident_timestamp: named,
            value: z.object({ value: z.string().nullable().optional() }).loose().nullable().optional(),
          })
          .loose()
      )
      .nullable()
      .optional(),
    custom_field_entries: z
      .array(
        z
          .object({
            custom_field: named,
            values: z
              .array(
                z
                  .object({
                    value_text: z.string().optional(),
                    value_option: z.object({ value: z.string().optional() }).loose().optional(),
                    value_catalog_entry: named.optional(),
                  })
                  .loose()
              )
              .optional(),
          })
          .loose()
      )
      .nullable()
      .optional(),
    creator: z.object({ alert: z.unknown().optional(), user: z.unknown().optional() }).loose().nullable().optional(),
    postmortem_document_url: z.string().nullable().optional(),
  })
  .loose();

const EVENTS = [
  'public_incident.incident_created_v2',
  'public_incident.incident_updated_v2',
  'public_incident.incident_status_updated_v2',
];

/** Status categories: recovered once past "live"; closed is resolved; triage outcomes that are no incident. */
const RECOVERED = new Set(['learning', 'post-incident', 'closed', 'resolved']);
const RESOLVED = new Set(['closed']);
const NOT_AN_INCIDENT = new Set(['declined', 'merged', 'canceled', 'cancelled']);

export function adaptIncidentIo(body: unknown, ctx: AdaptContext): Adapted {
  const envelope = parseBody(z.object({ event_type: z.string().min(1) }).loose(), body);
  const type = envelope.event_type;
  // Private incidents' events carry only the id (the rest needs an API key): nothing to record.
  if (!EVENTS.includes(type)) return { items: [], ignored: 1 };
  const payload = (envelope as Record<string, unknown>)[type];
  const nested = type.endsWith('incident_status_updated_v2');
  const path = nested ? `${type}.incident` : type;
  const incident = parseBody(
    incidentSchema,
    nested ? (payload as { incident?: unknown } | undefined)?.incident : payload,
    path
  );
  const category = incident.incident_status?.category?.toLowerCase() ?? '';
  if (NOT_AN_INCIDENT.has(category)) return { items: [], ignored: 1 };

  const names = ctx.config.incidents.incidentio.timestamps;
  const stamps = new Map<string, { value: unknown; i: number }>();
  (incident.incident_timestamp_values ?? []).forEach((t, i) => {
    const name = t.incident_timestamp.name?.trim().toLowerCase();
    if (name && t.value?.value) stamps.set(name, { value: t.value.value, i });
  });
  const stamp = (field: keyof typeof names): string | undefined => {
    for (const name of names[field]) {
      const found = stamps.get(name.toLowerCase());
      if (found) return optionalTime(found.value, `${path}.incident_timestamp_values[${found.i}].value.value`);
    }
    return undefined;
  };
  const created = optionalTime(incident.created_at, `${path}.created_at`)!;
  const updated = optionalTime(incident.updated_at, `${path}.updated_at`) ?? created;
  const fields: Record<string, string> = {};
  for (const entry of incident.custom_field_entries ?? []) {
    const v = entry.values?.[0];
    const value = present(v?.value_catalog_entry?.name) ?? present(v?.value_option?.value) ?? present(v?.value_text);
    const name = present(entry.custom_field.name);
    if (name && value) fields[name] = value;
  }
  const fieldNamed = (re: RegExp) => Object.entries(fields).find(([k]) => re.test(k))?.[1];

  const started = stamp('startedAt');
  const acknowledgedAt = stamp('acknowledgedAt');
  const recoveredAt = stamp('recoveredAt') ?? (RECOVERED.has(category) ? updated : undefined);
  const resolvedAt = stamp('resolvedAt') ?? (RESOLVED.has(category) ? updated : undefined);
  const steps: IncidentStepInput[] = [
    ...(acknowledgedAt ? [{ step: 'response' as const, at: acknowledgedAt, owner: 'incident.io' }] : []),
    ...(recoveredAt ? [{ step: 'resolution' as const, at: recoveredAt, owner: 'incident.io' }] : []),
  ];
  const facts: IncidentFacts = {
    receiver: 'incidentio',
    tool: 'incident.io',
    idPrefix: 'iio',
    toolId: incident.id,
    origin: path,
    title: [present(incident.reference), present(incident.name)].filter(Boolean).join(' ') || undefined,
    priority: present(incident.severity?.name ?? undefined),
    subject: {
      service: fields.service,
      application: fieldNamed(/^(affected )?services?$/i),
      labels: fields,
    },
    teams: [fieldNamed(/^(affected |owning )?teams?$/i)].filter((t): t is string => !!t),
    ownerPath: `${path}.custom_field_entries`,
    startedAt: started && started < created ? started : created,
    detectedAt: stamp('detectedAt') ?? created,
    ...(acknowledgedAt ? { acknowledgedAt } : {}),
    ...(recoveredAt ? { recoveredAt } : {}),
    ...(resolvedAt ? { resolvedAt } : {}),
    sourceUrl: incident.permalink,
    postmortemUrl: incident.postmortem_document_url ?? undefined,
    detectionSource: incident.creator?.alert ? 'monitoring' : 'user',
    drill: incident.mode === 'test' || incident.mode === 'tutorial',
    steps,
  };
  const open = !RECOVERED.has(category) && category !== '';
  return incidentDelivery(facts, { at: Date.parse(updated), reopened: open }, ctx);
}
