/**
 * Dashboard annotations from Ballast records:
 *  - changes as points (title, system, service, result), freeze violations marked in text and tags
 *    (the exporter judges them: each change carries the ids of the freezes it violated);
 *  - incidents as regions from start to recovery (open ones up to now), with priority, title and
 *    a link to the post-mortem;
 *  - freeze windows as regions, each occurrence of a recurring window separately (the exporter
 *    expands the schedules: GET /api/v1/freeze-occurrences).
 * No colour per event: Grafana paints every event of a layer with the layer's `iconColor`
 * (postProcessQueryResult in public/app/features/query/state/DashboardQueryRunner/utils.ts sets
 * `color` from `annotation.iconColor`), so meaning is carried by separate layers (ANNOTATION_LAYERS
 * in queries/annotations.ts), each with its own colour.
 */
import { AnnotationEvent, DataFrame, FieldType, createDataFrame } from '@grafana/data';
import { Change, FreezeOccurrence, Incident } from './types';

export interface EventRow {
  time: number;
  timeEnd?: number;
  title: string;
  text: string;
  tags: string[];
  id: string;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const line = (label: string, value: string | null | undefined) => (value ? `${label}: ${escape(value)}` : '');
const join = (...parts: string[]) => parts.filter(Boolean).join('<br>');

/**
 * Changes as points. `freezeNames` maps freeze ids to names for the text; a freeze it does not
 * know is named by its id.
 */
export function changeEvents(changes: Change[], freezeNames: ReadonlyMap<string, string>): EventRow[] {
  return changes.map((c) => {
    const violated = c.violatedFreezes ?? [];
    const title = c.title || `${c.kind} ${c.service ?? c.team ?? ''}`.trim();
    return {
      id: `change:${c.id}`,
      time: Date.parse(c.startedAt),
      title: violated.length ? `⚠ ${title}` : title,
      text: join(
        violated.length
          ? `<b>Freeze violation</b>: ${violated.map((id) => escape(freezeNames.get(id) ?? id)).join(', ')}`
          : '',
        line('System', c.system),
        line('Service', c.service ?? c.team),
        line('Kind', c.kind),
        line('Result', c.result ?? 'unknown'),
        c.controlled ? 'Controlled change' : 'Uncontrolled change',
        line('Exemption', c.exemption)
      ),
      tags: [
        'change',
        c.kind,
        c.system,
        ...(c.service ? [c.service] : []),
        ...(c.result ? [c.result] : []),
        ...(violated.length ? ['freeze-violation'] : []),
      ],
    };
  });
}

export function incidentEvents(incidents: Incident[], now: number): EventRow[] {
  return incidents.map((i) => {
    const start = Date.parse(i.startedAt);
    const end = i.recoveredAt ? Date.parse(i.recoveredAt) : Math.max(now, start);
    return {
      id: `incident:${i.id}`,
      time: start,
      timeEnd: end,
      title: `${i.priority} ${i.title}`,
      text: join(
        `<b>${escape(i.priority)}</b> ${escape(i.title)}`,
        line('Service', i.service ?? i.team),
        i.recoveredAt ? '' : 'Not recovered yet',
        line('Detected by', i.detectionSource),
        line('Cause', i.cause),
        i.postmortemUrl && /^https?:\/\//i.test(i.postmortemUrl)
          ? `<a href="${escape(i.postmortemUrl)}" target="_blank" rel="noopener noreferrer">Post-mortem</a>`
          : ''
      ),
      tags: [
        'incident',
        i.priority,
        ...(i.service ? [i.service] : []),
        ...(i.recoveredAt ? [] : ['open']),
        ...(i.drill ? ['drill'] : []),
      ],
    };
  });
}

/** Freeze occurrences as regions, clipped to the range [from, to]. */
export function freezeEvents(occurrences: FreezeOccurrence[], from: number, to: number): EventRow[] {
  return occurrences.map((o) => {
    const start = Date.parse(o.startsAt);
    const end = Date.parse(o.endsAt);
    const scope = Object.entries(o.scope ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    return {
      id: `freeze:${o.freeze}:${start}`,
      time: Math.max(start, from),
      timeEnd: Math.min(end, to),
      title: `Freeze: ${o.name}`,
      text: join(
        `<b>Freeze</b>: ${escape(o.name)}`,
        escape(o.reason),
        scope ? `Scope: ${escape(scope)}` : 'Scope: everything'
      ),
      tags: ['freeze', ...Object.values(o.scope ?? {})],
    };
  });
}

/** Events as a data frame with the standard annotation field names (time, timeEnd, title, text, tags, id). */
export function eventsFrame(refId: string, rows: EventRow[]): DataFrame {
  return createDataFrame({
    refId,
    name: 'annotations',
    meta: { dataTopic: 'annotations' as never },
    fields: [
      { name: 'time', type: FieldType.time, values: rows.map((r) => r.time) },
      { name: 'timeEnd', type: FieldType.time, values: rows.map((r) => r.timeEnd ?? null) },
      { name: 'title', type: FieldType.string, values: rows.map((r) => r.title) },
      { name: 'text', type: FieldType.string, values: rows.map((r) => r.text) },
      { name: 'tags', type: FieldType.other, values: rows.map((r) => r.tags) },
      { name: 'id', type: FieldType.string, values: rows.map((r) => r.id) },
    ],
  });
}

/** The frames `query()` returned for an annotation query, as Grafana annotation events. */
export function framesToEvents(frames: DataFrame[]): AnnotationEvent[] {
  const events: AnnotationEvent[] = [];
  for (const frame of frames) {
    const get = (name: string) => frame.fields.find((f) => f.name === name)?.values ?? [];
    const [time, timeEnd, title, text, tags, id] = ['time', 'timeEnd', 'title', 'text', 'tags', 'id'].map(get);
    for (let i = 0; i < frame.length; i++) {
      const end = timeEnd![i] as number | null;
      events.push({
        id: id![i] as string,
        time: time![i] as number,
        ...(end != null ? { timeEnd: end, isRegion: end > (time![i] as number) } : { isRegion: false }),
        title: title![i] as string,
        text: text![i] as string,
        tags: tags![i] as string[],
      });
    }
  }
  return events;
}
