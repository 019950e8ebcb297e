/**
 * Freeze windows: loading them from the store, expanding recurring ones into occurrences, whether a
 * freeze's scope meets a filter, and the `/freezes` list. Freezes are few and recurring ones have
 * no single start, so they are read whole and judged in memory; the gate, the KPIs, the change
 * lists and the aggregates all take their windows from here.
 */
import type { Kysely } from 'kysely';
import { SYSTEM, type Actor } from '../domain/actor.js';
import { occurrencesBetween, occurrencesInForce, type ChangeMoment, type FreezeWindowSpec } from '../domain/freezes.js';
import type { Issue, OrgIndex } from '../domain/org.js';
import { toIso, toMs } from '../domain/time.js';
import { fromRow, SPECS, type ApiRecord, type Row } from '../store/collections.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { AuditService, fieldChanges } from './audit.js';
import { rejudgeFrom } from './change-control.js';
import { NotFoundError, ValidationError } from './errors.js';
import { freezeWindow, insertVersions, loadFreezeHistories } from './freeze-versions.js';
import type { OrgService } from './org.js';
import type { OwnerFilter, Page, TimeRange } from './record-query.js';

/** Most occurrences one /freeze-occurrences answer holds (`truncated` says when there were more). */
export const MAX_OCCURRENCES = 5000;

export { freezeWindow, insertVersions, loadFreezeHistories } from './freeze-versions.js';

export interface FreezeListQuery extends OwnerFilter, TimeRange, Page {
  /** Only freezes open now. */
  active?: boolean;
  /** Ended (or deleted) windows too: kept for history, hidden by default. */
  includeEnded?: boolean;
}

/** One kept version of a freeze window (`GET /freezes/{id}/versions`). */
export interface FreezeVersionRecord {
  version: number;
  /** From when this version was in force: the window's announcedAt for the first, the write time after. */
  announcedAt: string;
  writtenAt: string;
  /** This version ended (or deleted) the window: in force for nobody from announcedAt on. */
  ended: boolean;
  name: string;
  reason: string;
  scope: FreezeWindowSpec['scope'];
  startsAt?: string;
  endsAt?: string;
  schedule?: FreezeWindowSpec['schedule'];
}

export interface OccurrencesQuery extends OwnerFilter, TimeRange {}

export interface FreezeOccurrence {
  freeze: string;
  name: string;
  reason: string;
  scope: FreezeWindowSpec['scope'];
  startsAt: string;
  endsAt: string;
}

export class FreezeService {
  constructor(
    private readonly store: Store,
    private readonly orgs: OrgService
  ) {}

  /** Every freeze window in force (not ended), as it stands now. */
  windows(db: Kysely<Database> = this.store.db): Promise<FreezeWindowSpec[]> {
    return loadFreezeWindows(db);
  }

  /**
   * The freezes each change row violated (ids), in row order, as stored when the change or a window
   * was last written; rows need CHANGE_MOMENT_COLUMNS.
   */
  async violatedBy(rows: Row[]): Promise<string[][]> {
    return rows.map(storedViolations);
  }

  /** `GET /freezes/{id}/versions`: every version of a window, oldest first (ended ones too). */
  async versions(id: string): Promise<{ items: FreezeVersionRecord[] }> {
    const [row] = await this.store.rowsById(this.store.db, 'freezes', [id]);
    if (!row) throw new NotFoundError(`freeze "${id}" not found`);
    const rows = (await this.store.db
      .selectFrom('freeze_versions')
      .selectAll()
      .where('freeze_id', '=', id)
      .orderBy('version')
      .execute()) as unknown as Row[];
    return {
      items: rows.map((r) => {
        const spec = freezeWindow(r);
        return {
          version: Number(r.version),
          announcedAt: toIso(Number(r.effective_at)),
          writtenAt: toIso(Number(r.written_at)),
          ended: Number(r.ended) === 1,
          name: spec.name,
          reason: spec.reason,
          scope: spec.scope,
          ...(spec.startsAt !== undefined ? { startsAt: toIso(spec.startsAt) } : {}),
          ...(spec.endsAt !== undefined ? { endsAt: toIso(spec.endsAt) } : {}),
          ...(spec.schedule ? { schedule: spec.schedule } : {}),
        };
      }),
    };
  }

