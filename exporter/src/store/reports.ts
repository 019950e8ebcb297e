/**
 * The store of scheduled reports and their deliveries (migration 010). Every step that must
 * happen once is a single statement whose WHERE clause only one process can satisfy: inserting
 * the (kind, key) claim, finishing a claim it still holds, taking a delivery in the state it read.
 * So processes never need to talk to each other, on SQLite or on one PostgreSQL. Report writes
 * are not record writes: they leave the data revision (and so every KPI cache) alone.
 */
import type { Kysely } from 'kysely';
import type { DeliveryStatus, ReportKind } from '@ballast/contract';
import type { Store } from './store.js';

type Ms = number;

export interface ReportRow {
  id: string;
  kind: string;
  key: string;
  status: 'producing' | 'produced';
  claimed_by: string;
  claimed_at: Ms;
  produced_at: Ms | null;
  title: string | null;
  document: string | null;
}

export interface DeliveryRow {
  id: string;
  report_id: string;
  destination: string;
  destination_kind: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Ms | null;
  lease_until: Ms | null;
  taken_by: string | null;
  last_error: string | null;
  delivered_at: Ms | null;
  updated_at: Ms;
}

interface ReportTables {
  reports: ReportRow;
  report_deliveries: DeliveryRow;
}

export const reportId = (kind: ReportKind, key: string) => `rp-${kind}-${key}`;
const deliveryId = (report: string, destination: string) => `${report}:${destination}`;

/** Integers come back as numbers on both stores (connect.ts), but a bigint column may be a string on some paths. */
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function deliveryOut(row: DeliveryRow): DeliveryRow {
  return {
    ...row,
    attempts: num(row.attempts),
    next_attempt_at: numOrNull(row.next_attempt_at),
    lease_until: numOrNull(row.lease_until),
    delivered_at: numOrNull(row.delivered_at),
    updated_at: num(row.updated_at),
  };
}

export class ReportStore {
  private readonly db: Kysely<ReportTables>;

  constructor(store: Store) {
    // The report tables are this module's alone, so their types live here, not in schema.ts.
    this.db = store.db as unknown as Kysely<ReportTables>;
  }

