/**
 * The org as the running exporter sees it: read from the store (so several processes agree),
 * cached per revision, replaced as a whole. Replacing it re-resolves every record's team and
 * business line, and refuses to orphan records.
 */
import type { FieldChange } from '@ballast/contract';
import { SYSTEM, type Actor } from '../domain/actor.js';
import { checkOrgReferences, OrgIndex, orgSchema, UNASSIGNED_TEAM, type Org } from '../domain/org.js';
import { integrated } from './change-control.js';
import type { Store } from '../store/store.js';
import { AuditService, fieldChanges } from './audit.js';
import { ConflictError, ValidationError, zodIssues } from './errors.js';

/** A replace based on a revision that is no longer the stored one (409). */
export class StaleRevisionError extends ConflictError {}

const OWNED_TABLES = ['incidents', 'alerts', 'findings', 'changes', 'drills'] as const;

export class OrgService {
  private cached: { revision: number; index: OrgIndex } | null = null;

  constructor(private readonly store: Store) {}

  /** Parses and checks an org document; throws ValidationError naming each bad entry. */
  static parse(document: unknown): Org {
    const parsed = orgSchema.safeParse(document ?? {});
    if (!parsed.success) throw new ValidationError(zodIssues(parsed.error));
    const issues = checkOrgReferences(parsed.data);
    if (issues.length > 0) throw new ValidationError(issues);
    return parsed.data;
  }

  async current(): Promise<{ org: Org; revision: number; index: OrgIndex }> {
    const row = await this.store.db
      .selectFrom('org')
      .select(['document', 'revision'])
      .where('id', '=', 1)
      .executeTakeFirst();
    const revision = row?.revision ?? 0;
    if (!this.cached || this.cached.revision !== revision) {
      const org = row ? orgSchema.parse(JSON.parse(row.document)) : orgSchema.parse({});
      this.cached = { revision, index: new OrgIndex(org) };
    }
    return { org: this.cached.index.org, revision, index: this.cached.index };
  }

  async index(): Promise<OrgIndex> {
    return (await this.current()).index;
  }

  /**
   * Replaces the org; returns the new revision. With `expectedRevision` (the revision the caller
   * read) it is a compare-and-set: if another writer replaced the org since, nothing changes and
   * a ConflictError names the stored revision. Each replace gets a revision of its own, so every
   * process's cache (keyed by revision) notices it.
   */
  async replace(document: unknown, expectedRevision?: number, actor: Actor = SYSTEM): Promise<number> {
    const org = OrgService.parse(document);
    const index = new OrgIndex(org);
    return this.store.write(async (trx) => {
      // The row exists from here on, so concurrent replaces all read and lock this one row.
      await trx
        .insertInto('org')
        .values({ id: 1, document: JSON.stringify(orgSchema.parse({})), revision: 0, updated_at: Date.now() })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const read = trx.selectFrom('org').select(['revision', 'document']).where('id', '=', 1);
      const { revision: stored, document: before } = await (
        this.store.locksRows ? read.forUpdate() : read
      ).executeTakeFirstOrThrow();
      if (expectedRevision !== undefined && expectedRevision !== stored) {
        throw new StaleRevisionError(
          `the org was replaced meanwhile: it is at revision ${stored}, not ${expectedRevision}; read it again and re-apply the change`,
          [{ path: 'revision', message: `is ${stored}, not ${expectedRevision}` }]
        );
      }
      await this.refuseOrphans(trx, index);
      const revision = stored + 1;
      await trx
        .updateTable('org')
        .set({ document: JSON.stringify(org), revision, updated_at: Date.now() })
        .where('id', '=', 1)
        .execute();
      await this.reresolve(trx, index);
      const changes = orgChanges(JSON.parse(before) as Record<string, unknown>, org as Record<string, unknown>);
      if (changes.length > 0)
        await new AuditService(this.store).append(trx, actor, [
          { collection: 'org', id: 'org', action: 'replaced', changes },
        ]);
      return revision;
    });
  }

