/**
 * Committee reviews: a week's, month's or quarter's KPIs of the org, a business line, a team or a
 * service, against goals and the period before; what moved past the org's threshold; the scope's
 * top incidents and overdue actions. A draft is computed live; a saved review keeps its numbers as
 * they were (table reviews), so what the committee decided on never shifts when late data arrives.
 * Saving the review itself is not a records write; its decisions are: each becomes an improvement
 * action (owner, due date) through the record service, so it counts toward action completion.
 */
import { randomUUID } from 'node:crypto';
import { REVIEW_PERIODS, type ReviewDecision, type ReviewPeriod, type ReviewScope } from '@ballast/contract';
import { sql } from 'kysely';
import { z } from 'zod';
import { actorName, ANONYMOUS, SYSTEM, type Actor } from '../domain/actor.js';
import type { OrgIndex } from '../domain/org.js';
import { recordId, timestamp } from '../domain/records.js';
import { bestDrillTeams, DEFAULT_CHANGE_THRESHOLD, reviewRanges, whatChanged } from '../domain/reviews.js';
import { enabledRules } from '../domain/red-lines-config.js';
import { cleanTeams, RED_LINE_RULES } from '../domain/red-lines.js';
import { toIso } from '../domain/time.js';
import type { Store } from '../store/store.js';
import { AuditService } from './audit.js';
import { NotFoundError, ValidationError, zodIssues } from './errors.js';
import type { KpiService } from './kpis.js';
import type { OrgService } from './org.js';
import type { RecordService } from './records.js';
import { present as presentViolation, RedLineService, type RedLineFilter } from './red-lines.js';

/** How many of the period's high-priority incidents of the scope a review lists (longest first). */
export const TOP_INCIDENTS = 10;
/** How many overdue actions a review lists (longest overdue first); the total is given beside. */
export const OVERDUE_ACTIONS = 50;
/** At most this many decisions and attendees per review. */
export const MAX_DECISIONS = 100;
export const MAX_ATTENDEES = 200;
/** How many of the period's red-line violations a review lists (latest first); the total is given beside. */
export const REVIEW_RED_LINES = 50;

/** The query parameters that narrow a review to one scope (at most one of them). */
export const SCOPE_PARAMS = ['business_line', 'team', 'service'] as const;
type ScopeParam = (typeof SCOPE_PARAMS)[number];

const draftFields = {
  period: z.enum(REVIEW_PERIODS, { message: `must be one of ${REVIEW_PERIODS.join(', ')}` }),
  at: timestamp.optional().describe('A moment inside the period (default now).'),
  business_line: recordId.optional().describe('Review this business line (and its teams).'),
  team: recordId.optional().describe('Review this team.'),
  service: recordId.optional().describe("Review this service: only its records count, in its team's KPIs."),
};

/** A review has one scope: naming two is an error on the second (and any further) one. */
function oneScope(value: Partial<Record<ScopeParam, string>>, ctx: z.RefinementCtx) {
  const given = SCOPE_PARAMS.filter((p) => value[p] !== undefined);
  for (const extra of given.slice(1)) {
    ctx.addIssue({ code: 'custom', path: [extra], message: `one scope at a time: ${given[0]} is given already` });
  }
}

export const reviewDraftSchema = z.object(draftFields).strict().superRefine(oneScope);

const decisionSchema = z
  .object({
    title: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
    owner: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    dueAt: timestamp,
    incident: recordId.describe('The incident the action improves on (it gives the action its team).'),
  })
  .strict();

const attendee = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

export const reviewSaveSchema = z
  .object({
    ...draftFields,
    id: recordId.optional().describe('Given by the caller to make retries safe; generated when omitted.'),
    title: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    notes: z.string().max(20_000, 'must be at most 20000 characters').optional(),
    attendees: z.array(attendee).max(MAX_ATTENDEES, `must be at most ${MAX_ATTENDEES} names`).optional(),
    decisions: z
      .array(decisionSchema)
      .max(MAX_DECISIONS, `must be at most ${MAX_DECISIONS} decisions`)
      .optional()
      .describe('Each is recorded as an improvement action with id `<review id>-decision-<n>`.'),
    savedBy: attendee
      .optional()
      .describe('Believed only when no tokens are configured: the review records the actor that saved it.'),
  })
  .strict()
  .superRefine(oneScope);

export type ReviewDraftInput = z.infer<typeof reviewDraftSchema>;

