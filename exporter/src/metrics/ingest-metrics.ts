/** Counters of what the ingestion receivers took in, by source (`alertmanager`, `github`, …). */
import { Counter, type Registry } from 'prom-client';

export type IngestCounter = 'received' | 'written' | 'deduplicated' | 'rejected' | 'ignored' | 'unassigned';

const HELP: Record<IngestCounter, string> = {
  received: 'Items (alerts, change events) the receivers got, valid or not.',
  written: 'Items that created or updated a record.',
  deduplicated: 'Items that changed nothing: already stored as sent, or repeated within one request.',
  rejected: 'Items refused: malformed, unmappable, bad signature or over the body limit.',
  ignored: 'Items that are not stability records (e.g. a CloudEvent that is no change, a GitHub ping).',
  unassigned: 'Alerts kept under the reserved team "unassigned" because no known service or team matched.',
};

export type IngestMetrics = Record<IngestCounter, Counter<'source'>>;

export function createIngestMetrics(registry: Registry): IngestMetrics {
  const make = (name: IngestCounter) =>
    new Counter({
      name: `ballast_ingest_${name}_total`,
      help: HELP[name],
      labelNames: ['source'],
      registers: [registry],
    });
  return {
    received: make('received'),
    written: make('written'),
    deduplicated: make('deduplicated'),
    rejected: make('rejected'),
    ignored: make('ignored'),
    unassigned: make('unassigned'),
  };
}
