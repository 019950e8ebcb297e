/**
 * The audit log: who changed which record, when, from what to what. Entries are appended in the
 * write transaction of the change itself (so there is no change without its entry, and no entry of a
 * change that rolled back) and never updated or deleted. A record's history and the audit list are
 * two reads of the same table.
 */
import type { AuditAction, AuditEntry, FieldChange } from '@ballast/contract';
import { actorName, type Actor } from '../domain/actor.js';
import { toIso } from '../domain/time.js';
import type { Selectable } from 'kysely';
import type { AuditLogRow } from '../store/schema.js';
import type { Executor, Store } from '../store/store.js';
import type { Page, TimeRange } from './record-query.js';

/** One entry to append: the subject (a record collection or an AuditSubject), what was done, by whom. */
export interface AuditWrite {
  collection: string;
  id: string;
  action: AuditAction;
  changes: FieldChange[];
  reason?: string;
}

export interface AuditQuery extends TimeRange, Page {
  /** Actor names: a Grafana user or a token name (either matches). */
  actor?: string[];
  collection?: string[];
}

// Rows per insert statement: 8 columns each, well under either store's bound-parameter limit.
const INSERT_CHUNK = 1000;
// Fields that describe the write, not the record: they change on every write.
const NOT_COMPARED = new Set(['updatedAt']);

/** The fields `after` differs in from `before` (API-shaped records; absent and null are the same). */
export function fieldChanges(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined
): FieldChange[] {
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changes: FieldChange[] = [];
  for (const field of [...fields].sort()) {
    if (NOT_COMPARED.has(field) || field === 'id') continue;
    const from = before?.[field] ?? null;
    const to = after?.[field] ?? null;
    if (!sameValue(from, to)) changes.push({ field, from, to });
  }
  return changes;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

export class AuditService {
  constructor(private readonly store: Store) {}

  /** Appends entries inside the caller's write transaction (`trx`): they commit or roll back with it. */
  async append(trx: Executor, actor: Actor, entries: AuditWrite[], at = Date.now()): Promise<void> {
    const rows = entries.map((e) => ({
      at,
      token: actor.token,
      user_name: actor.user ?? null,
      collection: e.collection,
      record_id: e.id,
      action: e.action,
      changes: JSON.stringify(e.changes),
      reason: e.reason ?? null,
    }));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK)
      await trx
        .insertInto('audit_log')
        .values(rows.slice(i, i + INSERT_CHUNK))
        .execute();
  }

  /** A record's history, oldest first. */
  async history(collection: string, id: string): Promise<AuditEntry[]> {
    const rows = await this.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('collection', '=', collection)
      .where('record_id', '=', id)
      .orderBy('seq')
      .execute();
    return rows.map(entryOf);
  }

  /** The audit list: entries in [from, to), of the given actors and collections, newest first. */
  async list(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number; limit: number; offset: number }> {
    let q = this.store.db.selectFrom('audit_log');
    if (query.from !== undefined) q = q.where('at', '>=', query.from);
    if (query.to !== undefined) q = q.where('at', '<', query.to);
    if (query.collection?.length) q = q.where('collection', 'in', query.collection);
    if (query.actor?.length) {
      const names = query.actor;
      q = q.where((eb) =>
        eb.or([eb('user_name', 'in', names), eb.and([eb('user_name', 'is', null), eb('token', 'in', names)])])
      );
    }
    const [{ total }] = (await q.select((eb) => eb.fn.countAll<number>().as('total')).execute()) as [{ total: number }];
    const rows = await q.selectAll().orderBy('seq', 'desc').limit(query.limit).offset(query.offset).execute();
    return { items: rows.map(entryOf), total: Number(total), limit: query.limit, offset: query.offset };
  }
}

function entryOf(row: Selectable<AuditLogRow>): AuditEntry {
  const actor = { token: row.token, ...(row.user_name !== null ? { user: row.user_name } : {}) };
  return {
    seq: Number(row.seq),
    at: toIso(row.at),
    actor: { ...actor, name: actorName({ ...actor, role: 'read', grafana: false }) },
    collection: row.collection,
    id: row.record_id,
    action: row.action as AuditAction,
    changes: JSON.parse(row.changes) as FieldChange[],
    ...(row.reason !== null ? { reason: row.reason } : {}),
  };
}