/** The scope named by the input, checked against the org (400 naming the field when unknown). */
function resolveScope(input: ReviewDraftInput, index: OrgIndex): ReviewScope {
  const unknown = (path: ScopeParam, what: string, id: string) =>
    new ValidationError([{ path, message: `unknown ${what} "${id}"` }]);
  if (input.business_line !== undefined) {
    const line = index.businessLines.get(input.business_line);
    if (!line) throw unknown('business_line', 'business line', input.business_line);
    return { level: 'business_line', id: line.id, name: line.name };
  }
  if (input.team !== undefined) {
    const team = index.teams.get(input.team);
    if (!team) throw unknown('team', 'team', input.team);
    return { level: 'team', id: team.id, name: team.name };
  }
  if (input.service !== undefined) {
    const service = index.services.get(input.service);
    if (!service) throw unknown('service', 'service', input.service);
    return { level: 'service', id: service.id, name: service.name };
  }
  return { level: 'org', id: 'org', name: 'Organization' };
}

export class ReviewService {
  constructor(
    private readonly store: Store,
    private readonly orgs: OrgService,
    private readonly kpis: KpiService,
    private readonly records: RecordService,
    redLines?: RedLineService
  ) {
    this.redLines = redLines ?? new RedLineService(store, orgs, { now: kpis.now });
  }

  private readonly redLines: RedLineService;

  /** The review of the period containing `at` for one scope, computed from the records as they are now. */
  async draft(input: ReviewDraftInput) {
    const now = this.kpis.now();
    const at = input.at === undefined ? now : Date.parse(input.at);
    if (at > now) throw new ValidationError([{ path: 'at', message: 'must not be in the future' }]);
    const index = await this.orgs.index();
    const scope = resolveScope(input, index);
    const { current, previous } = reviewRanges(input.period, at, now, index.org.policy.timezone);
    const [judged, topIncidents, overdue, { redLines, recognition }] = await Promise.all([
      this.kpis.compare(current, previous, scope.level === 'service' ? scope.id : undefined),
      this.topIncidents(current.from, current.to, index.org.policy.highPriorities, scope),
      this.overdueActions(current.to, scope),
      this.redLinesAndRecognition(current.from, current.to, scope, index, now),
    ]);
    const scopes = shownScopes(judged.scopes, scope, index);
    const changeThreshold = index.org.review?.changeThreshold ?? DEFAULT_CHANGE_THRESHOLD;
    return {
      period: input.period as ReviewPeriod,
      scope,
      from: toIso(current.from),
      to: toIso(current.to),
      previousFrom: toIso(previous.from),
      previousTo: toIso(previous.to),
      generatedAt: toIso(now),
      revision: judged.revision,
      kpis: judged.kpis,
      scopes,
      changeThreshold,
      changes: whatChanged(scopes, judged.kpis, changeThreshold),
      topIncidents,
      overdueActions: overdue.items,
      overdueActionsTotal: overdue.total,
      redLines,
      recognition,
    };
  }

