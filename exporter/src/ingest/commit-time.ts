/**
 * `committedAt` of a deploy (DORA lead time), as the GitHub, Argo CD and CloudEvents receivers read
 * it from their payloads. Absent stays absent: no guess from the deploy's own times.
 */
import { isoTime, present } from './pipeline.js';

/** Go's zero `time.Time`, which an Argo CD template prints for a commit date it does not know. */
const GO_ZERO_TIME = /^0001-01-01T00:00:00(\.0+)?Z$/;

/**
 * The commit time as the API's ISO form, or undefined when the payload carries none. A malformed
 * value is a 400 naming `path`. A commit time later than the deploy's start can only be clock skew
 * of the machine that made the commit (git dates come from it): it is taken as the start, as
 * Alertmanager's `endsAt` is for the same reason, so the deploy is still recorded.
 */
export function committedAtOf(value: unknown, path: string, startedAt: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return isoTime(value, path); // refuses: not a date-time string
  const given = present(value);
  if (given === undefined || GO_ZERO_TIME.test(given)) return undefined;
  const committedAt = isoTime(given, path);
  return Date.parse(committedAt) > Date.parse(startedAt) ? startedAt : committedAt;
}
