/**
 * Freeze windows as time ranges, and whether a change ran inside one. The list API returns freeze
 * records (fixed `startsAt`/`endsAt`, or a `schedule` of a five-field cron expression read in an
 * IANA timezone with a duration); dashboards need the occurrences in the dashboard range, which
 * this file computes with the same rules the exporter uses for the freeze_violations KPI: a change
 * without an exemption that started inside an occurrence of a freeze whose scope covers it.
 */
import { Change, Freeze } from '../types';

export interface Occurrence {
  freeze: Freeze;
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;
const MAX_OCCURRENCES = 5000;

const NAMES: Record<string, number> = {
  sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6,
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

interface CronField {
  values: Set<number>;
  any: boolean;
}

function parseField(text: string, min: number, max: number): CronField {
  const values = new Set<number>();
  const num = (s: string) => {
    const n = NAMES[s.toLowerCase()] ?? Number(s);
    if (!Number.isInteger(n)) {
      throw new Error(`bad cron value "${s}"`);
    }
    return n;
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    let lo = min;
    let hi = max;
    if (range !== '*' && range !== '?') {
      const [a, b] = range!.split('-');
      lo = num(a!);
      hi = b !== undefined ? num(b) : stepText ? max : lo;
    }
    for (let v = lo; v <= hi; v += step) {
      values.add(v);
    }
  }
  return { values, any: text === '*' || text === '?' };
}

export interface Cron {
  minute: CronField;
  hour: CronField;
  dom: CronField;
  month: CronField;
  dow: CronField;
}

export function parseCron(expr: string): Cron {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new Error(`"${expr}" is not a five-field cron expression`);
  }
  const dow = parseField(fields[4]!, 0, 7);
  if (dow.values.has(7)) {
    dow.values.add(0);
  }
  return {
    minute: parseField(fields[0]!, 0, 59),
    hour: parseField(fields[1]!, 0, 23),
    dom: parseField(fields[2]!, 1, 31),
    month: parseField(fields[3]!, 1, 12),
    dow,
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset (local wall time − UTC, ms) of `timezone` at instant `ts`. */
export function zoneOffset(ts: number, timezone: string): number {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ts))) {
    if (part.type !== 'literal') {
      p[part.type] = Number(part.value);
    }
  }
  const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
  return local - Math.floor(ts / 1000) * 1000;
}

/** The instant a wall-clock time in `timezone` names (the later one when a DST gap or overlap makes it ambiguous). */
export function zonedTime(y: number, m: number, d: number, h: number, min: number, timezone: string): number {
  const wall = Date.UTC(y, m - 1, d, h, min);
  let ts = wall - zoneOffset(wall, timezone);
  ts = wall - zoneOffset(ts, timezone);
  return ts;
}

function dayMatches(cron: Cron, month: number, dom: number, dow: number): boolean {
  if (!cron.month.values.has(month)) {
    return false;
  }
  // Classic cron: when both day fields are restricted, either may match.
  if (!cron.dom.any && !cron.dow.any) {
    return cron.dom.values.has(dom) || cron.dow.values.has(dow);
  }
  return cron.dom.values.has(dom) && cron.dow.values.has(dow);
}

/** Occurrences of one freeze that overlap [from, to). */
export function occurrencesOf(freeze: Freeze, from: number, to: number): Occurrence[] {
  if (freeze.schedule) {
    const { cron: expr, durationMinutes, timezone } = freeze.schedule;
    const cron = parseCron(expr);
    const duration = durationMinutes * 60_000;
    const bounds = {
      start: freeze.startsAt ? Date.parse(freeze.startsAt) : -Infinity,
      end: freeze.endsAt ? Date.parse(freeze.endsAt) : Infinity,
    };
    const scanFrom = Math.max(from - duration, bounds.start === -Infinity ? from - duration : bounds.start);
    const first = scanFrom + zoneOffset(scanFrom, timezone);
    const last = to + zoneOffset(to, timezone);
    const out: Occurrence[] = [];
    for (let day = Math.floor(first / DAY_MS) * DAY_MS; day <= last && out.length < MAX_OCCURRENCES; day += DAY_MS) {
      const date = new Date(day);
      const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
      if (!dayMatches(cron, m, d, date.getUTCDay())) {
        continue;
      }
      for (const h of [...cron.hour.values].sort((a, b) => a - b)) {
        for (const min of [...cron.minute.values].sort((a, b) => a - b)) {
          const start = zonedTime(y, m, d, h, min, timezone);
          const end = start + duration;
          if (start < to && end > from && start >= bounds.start && start < bounds.end) {
            out.push({ freeze, start, end });
          }
        }
      }
    }
    return out;
  }
  const start = freeze.startsAt ? Date.parse(freeze.startsAt) : -Infinity;
  const end = freeze.endsAt ? Date.parse(freeze.endsAt) : Infinity;
  return start < to && end > from ? [{ freeze, start, end }] : [];
}

export function occurrencesBetween(freezes: Freeze[], from: number, to: number): Occurrence[] {
  return freezes.flatMap((f) => {
    try {
      return occurrencesOf(f, from, to);
    } catch {
      return []; // an unreadable schedule shows nothing rather than failing the panel
    }
  });
}

/** Whether a freeze's scope covers a change (every level the scope names must match; an empty scope covers all). */
export function scopeCovers(scope: Freeze['scope'], change: Pick<Change, 'service' | 'team' | 'businessLine'>): boolean {
  return (
    (!scope.service || scope.service === change.service) &&
    (!scope.team || scope.team === change.team) &&
    (!scope.businessLine || scope.businessLine === change.businessLine)
  );
}

/** The freeze occurrences a change violated (none when it carries an exemption). */
export function violatedFreezes(change: Change, occurrences: Occurrence[]): Occurrence[] {
  if (change.exemption) {
    return [];
  }
  const at = Date.parse(change.startedAt);
  return occurrences.filter((o) => at >= o.start && at < o.end && scopeCovers(o.freeze.scope, change));
}
