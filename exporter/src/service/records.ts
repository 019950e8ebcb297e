/**
 * Reading and writing records: validation (schema, then the domain's rules), idempotent upserts,
 * all-or-nothing batches, merges with what is stored (ingestion), list reads. The API and the
 * ingestion adapters both write through here. Freeze windows are FreezeService's (freezes.ts).
 */
import { z } from 'zod';
import { checkRecord } from '../domain/checks.js';
import { violatedFreezes } from '../domain/freezes.js';
import type { Issue, OrgIndex } from '../domain/org.js';
import {
  incidentStepSchema,
  recordId,
  recordSchemas,
  type Collection,
  type IncidentStepInput,
} from '../domain/records.js';
import { toIso, toMs } from '../domain/time.js';
import { fromRow, sameRow, SPECS, toRow, type ApiRecord, type CollectionSpec, type Row } from '../store/collections.js';
import type { IncidentStepRow } from '../store/schema.js';
import type { Condition, Executor, Store } from '../store/store.js';
import { NotFoundError, prefixed, ValidationError, zodIssues } from './errors.js';
import { changeMoment, CHANGE_MOMENT_COLUMNS, FreezeService } from './freezes.js';
import type { OrgService } from './org.js';
import type { RecordQuery } from './record-query.js';

export const MAX_BATCH = 10_000;

export type WriteOutcome = 'created' | 'updated' | 'unchanged';
export interface BatchResult {
  created: number;
  updated: number;
  unchanged: number;
}

/** A record as the API shows and takes it (camelCase, ISO timestamps). */
export type { ApiRecord };

/** Combines a freshly made record (from a webhook) with the stored one of the same id. */
export type Merge = (incoming: ApiRecord, stored: ApiRecord) => ApiRecord;

/** Fields a client may send back from a GET: accepted and ignored, as they are derived. */
const readOnly = { id: recordId.optional(), businessLine: z.string().optional(), updatedAt: z.string().optional() };
const writeSchemas = Object.fromEntries(
  Object.entries(recordSchemas).map(([c, schema]) => [c, schema.extend(readOnly).strict()])
) as unknown as Record<Collection, z.ZodType<ApiRecord>>;

interface Parsed {
  id: string;
  input: ApiRecord;
}

/** How a write is done: with the org already read for this request, and/or merged with the stored rows. */
interface WriteOptions {
  org?: OrgIndex;
  merge?: Merge;
}

export class RecordService {
  private readonly freezes: FreezeService;

  constructor(
    private readonly store: Store,
    private readonly orgs: OrgService,
    freezes?: FreezeService
  ) {
    this.freezes = freezes ?? new FreezeService(store, orgs);
  }

  async put(collection: Collection, id: string, body: unknown): Promise<{ record: ApiRecord; outcome: WriteOutcome }> {
    checkId(id);
    const input = parseRecord(collection, body, '');
    if (input.id !== undefined && input.id !== id) {
      throw new ValidationError([{ path: 'id', message: `does not match the id in the URL ("${id}")` }]);
    }
    const [outcome] = await this.writeAll(collection, [{ id, input }], '');
    return { record: (await this.get(collection, id)) as ApiRecord, outcome: outcome! };
  }

  async batch(collection: Collection, body: unknown): Promise<BatchResult> {
    const records = (body as { records?: unknown } | null)?.records;
    if (!Array.isArray(records))
      throw new ValidationError([{ path: 'records', message: 'must be an array of records' }]);
    if (records.length > MAX_BATCH) {
      throw new ValidationError([
        { path: 'records', message: `at most ${MAX_BATCH} records per batch (got ${records.length})` },
      ]);
    }
    const issues: Issue[] = [];
    const parsed: Parsed[] = [];
    const seen = new Map<string, number>();
    records.forEach((raw, i) => {
      try {
        const input = parseRecord(collection, raw, `records[${i}]`);
        const id = input.id as string | undefined;
        if (id === undefined) issues.push({ path: `records[${i}].id`, message: 'is required' });
        else if (seen.has(id))
          issues.push({ path: `records[${i}].id`, message: `duplicate of records[${seen.get(id)}]` });
        else {
          seen.set(id, i);
          parsed.push({ id, input });
        }
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        issues.push(...error.issues);
      }
    });
    if (issues.length > 0) throw new ValidationError(issues);
    return summary(
      await this.writeAll(
        collection,
        parsed,
        'records',
        parsed.map((p) => seen.get(p.id)!)
      )
    );
  }

