/**
 * The change-freeze gate: "may this service (or team) change now?". Every answer gets a checkId and
 * is kept (table gate_checks), so a change record citing it (`gateCheck`) can be traced back; such a
 * change counts as controlled. A citation is not verified on write: history imports and changes
 * checked by another Ballast instance cite ids this store never saw (see docs/ingestion.md).
 */
import { randomUUID } from 'node:crypto';
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
  async check(target: GateTarget, at = Date.now()): Promise<GateAnswer> {
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
      freezes: JSON.parse(row.freezes),
    };
  }
}
