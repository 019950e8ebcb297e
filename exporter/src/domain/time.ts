/** Time helpers shared by the domain: records carry epoch milliseconds inside, ISO 8601 outside. */
import { parseIsoTimestamp, recordTimeProblem, TIMESTAMP_FORMAT } from './records.js';

// The one timestamp reader is the contract's (the record schemas use it): API, receivers and
// query parameters all read times through these.
export { parseIsoTimestamp, recordTimeProblem };

export function isTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const toMs = (iso: string): number => Date.parse(iso);
export const toIso = (ms: number): string => new Date(ms).toISOString();

export const DAY_MS = 86_400_000;

/** The range of a JavaScript Date (±100,000,000 days), well inside a PostgreSQL bigint. */
const MAX_DATE_MS = 8.64e15;

/**
 * A moment given in a query (`from`, `to`, `at`): the record format or epoch milliseconds (as
 * Grafana sends), any instant a Date holds. Returns the epoch ms, or the problem.
 */
export function parseQueryTime(value: string): { ms: number } | { problem: string } {
  const ms = /^\d{1,16}$/.test(value) ? Number(value) : parseIsoTimestamp(value);
  if (ms === null || Math.abs(ms) > MAX_DATE_MS)
    return { problem: `must be ${TIMESTAMP_FORMAT}, or epoch milliseconds` };
  return { ms };
}
