/**
 * What every receiver shares: an adapter turns a sender's body into records, and they are written
 * through RecordService (same validation as the API, one all-or-nothing batch), merged with what is
 * already stored, read in the same transaction, so that a re-sent or late notification changes
 * nothing and a verdict saved meanwhile is kept.
 */
import { createHash } from 'node:crypto';
import type { Issue, OrgIndex } from '../domain/org.js';
import type { Actor } from '../domain/actor.js';
import { RECORD_ID_PATTERN, type Collection } from '../domain/records.js';
import { parseIsoTimestamp, recordTimeProblem, toIso } from '../domain/time.js';
import type { ZodError } from 'zod';
import { ValidationError, zodIssues } from '../service/errors.js';
import type { ApiRecord, Merge, RecordService } from '../service/records.js';
import type { IngestionConfig } from './mapping.js';

export interface AdaptContext {
  config: IngestionConfig;
  org: OrgIndex;
  now: number;
}

/** One record an adapter made, with where it came from in the body (for error paths). */
export interface Item {
  id: string;
  input: ApiRecord;
  origin: string;
}

export interface Adapted {
  items: Item[];
  /** A receiver that writes several collections (a Jira issue: incident or action) names this delivery's. */
  collection?: Exclude<Collection, 'freezes'>;
  /** The merge for that collection, when it is not the receiver's. */
  merge?: Merge;
  /** Events in the body that are no stability record (counted, not written). */
  ignored: number;
  /** Alerts kept under the unassigned team. */
  unassigned?: number;
}

export type { Merge };

export interface WriteSummary {
  received: number;
  created: number;
  updated: number;
  /** Unchanged records plus repeats within the request. */
  deduplicated: number;
  ignored: number;
  unassigned: number;
}

/** Writes what an adapter made; `org` is the one it resolved owners with (read once per request). */
export async function writeItems(
  records: RecordService,
  collection: Exclude<Collection, 'freezes'>,
  adapted: Adapted,
  merge: Merge,
  org: OrgIndex,
  actor?: Actor
): Promise<WriteSummary> {
  // Repeats within one body (same id) merge into one write, the later one read as "incoming".
  const unique = new Map<string, Item>();
  for (const item of adapted.items) {
    const earlier = unique.get(item.id);
    unique.set(item.id, earlier ? { ...item, input: merge(item.input, earlier.input) } : item);
  }
  const items = [...unique.values()];
  let result;
  try {
    result = await records.mergeBatch(
      collection,
      items.map(({ id, input }) => ({ id, input })),
      merge,
      org,
      actor
    );
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(error.issues.map((i) => toOrigin(i, items)));
    throw error;
  }
  return {
    received: adapted.items.length + adapted.ignored,
    created: result.created,
    updated: result.updated,
    deduplicated: result.unchanged + (adapted.items.length - items.length),
    ignored: adapted.ignored,
    unassigned: adapted.unassigned ?? 0,
  };
}

/** `records[3].severity` → `alerts[7].severity`: the path in the sender's body. */
function toOrigin(issue: Issue, items: Item[]): Issue {
  const match = /^records\[(\d+)\](.*)$/.exec(issue.path);
  const item = match ? items[Number(match[1])] : undefined;
  if (!item) return issue;
  const rest = match![2]!;
  return {
    ...issue,
    path: item.origin ? `${item.origin}${rest}` : rest.replace(/^\./, ''),
    message: `${issue.message} (record ${item.id})`,
  };
}

/** A record id from readable parts, or from their digest when they do not fit the id pattern. */
export function recordIdOf(prefix: string, ...parts: (string | number)[]): string {
  const readable = `${prefix}-${parts.join('-')}`;
  return RECORD_ID_PATTERN.test(readable) ? readable : `${prefix}-${digest(parts.join('\n'))}`;
}

export function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);
}

/** A timestamp from a sender, as the API's ISO form (the API's one parser); throws a ValidationError naming `path`. */
export function isoTime(value: unknown, path: string): string {
  const problem = recordTimeProblem(value);
  if (problem) throw new ValidationError([{ path, message: problem }]);
  return toIso(parseIsoTimestamp(value as string)!);
}

/** Template engines print missing values as "" or "<no value>" (Go templates): both mean absent. */
export function present(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  return v === '' || v === '<no value>' || v === 'null' ? undefined : v;
}

/** Sender text cut to what the record schema accepts, so a long label does not refuse the batch. */
export function clip(value: string, max: number): string {
  return value.length > max ? value.slice(0, max) : value;
}

/** Changes: a status that arrives late or again never undoes what is known (result, end, commit time, gate check). */
export const mergeChange: Merge = (incoming, stored) => ({
  ...incoming,
  startedAt: stored.startedAt,
  title: incoming.title ?? stored.title,
  finishedAt: incoming.finishedAt ?? stored.finishedAt,
  committedAt: incoming.committedAt ?? stored.committedAt,
  result: incoming.result ?? stored.result,
  gateCheck: incoming.gateCheck ?? stored.gateCheck,
  exemption: incoming.exemption ?? stored.exemption,
});

/** Parses a body with a zod schema into a ValidationError naming each bad field. */
export function parseBody<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } },
  body: unknown,
  prefix = ''
): T {
  if (typeof body !== 'object' || body === null)
    throw new ValidationError([{ path: prefix, message: 'must be a JSON object' }]);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ValidationError(zodIssues(parsed.error, prefix));
  return parsed.data;
}