  /**
   * Ingestion's write: each record (distinct ids, not yet validated) merged with the stored one of
   * its id, read inside the write's own transaction (rows locked on PostgreSQL), so what was saved
   * a moment before (a verdict, a result) is merged, never overwritten with a stale copy. `org` is
   * the one the adapter resolved owners with: read once per request. Error paths are `records[i]…`.
   */
  async mergeBatch(collection: Collection, records: Parsed[], merge: Merge, org: OrgIndex): Promise<BatchResult> {
    if (records.length > MAX_BATCH) {
      throw new ValidationError([
        { path: 'records', message: `at most ${MAX_BATCH} records per batch (got ${records.length})` },
      ]);
    }
    return summary(await this.writeAll(collection, records, 'records', undefined, { merge, org }));
  }

  /**
   * Checks every record against the org and writes them in one transaction; nothing is written
   * when any record is refused. `positions` are the records' indexes in the request.
   */
  private async writeAll(
    collection: Collection,
    records: Parsed[],
    prefix: string,
    positions?: number[],
    options: WriteOptions = {}
  ): Promise<WriteOutcome[]> {
    const spec = SPECS[collection];
    const org = options.org ?? (await this.orgs.index());
    const at = (i: number) => (prefix ? `${prefix}[${positions?.[i] ?? i}]` : '');
    return this.store.write(async (trx) => {
      const stored = await this.store.rowsById(
        trx,
        spec.table,
        records.map((r) => r.id),
        { lock: true }
      );
      const existing = new Map(stored.map((r) => [r.id, r]));
      if (options.merge) records = mergeWithStored(spec, records, existing, options.merge, at);
      const incidents = collection === 'actions' ? await this.incidentOwners(trx, records) : undefined;
      const issues: Issue[] = [];
      records.forEach(({ input }, i) => {
        const found = checkRecord(collection, input as never, {
          org,
          incidentExists: incidents ? (id) => incidents.has(id) : undefined,
        });
        issues.push(...(at(i) ? prefixed(found, at(i)) : found));
      });
      if (issues.length > 0) throw new ValidationError(issues);

      const now = Date.now();
      const writes: Row[] = [];
      const outcomes: WriteOutcome[] = [];
      const stepsBefore =
        collection === 'incidents'
          ? await this.stepsOf(
              trx,
              records.map((r) => r.id)
            )
          : undefined;
      const stepWrites: { id: string; steps: IncidentStepInput[] }[] = [];
      for (const { id, input } of records) {
        const row = toRow(spec, id, input, { org, incidentOwner: (i) => incidents?.get(i) });
        const before = existing.get(id);
        let changed = !before || !sameRow(row, before);
        const steps = input.steps as IncidentStepInput[] | undefined;
        if (steps && stepsBefore && !sameSteps(steps, stepsBefore.get(id) ?? [])) {
          stepWrites.push({ id, steps });
          changed = true;
        }
        if (changed) writes.push({ ...row, updated_at: now });
        outcomes.push(!before ? 'created' : changed ? 'updated' : 'unchanged');
      }
      await this.store.upsertRows(trx, spec.table, writes);
      for (const { id, steps } of stepWrites) {
        await trx.deleteFrom('incident_steps').where('incident_id', '=', id).execute();
        await trx
          .insertInto('incident_steps')
          .values(dedupeSteps(steps).map((s) => stepRow(id, s)))
          .execute();
      }
      return outcomes;
    });
  }

  private async incidentOwners(ex: Executor, records: Parsed[]) {
    const rows = await this.store.rowsById(
      ex,
      'incidents',
      records.map((r) => r.input.incident as string)
    );
    return new Map(
      rows.map((r) => [
        r.id as string,
        { team: r.team as string | null, business_line: r.business_line as string | null },
      ])
    );
  }

