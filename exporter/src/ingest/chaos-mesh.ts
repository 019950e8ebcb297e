/**
 * Chaos Mesh experiment events: the Kubernetes Events Chaos Mesh records on its chaos objects
 * (`Started`, `Applied`, `Recovered`), as kubernetes-event-exporter's webhook sink posts them (one
 * event, or a list). One drill per chaos object (`chaosmesh-<object uid>`): Started/Applied give its
 * start, Recovered its recovery, the object's detected-at annotation its detection; the score
 * follows from those times (docs/ingestion.md), recomputed each time an event completes them.
 */
import { z } from 'zod';
import { drillOwner } from './drills.js';
import { stringValues, type IngestionConfig } from './mapping.js';
import {
  clip,
  isoTime,
  parseBody,
  present,
  recordIdOf,
  type AdaptContext,
  type Adapted,
  type Item,
  type Merge,
} from './pipeline.js';

const eventSchema = z.object({
  reason: z.string().min(1),
  firstTimestamp: z.string().nullish(),
  lastTimestamp: z.string().nullish(),
  eventTime: z.string().nullish(),
  involvedObject: z.object({
    apiVersion: z.string().optional(),
    kind: z.string().min(1),
    namespace: z.string().optional(),
    name: z.string().min(1),
    uid: z.string().min(1),
    labels: z.record(z.string(), z.string()).nullish(),
    annotations: z.record(z.string(), z.string()).nullish(),
  }),
});

const STARTS = new Set(['Started', 'Applied']);
const RECOVERIES = new Set(['Recovered']);

export function adaptChaosMesh(body: unknown, ctx: AdaptContext): Adapted {
  const batch = Array.isArray(body);
  const events = batch ? (body as unknown[]) : [body];
  const items: Item[] = [];
  let ignored = 0;
  events.forEach((raw, i) => {
    const origin = batch ? `[${i}]` : '';
    const at = (path: string) => (origin ? `${origin}.${path}` : path);
    const event = parseBody(eventSchema, raw, origin);
    const object = event.involvedObject;
    const start = STARTS.has(event.reason);
    const recovery = RECOVERIES.has(event.reason);
    // Events of other objects, and Paused/TimeUp/Deleted/finalizer events, say nothing about the drill.
    if (!object.apiVersion?.startsWith('chaos-mesh.org/') || (!start && !recovery)) return void ignored++;
    const when = present(event.firstTimestamp) ?? present(event.eventTime) ?? present(event.lastTimestamp);
    const timeField = present(event.firstTimestamp)
      ? 'firstTimestamp'
      : present(event.eventTime)
        ? 'eventTime'
        : 'lastTimestamp';
    const eventAt = isoTime(when, at(timeField));
    // Recovered repeats per target: the last one is when the whole experiment was recovered.
    const recoveredAt = recovery ? isoTime(present(event.lastTimestamp) ?? when, at(timeField)) : undefined;
    const annotation = ctx.config.chaos.detectedAtAnnotation;
    const detected = present(object.annotations?.[annotation]);
    const detectedAt = detected ? isoTime(detected, at(`involvedObject.annotations.${annotation}`)) : undefined;
    const labels = stringValues(object.labels);
    const owner = drillOwner(labels, [object.name], ctx, at('involvedObject.labels'));
    const input = {
      scenario: clip(`Chaos Mesh ${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`, 500),
      ...owner,
      // A Recovered event seen first (the Started one lost or late) still starts no later than its detection.
      startedAt: detectedAt && detectedAt < eventAt ? detectedAt : eventAt,
      ...(detectedAt ? { detectedAt } : {}),
      ...(recoveredAt ? { recoveredAt } : {}),
    };
    items.push({
      id: recordIdOf('chaosmesh', object.uid),
      origin: origin || 'involvedObject',
      input: complete(input, ctx.config.chaos),
    });
  });
  return { items, ignored, merge: mergeChaosMesh(ctx.config.chaos) };
}

/**
 * The Chaos Mesh score rule: 100 when the fault was detected within `detectionTargetMinutes` of the
 * start, falling linearly to 0 for a detection at the recovery; 0 when it was not detected before the
 * recovery. Until the experiment has recovered, a later detection scores 0 (provisional).
 */
export function chaosMeshScore(
  drill: { startedAt: string; detectedAt?: string; recoveredAt?: string },
  config: IngestionConfig['chaos']
): number {
  if (!drill.detectedAt) return 0;
  const target = Date.parse(drill.startedAt) + config.detectionTargetMinutes * 60_000;
  const detected = Date.parse(drill.detectedAt);
  if (detected <= target) return 100;
  if (!drill.recoveredAt) return 0;
  const recovered = Date.parse(drill.recoveredAt);
  if (detected >= recovered) return 0;
  return Math.round((100 * (recovered - detected)) / (recovered - target));
}

/** Events arrive in any order and again: the earliest start, the latest recovery, the detection once known. */
const mergeChaosMesh =
  (config: IngestionConfig['chaos']): Merge =>
  (incoming, stored) => {
    const times = (a: unknown, b: unknown) => [a, b].filter((t): t is string => typeof t === 'string').sort();
    return complete(
      {
        ...incoming,
        startedAt: times(incoming.startedAt, stored.startedAt)[0]!,
        detectedAt: incoming.detectedAt ?? stored.detectedAt,
        recoveredAt: times(incoming.recoveredAt, stored.recoveredAt).pop(),
      },
      config
    );
  };

/** The drill with its score (merging only moves the start earlier, so detection stays after it). */
function complete<T extends { startedAt: string; detectedAt?: unknown; recoveredAt?: unknown }>(
  drill: T,
  config: IngestionConfig['chaos']
) {
  const { detectedAt, recoveredAt, ...rest } = drill;
  const times = {
    startedAt: drill.startedAt,
    ...(typeof detectedAt === 'string' ? { detectedAt } : {}),
    ...(typeof recoveredAt === 'string' ? { recoveredAt } : {}),
  };
  return { ...rest, ...times, score: chaosMeshScore(times, config) };
}