  /**
   * Ends a window (what `DELETE /freezes/{id}` does): it is kept, with a last version that ends
   * it now, so the gate stops answering for it and lists hide it; the violations it made stay.
   */
  async end(id: string, actor: Actor = SYSTEM): Promise<void> {
    const audit = new AuditService(this.store);
    const org = await this.orgs.index();
    const ended = await this.store.write(async (trx) => {
      const [row] = await this.store.rowsById(trx, 'freezes', [id], { lock: true });
      if (!row || row.ended_at !== null) return false;
      const now = Math.max(Date.now(), Number(row.announced_at));
      const version = Number(row.version) + 1;
      await trx.updateTable('freezes').set({ ended_at: now, version, updated_at: now }).where('id', '=', id).execute();
      await insertVersions(trx, [{ ...row, version }], [now], now, true);
      const before = fromRow(SPECS.freezes, row);
      const after = fromRow(SPECS.freezes, { ...row, ended_at: now, version, updated_at: now });
      const changes = fieldChanges(before, after);
      await audit.append(trx, actor, [{ collection: 'freezes', id, action: 'ended', changes }], now);
      await rejudgeFrom(this.store, trx, now, org, { actor, at: now, freezes: [id] });
      return true;
    });
    if (!ended) throw new NotFoundError(`freeze "${id}" not found`);
  }

