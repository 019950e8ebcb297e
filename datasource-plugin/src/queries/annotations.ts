/**
 * Annotation queries: each source (annotationLayers.ts) is a list the exporter filters, turned
 * into events (annotations.ts).
 */
import { dateTime, type DataFrame, type TimeRange } from '@grafana/data';
import { changeEvents, eventsFrame, freezeEvents, incidentEvents } from '../annotations';
import { FAILED_RESULTS } from '../annotationLayers';
import { AnnotationSource, BallastQuery, Change, Incident, MAX_LIMIT } from '../types';
import type { QueryContext } from './context';
import { freezeOccurrences, freezeWindows, listParams } from './records';

/** The change list filters of each change source (the exporter filters; `kind` narrows any of them). */
const CHANGE_FILTERS: Partial<Record<AnnotationSource, Record<string, string>>> = {
  changes: {},
  failedChanges: { result: FAILED_RESULTS.join(',') },
  freezeViolations: { violation: 'true' },
};

export async function runAnnotations(ctx: QueryContext, q: BallastQuery, range: TimeRange): Promise<DataFrame[]> {
  const from = range.from.valueOf();
  const to = range.to.valueOf();
  const source = q.annotationSource ?? 'changes';
  const changeFilters = CHANGE_FILTERS[source];
  if (changeFilters) {
    const filters = { ...changeFilters, ...(q.kind ? { kind: q.kind } : {}) };
    const changes = await ctx.client.list<Change>(
      '/api/v1/changes',
      listParams({ ...q, filters }, 'changes', range),
      MAX_LIMIT
    );
    const names = await violatedFreezeNames(ctx, changes.items, range);
    return [eventsFrame(q.refId, changeEvents(changes.items, names))];
  }
  if (source === 'incidents') {
    // Incidents that started before the range but recovered inside it are regions too: look back.
    const lookBack = { ...range, from: dateTime(from - 30 * 86_400_000) } as TimeRange;
    const incidents = await ctx.client.list<Incident>(
      '/api/v1/incidents',
      listParams({ ...q, filters: {} }, 'incidents', lookBack),
      MAX_LIMIT
    );
    const now = Math.min(Date.now(), to);
    const visible = incidents.items.filter((i) => !i.recoveredAt || Date.parse(i.recoveredAt) >= from);
    return [eventsFrame(q.refId, incidentEvents(visible, now))];
  }
  const occurrences = await freezeOccurrences(ctx, q, range);
  return [eventsFrame(q.refId, freezeEvents(occurrences.items, from, to))];
}

/** Names of the freezes the changes violated (asked for only when some change did). */
async function violatedFreezeNames(
  ctx: QueryContext,
  changes: Change[],
  range: TimeRange
): Promise<Map<string, string>> {
  if (!changes.some((c) => c.violatedFreezes?.length)) {
    return new Map();
  }
  // Freezes of the whole org: a change's freeze may be scoped wider than the change filter.
  const windows = await freezeWindows(ctx, {}, range);
  return new Map(windows.map((w) => [w.id, w.name]));
}
