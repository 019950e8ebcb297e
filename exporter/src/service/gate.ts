/**
 * The change-freeze gate: "may this service (or team) change now?". Every answer gets a checkId and
 * is kept (table gate_checks), so a change record citing it (`gateCheck`) is judged on it when
 * written (change-control.ts): it counts as controlled only when this answer exists, allowed the
 * change, was asked for its service or team and not too long before it started. Only windows in
 * force answer: an ended or deleted window is kept for history, never for the gate.
 */
import { randomUUID } from 'node:crypto';
import { actorName, SYSTEM, type Actor } from '../domain/actor.js';
import { openOccurrence, type OpenWindow } from '../domain/freezes.js';
import type { Issue } from '../domain/org.js';
import { toIso } from '../domain/time.js';
import type { Store } from '../store/store.js';
import { NotFoundError, ValidationError } from './errors.js';
import type { OrgService } from './org.js';
import { loadFreezeWindows, overlaps } from './freezes.js';

export interface GateTarget {
  service?: string;
  team?: string;
}

export interface GateAnswer {
  allowed: boolean;
  checkId: string;
  at: string;
  service?: string;
  team?: string;
  /** Who asked (the actor's name); shown by GET /gate/checks/{id}. */
  askedBy?: string;
  freezes: { id: string; name: string; reason: string; startsAt: string; endsAt: string }[];
}

export class GateService {
  constructor(
    private readonly store: Store,
    private readonly orgs: OrgService
  ) {}

  /**
   * Open freeze windows whose scope meets the target. Asked for a team, a freeze on one of its
   * services also refuses (a team-wide change may touch that service).
   */
  async check(target: GateTarget, at = Date.now(), actor: Actor = SYSTEM): Promise<GateAnswer> {
    const org = await this.orgs.index();
    const issues: Issue[] = [];
    if ((target.service === undefined) === (target.team === undefined)) {
      issues.push({ path: 'service', message: 'give either service or team' });
    } else if (target.service !== undefined && !org.services.has(target.service)) {
      issues.push({ path: 'service', message: `unknown service "${target.service}"` });
    } else if (target.team !== undefined && !org.teams.has(target.team)) {
      issues.push({ path: 'team', message: `unknown team "${target.team}"` });
    }
    if (issues.length > 0) throw new ValidationError(issues);

    const owner = target.service ? org.ownerOf({ service: target.service }) : org.ownerOf({ team: target.team });
    const resolved = {
      service: target.service,
      team: owner.team ?? undefined,
      businessLine: owner.businessLine ?? undefined,
    };
    const open: OpenWindow[] = (await loadFreezeWindows(this.store.db))
      .filter((w) => overlaps(w.scope, [resolved], org))
      .map((w) => openOccurrence(w, at))
      .filter((w): w is OpenWindow => w !== null)
      .sort((a, b) => a.endsAt - b.endsAt || a.id.localeCompare(b.id));
    const answer: GateAnswer = {
      allowed: open.length === 0,
      checkId: `gc-${randomUUID()}`,
      at: toIso(at),
      ...target,
      askedBy: actorName(actor),
      freezes: open.map((w) => ({
        id: w.id,
        name: w.name,
        reason: w.reason,
        startsAt: toIso(w.startsAt),
        endsAt: toIso(w.endsAt),
      })),
    };
    // Not a records write: it leaves the data revision (and so the KPIs) alone.
    await this.store.db
      .insertInto('gate_checks')
      .values({
        id: answer.checkId,
        service: target.service ?? null,
        team: target.team ?? null,
        allowed: answer.allowed ? 1 : 0,
        freezes: JSON.stringify(answer.freezes),
        at,
        asked_by: actorName(actor),
      })
      .execute();
    return answer;
  }

  async get(checkId: string): Promise<GateAnswer> {
    const row = await this.store.db.selectFrom('gate_checks').selectAll().where('id', '=', checkId).executeTakeFirst();
    if (!row) throw new NotFoundError(`gate check "${checkId}" not found`);
    return {
      allowed: row.allowed === 1,
      checkId: row.id,
      at: toIso(row.at),
      ...(row.service !== null ? { service: row.service } : {}),
      ...(row.team !== null ? { team: row.team } : {}),
      ...(row.asked_by !== null ? { askedBy: row.asked_by } : {}),
      freezes: JSON.parse(row.freezes),
    };
  }

  /**
   * Keeps answers given elsewhere, as given (the demo's history; never reachable over the API, as
   * evidence must be this gate's own): an id already kept is left as it is.
   */
  async keepAnswers(
    answers: {
      id: string;
      service?: string;
      team?: string;
      at: number;
      allowed: boolean;
      freezes: GateAnswer['freezes'];
    }[],
    actor: Actor = SYSTEM
  ): Promise<void> {
    for (let i = 0; i < answers.length; i += 1000) {
      const rows = answers.slice(i, i + 1000).map((a) => ({
        id: a.id,
        service: a.service ?? null,
        team: a.team ?? null,
        allowed: a.allowed ? 1 : 0,
        freezes: JSON.stringify(a.freezes),
        at: a.at,
        asked_by: actorName(actor),
      }));
      if (rows.length > 0)
        await this.store.db
          .insertInto('gate_checks')
          .values(rows)
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
    }
  }
}
