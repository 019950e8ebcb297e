/**
 * @ballast/contract: what the exporter and the three Grafana plugins share, written once.
 * Zod-free: the record schemas (zod) are the `@ballast/contract/records` entry, which plugins only
 * `import type` from, so no plugin bundle carries zod.
 */
export * from './enums.js';
export * from './kpis/index.js';
export * from './aggregates.js';
export * from './freezes.js';
export * from './time.js';
export * from './api/client.js';
export type * from './api/types.js';
export * from './reports.js';
export * from './reviews.js';
export * from './audit.js';
export * from './red-lines.js';
