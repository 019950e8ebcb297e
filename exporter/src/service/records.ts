/**
 * Reading and writing records: validation (schema, then the domain's rules), idempotent upserts,
 * all-or-nothing batches, list filters. The API and the ingestion adapters both write through here.
 */
import { z } from 'zod';
import { checkRecord } from '../domain/checks.js';
import { occurrencesBetween, violatedFreezes, type ChangeMoment, type FreezeWindowSpec } from '../domain/freezes.js';
import type { Issue, OrgIndex } from '../domain/org.js';
import { incidentStepSchema, recordId, recordSchemas, type Collection, type IncidentStepInput } from '../domain/records.js';
import { toIso, toMs } from '../domain/time.js';
import { fromRow, sameRow, SPECS, toRow, type ApiRecord, type CollectionSpec, type Row } from '../store/collections.js';
import type { Kysely } from 'kysely';
import type { Database, IncidentStepRow } from '../store/schema.js';
import type { Condition, Executor, Store } from '../store/store.js';
import { NotFoundError, prefixed, ValidationError, zodIssues } from './errors.js';
import type { OrgService } from './org.js';

export const MAX_BATCH = 10_000;
export const MAX_PAGE = 1000;
/** Most occurrences one /freeze-occurrences answer holds (`truncated` says when there were more). */
export const MAX_OCCURRENCES = 5000;

export type WriteOutcome = 'created' | 'updated' | 'unchanged';
export interface BatchResult {
  created: number;
  updated: number;
  unchanged: number;
}

/** Fields a client may send back from a GET: accepted and ignored, as they are derived. */
const readOnly = { id: recordId.optional(), businessLine: z.string().optional(), updatedAt: z.string().optional() };
const writeSchemas = Object.fromEntries(
  Object.entries(recordSchemas).map(([c, schema]) => [c, schema.extend(readOnly).strict()]),
) as unknown as Record<Collection, z.ZodType<ApiRecord>>;

interface Parsed {
  id: string;
  input: ApiRecord;
}

export type ListParams = Record<string, string | string[] | undefined>;

