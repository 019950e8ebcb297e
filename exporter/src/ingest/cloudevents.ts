/**
 * CloudEvents 1.0 in structured JSON mode (`application/cloudevents+json`, or a batch array with
 * `application/cloudevents-batch+json`). Events whose `type` matches `ingestion.cloudevents.changeTypes`
 * become change records (`ce-<digest of source and id>`, which the spec makes unique); others are ignored.
 */
import { z } from 'zod';
import { CHANGE_KINDS, CHANGE_RESULTS } from '../domain/records.js';
import { toIso } from '../domain/time.js';
import { committedAtOf } from './commit-time.js';
import { globMatch, resolveService, stringValues } from './mapping.js';
import { clip, digest, isoTime, parseBody, present, type AdaptContext, type Adapted, type Item } from './pipeline.js';
import { ValidationError } from '../service/errors.js';

export const cloudEventSchema = z.looseObject({
  specversion: z.literal('1.0', { message: 'only CloudEvents specversion "1.0" is understood' }),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().optional(),
  time: z.string().optional(),
  datacontenttype: z.string().optional(),
  data: z.unknown().optional(),
});

const RESULTS = CHANGE_RESULTS as readonly string[];

export function adaptCloudEvents(body: unknown, ctx: AdaptContext): Adapted {
  const batch = Array.isArray(body);
  const events = batch ? body : [body];
  if (events.length > 10_000) throw new ValidationError([{ path: '', message: 'at most 10000 events per batch' }]);
  const items: Item[] = [];
  let ignored = 0;
  events.forEach((raw, i) => {
    const origin = batch ? `[${i}]` : '';
    const event = parseBody(cloudEventSchema, raw, origin);
    if (!ctx.config.cloudevents.changeTypes.some((glob) => globMatch(glob, event.type))) {
      ignored++;
      return;
    }
    items.push(changeOf(event, origin, ctx));
  });
  return { items, ignored };
}

function changeOf(event: z.infer<typeof cloudEventSchema>, origin: string, ctx: AdaptContext): Item {
  const at = (field: string) => (origin ? `${origin}.${field}` : field);
  const data = typeof event.data === 'object' && event.data !== null ? (event.data as Record<string, unknown>) : {};
  const extensions = stringValues(event);
  const service = resolveService(
    {
      service: present(data.service),
      application: present(event.subject),
      repository: present(data.repository),
      labels: { ...extensions, ...stringValues(data.labels) },
    },
    ctx.config.services,
    ctx.org
  );
  if (!service) {
    throw new ValidationError([
      {
        path: at('subject'),
        message: `no service is mapped for subject "${event.subject ?? ''}" of source "${event.source}" (ingestion.services in the config)`,
      },
    ]);
  }
  const kind = present(data.kind);
  const result = present(data.result) ?? resultFromType(event.type);
  const finishedAt = present(data.finishedAt);
  const startedAt = event.time ? isoTime(event.time, at('time')) : toIso(ctx.now);
  const committed = commitTimeField(data);
  const committedAt = committed && committedAtOf(committed.value, at(committed.path), startedAt);
  return {
    id: `ce-${digest(`${event.source}\n${event.id}`)}`,
    origin,
    input: {
      title: clip(present(data.title) ?? `${event.type}${event.subject ? ` ${event.subject}` : ''}`, 500),
      system: ctx.config.systems.cloudevents,
      service,
      kind: kind && (CHANGE_KINDS as readonly string[]).includes(kind) ? kind : 'deploy',
      startedAt,
      ...(committedAt ? { committedAt } : {}),
      ...(result && RESULTS.includes(result) ? { result } : {}),
      ...(finishedAt ? { finishedAt: isoTime(finishedAt, at('data.finishedAt')) } : {}),
      ...(present(data.gateCheck) ? { gateCheck: present(data.gateCheck) } : {}),
      ...(present(data.exemption) ? { exemption: present(data.exemption) } : {}),
    },
  };
}

/** `data.committedAt`, or in a CDEvent (whose data is `{context, subject, customData}`) `data.customData.committedAt`. */
function commitTimeField(data: Record<string, unknown>): { value: unknown; path: string } | undefined {
  if (data.committedAt !== undefined) return { value: data.committedAt, path: 'data.committedAt' };
  const custom = data.customData;
  if (typeof custom === 'object' && custom !== null && (custom as Record<string, unknown>).committedAt !== undefined) {
    return { value: (custom as Record<string, unknown>).committedAt, path: 'data.customData.committedAt' };
  }
  return undefined;
}

/** CDEvents-style types say the outcome: `dev.cdevents.service.rolledback.0.1.1`, `….deployed…`. */
function resultFromType(type: string): string | undefined {
  if (/rolledback|rolled_back|rollback/i.test(type)) return 'rolled_back';
  if (/fail/i.test(type)) return 'failed';
  if (/deployed|upgraded|succeeded|finished/i.test(type)) return 'success';
  return undefined;
}