  private async refuseOrphans(trx: Parameters<Parameters<Store['write']>[0]>[0], index: OrgIndex) {
    const issues = [];
    for (const table of OWNED_TABLES) {
      const services = await trx
        .selectFrom(table)
        .select('service')
        .distinct()
        .where('service', 'is not', null)
        .execute();
      for (const { service } of services) {
        if (service && !index.services.has(service))
          issues.push({
            path: table,
            message: `records name service "${service}": keep it with retired: true or mergedInto (another service) instead`,
          });
      }
      const teams = await trx.selectFrom(table).select('team').distinct().where('service', 'is', null).execute();
      for (const { team } of teams) {
        if (team && team !== UNASSIGNED_TEAM && !index.teams.has(team))
          issues.push({
            path: table,
            message: `records name team "${team}": keep it with retired: true or mergedInto (another team) instead`,
          });
      }
    }
    if (issues.length > 0) {
      throw new ConflictError(
        'the new org removes services or teams that stored records still name; retire or merge them instead (kept for history, refused for new records)',
        issues
      );
    }
  }

  /** Services may have moved teams, teams business lines, systems may be integrated now. */
  private async reresolve(trx: Parameters<Parameters<Store['write']>[0]>[0], index: OrgIndex) {
    for (const table of OWNED_TABLES) {
      for (const service of index.org.services) {
        const owner = index.ownerOf({ service: service.id });
        await trx
          .updateTable(table)
          .set({ team: owner.team, business_line: owner.businessLine })
          .where('service', '=', service.id)
          .execute();
      }
      for (const team of index.org.teams) {
        await trx
          .updateTable(table)
          .set({ business_line: team.businessLine })
          .where('service', 'is', null)
          .where('team', '=', team.id)
          .execute();
      }
    }
    // The system is the evidence only of changes that cite no gate check, were not marked false
    // and violated no freeze (service/change-control.ts); a sender's true is only a claim.
    for (const system of index.org.changeSystems) {
      const controlled = integrated(system.id, index) ? 1 : 0;
      await trx
        .updateTable('changes')
        .set({ controlled })
        .where('system', '=', system.id)
        .where((eb) => eb.or([eb('controlled_given', 'is', null), eb('controlled_given', '=', 1)]))
        .where('gate_check', 'is', null)
        .where('freeze_violation', '=', 0)
        .execute();
    }
    // Actions follow their incident.
    await trx
      .updateTable('actions')
      .set((eb) => ({
        team: eb.selectFrom('incidents').select('incidents.team').whereRef('incidents.id', '=', 'actions.incident'),
        business_line: eb
          .selectFrom('incidents')
          .select('incidents.business_line')
          .whereRef('incidents.id', '=', 'actions.incident'),
      }))
      .execute();
  }
}

/**
 * What an org replace changed, per top-level key. Lists of entities with ids (teams, services…) are
 * summarized as the ids added, removed and changed, so a 6,000-service org does not copy itself into
 * the audit log on every edit; everything else (goals, policy, red lines) is kept whole.
 */
export function orgChanges(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const change of fieldChanges(before, after)) {
    const { from, to } = change;
    const listOfIds = (v: unknown) =>
      Array.isArray(v) && v.every((e) => typeof (e as { id?: unknown } | null)?.id === 'string');
    if (!listOfIds(from ?? []) || !listOfIds(to ?? []) || (from === null && to === null)) {
      changes.push(change);
      continue;
    }
    const byId = (v: unknown) => new Map(((v ?? []) as { id: string }[]).map((e) => [e.id, JSON.stringify(e)]));
    const was = byId(from);
    const now = byId(to);
    changes.push({
      field: change.field,
      from: null,
      to: {
        added: [...now.keys()].filter((id) => !was.has(id)),
        removed: [...was.keys()].filter((id) => !now.has(id)),
        changed: [...now.keys()].filter((id) => was.has(id) && was.get(id) !== now.get(id)),
      },
    });
  }
  return changes;
}
