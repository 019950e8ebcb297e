/**
 * Committee reviews: a week's or month's KPIs per business line against goals and the period
 * before, the top incidents and the overdue actions. A draft is computed live; a saved review
 * keeps its numbers as they were (table reviews), so what the committee decided on never shifts
 * when late data arrives. Saving is not a records write: it leaves the data revision alone.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import { recordId, timestamp } from '../domain/records.js';
import { REVIEW_PERIODS, reviewRanges, type ReviewPeriod } from '../domain/reviews.js';
import { toIso } from '../domain/time.js';
import type { Store } from '../store/store.js';
import { NotFoundError, ValidationError, zodIssues } from './errors.js';
import type { KpiService } from './kpis.js';
import type { OrgService } from './org.js';
import type { RecordService } from './records.js';

/** How many of the period's high-priority incidents a review lists (longest first). */
export const TOP_INCIDENTS = 10;
/** How many overdue actions a review lists (longest overdue first); the total is given beside. */
export const OVERDUE_ACTIONS = 50;

export const reviewDraftSchema = z
  .object({
    period: z.enum(REVIEW_PERIODS, { message: `must be one of ${REVIEW_PERIODS.join(', ')}` }),
    at: timestamp.optional().describe('A moment inside the period (default now).'),
  })
  .strict();

export const reviewSaveSchema = reviewDraftSchema
  .extend({
    id: recordId.optional().describe('Given by the caller to make retries safe; generated when omitted.'),
    title: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    notes: z.string().max(20_000, 'must be at most 20000 characters').optional(),
  })
  .strict();

export type ReviewDraftInput = z.infer<typeof reviewDraftSchema>;

export class ReviewService {
  constructor(
    private readonly store: Store,
    private readonly orgs: OrgService,
    private readonly kpis: KpiService,
    private readonly records: RecordService
  ) {}

  /** The review of the period containing `at`, computed from the records as they are now. */
  async draft(input: ReviewDraftInput) {
    const now = this.kpis.now();
    const at = input.at === undefined ? now : Date.parse(input.at);
    if (at > now) throw new ValidationError([{ path: 'at', message: 'must not be in the future' }]);
    const index = await this.orgs.index();
    const { current, previous } = reviewRanges(input.period, at, now, index.org.policy.timezone);
    const [judged, topIncidents, overdue] = await Promise.all([
      this.kpis.compare(current, previous),
      this.topIncidents(current.from, current.to, index.org.policy.highPriorities),
      this.overdueActions(current.to),
    ]);
    return {
      period: input.period as ReviewPeriod,
      from: toIso(current.from),
      to: toIso(current.to),
      previousFrom: toIso(previous.from),
      previousTo: toIso(previous.to),
      generatedAt: toIso(now),
      revision: judged.revision,
      kpis: judged.kpis,
      // The committee reviews the org and its business lines; teams are in the scorecard.
      scopes: judged.scopes.filter((s) => s.level !== 'team'),
      topIncidents,
      overdueActions: overdue.items,
      overdueActionsTotal: overdue.total,
    };
  }

  /** Saves a draft as it is now. Saving again with the same id returns the stored review unchanged. */
  async save(body: unknown): Promise<{ review: SavedReview; created: boolean }> {
    const parsed = reviewSaveSchema.safeParse(body);
    if (!parsed.success) throw new ValidationError(zodIssues(parsed.error));
    const { id = `rv-${randomUUID()}`, title, notes, ...draftInput } = parsed.data;
    const existing = await this.find(id);
    if (existing) return { review: existing, created: false };
    const review: SavedReview = {
      id,
      title,
      ...(notes !== undefined ? { notes } : {}),
      savedAt: toIso(this.kpis.now()),
      ...(await this.draft(draftInput)),
    };
    const inserted = await this.store.db
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
    // A concurrent save of the same id won the race: answer with what it stored.
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return { review: (await this.find(id))!, created: false };
    return { review, created: true };
  }

  async list() {
    const rows = await this.store.db
      .selectFrom('reviews')
      .select(['id', 'title', 'period', 'from_at', 'to_at', 'saved_at'])
      .orderBy('saved_at', 'desc')
      .orderBy('id')
      .execute();
    return {
      items: rows.map((r) => ({
        id: r.id,
        title: r.title,
        period: r.period,
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

  /** High-priority production incidents started in [from, to), longest first (open ones until `to`). */
  private async topIncidents(from: number, to: number, highPriorities: readonly string[]) {
    if (highPriorities.length === 0) return [];
    const rows = await this.store.db
      .selectFrom('incidents')
      .select('id')
      .where('started_at', '>=', from)
      .where('started_at', '<', to)
      .where('drill', '=', 0)
      .where('priority', 'in', [...highPriorities])
      .orderBy(sql`coalesce(recovered_at, ${to}) - started_at`, 'desc')
      .orderBy('id')
      .limit(TOP_INCIDENTS)
      .execute();
    return this.inOrder(
      'incidents',
      rows.map((r) => r.id)
    );
  }

  /** Actions due before `to` and not completed by then, longest overdue first. */
  private async overdueActions(to: number) {
    const base = this.store.db
      .selectFrom('actions')
      .where('due_at', '<', to)
      .where((eb) => eb.or([eb('completed_at', 'is', null), eb('completed_at', '>', to)]));
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

export type Review = Awaited<ReturnType<ReviewService['draft']>>;
export type SavedReview = Review & { id: string; title: string; notes?: string; savedAt: string };
