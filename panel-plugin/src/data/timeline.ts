/**
 * The timeline's records from the Ballast data source's Incidents, Changes and Freeze windows
 * tables, and the rules the view applies to them: which lane an item is in, a priority's colour,
 * which freeze windows cover what, and which changes are suspects of an incident.
 */
import { scopeApplies } from '@ballast/contract';
import { DataFrame, Field } from '@grafana/data';
import { LaneBy } from '../types';
import { booleanAt, fieldIndex, normalizeName, pickField, rowCount, textAt, timeAt } from './fields';

export interface Incident {
  id: string;
  title: string;
  priority: string;
  service: string | null;
  team: string | null;
  businessLine: string | null;
  /** startedAt (epoch ms). */
  start: number;
  /** recoveredAt; null while the incident is open. */
  end: number | null;
}

export interface Change {
  id: string;
  title: string;
  system: string | null;
  service: string | null;
  team: string | null;
  businessLine: string | null;
  /** startedAt (epoch ms). */
  time: number;
  /** succeeded, failed, rolled_back, … */
  result: string | null;
  exemption: string | null;
  freezeViolation: boolean;
}

export interface FreezeWindow {
  id: string;
  name: string;
  start: number;
  end: number;
  /** The window's scope; null fields match anything (all null: the whole org). */
  businessLine: string | null;
  team: string | null;
  service: string | null;
}

export interface TimelineData {
  incidents: Incident[];
  changes: Change[];
  freezes: FreezeWindow[];
}

/** Who owns an item or a lane, for freeze coverage. */
export interface Ownership {
  businessLine?: string | null;
  team?: string | null;
  service?: string | null;
}

export const NO_TEAM = '(no team)';
export const NO_SERVICE = '(no service)';

/** The lane of an incident or a change. */
export function laneOf(item: { team: string | null; service: string | null }, laneBy: LaneBy): string {
  return laneBy === 'service' ? (item.service ?? NO_SERVICE) : (item.team ?? NO_TEAM);
}

/** Visualization palette colour of a priority: P0–P1 red, P2 orange, P3 yellow, others blue (SEV1 reads as P1). */
export function priorityColorName(priority: string): string {
  const level = /^\s*(?:p|sev|s)?\s*-?\s*(\d+)\s*$/i.exec(priority)?.[1];
  switch (level === undefined ? null : Number(level)) {
    case 0:
    case 1:
      return 'red';
    case 2:
      return 'orange';
    case 3:
      return 'yellow';
    default:
      return 'blue';
  }
}

/** Whether a freeze window's scope covers an owner: every field the scope sets must match (the exporter's rule, from the contract). */
export function freezeCovers(freeze: Pick<FreezeWindow, 'businessLine' | 'team' | 'service'>, owner: Ownership): boolean {
  return scopeApplies(freeze, { businessLine: owner.businessLine ?? null, team: owner.team ?? null, service: owner.service ?? null });
}

/** Changes grouped by a key and sorted by time, for range look-ups. */
function indexBy(changes: readonly Change[], key: (c: Change) => string | null): Map<string, Change[]> {
  const index = new Map<string, Change[]>();
  for (const c of changes) {
    const k = key(c);
    if (k !== null) {
      const list = index.get(k);
      list ? list.push(c) : index.set(k, [c]);
    }
  }
  index.forEach((list) => list.sort((a, b) => a.time - b.time));
  return index;
}

/** The changes of a time-sorted list with from ≤ time ≤ to. */
function between(list: readonly Change[] | undefined, from: number, to: number): Change[] {
  if (!list) {
    return [];
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    list[mid].time < from ? (lo = mid + 1) : (hi = mid);
  }
  const found: Change[] = [];
  for (let i = lo; i < list.length && list[i].time <= to; i++) {
    found.push(list[i]);
  }
  return found;
}

/**
 * The suspect changes of each incident: changes on the same service or the same team that started
 * at most `windowMs` before the incident's start (a change at the start itself included), newest
 * first. Incidents without suspects are not in the map; a window of 0 finds none.
 */
export function suspectChanges(incidents: readonly Incident[], changes: readonly Change[], windowMs: number): Map<string, Change[]> {
  const suspects = new Map<string, Change[]>();
  if (!(windowMs > 0)) {
    return suspects;
  }
  const byService = indexBy(changes, (c) => c.service);
  const byTeam = indexBy(changes, (c) => c.team);
  for (const incident of incidents) {
    const from = incident.start - windowMs;
    const found = new Map<string, Change>();
    for (const c of [
      ...(incident.service === null ? [] : between(byService.get(incident.service), from, incident.start)),
      ...(incident.team === null ? [] : between(byTeam.get(incident.team), from, incident.start)),
    ]) {
      found.set(c.id, c);
    }
    if (found.size > 0) {
      suspects.set(incident.id, [...found.values()].sort((a, b) => b.time - a.time));
    }
  }
  return suspects;
}

