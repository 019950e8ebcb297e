/**
 * Reading and writing records: validation (schema, then the domain's rules), idempotent upserts,
 * all-or-nothing batches, merges with what is stored (ingestion), list reads. The API and the
 * ingestion adapters both write through here. Freeze windows are FreezeService's (freezes.ts).
 */
import { z } from 'zod';
import { actorName, SYSTEM, type Actor } from '../domain/actor.js';
import { appendedStepIssue, checkRecord } from '../domain/checks.js';
import type { Issue, OrgIndex } from '../domain/org.js';
import {
  incidentStepSchema,
  recordId,
  recordSchemas,
  type Collection,
  type IncidentStepInput,
} from '../domain/records.js';
import { toIso, toMs } from '../domain/time.js';
import {
  fromRow,
  rowColumns,
  sameRow,
  SPECS,
  toRow,
  type ApiRecord,
  type CollectionSpec,
  type Row,
} from '../store/collections.js';
import type { IncidentStepRow } from '../store/schema.js';
import { NothingWritten, type Condition, type Executor, type Store } from '../store/store.js';
import { AuditService, fieldChanges, type AuditWrite } from './audit.js';
import { ForbiddenError, NotFoundError, prefixed, ValidationError, zodIssues } from './errors.js';
import {
  exemptionAuthor,
  judgeChange,
  loadEvidence,
  mayBackdate,
  rejudgeFrom,
  unknownGateChecks,
  violations,
  type ControlEvidence,
} from './change-control.js';
import { insertVersions } from './freeze-versions.js';
import { changeMoment, FreezeService, prepareFreezeRow, versionEffectiveAt } from './freezes.js';
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
const readOnly = {
  id: recordId.optional(),
  businessLine: z.string().optional(),
  updatedAt: z.string().optional(),
  // Who gave an alert's verdict and when: set by the write that changes the verdict, never taken.
  verdictBy: z.unknown().optional(),
  verdictAt: z.unknown().optional(),
  // A change's control verdict and exemption grantor, a freeze's version: decided here, never taken.
  controlledClaim: z.unknown().optional(),
  controlReason: z.unknown().optional(),
  violatedFreezes: z.unknown().optional(),
  exemptionBy: z.unknown().optional(),
  exemptionAt: z.unknown().optional(),
  version: z.unknown().optional(),
  endedAt: z.unknown().optional(),
};
const writeSchemas = Object.fromEntries(
  Object.entries(recordSchemas).map(([c, schema]) => [c, schema.extend(readOnly).strict()])
) as unknown as Record<Collection, z.ZodType<ApiRecord>>;

interface Parsed {
  id: string;
  input: ApiRecord;
}

/** A record on its way to the store, with its index in the request (for outcomes and error paths). */
interface Pending extends Parsed {
  index: number;
}

/** Rows a write transaction already read (locked), and ids it knows are not stored. */
interface Known {
  rows: Map<unknown, Row>;
  absent: Set<string>;
}

// Fingerprints per episode lookup: with their ids and starts, well under the bound parameters.
const EPISODE_CHUNK = 500;

/** How a write is done: with the org already read for this request, and/or merged with the stored rows. */
interface WriteOptions {
  org?: OrgIndex;
  merge?: Merge;
  /** Who writes: recorded in each changed record's history (default: the exporter itself). */
  actor?: Actor;
}

export class RecordService {
  private readonly freezes: FreezeService;
  readonly audit: AuditService;

  constructor(
    private readonly store: Store,
    private readonly orgs: OrgService,
    freezes?: FreezeService
  ) {
    this.freezes = freezes ?? new FreezeService(store, orgs);
    this.audit = new AuditService(store);
  }

  async put(
    collection: Collection,
    id: string,
    body: unknown,
    actor: Actor = SYSTEM
  ): Promise<{ record: ApiRecord; outcome: WriteOutcome }> {
    checkId(id);
    const input = parseRecord(collection, body, '');
    if (input.id !== undefined && input.id !== id) {
      throw new ValidationError([{ path: 'id', message: `does not match the id in the URL ("${id}")` }]);
    }
    const [outcome] = await this.writeAll(collection, [{ id, input }], '', undefined, { actor });
    return { record: (await this.get(collection, id)) as ApiRecord, outcome: outcome! };
  }

