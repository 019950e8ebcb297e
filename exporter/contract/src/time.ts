/**
 * The one timestamp reader of Ballast: the record schemas, the API's query parameters and every
 * receiver read times with it, so a value one accepts the others accept too. Zod-free (plugins
 * may use it).
 *
 * Accepted: ISO 8601 / RFC 3339 date-times with an explicit offset (`Z`, `±HH:MM`, `±HHMM` as
 * PagerDuty sends, `±HH`), seconds and fractions optional, e.g. `2026-03-01T12:00:00Z`,
 * `2026-03-01T13:00:00.5+01:00`. Refused: RFC 1123,
 * bare numbers, times without an offset (they would be read in the process timezone), impossible
 * dates (`2026-02-30`), and records outside [2000-01-01, now + 10 years].
 */

/** The earliest instant a record may carry (no stability program predates it). */
export const EARLIEST_RECORD_TIME = Date.UTC(2000, 0, 1);
/** How far ahead a record may point (a freeze planned, an action due). */
export const MAX_FUTURE_YEARS = 10;
const YEAR_MS = 365.25 * 86_400_000;

/** The latest instant a record may carry, seen at `now`. */
export const latestRecordTime = (now: number): number => now + MAX_FUTURE_YEARS * YEAR_MS;

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)$/;

export const TIMESTAMP_FORMAT = 'an ISO 8601 date-time with an offset, e.g. 2026-03-01T12:00:00Z';

/** Epoch ms of an ISO 8601 date-time with an offset, or null when it is not one (any range). */
export function parseIsoTimestamp(value: string): number | null {
  const m = ISO.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((v) => Number(v ?? 0)) as number[];
  const fraction = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  if (month! < 1 || month! > 12 || hour! > 23 || minute! > 59 || second! > 59) return null;
  const local = Date.UTC(year!, month! - 1, day!, hour, minute, second);
  // Date.UTC rolls 30 February over into March: an impossible day shows as another day.
  if (new Date(local).getUTCDate() !== day) return null;
  let offset = 0;
  if (!m[8]) {
    const oh = Number(m[10]);
    const om = Number(m[11] ?? 0);
    if (oh > 23 || om > 59) return null;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return local - offset + Math.floor(fraction);
}

/** Why `value` cannot be a record's timestamp (null when it can), seen at `now`. */
export function recordTimeProblem(value: unknown, now = Date.now()): string | null {
  const ms = typeof value === 'string' ? parseIsoTimestamp(value) : null;
  if (ms === null) return `must be ${TIMESTAMP_FORMAT}`;
  if (ms < EARLIEST_RECORD_TIME || ms > latestRecordTime(now))
    return `must be between 2000-01-01T00:00:00Z and ${MAX_FUTURE_YEARS} years from now`;
  return null;
}