type Kind = 'incidents' | 'changes' | 'freezes';
type Fields = Map<string, Field>;

const NAMED: Record<string, Kind> = {
  incidents: 'incidents',
  changes: 'changes',
  freezes: 'freezes',
  freezewindows: 'freezes',
};

/** Which table a frame is: by its name (the data source names frames after the collection), else by its fields. */
function kindOf(frame: DataFrame, fields: Fields): Kind | null {
  const named = NAMED[normalizeName(frame.name ?? '')];
  if (named) {
    return named;
  }
  if (fields.has('priority') && fields.has('startedat')) {
    return 'incidents';
  }
  if (fields.has('system') && fields.has('startedat')) {
    return 'changes';
  }
  return fields.has('startsat') && fields.has('endsat') ? 'freezes' : null;
}

/** Reads the rows of a table that have the instant they need; `read` returns null to skip a row. */
function readRows<T>(frame: DataFrame, read: (row: number) => T | null): T[] {
  const items: T[] = [];
  const rows = rowCount(frame);
  for (let row = 0; row < rows; row++) {
    const item = read(row);
    if (item) {
      items.push(item);
    }
  }
  return items;
}

function readIncidents(frame: DataFrame, f: Fields): Incident[] {
  return readRows(frame, (row) => {
    const start = timeAt(f.get('startedat'), row);
    if (start === null) {
      return null;
    }
    const id = textAt(f.get('id'), row) ?? `incident-${row}`;
    return {
      id,
      title: textAt(f.get('title'), row) ?? id,
      priority: textAt(f.get('priority'), row) ?? '',
      service: textAt(f.get('service'), row),
      team: textAt(f.get('team'), row),
      businessLine: textAt(f.get('businessline'), row),
      start,
      end: timeAt(f.get('recoveredat'), row),
    };
  });
}

/** Changes as read: `freezeViolation` is null where the table does not say. */
type ReadChange = Omit<Change, 'freezeViolation'> & { freezeViolation: boolean | null };

function readChanges(frame: DataFrame, f: Fields): ReadChange[] {
  return readRows(frame, (row) => {
    const time = timeAt(f.get('startedat'), row);
    if (time === null) {
      return null;
    }
    const id = textAt(f.get('id'), row) ?? `change-${row}`;
    return {
      id,
      title: textAt(f.get('title'), row) ?? `${textAt(f.get('kind'), row) ?? 'change'} ${id}`,
      system: textAt(f.get('system'), row),
      service: textAt(f.get('service'), row),
      team: textAt(f.get('team'), row),
      businessLine: textAt(f.get('businessline'), row),
      time,
      result: textAt(f.get('result'), row),
      exemption: textAt(f.get('exemption'), row),
      freezeViolation: booleanAt(f.get('freezeviolation'), row),
    };
  });
}

function readFreezes(frame: DataFrame, f: Fields): FreezeWindow[] {
  return readRows(frame, (row) => {
    // A row is one occurrence (the data source has the exporter expand recurring windows); a row
    // without instants (a schedule only, from an older data source) cannot be drawn.
    const start = timeAt(f.get('startsat'), row);
    const end = timeAt(f.get('endsat'), row);
    if (start === null || end === null) {
      return null;
    }
    const id = textAt(f.get('id'), row) ?? `freeze-${row}`;
    return {
      id,
      name: textAt(f.get('name'), row) ?? id,
      start,
      end,
      // The data source writes the scope as scopeBusinessLine/scopeTeam/scopeService.
      businessLine: textAt(pickField(f, 'scopeBusinessLine', 'businessLine'), row),
      team: textAt(pickField(f, 'scopeTeam', 'team'), row),
      service: textAt(pickField(f, 'scopeService', 'service'), row),
    };
  });
}

/** The first of each id (two queries of the same table would draw everything twice). */
function uniqueById<T extends { id: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    if (seen.has(item.id)) {
      return false;
    }
    seen.add(item.id);
    return true;
  });
}

export function parseTimeline(frames: DataFrame[]): TimelineData {
  const incidents: Incident[] = [];
  const changes: ReadChange[] = [];
  const freezes: FreezeWindow[] = [];
  for (const frame of frames) {
    const fields = fieldIndex(frame);
    switch (kindOf(frame, fields)) {
      case 'incidents':
        incidents.push(...readIncidents(frame, fields));
        break;
      case 'changes':
        changes.push(...readChanges(frame, fields));
        break;
      case 'freezes':
        freezes.push(...readFreezes(frame, fields));
        break;
    }
  }
  const windows = uniqueById(freezes);
  return {
    incidents: uniqueById(incidents),
    // A violation is the exporter's judgement (violatedFreezes, the freeze_violations rule); the
    // panel does not judge again, so a table that does not say shows none.
    changes: uniqueById(changes).map((c) => ({ ...c, freezeViolation: c.freezeViolation ?? false })),
    freezes: windows,
  };
}
