/**
 * The timeline's layout, apart from its rendering: which items are visible, the lanes and what
 * each lane is made of, the time ↔ pixel geometry, the axis ticks and the change-tick paths.
 * Pure (no React, no theme): TimelineView draws what this computes.
 */
import { dateTimeFormat } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { LaneBy } from '../types';
import { Change, FreezeWindow, Incident, laneOf, Ownership, suspectChanges, TimelineData } from './timeline';

export const LANE_LABEL_WIDTH = 150;
export const AXIS_HEIGHT = 24;
export const LEGEND_HEIGHT = 22;
export const MIN_LANE = 22;
export const MAX_LANE = 40;
/** Right margin of the plot (the scrollbar's room). */
const RIGHT_MARGIN = 8;

export interface LayoutOptions {
  from: number;
  to: number;
  laneBy: LaneBy;
  suspectMinutes: number;
  showChanges: boolean;
  showFreezes: boolean;
}

export interface TimelineModel {
  incidents: Incident[];
  changes: Change[];
  freezes: FreezeWindow[];
  /** Suspect changes per incident id (newest first). */
  suspects: Map<string, Change[]>;
  suspectIds: Set<string>;
  /** Lanes with incidents first, then by name. */
  lanes: string[];
  laneIndex: Map<string, number>;
  /** What each lane is made of, to know which freezes cover it. */
  laneScope: Map<string, Required<Ownership>>;
}

/** The items in [from, to] and their lanes. */
export function timelineModel(data: TimelineData, o: LayoutOptions): TimelineModel {
  const { from, to, laneBy } = o;
  const incidents = data.incidents.filter((i) => i.start <= to && (i.end ?? to) >= from);
  const changes = o.showChanges ? data.changes.filter((c) => c.time >= from && c.time <= to) : [];
  const freezes = o.showFreezes ? data.freezes.filter((z) => z.start <= to && z.end >= from) : [];
  // Suspects are searched among all changes (one may precede the visible range).
  const suspects = suspectChanges(incidents, data.changes, o.suspectMinutes * 60e3);
  const suspectIds = new Set<string>();
  suspects.forEach((list) => list.forEach((c) => suspectIds.add(c.id)));
  const laneSet = new Set<string>();
  incidents.forEach((i) => laneSet.add(laneOf(i, laneBy)));
  changes.forEach((c) => laneSet.add(laneOf(c, laneBy)));
  const withIncidents = new Set(incidents.map((i) => laneOf(i, laneBy)));
  const lanes = [...laneSet].sort((a, b) => Number(withIncidents.has(b)) - Number(withIncidents.has(a)) || a.localeCompare(b));
  const laneIndex = new Map(lanes.map((l, i) => [l, i]));
  const laneScope = new Map<string, Required<Ownership>>();
  for (const c of data.changes) {
    const l = laneOf(c, laneBy);
    if (laneIndex.has(l) && !laneScope.has(l)) {
      laneScope.set(l, { businessLine: c.businessLine, team: c.team, service: laneBy === 'service' ? c.service : null });
    }
  }
  incidents.forEach((i) => {
    const l = laneOf(i, laneBy);
    if (!laneScope.has(l)) {
      laneScope.set(l, { businessLine: null, team: i.team, service: laneBy === 'service' ? i.service : null });
    }
  });
  return { incidents, changes, freezes, suspects, suspectIds, lanes, laneIndex, laneScope };
}

export interface Geometry {
  from: number;
  to: number;
  plotLeft: number;
  plotWidth: number;
  plotTop: number;
  laneHeight: number;
  svgHeight: number;
  /** Pixel of an instant. */
  xOf(t: number): number;
  /** Instant of a pixel. */
  tOf(x: number): number;
  /** Top pixel of the lane at an index. */
  laneTop(index: number): number;
}