  /**
   * `GET /freeze-occurrences`: each time a freeze window is open within [from, to), for freezes
   * whose scope meets the filters, by start. Recurring windows are expanded here, in the
   * timezone of their schedule, so no client has to read cron expressions.
   */
  async occurrences(query: OccurrencesQuery): Promise<{ items: FreezeOccurrence[]; truncated: boolean }> {
    const { from, to } = query;
    const issues: Issue[] = [];
    if (from === undefined) issues.push({ path: 'from', message: 'is required' });
    if (to === undefined) issues.push({ path: 'to', message: 'is required' });
    else if (from !== undefined && from > to) issues.push({ path: 'from', message: 'must not be after to' });
    if (issues.length > 0) throw new ValidationError(issues);
    const org = await this.orgs.index();
    const targets = targetsOf(query, org);
    // Every version as it was in force (ended windows too, for the past): the span violations count in.
    const occurrences = (await loadFreezeHistories(this.store.db))
      .flatMap((h) => occurrencesInForce(h, from!, to!, MAX_OCCURRENCES + 1))
      .filter((o) => targets.every((t) => overlaps(o.scope, t, org)))
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

  /** `GET /freezes`: freezes meeting the owner filters, open now (`active`) or within [from, to), newest start first. */
  async list(query: FreezeListQuery): Promise<{ items: ApiRecord[]; total: number; limit: number; offset: number }> {
    const org = await this.orgs.index();
    let select = this.store.db.selectFrom('freezes').selectAll();
    if (!query.includeEnded) select = select.where('ended_at', 'is', null);
    const rows = (await select.execute()) as unknown as Row[];
    const now = Date.now();
    const targets = targetsOf(query, org);
    const timed = query.from !== undefined || query.to !== undefined;
    const matching = rows
      .map((row) => ({ row, window: freezeWindow(row) }))
      .filter(({ window }) => targets.every((t) => overlaps(window.scope, t, org)))
      .filter(({ window }) => (query.active ? occurrencesBetween(window, now, now + 1, 1).length > 0 : true))
      .filter(({ window }) =>
        timed ? occurrencesBetween(window, query.from ?? -8.64e15, query.to ?? 8.64e15, 1).length > 0 : true
      )
      .sort(
        (a, b) =>
          ((b.row.starts_at as number) ?? 0) - ((a.row.starts_at as number) ?? 0) ||
          String(a.row.id).localeCompare(String(b.row.id))
      );
    const page = matching.slice(query.offset, query.offset + query.limit).map((m) => fromRow(SPECS.freezes, m.row));
    return { items: page, total: matching.length, limit: query.limit, offset: query.offset };
  }
}

/**
 * Every freeze window in force now, as it stands (they are few: the gate, the occurrences and the
 * freeze metrics read them all). Ended or deleted windows are kept for history, not in force.
 */
export async function loadFreezeWindows(db: Kysely<Database>): Promise<FreezeWindowSpec[]> {
  const rows = await db.selectFrom('freezes').selectAll().where('ended_at', 'is', null).execute();
  return (rows as unknown as Row[]).map(freezeWindow);
}

/**
 * A freeze row on its way to the store: when it was first announced (`announcedAt`, an admin may
 * give it on the first write, e.g. importing history; never moved after), its version and that
 * it is in force again (a write of an ended window reopens it, as a new version). Returns the
 * issue when the write would move announcedAt.
 */
export function prepareFreezeRow(row: Row, input: ApiRecord, before: Row | undefined, now: number): Issue | null {
  const explicit = typeof input.announcedAt === 'string' ? toMs(input.announcedAt) : undefined;
  row.ended_at = null;
  if (!before) {
    row.announced_at = explicit ?? now;
    row.version = 1;
    return null;
  }
  row.announced_at = Number(before.announced_at);
  row.version = Number(before.version);
  if (explicit !== undefined && explicit !== row.announced_at) {
    return {
      path: 'announcedAt',
      message: `is when the window was first announced (${toIso(row.announced_at)}) and cannot be moved`,
    };
  }
  return null;
}

/** From when a written version of a freeze is in force: its announcement for the first, else the write (never before the announcement). */
export function versionEffectiveAt(row: Row, created: boolean, now: number): number {
  const announced = Number(row.announced_at);
  return created ? announced : Math.max(now, announced);
}

/** The columns of a change the freeze rule reads, and its stored verdict. */
export const CHANGE_MOMENT_COLUMNS = [
  'id',
  'started_at',
  'service',
  'team',
  'business_line',
  'exemption',
  'violated_freezes',
];

/** The ids of the windows a stored change violated. */
export const storedViolations = (row: Row): string[] =>
  row.violated_freezes ? (JSON.parse(row.violated_freezes as string) as string[]) : [];

export const changeMoment = (row: Row): ChangeMoment => ({
  startedAt: row.started_at as number,
  service: row.service as string | null,
  team: row.team as string | null,
  businessLine: row.business_line as string | null,
  exemption: row.exemption as string | null,
});

export type Target = { service?: string; team?: string; businessLine?: string }[];

/** The owner filters as sets of targets: each filter given must overlap the freeze's scope. */
function targetsOf(filter: OwnerFilter, org: OrgIndex): Target[] {
  const result: Target[] = [];
  const add = (list: string[] | undefined, make: (v: string) => Target[number]) => {
    if (list && list.length > 0) result.push(list.map(make));
  };
  add(filter.businessLine, (businessLine) => ({ businessLine }));
  add(filter.team, (team) => ({ team, businessLine: org.teams.get(team)?.businessLine }));
  add(filter.service, (service) => {
    const owner = org.ownerOf({ service });
    return { service, team: owner.team ?? undefined, businessLine: owner.businessLine ?? undefined };
  });
  return result;
}

/** Whether a freeze scope and a filter target can meet: no level on which both differ. */
export function overlaps(scope: FreezeWindowSpec['scope'], targets: Target, org: OrgIndex): boolean {
  const owner = scope.service
    ? org.ownerOf({ service: scope.service })
    : { team: scope.team ?? null, businessLine: null };
  const resolved = {
    service: scope.service,
    team: scope.team ?? owner.team ?? undefined,
    businessLine: scope.businessLine ?? (owner.team ? org.teams.get(owner.team)?.businessLine : undefined) ?? undefined,
  };
  return targets.some((t) =>
    (['service', 'team', 'businessLine'] as const).every((k) => !resolved[k] || !t[k] || resolved[k] === t[k])
  );
}
