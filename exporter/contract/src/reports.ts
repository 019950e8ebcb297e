/**
 * Scheduled reports as the exporter stores and serves them (`GET /api/v1/reports`, docs/api.md
 * "Reports") and the app's Reports page reads them: the content every destination's message is
 * rendered from, and the state of each delivery.
 */

/** daily: the morning report; week / month: the committee pack when the period closed; review: a saved review's pack. */
export const REPORT_KINDS = ['daily', 'week', 'month', 'review'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/**
 * pending: not tried yet; sending: one process holds it now; retrying: an attempt failed, another
 * comes after a backoff; delivered: the receiver accepted it; failed: attempts exhausted;
 * interrupted: the process stopped while sending, so it is not sent again (it may have arrived).
 */
export const DELIVERY_STATUSES = ['pending', 'sending', 'retrying', 'delivered', 'failed', 'interrupted'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Outcomes counted in ballast_report_deliveries_total{outcome}. */
export const DELIVERY_OUTCOMES = ['delivered', 'retrying', 'failed', 'interrupted'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** good: nothing to act on; warn: worth a look; bad: a target missed or a rule broken. */
export type ReportTone = 'good' | 'warn' | 'bad' | 'neutral';

export interface ReportItem {
  text: string;
  meta?: string;
  /** Absolute URL into the Grafana app. */
  link?: string;
}

export interface ReportSection {
  id: string;
  title: string;
  /** One line: the count against its target, or what there is to know. */
  summary: string;
  tone: ReportTone;
  /** Absolute URL of the app page with the whole list. */
  link: string;
  items: ReportItem[];
  /** How many more items there are than `items` lists. */
  more: number;
}

/** What a report says, before any destination's format. */
export interface ReportContent {
  kind: ReportKind;
  /** The date (YYYY-MM-DD) or period (`2026-W48`, `2026-11`, a review id) the report is for. */
  key: string;
  title: string;
  subtitle: string;
  /** Absolute URL of the app's page for the report. */
  link: string;
  sections: ReportSection[];
}

export interface ReportDelivery {
  destination: string;
  /** slack, teams, mattermost, webhook or email. */
  destinationKind: string;
  status: DeliveryStatus;
  attempts: number;
  /** Why the last attempt failed (secrets removed). */
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  updatedAt: string;
}

export interface ReportSummary {
  id: string;
  kind: ReportKind;
  key: string;
  title: string;
  producedAt: string;
  /** The exporter process that produced it (host:pid). */
  producedBy: string;
  deliveries: { total: number } & Partial<Record<DeliveryStatus, number>>;
}

export interface ReportDetail extends Omit<ReportSummary, 'deliveries'> {
  content: ReportContent;
  deliveries: ReportDelivery[];
}

export interface ReportListResponse {
  items: ReportSummary[];
  total: number;
  limit: number;
  offset: number;
}

/** The app plugin's id and its page paths, for links built outside the app (reports, messages). */
export const APP_PLUGIN_ID = 'ballast-stability-app';

/** An absolute link to an app page under a Grafana root URL; empty parameters are left out. */
export function appLink(grafanaUrl: string, page: string, params: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, v);
  const qs = query.toString();
  const root = grafanaUrl.replace(/\/+$/, '');
  return `${root}/a/${APP_PLUGIN_ID}${page ? `/${page}` : ''}${qs ? `?${qs}` : ''}`;
}