/** Time and lanes onto a width × height panel: lanes share the height between MIN_LANE and MAX_LANE (then the panel scrolls). */
export function timelineGeometry(width: number, height: number, from: number, to: number, laneCount: number): Geometry {
  const plotWidth = Math.max(50, width - LANE_LABEL_WIDTH - RIGHT_MARGIN);
  const span = Math.max(1, to - from);
  const plotTop = LEGEND_HEIGHT + AXIS_HEIGHT;
  const laneHeight = Math.min(MAX_LANE, Math.max(MIN_LANE, Math.floor((height - plotTop - 4) / Math.max(1, laneCount))));
  return {
    from,
    to,
    plotLeft: LANE_LABEL_WIDTH,
    plotWidth,
    plotTop,
    laneHeight,
    svgHeight: Math.max(height - 4, plotTop + laneHeight * laneCount),
    xOf: (t) => LANE_LABEL_WIDTH + ((t - from) / span) * plotWidth,
    tOf: (x) => from + ((x - LANE_LABEL_WIDTH) / plotWidth) * span,
    laneTop: (index) => plotTop + index * laneHeight,
  };
}

const STEPS = [60e3, 5 * 60e3, 15 * 60e3, 30 * 60e3, 3600e3, 3 * 3600e3, 6 * 3600e3, 12 * 3600e3, 86400e3, 2 * 86400e3, 7 * 86400e3, 14 * 86400e3, 30 * 86400e3, 91 * 86400e3];

/** Axis ticks about every 110 px, on a round step aligned in the dashboard's time zone. */
export function axisTicks(from: number, to: number, plotWidth: number, timeZone?: TimeZone) {
  const wanted = Math.max(2, Math.floor(plotWidth / 110));
  const step = STEPS.find((s) => (to - from) / s <= wanted) ?? STEPS[STEPS.length - 1];
  const format = step >= 86400e3 ? 'MMM DD' : to - from > 86400e3 ? 'MM-DD HH:mm' : 'HH:mm';
  const ticks: Array<{ t: number; label: string }> = [];
  // Align on the step in the dashboard's time zone's offset at `from`.
  const offset = new Date(from).getTimezoneOffset() * 60e3 * (timeZone === 'utc' ? 0 : 1);
  for (let t = Math.ceil((from - offset) / step) * step + offset; t <= to; t += step) {
    ticks.push({ t, label: dateTimeFormat(t, { format, timeZone }) });
  }
  return ticks;
}

export type PathAcc = { d: string; count: number };
export interface LanePaths {
  lane: string;
  normal: PathAcc;
  suspect: PathAcc;
  violations: PathAcc;
}

/**
 * Changes as one path per lane and kind (thousands of ticks become a few dozen elements): a
 * vertical tick each, suspects apart, a diamond on each freeze violation.
 */
export function changePaths(model: TimelineModel, g: Geometry, laneBy: LaneBy): LanePaths[] {
  const byLane = new Map<string, LanePaths>();
  const acc = () => ({ d: '', count: 0 });
  for (const c of model.changes) {
    const lane = laneOf(c, laneBy);
    let p = byLane.get(lane);
    if (!p) {
      p = { lane, normal: acc(), suspect: acc(), violations: acc() };
      byLane.set(lane, p);
    }
    const x = g.xOf(c.time).toFixed(1);
    const y = g.laneTop(model.laneIndex.get(lane) ?? 0);
    const target = model.suspectIds.has(c.id) ? p.suspect : p.normal;
    target.d += `M${x} ${y + 3}V${y + g.laneHeight - 3}`;
    target.count++;
    if (c.freezeViolation) {
      p.violations.d += `M${x} ${y + 1}l4 5l-4 5l-4 -5Z`;
      p.violations.count++;
    }
  }
  return [...byLane.values()];
}

/** An incident's bar, clipped to the plot; open incidents run to the range end. */
export function incidentBar(inc: Incident, g: Geometry, laneIndex: number) {
  const x0 = Math.max(g.plotLeft, g.xOf(inc.start));
  const x1 = Math.min(g.plotLeft + g.plotWidth, g.xOf(inc.end ?? g.to));
  const height = Math.max(8, Math.round(g.laneHeight * 0.45));
  return { x: x0, y: g.laneTop(laneIndex) + (g.laneHeight - height) / 2, width: Math.max(3, x1 - x0), height };
}

/** A freeze window's horizontal extent, clipped to the plot. */
export function freezeSpan(z: FreezeWindow, g: Geometry) {
  const x0 = Math.max(g.plotLeft, g.xOf(z.start));
  const x1 = Math.min(g.plotLeft + g.plotWidth, g.xOf(z.end));
  return { x: x0, width: Math.max(1, x1 - x0) };
}