  /**
   * Saves a draft as it is now, and records its decisions as improvement actions. Saving again
   * with the same id returns the stored review unchanged and writes nothing.
   */
  async save(body: unknown, actor: Actor = SYSTEM): Promise<{ review: SavedReview; created: boolean }> {
    const parsed = reviewSaveSchema.safeParse(body);
    if (!parsed.success) throw new ValidationError(zodIssues(parsed.error));
    const { id = `rv-${randomUUID()}`, title, notes, attendees, decisions, savedBy, ...draftInput } = parsed.data;
    const existing = await this.find(id);
    if (existing) return { review: existing, created: false };
    const draft = await this.draft(draftInput);
    const recorded = (decisions ?? []).map((d, i) => ({ actionId: `${id}-decision-${i + 1}`, ...d }));
    const review: SavedReview = {
      id,
      title,
      ...(notes !== undefined ? { notes } : {}),
      attendees: attendees ?? [],
      decisions: recorded,
      // Who saved it is the actor; a name in the body is believed only when no tokens are configured.
      ...(actor === ANONYMOUS || actor === SYSTEM
        ? savedBy !== undefined
          ? { savedBy }
          : {}
        : { savedBy: actorName(actor) }),
      savedAt: toIso(this.kpis.now()),
      ...draft,
    };
    if (recorded.length > 0) await this.recordDecisions(recorded, actor);
    const inserted = await this.store.write(async (trx) => {
      const result = await trx
        .insertInto('reviews')
        .values({
          id,
          title,
          period: review.period,
          from_at: Date.parse(review.from),
          to_at: Date.parse(review.to),
          saved_at: Date.parse(review.savedAt),
          document: JSON.stringify(review),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0)
        await new AuditService(this.store).append(trx, actor, [
          { collection: 'reviews', id, action: 'created', changes: [{ field: 'title', from: null, to: title }] },
        ]);
      return result;
    });
    // A concurrent save of the same id won the race: answer with what it stored.
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return { review: (await this.find(id))!, created: false };
    return { review, created: true };
  }

  /**
   * Each decision as an improvement action, ids derived from the review's so a retry writes the
   * same actions again (unchanged). The record service checks them (the incident must exist);
   * its issues are named by the decision's field.
   */
  private async recordDecisions(decisions: Decision[], actor: Actor) {
    try {
      await this.records.batch(
        'actions',
        {
          records: decisions.map((d) => ({
            id: d.actionId,
            incident: d.incident,
            title: d.title,
            owner: d.owner,
            dueAt: d.dueAt,
          })),
        },
        actor
      );
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      throw new ValidationError(
        e.issues.map((i) => ({ ...i, path: i.path.replace(/^records\[(\d+)\]/, 'decisions[$1]') }))
      );
    }
  }

  async list() {
    const rows = await this.store.db
      .selectFrom('reviews')
      .select(['id', 'title', 'period', 'from_at', 'to_at', 'saved_at', 'document'])
      .orderBy('saved_at', 'desc')
      .orderBy('id')
      .execute();
    return {
      items: rows.map((r) => ({
        id: r.id,
        title: r.title,
        period: r.period,
        // Reviews saved before scopes existed were of the org.
        scope: (JSON.parse(r.document) as Partial<SavedReview>).scope ?? ORG_SCOPE,
        from: toIso(r.from_at),
        to: toIso(r.to_at),
        savedAt: toIso(r.saved_at),
      })),
    };
  }

  async get(id: string): Promise<SavedReview> {
    const review = await this.find(id);
    if (!review) throw new NotFoundError(`review "${id}" not found`);
    return review;
  }

  private async find(id: string): Promise<SavedReview | undefined> {
    const row = await this.store.db.selectFrom('reviews').select('document').where('id', '=', id).executeTakeFirst();
    return row ? (JSON.parse(row.document) as SavedReview) : undefined;
  }

  /**
   * The period's red-line violations of the scope (unwaived, in force at some moment of it) and
   * what earns recognition: the scope's teams without one (only while some rule is on), and the
   * teams with the best drill scores of the period.
   */
  private async redLinesAndRecognition(from: number, to: number, scope: ReviewScope, index: OrgIndex, now: number) {
    const rules = enabledRules(index.org.redLines);
    const filter: RedLineFilter =
      scope.level === 'business_line'
        ? { businessLines: [scope.id] }
        : scope.level === 'team'
          ? { teams: [scope.id] }
          : scope.level === 'service'
            ? { service: scope.id }
            : {};
    const teams =
      scope.level === 'org'
        ? index.org.teams
        : scope.level === 'business_line'
          ? index.org.teams.filter((t) => t.businessLine === scope.id)
          : scope.level === 'team'
            ? index.org.teams.filter((t) => t.id === scope.id)
            : index.org.teams.filter((t) => t.id === index.services.get(scope.id)?.team);
    let drills = this.store.db
      .selectFrom('drills')
      .select([
        'team',
        (eb) => eb.fn.countAll<number>().as('drills'),
        (eb) => eb.fn.sum<number>('score').as('scoreSum'),
        (eb) => eb.fn.max<number>('score').as('bestScore'),
      ])
      .where('started_at', '>=', from)
      .where('started_at', '<', to)
      .groupBy('team');
    if (scope.level === 'service') drills = drills.where('service', '=', scope.id);
    else if (scope.level !== 'org')
      drills = drills.where('team', 'in', teams.length > 0 ? teams.map((t) => t.id) : ['']);
    const [breaches, drillRows] = await Promise.all([
      rules.length > 0 ? this.redLines.unwaived(index, from, to, filter, now) : [],
      drills.execute(),
    ]);
    breaches.sort(
      (a, b) =>
        b.since - a.since ||
        RED_LINE_RULES.indexOf(a.rule) - RED_LINE_RULES.indexOf(b.rule) ||
        a.record.localeCompare(b.record)
    );
    const clean = new Set(
      cleanTeams(
        breaches,
        teams.map((t) => t.id),
        from,
        to
      )
    );
    return {
      redLines: {
        rules,
        total: breaches.length,
        byRule: Object.fromEntries(rules.map((r) => [r, breaches.filter((b) => b.rule === r).length])),
        items: breaches.slice(0, REVIEW_RED_LINES).map((b) => presentViolation(b)),
      },
      recognition: {
        cleanTeams:
          rules.length > 0 ? teams.filter((t) => clean.has(t.id)).map((t) => ({ id: t.id, name: t.name })) : [],
        bestDrills: bestDrillTeams(
          drillRows.map((r) => ({
            team: r.team,
            drills: Number(r.drills),
            scoreSum: Number(r.scoreSum),
            bestScore: Number(r.bestScore),
          })),
          (id) => index.teams.get(id)?.name
        ),
      },
    };
  }

  /** The scope's high-priority production incidents started in [from, to), longest first (open ones until `to`). */
  private async topIncidents(from: number, to: number, highPriorities: readonly string[], scope: ReviewScope) {
    if (highPriorities.length === 0) return [];
    let query = this.store.db
      .selectFrom('incidents')
      .select('id')
      .where('started_at', '>=', from)
      .where('started_at', '<', to)
      .where('drill', '=', 0)
      .where('priority', 'in', [...highPriorities]);
    // Narrowed before the limit: the top ten of the scope, not the scope's share of the org's top ten.
    if (scope.level !== 'org') query = query.where(scope.level, '=', scope.id);
    const rows = await query
      .orderBy(sql`coalesce(recovered_at, ${to}) - started_at`, 'desc')
      .orderBy('id')
      .limit(TOP_INCIDENTS)
      .execute();
    return this.inOrder(
      'incidents',
      rows.map((r) => r.id)
    );
  }

  /** The scope's actions due before `to` and not completed by then, longest overdue first. */
  private async overdueActions(to: number, scope: ReviewScope) {
    let base = this.store.db
      .selectFrom('actions')
      .where('due_at', '<', to)
      .where((eb) => eb.or([eb('completed_at', 'is', null), eb('completed_at', '>', to)]));
    if (scope.level === 'business_line' || scope.level === 'team') base = base.where(scope.level, '=', scope.id);
    if (scope.level === 'service') {
      // An action belongs to a service through its incident.
      base = base.where('incident', 'in', (eb) =>
        eb.selectFrom('incidents').select('incidents.id').where('incidents.service', '=', scope.id)
      );
    }
    const [rows, count] = await Promise.all([
      base.select('id').orderBy('due_at').orderBy('id').limit(OVERDUE_ACTIONS).execute(),
      base.select((eb) => eb.fn.countAll().as('total')).executeTakeFirst(),
    ]);
    return {
      items: await this.inOrder(
        'actions',
        rows.map((r) => r.id)
      ),
      total: Number(count?.total ?? 0),
    };
  }

  private async inOrder(collection: 'incidents' | 'actions', ids: string[]) {
    const byId = await this.records.getMany(collection, ids);
    return ids.map((id) => byId.get(id)!).filter(Boolean);
  }
}

const ORG_SCOPE: ReviewScope = { level: 'org', id: 'org', name: 'Organization' };

type JudgedScope = Awaited<ReturnType<KpiService['compare']>>['scopes'][number];
/** A scorecard row of a review; `service` for a service's review. */
export type ReviewScopeRow = Omit<JudgedScope, 'level' | 'owner'> & {
  level: ReviewScope['level'];
  owner: string | null;
};

/**
 * The scorecard rows a review shows: the org and its business lines; a business line and its
 * teams; a team; or a service (its team's row computed from the service's records alone).
 */
function shownScopes(scopes: JudgedScope[], scope: ReviewScope, index: OrgIndex): ReviewScopeRow[] {
  switch (scope.level) {
    case 'org':
      return scopes.filter((s) => s.level !== 'team');
    case 'business_line':
      return scopes.filter((s) => s.level !== 'org' && s.businessLine === scope.id);
    case 'team':
      return scopes.filter((s) => s.level === 'team' && s.id === scope.id);
    case 'service': {
      const service = index.services.get(scope.id)!;
      return scopes
        .filter((s) => s.level === 'team' && s.id === service.team)
        .map((s) => ({ ...s, level: 'service' as const, id: service.id, name: service.name, owner: service.owner }));
    }
  }
}

export type Review = Awaited<ReturnType<ReviewService['draft']>>;
export type Decision = ReviewDecision;
export type SavedReview = Review & {
  id: string;
  title: string;
  notes?: string;
  attendees: string[];
  decisions: Decision[];
  savedBy?: string;
  savedAt: string;
};
