/**
 * What the report scheduler needs from outside the service layer, as interfaces the outer layers
 * implement: delivery/ sends (webhooks, SMTP), metrics/ counts. Arrows point inward.
 */
import type { DeliveryOutcome, DeliveryStatus } from '@ballast/contract';
import type { Destination, ReportsConfig } from '../../domain/reports-config.js';
import type { Rendered } from '../../domain/reports-render.js';

export interface SendResult {
  ok: boolean;
  /** Why not, with every secret removed. */
  error?: string;
}

/** Sends one rendered report to one destination. */
export type Deliver = (
  destination: Destination,
  rendered: Rendered,
  ids: { delivery: string; report: string },
  reports: ReportsConfig
) => Promise<SendResult>;

export interface ReportMetrics {
  produced(kind: string): void;
  delivery(kind: string, destination: string, outcome: DeliveryOutcome): void;
  /** The deliveries in each state, as the store holds them now. */
  observe(counts: Array<{ destination: string; status: DeliveryStatus; count: number }>): void;
}