export class RecordService {
  constructor(
    private readonly store: Store,
    private readonly orgs: OrgService,
  ) {}

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
    if (!Array.isArray(records)) throw new ValidationError([{ path: 'records', message: 'must be an array of records' }]);
    if (records.length > MAX_BATCH) {
      throw new ValidationError([{ path: 'records', message: `at most ${MAX_BATCH} records per batch (got ${records.length})` }]);
    }
    const issues: Issue[] = [];
    const parsed: Parsed[] = [];
    const seen = new Map<string, number>();
    records.forEach((raw, i) => {
      try {
        const input = parseRecord(collection, raw, `records[${i}]`);
        const id = input.id as string | undefined;
        if (id === undefined) issues.push({ path: `records[${i}].id`, message: 'is required' });
        else if (seen.has(id)) issues.push({ path: `records[${i}].id`, message: `duplicate of records[${seen.get(id)}]` });
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
    const outcomes = await this.writeAll(collection, parsed, 'records', parsed.map((p) => seen.get(p.id)!));
    return {
      created: outcomes.filter((o) => o === 'created').length,
      updated: outcomes.filter((o) => o === 'updated').length,
      unchanged: outcomes.filter((o) => o === 'unchanged').length,
    };
  }

  /**
   * Checks every record against the org and writes them in one transaction; nothing is written
   * when any record is refused. `positions` are the records' indexes in the request.
   */
  private async writeAll(collection: Collection, records: Parsed[], prefix: string, positions?: number[]): Promise<WriteOutcome[]> {
    const spec = SPECS[collection];
    const org = await this.orgs.index();
    return this.store.write(async (trx) => {
      const existing = new Map((await this.store.rowsById(trx, spec.table, records.map((r) => r.id))).map((r) => [r.id, r]));
      const incidents = collection === 'actions' ? await this.incidentOwners(trx, records) : undefined;
      const issues: Issue[] = [];
      records.forEach(({ input }, i) => {
        const found = checkRecord(collection, input as never, {
          org,
          incidentExists: incidents ? (id) => incidents.has(id) : undefined,
        });
        const at = prefix ? `${prefix}[${positions?.[i] ?? i}]` : '';
        issues.push(...(at ? prefixed(found, at) : found));
      });
      if (issues.length > 0) throw new ValidationError(issues);

      const now = Date.now();
      const writes: Row[] = [];
      const outcomes: WriteOutcome[] = [];
      const stepsBefore = collection === 'incidents' ? await this.stepsOf(trx, records.map((r) => r.id)) : undefined;
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
        await trx.insertInto('incident_steps').values(dedupeSteps(steps).map((s) => stepRow(id, s))).execute();
      }
      return outcomes;
    });
  }

  private async incidentOwners(ex: Executor, records: Parsed[]) {
    const rows = await this.store.rowsById(ex, 'incidents', records.map((r) => r.input.incident as string));
    return new Map(rows.map((r) => [r.id as string, { team: r.team as string | null, business_line: r.business_line as string | null }]));
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
      if (inserted) await trx.updateTable('incidents').set({ updated_at: Date.now() }).where('id', '=', incidentId).execute();
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

  /** The stored records among `ids`, by id (unknown ids are absent). Lets adapters merge with what is stored. */
  async getMany(collection: Collection, ids: string[]): Promise<Map<string, ApiRecord>> {
    const spec = SPECS[collection];
    const records = await this.present(spec, await this.store.rowsById(this.store.db, spec.table, ids));
    return new Map(records.map((r) => [r.id as string, r]));
  }

  async remove(collection: Collection, id: string): Promise<void> {
    checkId(id);
    const deleted = await this.store.write((trx) => this.store.deleteRow(trx, SPECS[collection].table, id));
    if (!deleted) throw new NotFoundError(`${collection.replace(/s$/, '')} "${id}" not found`);
  }

  async list(collection: Collection, params: ListParams): Promise<{ items: ApiRecord[]; total: number; limit: number; offset: number }> {
    const spec = SPECS[collection];
    const org = await this.orgs.index();
    const issues: Issue[] = [];
    const limit = intParam(params, 'limit', 100, 1, MAX_PAGE, issues);
    const offset = intParam(params, 'offset', 0, 0, Number.MAX_SAFE_INTEGER, issues);
    const from = timeParam(params, 'from', issues);
    const to = timeParam(params, 'to', issues);
    if (collection === 'freezes') {
      if (issues.length > 0) throw new ValidationError(issues);
      return this.listFreezes(params, org, { from, to, limit, offset });
    }
    const where = buildConditions(spec, params, org, issues);
    if (from !== undefined) where.push({ column: spec.timeColumn, op: '>=', value: from });
    if (to !== undefined) where.push({ column: spec.timeColumn, op: '<', value: to });
    const violation = collection === 'changes' ? boolParam(params, 'violation', issues) : undefined;
    if (issues.length > 0) throw new ValidationError(issues);
    if (violation !== undefined) {
      // Freeze occurrences are computed, not stored: every matching change is judged on the few
      // columns the freeze rule reads, a step at a time, then only the page is read whole.
      const windows = await this.freezeWindows();
      const ids: string[] = [];
      for await (const rows of this.store.scan(spec.table, { where, orderBy: spec.timeColumn, columns: CHANGE_MOMENT_COLUMNS })) {
        const violated = violatedFreezes(windows, rows.map(changeMoment));
        for (const [i, row] of rows.entries()) if (violated[i]!.length > 0 === violation) ids.push(row.id as string);
      }
      const pageIds = ids.slice(offset, offset + limit);
      const byId = new Map<string, Row>((await this.store.rowsById(this.store.db, spec.table, pageIds)).map((row) => [row.id as string, row]));
      const page = pageIds.map((id) => byId.get(id)).filter((row): row is Row => row !== undefined); // one deleted meanwhile is left out
      return { items: await this.present(spec, page), total: ids.length, limit, offset };
    }
    const { rows, total } = await this.store.list(spec.table, { where, orderBy: spec.timeColumn, limit, offset });
    return { items: await this.present(spec, rows), total, limit, offset };
  }

  /**
   * `GET /freeze-occurrences`: each time a freeze window is open within [from, to), for freezes
   * whose scope meets the filters, by start. Recurring windows are expanded here, in the
   * timezone of their schedule, so no client has to read cron expressions.
   */
  async freezeOccurrences(params: ListParams) {
    const org = await this.orgs.index();
    const issues: Issue[] = [];
    const from = timeParam(params, 'from', issues);
    const to = timeParam(params, 'to', issues);
    if (from === undefined) issues.push({ path: 'from', message: 'is required' });
    if (to === undefined) issues.push({ path: 'to', message: 'is required' });
    else if (from !== undefined && from > to) issues.push({ path: 'from', message: 'must not be after to' });
    if (issues.length > 0) throw new ValidationError(issues);
    const targets = targetsOf(params, org);
    const windows = (await this.freezeWindows()).filter((w) => targets.every((t) => overlaps(w.scope, t, org)));
    const occurrences = windows
      .flatMap((w) => occurrencesBetween(w, from!, to!, MAX_OCCURRENCES + 1).map((o) => ({ ...o, scope: w.scope })))
      .sort((a, b) => a.startsAt - b.startsAt || a.id.localeCompare(b.id));
    return {
      items: occurrences.slice(0, MAX_OCCURRENCES).map((o) => ({
        freeze: o.id,
        name: o.name,
        reason: o.reason,
        scope: o.scope,
        startsAt: toIso(o.startsAt),
        endsAt: toIso(o.endsAt),
      })),
      truncated: occurrences.length > MAX_OCCURRENCES,
    };
  }

  private freezeWindows(): Promise<FreezeWindowSpec[]> {
    return loadFreezeWindows(this.store.db);
  }

  /** Freezes are few and recurring ones have no single start: filter them in memory. */
  private async listFreezes(params: ListParams, org: OrgIndex, page: { from?: number; to?: number; limit: number; offset: number }) {
    const spec = SPECS.freezes;
    const rows = (await this.store.db.selectFrom('freezes').selectAll().execute()) as unknown as Row[];
    const now = Date.now();
    const targets = targetsOf(params, org);
    const active = boolParam(params, 'active');
    const matching = rows
      .map((row) => ({ row, window: freezeWindow(row) }))
      .filter(({ window }) => targets.every((t) => overlaps(window.scope, t, org)))
      .filter(({ window }) => (active ? occurrencesBetween(window, now, now + 1, 1).length > 0 : true))
      .filter(({ window }) =>
        page.from !== undefined || page.to !== undefined
          ? occurrencesBetween(window, page.from ?? -8.64e15, page.to ?? 8.64e15, 1).length > 0
          : true,
      )
      .sort((a, b) => (b.row.starts_at as number ?? 0) - (a.row.starts_at as number ?? 0) || String(a.row.id).localeCompare(String(b.row.id)));
    const slice = matching.slice(page.offset, page.offset + page.limit).map((m) => m.row);
    return { items: await this.present(spec, slice), total: matching.length, limit: page.limit, offset: page.offset };
  }

  private async present(spec: CollectionSpec, rows: Row[]): Promise<ApiRecord[]> {
    const records = rows.map((row) => fromRow(spec, row));
    if (spec.collection === 'changes' && records.length > 0) {
      const violated = violatedFreezes(await this.freezeWindows(), rows.map(changeMoment));
      records.forEach((record, i) => (record.violatedFreezes = violated[i]));
    }
    if (spec.collection === 'incidents' && records.length > 0) {
      const steps = await this.stepsOf(this.store.db, rows.map((r) => r.id as string));
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
  const key = (s: { step: string; at: number; owner: string; note: string | null }) => `${s.at}|${s.step}|${s.owner}|${s.note ?? ''}`;
  const a = dedupeSteps(next).map((s) => key(stepRow('', s))).sort();
  const b = stored.map(key).sort();
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

function values(params: ListParams, name: string): string[] {
  const raw = params[name];
  if (raw === undefined) return [];
  return (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

function boolParam(params: ListParams, name: string, issues?: Issue[]): boolean | undefined {
  const [v] = values(params, name);
  if (v === undefined) return undefined;
  if (v === 'true' || v === 'false') return v === 'true';
  issues?.push({ path: name, message: 'must be true or false' });
  return undefined;
}

function intParam(params: ListParams, name: string, fallback: number, min: number, max: number, issues: Issue[]): number {
  const [v] = values(params, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    issues.push({ path: name, message: `must be a whole number from ${min} to ${max}` });
    return fallback;
  }
  return n;
}

function timeParam(params: ListParams, name: string, issues: Issue[]): number | undefined {
  const [v] = values(params, name);
  if (v === undefined) return undefined;
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (Number.isNaN(ms)) issues.push({ path: name, message: 'must be an ISO 8601 date-time or epoch milliseconds' });
  return ms;
}

function buildConditions(spec: CollectionSpec, params: ListParams, org: OrgIndex, issues: Issue[]): Condition[] {
  const where: Condition[] = [];
  const inList = (column: string, list: (string | number)[]) => {
    if (list.length > 0) where.push({ column, op: 'in', values: list });
  };
  const ownerColumns: [string, string][] = [
    ['businessLine', 'business_line'],
    ['team', 'team'],
  ];
  if (spec.owned) ownerColumns.push(['service', 'service']);
  for (const [param, column] of ownerColumns) inList(column, values(params, param));
  for (const [param, column] of Object.entries(spec.filters)) inList(column, values(params, param));

  const flag = (name: string) => boolParam(params, name, issues);
  const now = Date.now();
  switch (spec.collection) {
    case 'incidents': {
      const drill = flag('drill');
      if (drill !== undefined) inList('drill', [drill ? 1 : 0]);
      if (flag('highPriority')) inList('priority', org.org.policy.highPriorities);
      if (flag('open')) where.push({ column: 'recovered_at', op: 'is_null' });
      break;
    }
    case 'alerts': {
      const verdicts = values(params, 'verdict');
      const bad = verdicts.filter((v) => !['actionable', 'noise', 'none'].includes(v));
      if (bad.length > 0) issues.push({ path: 'verdict', message: 'must be actionable, noise or none' });
      else if (verdicts.length === 1 && verdicts[0] === 'none') where.push({ column: 'verdict', op: 'is_null' });
      else inList('verdict', verdicts.filter((v) => v !== 'none'));
      if (flag('highSeverity')) inList('severity', org.org.policy.highSeverities);
      break;
    }
    case 'findings':
    case 'actions': {
      const closed = spec.collection === 'findings' ? 'closed_at' : 'completed_at';
      if (flag('open')) where.push({ column: closed, op: 'is_null' });
      if (flag('overdue')) {
        where.push({ column: closed, op: 'is_null' }, { column: 'due_at', op: '<', value: now });
      }
      break;
    }
    case 'changes': {
      const controlled = flag('controlled');
      if (controlled !== undefined) inList('controlled', [controlled ? 1 : 0]);
      break;
    }
  }
  return where;
}

const CHANGE_MOMENT_COLUMNS = ['id', 'started_at', 'service', 'team', 'business_line', 'exemption'];
const changeMoment = (row: Row): ChangeMoment => ({
  startedAt: row.started_at as number,
  service: row.service as string | null,
  team: row.team as string | null,
  businessLine: row.business_line as string | null,
  exemption: row.exemption as string | null,
});

/** Every freeze window in the store (they are few: the gate, the KPIs and the change lists read them all). */
export async function loadFreezeWindows(db: Kysely<Database>): Promise<FreezeWindowSpec[]> {
  return ((await db.selectFrom('freezes').selectAll().execute()) as unknown as Row[]).map(freezeWindow);
}

export function freezeWindow(row: Row): FreezeWindowSpec {
  return {
    id: row.id as string,
    name: row.name as string,
    reason: row.reason as string,
    scope: {
      ...(row.scope_business_line !== null ? { businessLine: row.scope_business_line as string } : {}),
      ...(row.scope_team !== null ? { team: row.scope_team as string } : {}),
      ...(row.scope_service !== null ? { service: row.scope_service as string } : {}),
    },
    startsAt: (row.starts_at as number | null) ?? undefined,
    endsAt: (row.ends_at as number | null) ?? undefined,
    schedule:
      row.cron !== null
        ? { cron: row.cron as string, durationMinutes: row.duration_minutes as number, timezone: row.timezone as string }
        : undefined,
  };
}

export type Target = { service?: string; team?: string; businessLine?: string }[];

/** The list filters as sets of targets: each filter given must overlap the freeze's scope. */
function targetsOf(params: ListParams, org: OrgIndex): Target[] {
  const result: Target[] = [];
  const add = (list: string[], make: (v: string) => Target[number]) => {
    if (list.length > 0) result.push(list.map(make));
  };
  add(values(params, 'businessLine'), (businessLine) => ({ businessLine }));
  add(values(params, 'team'), (team) => ({ team, businessLine: org.teams.get(team)?.businessLine }));
  add(values(params, 'service'), (service) => {
    const owner = org.ownerOf({ service });
    return { service, team: owner.team ?? undefined, businessLine: owner.businessLine ?? undefined };
  });
  return result;
}

/** Whether a freeze scope and a filter target can meet: no level on which both differ. */
export function overlaps(scope: FreezeWindowSpec['scope'], targets: Target, org: OrgIndex): boolean {
  const owner = scope.service ? org.ownerOf({ service: scope.service }) : { team: scope.team ?? null, businessLine: null };
  const resolved = {
    service: scope.service,
    team: scope.team ?? owner.team ?? undefined,
    businessLine:
      scope.businessLine ?? (owner.team ? org.teams.get(owner.team)?.businessLine : undefined) ?? undefined,
  };
  return targets.some((t) =>
    (['service', 'team', 'businessLine'] as const).every((k) => !resolved[k] || !t[k] || resolved[k] === t[k]),
  );
}

