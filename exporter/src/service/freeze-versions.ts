/**
 * Freeze windows as stored: a row as a window, every window's kept versions (what changes are
 * judged by, service/change-control.ts) and appending versions. Shared by the freeze service and
 * the change-control rules, which both read windows this way.
 */
import { inEffectOrder, type FreezeHistory, type FreezeWindowSpec } from '../domain/freezes.js';
import type { Row } from '../store/collections.js';
import type { Executor } from '../store/store.js';

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

/** Every window's versions, in effect order: what changes are judged by (change-control.ts). */
export async function loadFreezeHistories(ex: Executor): Promise<FreezeHistory[]> {
  const rows = (await ex.selectFrom('freeze_versions').selectAll().execute()) as unknown as Row[];
  const byId = new Map<string, FreezeHistory>();
  for (const row of rows) {
    const id = row.freeze_id as string;
    let history = byId.get(id);
    if (!history) byId.set(id, (history = { id, versions: [] }));
    history.versions.push({
      version: Number(row.version),
      effectiveAt: Number(row.effective_at),
      ended: Number(row.ended) === 1,
      spec: freezeWindow({ ...row, id }),
    });
  }
  for (const history of byId.values()) history.versions = inEffectOrder(history.versions);
  return [...byId.values()];
}

/** Appends one version per written freeze row (its columns as written), in force from `effective[i]`. */
export async function insertVersions(
  trx: Executor,
  rows: Row[],
  effective: number[],
  now: number,
  ended = false
): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto('freeze_versions')
    .values(
      rows.map((row, i) => ({
        freeze_id: row.id as string,
        version: Number(row.version),
        effective_at: effective[i]!,
        written_at: now,
        ended: ended ? 1 : 0,
        name: row.name as string,
        reason: row.reason as string,
        scope_business_line: (row.scope_business_line as string | null) ?? null,
        scope_team: (row.scope_team as string | null) ?? null,
        scope_service: (row.scope_service as string | null) ?? null,
        starts_at: (row.starts_at as number | null) ?? null,
        ends_at: (row.ends_at as number | null) ?? null,
        cron: (row.cron as string | null) ?? null,
        duration_minutes: (row.duration_minutes as number | null) ?? null,
        timezone: (row.timezone as string | null) ?? null,
      }))
    )
    .execute();
}
