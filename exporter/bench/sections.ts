/**
 * The bench sections, run in this order. To add one (KPI latency, webhook throughput …), write a
 * module exporting a BenchSection under sections/ and list it here.
 */
import type { BenchSection } from './context.js';
import { alertmanagerWebhookSection } from './sections/alertmanager-webhook.js';
import { batchIngestSection } from './sections/batch-ingest.js';
import { demoSeedSection } from './sections/demo-seed.js';
import { fuzzApiSection } from './sections/fuzz-api.js';
import { kpiLatencySection } from './sections/kpi-latency.js';

export const SECTIONS: BenchSection[] = [
  demoSeedSection,
  batchIngestSection,
  kpiLatencySection,
  alertmanagerWebhookSection,
  fuzzApiSection,
];