  private async stepsOf(ex: Executor, ids: string[]): Promise<Map<string, IncidentStepRow[]>> {
    const result = new Map<string, IncidentStepRow[]>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await ex
        .selectFrom('incident_steps')
        .selectAll()
        .where('incident_id', 'in', ids.slice(i, i + 500))
        .orderBy('at')
        .orderBy('step')
        .execute();
      for (const row of rows) result.set(row.incident_id, [...(result.get(row.incident_id) ?? []), row]);
    }
    return result;
  }

  async appendStep(incidentId: string, body: unknown): Promise<{ record: ApiRecord; added: boolean }> {
    checkId(incidentId);
    const parsed = incidentStepSchema.strict().safeParse(body);
    if (!parsed.success) throw new ValidationError(zodIssues(parsed.error));
    const added = await this.store.write(async (trx) => {
      const [incident] = await this.store.rowsById(trx, 'incidents', [incidentId]);
      if (!incident) throw new NotFoundError(`incident "${incidentId}" not found`);
      const result = await trx
        .insertInto('incident_steps')
        .values(stepRow(incidentId, parsed.data))
        .onConflict((oc) => oc.columns(['incident_id', 'step', 'at']).doNothing())
        .executeTakeFirst();
      const inserted = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      if (inserted)
        await trx.updateTable('incidents').set({ updated_at: Date.now() }).where('id', '=', incidentId).execute();
      return inserted;
    });
    return { record: (await this.get('incidents', incidentId)) as ApiRecord, added };
  }

  async get(collection: Collection, id: string): Promise<ApiRecord> {
    checkId(id);
    const spec = SPECS[collection];
    const [row] = await this.store.rowsById(this.store.db, spec.table, [id]);
    if (!row) throw new NotFoundError(`${collection.replace(/s$/, '')} "${id}" not found`);
    return (await this.present(spec, [row]))[0]!;
  }

  /** The stored records among `ids`, by id (unknown ids are absent). */
  async getMany(collection: Collection, ids: string[]): Promise<Map<string, ApiRecord>> {
    const spec = SPECS[collection];
    const records = await this.present(spec, await this.store.rowsById(this.store.db, spec.table, ids));
    return new Map(records.map((r) => [r.id as string, r]));
  }

  /** Whether the collection holds any record: one indexed row lookup, not a count. */
  async hasAny(collection: Collection): Promise<boolean> {
    const row = await this.store.db.selectFrom(SPECS[collection].table).select('id').limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async remove(collection: Collection, id: string): Promise<void> {
    checkId(id);
    const deleted = await this.store.write((trx) => this.store.deleteRow(trx, SPECS[collection].table, id));
    if (!deleted) throw new NotFoundError(`${collection.replace(/s$/, '')} "${id}" not found`);
  }

  async list(
    collection: Collection,
    query: RecordQuery
  ): Promise<{ items: ApiRecord[]; total: number; limit: number; offset: number }> {
    if (collection === 'freezes') return this.freezes.list({ ...query, active: query.flags.active });
    const spec = SPECS[collection];
    const { limit, offset } = query;
    const where = conditions(spec, query, await this.orgs.index());
    if (query.from !== undefined) where.push({ column: spec.timeColumn, op: '>=', value: query.from });
    if (query.to !== undefined) where.push({ column: spec.timeColumn, op: '<', value: query.to });
    const violation = collection === 'changes' ? query.flags.violation : undefined;
    if (violation !== undefined) {
      // Freeze occurrences are computed, not stored: every matching change is judged on the few
      // columns the freeze rule reads, a step at a time, then only the page is read whole.
      const windows = await this.freezes.windows();
      const ids: string[] = [];
      for await (const rows of this.store.scan(spec.table, {
        where,
        orderBy: spec.timeColumn,
        columns: CHANGE_MOMENT_COLUMNS,
      })) {
        const violated = violatedFreezes(windows, rows.map(changeMoment));
        for (const [i, row] of rows.entries()) if (violated[i]!.length > 0 === violation) ids.push(row.id as string);
      }
      const pageIds = ids.slice(offset, offset + limit);
      const byId = new Map<string, Row>(
        (await this.store.rowsById(this.store.db, spec.table, pageIds)).map((row) => [row.id as string, row])
      );
      const page = pageIds.map((id) => byId.get(id)).filter((row): row is Row => row !== undefined); // one deleted meanwhile is left out
      return { items: await this.present(spec, page), total: ids.length, limit, offset };
    }
    const { rows, total } = await this.store.list(spec.table, { where, orderBy: spec.timeColumn, limit, offset });
    return { items: await this.present(spec, rows), total, limit, offset };
  }

  private async present(spec: CollectionSpec, rows: Row[]): Promise<ApiRecord[]> {
    const records = rows.map((row) => fromRow(spec, row));
    if (spec.collection === 'changes' && records.length > 0) {
      const violated = await this.freezes.violatedBy(rows);
      records.forEach((record, i) => (record.violatedFreezes = violated[i]));
    }
    if (spec.collection === 'incidents' && records.length > 0) {
      const steps = await this.stepsOf(
        this.store.db,
        rows.map((r) => r.id as string)
      );
      for (const record of records) {
        record.steps = (steps.get(record.id as string) ?? []).map((s) => ({
          step: s.step,
          at: toIso(s.at),
          owner: s.owner,
          ...(s.note !== null ? { note: s.note } : {}),
        }));
      }
    }
    return records;
  }
}

