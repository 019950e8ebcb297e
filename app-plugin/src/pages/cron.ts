/**
 * Window starts of a recurring freeze (five-field cron read in an IANA timezone, as the exporter's
 * freeze schedules are): numbers, `*`, lists, ranges and steps; day-of-month and day-of-week
 * combine with OR when both are restricted, as in cron.
 */
function field(text: string, min: number, max: number): Set<number> | null {
  if (text === '*') {
    return null;
  }
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    let lo = min;
    let hi = max;
    if (range !== '*') {
      const [a, b] = range.split('-').map(Number);
      lo = a;
      hi = b ?? (stepText ? max : a);
    }
    for (let v = lo; v <= hi; v += step) {
      out.add(v);
    }
  }
  return out;
}

/** Offset (ms) of `timeZone` from UTC at the given instant. */
function tzOffset(timeZone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(at));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second')) - Math.floor(at / 1000) * 1000;
}

/** Cron window starts (epoch ms) in [from, to). Unparseable expressions yield none. */
export function cronStarts(cron: string, timeZone: string, from: number, to: number): number[] {
  const f = cron.trim().split(/\s+/);
  if (f.length !== 5) {
    return [];
  }
  let minutes: Set<number> | null, hours: Set<number> | null, dom: Set<number> | null, months: Set<number> | null, dow: Set<number> | null;
  try {
    [minutes, hours, dom, months, dow] = [field(f[0], 0, 59), field(f[1], 0, 23), field(f[2], 1, 31), field(f[3], 1, 12), field(f[4], 0, 7)];
    tzOffset(timeZone, from);
  } catch {
    return [];
  }
  if (dow?.has(7)) {
    dow.add(0);
  }
  const list = (s: Set<number> | null, min: number, max: number) => (s ? [...s].sort((a, b) => a - b) : Array.from({ length: max - min + 1 }, (_, i) => min + i));
  const out: number[] = [];
  for (let day = Date.UTC(new Date(from).getUTCFullYear(), new Date(from).getUTCMonth(), new Date(from).getUTCDate() - 1); day < to + 86_400_000; day += 86_400_000) {
    const d = new Date(day);
    const [y, m, dd, wd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCDay()];
    if (months && !months.has(m)) {
      continue;
    }
    const domOk = !dom || dom.has(dd);
    const dowOk = !dow || dow.has(wd);
    if (dom && dow ? !(domOk || dowOk) : !(domOk && dowOk)) {
      continue;
    }
    for (const h of list(hours, 0, 23)) {
      for (const mi of list(minutes, 0, 59)) {
        const wall = Date.UTC(y, m - 1, dd, h, mi);
        const at = wall - tzOffset(timeZone, wall - tzOffset(timeZone, wall));
        if (at >= from && at < to) {
          out.push(at);
        }
      }
    }
  }
  return out;
}
