/** Reading stored reports for the API: the list (newest first) and one report as sent, with its deliveries. */
import {
  REPORT_KINDS,
  type ReportContent,
  type ReportDetail,
  type ReportKind,
  type ReportSummary,
} from '@ballast/contract';
import { toIso } from '../../domain/time.js';
import { ReportStore, type DeliveryRow, type ReportRow } from '../../store/reports.js';
import type { Store } from '../../store/store.js';
import { NotFoundError } from '../errors.js';

const deliveryOut = (d: DeliveryRow) => ({
  destination: d.destination,
  destinationKind: d.destination_kind,
  status: d.status,
  attempts: d.attempts,
  lastError: d.last_error,
  nextAttemptAt: d.next_attempt_at === null ? null : toIso(d.next_attempt_at),
  deliveredAt: d.delivered_at === null ? null : toIso(d.delivered_at),
  updatedAt: toIso(d.updated_at),
});

const head = (r: ReportRow) => ({
  id: r.id,
  kind: r.kind as ReportKind,
  key: r.key,
  title: r.title ?? r.id,
  producedAt: toIso(r.produced_at ?? r.claimed_at),
  producedBy: r.claimed_by,
});

export class ReportService {
  private readonly reports: ReportStore;

  constructor(store: Store) {
    this.reports = new ReportStore(store);
  }

  async list(query: { limit: number; offset: number; kind?: ReportKind }) {
    const { rows, total } = await this.reports.list(query.limit, query.offset, query.kind);
    const deliveries = await this.reports.deliveriesOf(rows.map((r) => r.id));
    const items: ReportSummary[] = rows.map((r) => {
      const own = deliveries.filter((d) => d.report_id === r.id);
      const counts: ReportSummary['deliveries'] = { total: own.length };
      for (const d of own) counts[d.status] = (counts[d.status] ?? 0) + 1;
      return { ...head(r), deliveries: counts };
    });
    return { items, total, limit: query.limit, offset: query.offset };
  }

  async get(id: string): Promise<ReportDetail> {
    const row = await this.reports.report(id);
    if (!row || row.status !== 'produced' || !row.document) throw new NotFoundError(`report "${id}" not found`);
    const deliveries = await this.reports.deliveriesOf([id]);
    return {
      ...head(row),
      content: JSON.parse(row.document) as ReportContent,
      deliveries: deliveries.map(deliveryOut),
    };
  }
}

export const isReportKind = (k: string): k is ReportKind => (REPORT_KINDS as readonly string[]).includes(k);
