/**
 * What is under the pointer on the timeline, and what a drag selects: pure functions of the layout
 * (timelineLayout.ts), so TimelineView only forwards mouse positions.
 */
import { AbsoluteTimeRange } from '@grafana/data';
import { LaneBy } from '../types';
import { Change, laneOf } from './timeline';
import { Geometry, TimelineModel } from './timelineLayout';

/** How far (px) from a change tick the pointer may be to hover it. */
export const HIT_TOLERANCE = 4;
/** A drag shorter than this (px) is a click, not a zoom. */
export const MIN_DRAG = 4;

/** The changes of each lane sorted by time, for look-ups by position. */
export function changesByLane(changes: readonly Change[], laneBy: LaneBy): Map<string, Change[]> {
  const m = new Map<string, Change[]>();
  for (const c of changes) {
    const lane = laneOf(c, laneBy);
    const list = m.get(lane);
    list ? list.push(c) : m.set(lane, [c]);
  }
  m.forEach((list) => list.sort((a, b) => a.time - b.time));
  return m;
}

/** The lane at a y pixel, or undefined above or below the lanes. */
export function laneAt(y: number, model: Pick<TimelineModel, 'lanes'>, g: Geometry): string | undefined {
  if (y < g.plotTop) {
    return undefined;
  }
  return model.lanes[Math.floor((y - g.plotTop) / g.laneHeight)];
}

/** The change whose tick is nearest to (x, y), within HIT_TOLERANCE px in the lane under the pointer. */
export function changeAt(x: number, y: number, model: Pick<TimelineModel, 'lanes'>, byLane: Map<string, Change[]>, g: Geometry): Change | null {
  const lane = laneAt(y, model, g);
  const list = lane === undefined ? undefined : byLane.get(lane);
  if (!list || x < g.plotLeft) {
    return null;
  }
  const t = g.tOf(x);
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    list[mid].time < t ? (lo = mid + 1) : (hi = mid);
  }
  let best: Change | null = null;
  for (const c of [list[lo - 1], list[lo]]) {
    const d = c ? Math.abs(g.xOf(c.time) - x) : Infinity;
    if (c && d <= HIT_TOLERANCE && (!best || d < Math.abs(g.xOf(best.time) - x))) {
      best = c;
    }
  }
  return best;
}

/** A pointer x clamped to the plot (drags stop at its edges). */
export function clampToPlot(x: number, g: Geometry): number {
  return Math.min(g.plotLeft + g.plotWidth, Math.max(g.plotLeft, x));
}

/** The time range a drag from x0 to x1 selects, or null for a click. */
export function zoomRange(x0: number, x1: number, g: Geometry): AbsoluteTimeRange | null {
  if (Math.abs(x1 - x0) < MIN_DRAG) {
    return null;
  }
  return { from: Math.round(g.tOf(Math.min(x0, x1))), to: Math.round(g.tOf(Math.max(x0, x1))) };
}
