import { Change, Freeze, Org } from '../types';
import { Filters } from '../components/urlState';
import { cronStarts } from './cron';

/** Business line, team and service a scope names, resolved through the org. */
function resolve(org: Org, scope: { businessLine?: string | null; team?: string | null; service?: string | null }) {
  const service = scope.service ?? undefined;
  const team = scope.team ?? (service ? org.services.find((s) => s.id === service)?.team : undefined);
  const businessLine = scope.businessLine ?? (team ? org.teams.find((t) => t.id === team)?.businessLine : undefined);
  return { businessLine, team, service };
}

/** Whether a freeze applies to the given owner (org-wide freezes apply to everything). */
export function freezeCovers(freeze: Freeze, org: Org, owner: { businessLine?: string | null; team?: string | null; service?: string | null }): boolean {
  const s = freeze.scope ?? {};
  const o = resolve(org, owner);
  if (s.service) {
    return o.service === s.service;
  }
  if (s.team) {
    return o.team === s.team;
  }
  if (s.businessLine) {
    return o.businessLine === s.businessLine;
  }
  return true;
}

/** Whether a freeze concerns the filtered scope: it covers it, or it lies inside it. */
export function freezeRelevant(freeze: Freeze, org: Org, f: Filters): boolean {
  if (!f.businessLine && !f.team && !f.service) {
    return true;
  }
  if (freezeCovers(freeze, org, f)) {
    return true;
  }
  const inner = resolve(org, freeze.scope ?? {});
  if (f.service) {
    return inner.service === f.service;
  }
  if (f.team) {
    return inner.team === f.team;
  }
  return inner.businessLine === f.businessLine;
}

/** The windows of a freeze that overlap [from, to): its fixed window, or the occurrences of its schedule. */
export function windowsOf(freeze: Freeze, from: number, to: number): Array<{ start: number; end: number }> {
  if (freeze.schedule) {
    const span = freeze.schedule.durationMinutes * 60_000;
    return cronStarts(freeze.schedule.cron, freeze.schedule.timezone, from - span, to).map((start) => ({ start, end: start + span })).filter((w) => w.end > from);
  }
  if (!freeze.startsAt) {
    return [];
  }
  const start = Date.parse(freeze.startsAt);
  const end = freeze.endsAt ? Date.parse(freeze.endsAt) : Infinity;
  return start < to && end > from ? [{ start, end }] : [];
}

export function isActive(freeze: Freeze, now = Date.now()): boolean {
  return windowsOf(freeze, now, now + 1).length > 0;
}

/** The freeze (fixed or recurring window) a change started in without an exemption (a freeze violation), if any. */
export function violationOf(change: Change, freezes: Freeze[], org: Org): Freeze | undefined {
  if (change.exemption) {
    return undefined;
  }
  const at = Date.parse(change.startedAt);
  return freezes.find((f) => windowsOf(f, at, at + 1).length > 0 && freezeCovers(f, org, change));
}

/** Days (local midnight) of the calendar month containing `month` (YYYY-MM), padded to whole weeks starting Monday. */
export function monthGrid(month: string): Date[] {
  const [y, m] = month.split('-').map(Number);
  const first = new Date(y, m - 1, 1);
  const start = new Date(first);
  start.setDate(1 - ((first.getDay() + 6) % 7));
  const last = new Date(y, m, 0);
  const end = new Date(last);
  end.setDate(last.getDate() + (6 - ((last.getDay() + 6) % 7)));
  const days: Date[] = [];
  for (const d = new Date(start); d <= end; d.setDate(d.getDate() + 1)) {
    days.push(new Date(d));
  }
  return days;
}

export function overlapsDay(freeze: Freeze, day: Date): boolean {
  return windowsOf(freeze, day.getTime(), day.getTime() + 86_400_000).length > 0;
}

export function monthOf(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
}

export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number);
  return monthOf(new Date(y, m - 1 + by, 1));
}
