/**
 * Freeze windows: loading them from the store, expanding recurring ones into occurrences, whether a
 * freeze's scope meets a filter, and the `/freezes` list. Freezes are few and recurring ones have
 * no single start, so they are read whole and judged in memory; the gate, the KPIs, the change
 * lists and the aggregates all take their windows from here.
 */
import type { Kysely } from 'kysely';
import { occurrencesBetween, violatedFreezes, type ChangeMoment, type FreezeWindowSpec } from '../domain/freezes.js';
import type { Issue, OrgIndex } from '../domain/org.js';
import { toIso } from '../domain/time.js';
import { fromRow, SPECS, type ApiRecord, type Row } from '../store/collections.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { ValidationError } from './errors.js';
import type { OrgService } from './org.js';
import type { OwnerFilter, Page, TimeRange } from './record-query.js';

/** Most occurrences one /freeze-occurrences answer holds (`truncated` says when there were more). */
export const MAX_OCCURRENCES = 5000;

export interface FreezeListQuery extends OwnerFilter, TimeRange, Page {
  /** Only freezes open now. */
  active?: boolean;
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

  /** Every freeze window in the store. */
  windows(db: Kysely<Database> = this.store.db): Promise<FreezeWindowSpec[]> {
    return loadFreezeWindows(db);
  }

  /** The freezes each change row started inside (ids), in row order; rows need CHANGE_MOMENT_COLUMNS. */
  async violatedBy(rows: Row[]): Promise<string[][]> {
    if (rows.length === 0) return [];
    return violatedFreezes(await this.windows(), rows.map(changeMoment));
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
    const windows = (await this.windows()).filter((w) => targets.every((t) => overlaps(w.scope, t, org)));
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

  /** `GET /freezes`: freezes meeting the owner filters, open now (`active`) or within [from, to), newest start first. */
  async list(query: FreezeListQuery): Promise<{ items: ApiRecord[]; total: number; limit: number; offset: number }> {
    const org = await this.orgs.index();
    const rows = (await this.store.db.selectFrom('freezes').selectAll().execute()) as unknown as Row[];
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
        ? {
            cron: row.cron as string,
            durationMinutes: row.duration_minutes as number,
            timezone: row.timezone as string,
          }
        : undefined,
  };
}

/** The columns of a change the freeze rule reads. */
export const CHANGE_MOMENT_COLUMNS = ['id', 'started_at', 'service', 'team', 'business_line', 'exemption'];

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
