/**
 * Whether a change counts as controlled, decided on evidence when it is written, and the freeze
 * violation stored with it (docs/metrics.md, "Controlled changes" and "Freeze windows"):
 *
 * - evidence is an integrated change system, or a cited gate check that exists, answered allowed,
 *   was asked for the change's service (or for its team), no longer than
 *   `changeControl.gateCheckMaxAgeMinutes` before the change started and at most CLOCK_SKEW_MS after;
 * - a cited check that refused, is stale or was for another target is kept, and the change is
 *   uncontrolled with that reason; an unknown one is refused (API) or kept as such (receivers);
 * - `controlled: false` from the sender is honoured, `controlled: true` is only a claim;
 * - a change that started inside a freeze window (a version announced at or before its start)
 *   without an exemption is a violation, and never controlled.
 *
 * What a batch is judged by (its cited gate checks, every window's versions) is read once per
 * batch, never per change.
 */
import type { FieldChange } from '@ballast/contract';
import { sql } from 'kysely';
import { actorName, isAdmin, type Actor } from '../domain/actor.js';
import { violatedFreezeHistories, type ChangeMoment, type FreezeHistory } from '../domain/freezes.js';
import { changeControlOf, type Issue, type OrgIndex } from '../domain/org.js';
import { toIso, toMs } from '../domain/time.js';
import type { ApiRecord, Row } from '../store/collections.js';
import type { GateCheckRow } from '../store/schema.js';
import type { Executor, Store } from '../store/store.js';
import { AuditService, type AuditWrite } from './audit.js';
import { loadFreezeHistories } from './freeze-versions.js';

/** How long after a change's start its gate check may have been asked (clocks of CI runners drift). */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** The columns a change's control verdict sets (besides exemption_by/at). */
export interface ControlColumns extends Row {
  controlled: number;
  gate_ok: number | null;
  gate_note: string | null;
  freeze_violation: number;
  violated_freezes: string | null;
}

/** What a batch of changes is judged by. */
export interface ControlEvidence {
  checks: Map<string, GateCheckRow>;
  histories: FreezeHistory[];
  /** changeControl.gateCheckMaxAgeMinutes of the org the batch is written under. */
  maxAgeMinutes: number;
}

/**
 * Judging changes and re-judging them after a window write must not interleave (PostgreSQL runs
 * them concurrently, reading committed rows): a change batch holds this lock shared from before
 * it reads the windows until it commits, a window write exclusively before it re-judges. So
 * either the window write sees the batch's changes, or the batch sees the new versions. SQLite
 * runs one write transaction at a time (a stale snapshot is retried by Store.write).
 */
const JUDGING_LOCK = 0x62616c6d;

export async function lockJudging(store: Store, ex: Executor, mode: 'shared' | 'exclusive'): Promise<void> {
  if (store.kind !== 'postgres') return;
  if (mode === 'shared') await sql`select pg_advisory_xact_lock_shared(${JUDGING_LOCK})`.execute(ex);
  else await sql`select pg_advisory_xact_lock(${JUDGING_LOCK})`.execute(ex);
}

/** Reads the gate checks a batch cites and every freeze window's versions: two queries per batch. */
export async function loadEvidence(
  store: Store,
  ex: Executor,
  inputs: readonly ApiRecord[],
  org: OrgIndex
): Promise<ControlEvidence> {
  await lockJudging(store, ex, 'shared');
  const ids = [...new Set(inputs.flatMap((i) => (typeof i.gateCheck === 'string' ? [i.gateCheck] : [])))];
  const rows = ids.length > 0 ? await store.rowsById(ex, 'gate_checks', ids) : [];
  return {
    checks: new Map(rows.map((r) => [r.id as string, r as unknown as GateCheckRow])),
    histories: await loadFreezeHistories(ex),
    maxAgeMinutes: changeControlOf(org.org).gateCheckMaxAgeMinutes,
  };
}

/** A cited gate check that this store never answered: refused on the API (`strict`), kept by receivers. */
export function unknownGateChecks(evidence: ControlEvidence, inputs: readonly ApiRecord[]): number[] {
  return inputs.flatMap((input, i) =>
    typeof input.gateCheck === 'string' && !evidence.checks.has(input.gateCheck) ? [i] : []
  );
}