  /**
   * Claims (kind, key) for `by`: true when this call inserted the claim, or took over one whose
   * producer stopped before finishing (claimed longer than `staleMs` ago and still producing).
   */
  async claim(kind: ReportKind, key: string, by: string, now: Ms, staleMs: Ms): Promise<{ id: string; won: boolean }> {
    const id = reportId(kind, key);
    const inserted = await this.db
      .insertInto('reports')
      .values({ id, kind, key, status: 'producing', claimed_by: by, claimed_at: now })
      .onConflict((oc) => oc.columns(['kind', 'key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return { id, won: true };
    const taken = await this.db
      .updateTable('reports')
      .set({ claimed_by: by, claimed_at: now })
      .where('id', '=', id)
      .where('status', '=', 'producing')
      .where('claimed_at', '<', now - staleMs)
      .executeTakeFirst();
    return { id, won: Number(taken.numUpdatedRows) > 0 };
  }

  /**
   * Stores the content as it will be sent and creates one pending delivery per destination, in
   * one transaction, if `by` still holds the claim. False when another process took it over.
   */
  async produce(
    id: string,
    by: string,
    content: { title: string; document: string },
    destinations: Array<{ id: string; kind: string }>,
    now: Ms
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const done = await trx
        .updateTable('reports')
        .set({ status: 'produced', produced_at: now, title: content.title, document: content.document })
        .where('id', '=', id)
        .where('status', '=', 'producing')
        .where('claimed_by', '=', by)
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) === 0) return false;
      if (destinations.length > 0) {
        await trx
          .insertInto('report_deliveries')
          .values(
            destinations.map((d) => ({
              id: deliveryId(id, d.id),
              report_id: id,
              destination: d.id,
              destination_kind: d.kind,
              status: 'pending' as const,
              attempts: 0,
              next_attempt_at: now,
              updated_at: now,
            }))
          )
          .onConflict((oc) => oc.columns(['report_id', 'destination']).doNothing())
          .execute();
      }
      return true;
    });
  }

  /**
   * A delivery left `sending` past its lease: its process stopped mid-send, so whether it arrived
   * is unknown. It is marked interrupted and not sent again: a report twice is worse than late.
   */
  async interruptExpired(now: Ms): Promise<DeliveryRow[]> {
    const expired = await this.db
      .selectFrom('report_deliveries')
      .selectAll()
      .where('status', '=', 'sending')
      .where('lease_until', '<', now)
      .execute();
    const marked: DeliveryRow[] = [];
    for (const row of expired) {
      const r = await this.db
        .updateTable('report_deliveries')
        .set({
          status: 'interrupted',
          lease_until: null,
          updated_at: now,
          last_error: 'the exporter stopped while sending; not sent again (it may have arrived)',
        })
        .where('id', '=', row.id)
        .where('status', '=', 'sending')
        .where('taken_by', '=', row.taken_by)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) > 0) marked.push(deliveryOut(row));
    }
    return marked;
  }

  /** Takes up to `limit` deliveries due at `now` for `by`; each is taken by exactly one process. */
  async takeDue(now: Ms, by: string, leaseMs: Ms, limit = 20): Promise<DeliveryRow[]> {
    const due = await this.db
      .selectFrom('report_deliveries')
      .selectAll()
      .where('status', 'in', ['pending', 'retrying'])
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    const taken: DeliveryRow[] = [];
    for (const raw of due) {
      const row = deliveryOut(raw);
      const r = await this.db
        .updateTable('report_deliveries')
        .set({
          status: 'sending',
          attempts: row.attempts + 1,
          lease_until: now + leaseMs,
          taken_by: by,
          updated_at: now,
        })
        .where('id', '=', row.id)
        .where('status', '=', row.status)
        .where('attempts', '=', row.attempts)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) > 0)
        taken.push({ ...row, status: 'sending', attempts: row.attempts + 1, taken_by: by, lease_until: now + leaseMs });
    }
    return taken;
  }

  /** Records the outcome of an attempt `by` made (only while it still holds the delivery). */
  async finish(
    id: string,
    by: string,
    outcome: { status: 'delivered' | 'retrying' | 'failed'; error: string | null; nextAttemptAt: Ms | null },
    now: Ms
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('report_deliveries')
      .set({
        status: outcome.status,
        last_error: outcome.error,
        next_attempt_at: outcome.nextAttemptAt,
        delivered_at: outcome.status === 'delivered' ? now : null,
        lease_until: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .where('taken_by', '=', by)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async report(id: string): Promise<ReportRow | undefined> {
    const row = await this.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? { ...row, claimed_at: num(row.claimed_at), produced_at: numOrNull(row.produced_at) } : undefined;
  }

  async deliveriesOf(ids: string[]): Promise<DeliveryRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('report_deliveries')
      .selectAll()
      .where('report_id', 'in', ids)
      .orderBy('destination')
      .execute();
    return rows.map(deliveryOut);
  }

  /** Produced reports, newest first. */
  async list(limit: number, offset: number, kind?: ReportKind): Promise<{ rows: ReportRow[]; total: number }> {
    let base = this.db.selectFrom('reports').where('status', '=', 'produced');
    if (kind) base = base.where('kind', '=', kind);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('produced_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
      base.select((eb) => eb.fn.countAll().as('total')).executeTakeFirst(),
    ]);
    return {
      rows: rows.map((r) => ({ ...r, claimed_at: num(r.claimed_at), produced_at: numOrNull(r.produced_at) })),
      total: Number(count?.total ?? 0),
    };
  }

  /** Deliveries per status and destination (the /metrics gauges). */
  async deliveryCounts(): Promise<Array<{ destination: string; status: DeliveryStatus; count: number }>> {
    const rows = await this.db
      .selectFrom('report_deliveries')
      .select(['destination', 'status', (eb) => eb.fn.countAll().as('count')])
      .groupBy(['destination', 'status'])
      .execute();
    return rows.map((r) => ({ destination: r.destination, status: r.status, count: Number(r.count) }));
  }
}