  async batch(collection: Collection, body: unknown, actor: Actor = SYSTEM): Promise<BatchResult> {
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
        parsed.map((p) => seen.get(p.id)!),
        { actor }
      )
    );
  }

  /**
   * Ingestion's write: each record (distinct ids, not yet validated) merged with the stored one of
   * its id, read inside the write's own transaction (rows locked on PostgreSQL), so what was saved
   * a moment before (a verdict, a result) is merged, never overwritten with a stale copy. `org` is
   * the one the adapter resolved owners with: read once per request. Error paths are `records[i]…`.
   */
  async mergeBatch(
    collection: Collection,
    records: Parsed[],
    merge: Merge,
    org: OrgIndex,
    actor: Actor = SYSTEM
  ): Promise<BatchResult> {
    if (records.length > MAX_BATCH) {
      throw new ValidationError([
        { path: 'records', message: `at most ${MAX_BATCH} records per batch (got ${records.length})` },
      ]);
    }
    return summary(await this.writeAll(collection, records, 'records', undefined, { merge, org, actor }));
  }

  /**
   * Checks every record against the org and writes them in one transaction; nothing is written
   * when any record is refused. `positions` are the records' indexes in the request.
   *
   * Rows are locked and written in id order, so concurrent batches of the same ids in another
   * order wait for each other instead of deadlocking. A record is "created" only when this
   * transaction inserted its row: one that another transaction inserted after our read is read
   * again (locked now) and decided on what that one committed, so concurrent identical writes
   * answer created once and the ingest counters count it once.
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
    const { merge } = options;
    const actor = options.actor ?? SYSTEM;
    // An alert storm re-sends what is stored: settled by one read, without a write (nothing
    // changes, not even the data revision, so caches stay warm). PostgreSQL reads from the pool,
    // before any lock. SQLite's one connection serves the requests in turn: there the read is the
    // transaction's first statement, so a notification queues for the connection once, not twice.
    const unchanged = (ex: Executor) => merge !== undefined && this.allUnchanged(ex, spec, records, merge, org);
    if (this.store.kind === 'postgres' && (await unchanged(this.store.db))) return records.map(() => 'unchanged');
    return this.store.write(async (trx) => {
      if (this.store.kind === 'sqlite' && (await unchanged(trx))) {
        return new NothingWritten(records.map((): WriteOutcome => 'unchanged'));
      }
      const outcomes: WriteOutcome[] = new Array<WriteOutcome>(records.length);
      let pending: Pending[] = records.map((r, index) => ({ ...r, index }));
      let known: Known | undefined;
      if (merge && spec.episode) {
        // The episode read is the row read (locked) of every record with a fingerprint.
        const episodes = await this.episodes(trx, spec, pending, { lock: true });
        pending = sameEpisodeOnce(episodes.records, merge, outcomes);
        known = {
          rows: new Map(episodes.matched.flatMap((row) => (row ? [[row.id, row]] : []))),
          absent: new Set(
            episodes.records.filter((_, i) => episodes.keyed[i] && !episodes.matched[i]).map((r) => r.id)
          ),
        };
      }
      for (let round = 1; pending.length > 0; round++) {
        // Each round leaves only records created concurrently after its read; they exist from then on.
        if (round > 3) throw new Error(`${collection}: records kept being created concurrently; try again`);
        pending = await this.writeRound(trx, spec, pending, outcomes, { org, merge, at, known, actor });
        known = undefined;
      }
      return outcomes;
    });
  }

  /** One read-merge-check-write pass; returns the records another transaction created meanwhile. */
  private async writeRound(
    trx: Executor,
    spec: CollectionSpec,
    batch: Pending[],
    outcomes: WriteOutcome[],
    ctx: { org: OrgIndex; merge?: Merge; at: (i: number) => string; known?: Known; actor: Actor }
  ): Promise<Pending[]> {
    const { collection } = spec;
    const { org } = ctx;
    const ids = batch.map((r) => r.id);
    const existing = new Map(ctx.known?.rows);
    // A row the episode read missed but that exists under the id anyway (written through the API)
    // makes its insert conflict: the next round reads it.
    const unread = ids.filter((id) => !existing.has(id) && !ctx.known?.absent.has(id));
    for (const row of await this.store.rowsById(trx, spec.table, unread, { lock: true })) existing.set(row.id, row);
    const stepsBefore = collection === 'incidents' ? await this.stepsOf(trx, ids) : undefined;
    const records = ctx.merge
      ? followReorg(
          mergeWithStored(spec, batch, existing, ctx.merge, (i) => ctx.at(batch[i]!.index), stepsBefore),
          existing,
          org,
          collection
        )
      : batch;
    const incidents = collection === 'actions' ? await this.incidentOwners(trx, records) : undefined;
    const changes = collection === 'incidents' ? await this.citedChanges(trx, records) : undefined;
    const issues: Issue[] = [];
    for (const { id, input, index } of records) {
      const before = existing.get(id);
      const found = checkRecord(collection, input as never, {
        org,
        incidentExists: incidents ? (id) => incidents.has(id) : undefined,
        changeExists: changes ? (id) => changes.has(id) : undefined,
        stored: before && {
          service: before.service as string | null,
          team: before.team as string | null,
          causedByChange: before.caused_by_change as string | null | undefined,
          steps: stepsBefore && stepsOut(stepsBefore.get(id)),
        },
      });
      issues.push(...(ctx.at(index) ? prefixed(found, ctx.at(index)) : found));
    }
    // What a change batch is judged by, read once: its cited gate checks, the windows' versions.
    const evidence =
      collection === 'changes'
        ? await loadEvidence(
            this.store,
            trx,
            records.map((r) => r.input),
            org
          )
        : undefined;
    // A citation of a gate answer this exporter never gave is refused on the API; a receiver's
    // is kept (uncontrolled, with the reason), as refusing a tool's webhook would lose the change.
    if (evidence && !ctx.merge) {
      for (const i of unknownGateChecks(
        evidence,
        records.map((r) => r.input)
      )) {
        const { input, index } = records[i]!;
        const issue = {
          path: 'gateCheck',
          message: `unknown gate check "${input.gateCheck as string}": cite a checkId this exporter's gate answered`,
        };
        issues.push(...(ctx.at(index) ? prefixed([issue], ctx.at(index)) : [issue]));
      }
    }
    if (issues.length > 0) throw new ValidationError(issues);

    const now = Date.now();
    const rows = records.map(({ id, input }) =>
      toRow(spec, id, input, { org, incidentOwner: (i) => incidents?.get(i) })
    );
    if (evidence) this.judgeChanges(records, rows, existing, evidence, { ...ctx, now });
    if (collection === 'freezes') {
      // Saying when a window was announced reaches into the past: an admin's, never an Editor's through Grafana.
      const backdated = records.flatMap(({ id, input, index }) => {
        if (typeof input.announcedAt !== 'string' || existing.has(id) || mayBackdate(ctx.actor)) return [];
        const issue = { path: 'announcedAt', message: 'only an admin may say when a window was announced' };
        return ctx.at(index) ? prefixed([issue], ctx.at(index)) : [issue];
      });
      if (backdated.length > 0) throw new ForbiddenError('this token may not give announcedAt', backdated);
      const found = records.flatMap(({ id, input, index }, i) => {
        const issue = prepareFreezeRow(rows[i]!, input, existing.get(id), now);
        return issue ? (ctx.at(index) ? prefixed([issue], ctx.at(index)) : [issue]) : [];
      });
      if (found.length > 0) throw new ValidationError(found);
    }
    const creates: Row[] = [];
    const updates: Row[] = [];
    // The columns any update changes: the only ones its statement sets (store.upsertRows).
    const changedColumns = new Set<string>(['updated_at']);
    const decided: { record: Pending; outcome: WriteOutcome; steps?: IncidentStepInput[]; row: Row; before?: Row }[] =
      [];
    for (const [i, record] of records.entries()) {
      const { id, input } = record;
      const row = rows[i]!;
      const before = existing.get(id);
      if (collection === 'alerts') keepVerdictAuthor(row, before, ctx.actor, now);
      let changed = !before || !sameRow(row, before);
      // Each write that changes a window is a new version of it (the earlier ones are kept).
      if (collection === 'freezes' && before && changed) row.version = Number(before.version) + 1;
      const steps = input.steps as IncidentStepInput[] | undefined;
      const writeSteps = steps && stepsBefore && !sameSteps(steps, stepsBefore.get(id) ?? []);
      if (writeSteps) changed = true;
      if (!before) creates.push({ ...row, updated_at: now });
      else if (changed) {
        updates.push({ ...row, updated_at: now });
        for (const column of rowColumns(row))
          if ((row[column] ?? null) !== (before[column] ?? null)) changedColumns.add(column);
      }
      decided.push({
        record,
        outcome: !before ? 'created' : changed ? 'updated' : 'unchanged',
        ...(writeSteps ? { steps } : {}),
        row: { ...row, updated_at: now },
        before,
      });
    }
    await this.store.upsertRows(trx, spec.table, updates.sort(byId), changedColumns);
    const inserted = await this.store.insertNewRows(trx, spec.table, creates.sort(byId));
    const again: Pending[] = [];
    const history: AuditWrite[] = [];
    for (const { record, outcome, steps, row, before } of decided.sort((a, b) =>
      compareIds(a.record.id, b.record.id)
    )) {
      if (outcome === 'created' && !inserted.has(record.id)) {
        again.push(batch.find((b) => b.index === record.index)!);
        continue;
      }
      outcomes[record.index] = outcome;
      if (outcome !== 'unchanged') {
        const was = before && fromRow(spec, before);
        const after = fromRow(spec, row);
        if (steps) {
          if (was) was.steps = stepsOut(stepsBefore?.get(record.id));
          after.steps = stepsOut(dedupeSteps(steps).map((s) => stepRow(record.id, s)));
        }
        history.push({
          collection,
          id: record.id,
          action: outcome,
          changes: fieldChanges(was, after),
          ...auditReason(collection, record.input, row, before),
        });
      }
      if (steps) {
        await trx.deleteFrom('incident_steps').where('incident_id', '=', record.id).execute();
        await trx
          .insertInto('incident_steps')
          .values(dedupeSteps(steps).map((s) => stepRow(record.id, s)))
          .execute();
      }
    }
    await this.audit.append(trx, ctx.actor, history, now);
    if (collection === 'freezes') await this.versionFreezes(trx, decided, inserted, org, now, ctx.actor);
    return again;
  }

  /**
   * A change batch's control verdicts (service/change-control.ts): the exemption's grantor (403
   * when the actor may not grant it), then each change's freeze violation, judged together, and
   * whether it counts as controlled.
   */
  private judgeChanges(
    records: Pending[],
    rows: Row[],
    existing: Map<unknown, Row>,
    evidence: ControlEvidence,
    ctx: { org: OrgIndex; merge?: Merge; at: (i: number) => string; actor: Actor; now: number }
  ) {
    const denied: Issue[] = [];
    for (const [i, { id, input, index }] of records.entries()) {
      const issue = exemptionAuthor(rows[i]!, input, existing.get(id), {
        actor: ctx.actor,
        org: ctx.org,
        now: ctx.now,
        receiver: ctx.merge !== undefined,
      });
      if (issue) denied.push(...(ctx.at(index) ? prefixed([issue], ctx.at(index)) : [issue]));
    }
    if (denied.length > 0) throw new ForbiddenError('this token may not grant freeze exemptions', denied);
    const violated = violations(evidence, rows.map(changeMoment));
    rows.forEach((row, i) =>
      Object.assign(
        row,
        judgeChange(
          records[i]!.input,
          { team: row.team as string | null, businessLine: row.business_line as string | null },
          evidence,
          ctx.org,
          violated[i]!
        )
      )
    );
  }

  /**
   * The written windows' new versions, each in force from its announcement (a new window) or from
   * now (an edit), then the changes those moments can affect judged again: never earlier ones.
   */
  private async versionFreezes(
    trx: Executor,
    decided: { record: Pending; outcome: WriteOutcome; row: Row }[],
    inserted: Set<string>,
    org: OrgIndex,
    now: number,
    actor: Actor
  ) {
    const written = decided.filter(
      (d) => d.outcome === 'updated' || (d.outcome === 'created' && inserted.has(d.record.id))
    );
    if (written.length === 0) return;
    const effective = written.map((d) => versionEffectiveAt(d.row, d.outcome === 'created', now));
    await insertVersions(
      trx,
      written.map((d) => d.row),
      effective,
      now
    );
    await rejudgeFrom(this.store, trx, Math.min(...effective), org, {
      actor,
      at: now,
      freezes: written.map((d) => d.record.id),
    });
  }

  /**
   * Whether every record, merged with its stored row, is what is stored already: read without a
   * lock, which is safe as nothing is written (a write committed meanwhile simply came after);
   * `ex` is the store or, on SQLite, the write transaction.
   * Not for incidents (steps) and actions (owner from the incident): they take the full path.
   */
  private async allUnchanged(
    ex: Executor,
    spec: CollectionSpec,
    records: Parsed[],
    merge: Merge,
    org: OrgIndex
  ): Promise<boolean> {
    if (spec.collection === 'incidents' || spec.collection === 'actions' || records.length === 0) return false;
    const stored = new Map(
      (
        await this.store.rowsById(
          ex,
          spec.table,
          records.map((r) => r.id)
        )
      ).map((r) => [r.id, r])
    );
    const episode = spec.episode;
    return records.every(({ id, input }) => {
      const before = stored.get(id);
      // A record of another episode, or one whose start moved, takes the full path (episodes()).
      if (!before || (episode && input[episode.field] !== undefined && before[episode.column] !== input[episode.field]))
        return false;
      return sameRow(toRow(spec, id, merge(input, fromRow(spec, before)), { org }), before);
    });
  }

  /**
   * Records keyed by an episode (Alertmanager's fingerprint) take the id of the stored record of
   * that episode: the one of the same id or start or end, else the open one (its start moved),
   * else they start a new record under their own id. `matched` is the stored row each record
   * took (by position), undefined for a new one.
   */
  private async episodes(
    ex: Executor,
    spec: CollectionSpec,
    batch: Pending[],
    options: { lock?: boolean } = {}
  ): Promise<{ records: Pending[]; matched: (Row | undefined)[]; keyed: boolean[] }> {
    const episode = spec.episode!;
    const endField = spec.fields.find((f) => f.column === episode.end)!.field;
    const keys = batch.map((r) => {
      const key = r.input[episode.field];
      if (typeof key !== 'string') return undefined;
      const end = r.input[endField];
      return {
        key,
        start: toMs(r.input[episode.start.field] as string),
        end: typeof end === 'string' ? toMs(end) : undefined,
      };
    });
    // The records' own rows by id (a storm's re-sends and resolves name their record's own id)
    // and the rows of their fingerprints that are open or share a start or an end
    // (store.episodeRows), locked in id order. SQLite reads both in one statement. PostgreSQL
    // reads by id first: by primary key, which its planner uses even on a fresh table without
    // statistics (where it would scan for the OR of both), then by fingerprint for the rest.
    const own = new Map<string, Row>();
    const byKey = new Map<string, Row[]>();
    let keyed = batch
      .flatMap((r, i) => (keys[i] ? [{ id: r.id, ...keys[i] }] : []))
      .sort((a, b) => compareIds(a.id, b.id));
    const together = this.store.kind === 'sqlite';
    if (!together) {
      for (const row of await this.store.rowsById(
        ex,
        spec.table,
        keyed.map((k) => k.id),
        options
      ))
        own.set(row.id as string, row);
      keyed = keyed.filter((k) => own.get(k.id)?.[episode.column] !== k.key);
    }
    for (let i = 0; i < keyed.length; i += EPISODE_CHUNK) {
      const chunk = keyed.slice(i, i + EPISODE_CHUNK);
      const ids = new Set(together ? chunk.map((k) => k.id) : []);
      const starts = new Set(chunk.map((k) => k.start));
      const ends = new Set(chunk.flatMap((k) => (k.end === undefined ? [] : [k.end])));
      const rows = await this.store.episodeRows(
        ex,
        spec.table,
        {
          ids: [...ids],
          key: episode.column,
          keys: [...new Set(chunk.map((k) => k.key))],
          start: episode.start.column,
          starts: [...starts],
          end: episode.end,
          ends: [...ends],
        },
        options
      );
      for (const row of rows) {
        if (ids.has(row.id as string)) own.set(row.id as string, row);
        // Only rows the fingerprint term matched are candidates (not a closed row read by id).
        const open = row[episode.end] === null;
        if (!open && !starts.has(row[episode.start.column] as number) && !ends.has(row[episode.end] as number))
          continue;
        const key = row[episode.column] as string;
        const list = byKey.get(key);
        if (list) list.push(row);
        else byKey.set(key, [row]);
      }
    }
    const ownRow = (record: Pending, key: string) => {
      const row = own.get(record.id);
      return row && row[episode.column] === key ? row : undefined;
    };
    const matched = batch.map((record, i) => {
      const k = keys[i];
      const candidates = k && byKey.get(k.key);
      const mine = k && ownRow(record, k.key);
      if (mine) return mine;
      if (!candidates) return undefined;
      let open: Row | undefined;
      for (const c of candidates) {
        if (
          c[episode.end] === null &&
          (!open || (c[episode.start.column] as number) > (open[episode.start.column] as number))
        )
          open = c;
      }
      return (
        candidates.find((c) => c[episode.start.column] === k!.start) ??
        (k.end !== undefined ? candidates.find((c) => c[episode.end] === k.end) : undefined) ??
        open
      );
    });
    return {
      records: batch.map((record, i) => (matched[i] ? { ...record, id: matched[i].id as string } : record)),
      matched,
      keyed: keys.map((k) => k !== undefined),
    };
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

  /** The changes among those the incidents cite (causedByChange) that exist: one read per batch. */
  private async citedChanges(ex: Executor, records: Parsed[]): Promise<Set<string>> {
    const cited = [
      ...new Set(records.flatMap((r) => (r.input.causedByChange ? [r.input.causedByChange as string] : []))),
    ];
    const found = new Set<string>();
    for (let i = 0; i < cited.length; i += 500) {
      const rows = await ex
        .selectFrom('changes')
        .select('id')
        .where('id', 'in', cited.slice(i, i + 500))
        .execute();
      for (const row of rows) found.add(row.id);
    }
    return found;
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

  async appendStep(
    incidentId: string,
    body: unknown,
    actor: Actor = SYSTEM
  ): Promise<{ record: ApiRecord; added: boolean }> {
    checkId(incidentId);
    const parsed = incidentStepSchema.strict().safeParse(body);
    if (!parsed.success) throw new ValidationError(zodIssues(parsed.error));
    const added = await this.store.write(async (trx) => {
      const [incident] = await this.store.rowsById(trx, 'incidents', [incidentId], { lock: true });
      if (!incident) throw new NotFoundError(`incident "${incidentId}" not found`);
      const stored = stepsOut((await this.stepsOf(trx, [incidentId])).get(incidentId));
      const disorder = appendedStepIssue(stored, parsed.data);
      if (disorder) throw new ValidationError([{ path: 'at', message: disorder }]);
      const result = await trx
        .insertInto('incident_steps')
        .values(stepRow(incidentId, parsed.data))
        .onConflict((oc) => oc.columns(['incident_id', 'step', 'at']).doNothing())
        .executeTakeFirst();
      const inserted = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      if (inserted) {
        const now = Date.now();
        await trx.updateTable('incidents').set({ updated_at: now }).where('id', '=', incidentId).execute();
        const step = stepsOut([stepRow(incidentId, parsed.data)])[0]!;
        await this.audit.append(
          trx,
          actor,
          [
            {
              collection: 'incidents',
              id: incidentId,
              action: 'updated',
              changes: [{ field: 'steps', from: null, to: step }],
            },
          ],
          now
        );
      }
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

  async remove(collection: Collection, id: string, actor: Actor = SYSTEM): Promise<void> {
    checkId(id);
    // A freeze window is ended, never deleted: its history and the violations it made stay.
    if (collection === 'freezes') return this.freezes.end(id, actor);
    const spec = SPECS[collection];
    const deleted = await this.store.write(async (trx) => {
      const [row] = await this.store.rowsById(trx, spec.table, [id], { lock: true });
      if (!row || !(await this.store.deleteRow(trx, spec.table, id))) return false;
      const changes = fieldChanges(fromRow(spec, row), undefined);
      await this.audit.append(trx, actor, [{ collection, id, action: 'deleted', changes }]);
      return true;
    });
    if (!deleted) throw new NotFoundError(`${collection.replace(/s$/, '')} "${id}" not found`);
  }

  async list(
    collection: Collection,
    query: RecordQuery
  ): Promise<{ items: ApiRecord[]; total: number; limit: number; offset: number }> {
    if (collection === 'freezes')
      return this.freezes.list({ ...query, active: query.flags.active, includeEnded: query.flags.includeEnded });
    const spec = SPECS[collection];
    const { limit, offset } = query;
    const where = conditions(spec, query, await this.orgs.index());
    if (query.from !== undefined) where.push({ column: spec.timeColumn, op: '>=', value: query.from });
    if (query.to !== undefined) where.push({ column: spec.timeColumn, op: '<', value: query.to });
    const { rows, total } = await this.store.list(spec.table, { where, orderBy: spec.timeColumn, limit, offset });
    return { items: await this.present(spec, rows), total, limit, offset };
  }

  private async present(spec: CollectionSpec, rows: Row[]): Promise<ApiRecord[]> {
    const records = rows.map((row) => fromRow(spec, row));
    if (spec.collection === 'incidents' && records.length > 0) {
      const steps = await this.stepsOf(
        this.store.db,
        rows.map((r) => r.id as string)
      );
      for (const record of records) record.steps = stepsOut(steps.get(record.id as string));
    }
    return records;
  }
}

/**
 * An alert keeps who gave its verdict and when: the write that changes the verdict sets them (to its
 * actor and time), every other write carries the stored ones over.
 */
function keepVerdictAuthor(row: Row, before: Row | undefined, actor: Actor, now: number) {
  const changed = (row.verdict ?? null) !== (before?.verdict ?? null);
  row.verdict_by = changed ? (row.verdict === null ? null : actorName(actor)) : (before?.verdict_by ?? null);
  row.verdict_at = changed ? (row.verdict === null ? null : now) : (before?.verdict_at ?? null);
}

/** Ids compare by code unit, the same order as the database's `order by id` on our id alphabet. */
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byId = (a: Row, b: Row) => compareIds(a.id as string, b.id as string);

/**
 * Two notifications of one episode in one body (its start moved between them) become one write,
 * the later one read as incoming, as repeats of one id do in ingest/pipeline.ts.
 */
function sameEpisodeOnce(batch: Pending[], merge: Merge, outcomes: WriteOutcome[]): Pending[] {
  const byTarget = new Map<string, Pending>();
  for (const record of batch) {
    const earlier = byTarget.get(record.id);
    if (earlier) outcomes[earlier.index] = 'unchanged';
    byTarget.set(record.id, earlier ? { ...record, input: merge(record.input, earlier.input) } : record);
  }
  return [...byTarget.values()];
}

function summary(outcomes: WriteOutcome[]): BatchResult {
  return {
    created: outcomes.filter((o) => o === 'created').length,
    updated: outcomes.filter((o) => o === 'updated').length,
    unchanged: outcomes.filter((o) => o === 'unchanged').length,
  };
}

/** Each record merged with its stored row (as the API shows it, an incident with its steps), then validated like any write. */
function mergeWithStored<T extends Parsed>(
  spec: CollectionSpec,
  records: T[],
  existing: Map<unknown, Row>,
  merge: Merge,
  at: (i: number) => string,
  steps?: Map<string, IncidentStepRow[]>
): T[] {
  const issues: Issue[] = [];
  const merged = records.map((record, i) => {
    const { id, input } = record;
    const before = existing.get(id);
    const stored = before && fromRow(spec, before);
    if (stored && steps) stored.steps = stepsOut(steps.get(id));
    const value = stored ? merge(input, stored) : input;
    try {
      return { ...record, input: parseRecord(spec.collection, { ...value, id }, at(i)) };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues);
      return { ...record, input: value };
    }
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return merged;
}

/**
 * A tool keeps naming a service or team after a reorg: its new records go to the merged one's
 * successor, and a retired one's alerts to the unassigned team (kept, as for an unknown owner).
 * Records already stored keep what they had (checks.ts lets them).
 */
function followReorg<T extends Parsed>(
  records: T[],
  existing: Map<unknown, Row>,
  org: OrgIndex,
  collection: Collection
): T[] {
  if (!SPECS[collection].owned) return records;
  return records.map((record) => {
    if (existing.has(record.id)) return record;
    const owner = org.reorgOwner(record.input as { service?: string; team?: string }, {
      unassigned: collection === 'alerts',
    });
    return owner ? { ...record, input: { ...record.input, ...owner } } : record;
  });
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

function stepsOut(rows: IncidentStepRow[] = []): IncidentStepInput[] {
  return rows.map((s) => ({
    step: s.step as IncidentStepInput['step'],
    at: toIso(s.at),
    owner: s.owner,
    ...(s.note !== null ? { note: s.note } : {}),
    ...(s.out_of_order !== null ? { outOfOrder: s.out_of_order } : {}),
  }));
}

function stepRow(incidentId: string, s: IncidentStepInput): IncidentStepRow {
  return {
    incident_id: incidentId,
    step: s.step,
    at: toMs(s.at),
    owner: s.owner,
    note: s.note ?? null,
    out_of_order: s.outOfOrder ?? null,
  };
}

function dedupeSteps(steps: IncidentStepInput[]): IncidentStepInput[] {
  const byKey = new Map(steps.map((s) => [`${s.step}|${toMs(s.at)}`, s]));
  return [...byKey.values()];
}

function sameSteps(next: IncidentStepInput[], stored: IncidentStepRow[]): boolean {
  const key = (s: { step: string; at: number; owner: string; note: string | null; out_of_order: string | null }) =>
    JSON.stringify([s.at, s.step, s.owner, s.note, s.out_of_order]);
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
      // Decided and stored when the change or a window was written: an indexed filter.
      if (flags.violation !== undefined) inList('freeze_violation', [flags.violation ? 1 : 0]);
      break;
  }
  return where;
}

/** Why a write was made, where the write carries one: an exemption granted, an explicit announcedAt. */
function auditReason(collection: Collection, input: ApiRecord, row: Row, before: Row | undefined): { reason?: string } {
  if (collection === 'changes' && row.exemption !== null && row.exemption !== (before?.exemption ?? null))
    return { reason: `exemption granted: ${row.exemption as string}` };
  if (collection === 'freezes' && !before && typeof input.announcedAt === 'string')
    return { reason: `announcedAt given explicitly (${toIso(row.announced_at as number)}), e.g. importing history` };
  return {};
}