/** The verdict on one change. `owner` is its resolved team (from its service or its team). */
export function judgeChange(
  input: ApiRecord,
  owner: { team: string | null; businessLine: string | null },
  evidence: ControlEvidence,
  org: OrgIndex,
  violated: string[]
): ControlColumns {
  const gate = typeof input.gateCheck === 'string' ? gateVerdict(input, owner, evidence) : null;
  const violation = violated.length > 0;
  const given = typeof input.controlled === 'boolean' ? input.controlled : undefined;
  const evidenced = gate ? gate.ok : integrated(input.system as string, org);
  return {
    controlled: given !== false && !violation && evidenced ? 1 : 0,
    gate_ok: gate ? (gate.ok ? 1 : 0) : null,
    gate_note: gate?.note ?? null,
    freeze_violation: violation ? 1 : 0,
    violated_freezes: violation ? JSON.stringify(violated) : null,
  };
}

/** The freezes each change violated (ids), judged on the windows' versions in `evidence`. */
export function violations(evidence: ControlEvidence, moments: readonly ChangeMoment[]): string[][] {
  return violatedFreezeHistories(evidence.histories, moments);
}

export function integrated(system: string, org: OrgIndex): boolean {
  return org.changeSystems.get(system)?.integrated ?? false;
}

function gateVerdict(
  input: ApiRecord,
  owner: { team: string | null },
  evidence: ControlEvidence
): { ok: boolean; note: string } {
  const id = input.gateCheck as string;
  const check = evidence.checks.get(id);
  if (!check) return { ok: false, note: `gate check "${id}" is unknown to this exporter` };
  const asked = `gate check "${id}" (asked ${toIso(Number(check.at))})`;
  if (Number(check.allowed) !== 1) {
    const names = (JSON.parse(check.freezes) as { name: string }[]).map((f) => `"${f.name}"`).join(', ');
    return { ok: false, note: `${asked} refused the change${names ? `: frozen by ${names}` : ''}` };
  }
  const service = (input.service as string | undefined) ?? null;
  const covers = check.service !== null ? check.service === service : check.team === owner.team;
  if (!covers) {
    const target = check.service !== null ? `service "${check.service}"` : `team "${check.team}"`;
    return {
      ok: false,
      note: `${asked} was asked for ${target}, not for this change's ${service ? `service "${service}"` : `team "${owner.team}"`}`,
    };
  }
  const startedAt = toMs(input.startedAt as string);
  const { maxAgeMinutes } = evidence;
  const at = Number(check.at);
  if (at > startedAt + CLOCK_SKEW_MS)
    return { ok: false, note: `${asked} was asked ${minutes(at - startedAt)} after the change started` };
  if (at < startedAt - maxAgeMinutes * 60_000)
    return {
      ok: false,
      note: `${asked} is stale: asked ${minutes(startedAt - at)} before the change started (at most ${maxAgeMinutes} min)`,
    };
  return { ok: true, note: `${asked} allowed it` };
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

/**
 * Who may set, change or remove a change's exemption: an admin token, or through Grafana a
 * Grafana Admin, or an Editor when `changeControl.grafanaEditorsGrantExemptions` is on (the role
 * the app's route required, X-Ballast-Grafana-Role). A Grafana token is judged by the Grafana role,
 * never by its own: every Grafana user shares it.
 */
export function mayGrantExemption(actor: Actor, org: OrgIndex): boolean {
  if (actor.grafana) {
    if (actor.grafanaRole === 'Admin') return true;
    return actor.grafanaRole === 'Editor' && changeControlOf(org.org).grafanaEditorsGrantExemptions;
  }
  return isAdmin(actor);
}

/**
 * Who may give a freeze window's announcedAt (when it was first announced, e.g. importing history):
 * an admin token, or through Grafana a Grafana Admin; never an Editor, whose app route writes
 * windows with the admin token.
 */
export function mayBackdate(actor: Actor): boolean {
  return actor.grafana ? actor.grafanaRole === 'Admin' : isAdmin(actor);
}

/**
 * Sets exemption_by/exemption_at on a change row: the write that sets or changes the exemption
 * records its actor and time, every other write carries the stored ones over. Returns the issue
 * when the actor may not make that change. `receiver`: exemptions in a tool's payload are
 * ignored (the stored one is kept), as receivers never grant them.
 */
export function exemptionAuthor(
  row: Row,
  input: ApiRecord,
  before: Row | undefined,
  ctx: { actor: Actor; org: OrgIndex; now: number; receiver: boolean }
): Issue | null {
  const stored = (before?.exemption as string | null | undefined) ?? null;
  if (ctx.receiver) {
    row.exemption = stored;
    input.exemption = stored ?? undefined;
  }
  const next = (row.exemption as string | null) ?? null;
  if (next === stored) {
    row.exemption_by = before?.exemption_by ?? null;
    row.exemption_at = before?.exemption_at ?? null;
    return null;
  }
  if (!mayGrantExemption(ctx.actor, ctx.org)) {
    return {
      path: 'exemption',
      message:
        'only an admin (or, through Grafana, an Admin, or an Editor when changeControl.grafanaEditorsGrantExemptions is on) may grant or change an exemption',
    };
  }
  row.exemption_by = next === null ? null : actorName(ctx.actor);
  row.exemption_at = next === null ? null : ctx.now;
  return null;
}

/** Who wrote the windows a rejudging follows, so each change it moves has that in its history. */
export interface Rejudging {
  actor: Actor;
  at: number;
  /** The windows written, by id. */
  freezes: string[];
}

/**
 * After a window write: every change started at or after `from` (the earliest moment the written
 * versions can affect) judged again on the windows' versions, its stored violation and
 * controlled flag updated where they moved, each move in the change's history under the actor
 * who wrote the windows. Changes started before `from` are left as they are: no later edit of a
 * window can move a past violation.
 */
export async function rejudgeFrom(
  store: Store,
  trx: Executor,
  from: number,
  org: OrgIndex,
  by: Rejudging
): Promise<void> {
  await lockJudging(store, trx, 'exclusive');
  const histories = await loadFreezeHistories(trx);
  const evidence: ControlEvidence = { checks: new Map(), histories, maxAgeMinutes: 0 };
  const audit = new AuditService(store);
  let last: { at: number; id: string } | undefined;
  for (;;) {
    let query = trx
      .selectFrom('changes')
      .select([
        'id',
        'started_at',
        'service',
        'team',
        'business_line',
        'exemption',
        'system',
        'controlled',
        'controlled_given',
        'gate_check',
        'gate_ok',
        'freeze_violation',
        'violated_freezes',
      ])
      .where('started_at', '>=', from)
      .orderBy('started_at')
      .orderBy('id')
      .limit(5000);
    if (last) {
      const after = last;
      query = query.where((eb) =>
        eb.or([eb('started_at', '>', after.at), eb.and([eb('started_at', '=', after.at), eb('id', '>', after.id)])])
      );
    }
    const rows = await query.execute();
    if (rows.length === 0) return;
    const violated = violations(
      evidence,
      rows.map((r) => ({
        startedAt: Number(r.started_at),
        service: r.service,
        team: r.team,
        businessLine: r.business_line,
        exemption: r.exemption,
      }))
    );
    const moves: AuditWrite[] = [];
    for (const [i, row] of rows.entries()) {
      const ids = violated[i]!;
      const violatedFreezes = ids.length > 0 ? JSON.stringify(ids) : null;
      if (violatedFreezes === (row.violated_freezes ?? null)) continue;
      const evidenced = row.gate_check !== null ? row.gate_ok === 1 : integrated(row.system, org);
      const controlled = row.controlled_given !== 0 && ids.length === 0 && evidenced ? 1 : 0;
      await trx
        .updateTable('changes')
        .set({ freeze_violation: ids.length > 0 ? 1 : 0, violated_freezes: violatedFreezes, controlled })
        .where('id', '=', row.id)
        .execute();
      moves.push(verdictMove(row, ids, controlled, by));
    }
    await audit.append(trx, by.actor, moves, by.at);
    const tail = rows[rows.length - 1]!;
    last = { at: Number(tail.started_at), id: tail.id };
  }
}

/** A change's history entry for a verdict a window write moved (fields as the API shows them). */
function verdictMove(
  row: { id: string; controlled: number | null; violated_freezes: string | null },
  violated: string[],
  controlled: number,
  by: Rejudging
): AuditWrite {
  const before = row.violated_freezes ? (JSON.parse(row.violated_freezes) as string[]) : [];
  const changes: FieldChange[] = [{ field: 'violatedFreezes', from: before, to: violated }];
  if ((row.controlled === 1) !== (controlled === 1))
    changes.push({ field: 'controlled', from: row.controlled === 1, to: controlled === 1 });
  const windows = by.freezes.map((id) => `"${id}"`);
  return {
    collection: 'changes',
    id: row.id,
    action: 'updated',
    changes,
    reason: `judged again after freeze window${windows.length === 1 ? '' : 's'} ${windows.join(', ')} changed`,
  };
}