function summary(outcomes: WriteOutcome[]): BatchResult {
  return {
    created: outcomes.filter((o) => o === 'created').length,
    updated: outcomes.filter((o) => o === 'updated').length,
    unchanged: outcomes.filter((o) => o === 'unchanged').length,
  };
}

/** Each record merged with its stored row (as the API shows it), then validated like any write. */
function mergeWithStored(
  spec: CollectionSpec,
  records: Parsed[],
  existing: Map<unknown, Row>,
  merge: Merge,
  at: (i: number) => string
): Parsed[] {
  const issues: Issue[] = [];
  const merged = records.map(({ id, input }, i) => {
    const before = existing.get(id);
    const value = before ? merge(input, fromRow(spec, before)) : input;
    try {
      return { id, input: parseRecord(spec.collection, { ...value, id }, at(i)) };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues);
      return { id, input: value };
    }
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return merged;
}

function checkId(id: string) {
  if (!recordId.safeParse(id).success) {
    throw new ValidationError([{ path: 'id', message: 'must be 1-200 characters of letters, digits and . _ : @ -' }]);
  }
}

function parseRecord(collection: Collection, body: unknown, prefix: string): ApiRecord {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError([{ path: prefix, message: 'must be a JSON object' }]);
  }
  const parsed = writeSchemas[collection].safeParse(body);
  if (!parsed.success) throw new ValidationError(zodIssues(parsed.error, prefix));
  return parsed.data;
}

function stepRow(incidentId: string, s: IncidentStepInput): IncidentStepRow {
  return { incident_id: incidentId, step: s.step, at: toMs(s.at), owner: s.owner, note: s.note ?? null };
}

function dedupeSteps(steps: IncidentStepInput[]): IncidentStepInput[] {
  const byKey = new Map(steps.map((s) => [`${s.step}|${toMs(s.at)}`, s]));
  return [...byKey.values()];
}

function sameSteps(next: IncidentStepInput[], stored: IncidentStepRow[]): boolean {
  const key = (s: { step: string; at: number; owner: string; note: string | null }) =>
    `${s.at}|${s.step}|${s.owner}|${s.note ?? ''}`;
  const a = dedupeSteps(next)
    .map((s) => key(stepRow('', s)))
    .sort();
  const b = stored.map(key).sort();
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/** The store conditions of a parsed list query; the policy's priority and severity lists come from the org. */
function conditions(spec: CollectionSpec, query: RecordQuery, org: OrgIndex): Condition[] {
  const where: Condition[] = [];
  const inList = (column: string, list: readonly (string | number)[] | undefined) => {
    if (list && list.length > 0) where.push({ column, op: 'in', values: [...list] });
  };
  inList('business_line', query.businessLine);
  inList('team', query.team);
  if (spec.owned) inList('service', query.service);
  for (const [param, column] of Object.entries(spec.filters)) inList(column, query.fields[param]);

  const { flags } = query;
  switch (spec.collection) {
    case 'incidents':
      if (flags.drill !== undefined) inList('drill', [flags.drill ? 1 : 0]);
      if (flags.highPriority) inList('priority', org.org.policy.highPriorities);
      if (flags.open) where.push({ column: 'recovered_at', op: 'is_null' });
      break;
    case 'alerts': {
      const verdicts = query.verdict ?? [];
      if (verdicts.length === 1 && verdicts[0] === 'none') where.push({ column: 'verdict', op: 'is_null' });
      else
        inList(
          'verdict',
          verdicts.filter((v) => v !== 'none')
        );
      if (flags.highSeverity) inList('severity', org.org.policy.highSeverities);
      break;
    }
    case 'findings':
    case 'actions': {
      const closed = spec.collection === 'findings' ? 'closed_at' : 'completed_at';
      if (flags.open) where.push({ column: closed, op: 'is_null' });
      if (flags.overdue)
        where.push({ column: closed, op: 'is_null' }, { column: 'due_at', op: '<', value: Date.now() });
      break;
    }
    case 'changes':
      if (flags.controlled !== undefined) inList('controlled', [flags.controlled ? 1 : 0]);
      break;
  }
  return where;
}
