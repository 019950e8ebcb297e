/**
 * The context the receivers' adapters run with, built as the exporter builds it (the config file's
 * `ingestion` section parsed by its schema, the org indexed), so that an adapter can be called
 * directly on a payload: no server, no store, one function and the records it makes.
 */
import { OrgIndex } from '../src/domain/org.js';
import { ingestionSchema } from '../src/ingest/mapping.js';
import type { AdaptContext } from '../src/ingest/pipeline.js';
import type { Delivery } from '../src/ingest/receivers.js';
import { ingestOrg } from './ingest-fixtures.js';
import { TOOLS_INGESTION } from './ingest-tools-fixtures.js';

/** A fixed "now" (2026-03-01T12:00:00Z), so records that fall back to it have a known time. */
export const NOW = Date.UTC(2026, 2, 1, 12);

/** The adapter context over the test org (ingest-fixtures.ts) and the tools' ingestion rules, plus `ingestion` overrides. */
export function adaptContext(ingestion: Record<string, unknown> = {}, now = NOW): AdaptContext {
  return {
    config: ingestionSchema.parse({ ...TOOLS_INGESTION, ...ingestion }),
    org: new OrgIndex(ingestOrg()),
    now,
  };
}

/** A delivery as the routes hand it to a receiver: the parsed body and case-insensitive headers. */
export function delivery(body: unknown, headers: Record<string, string> = {}): Delivery {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { body, header: (name) => lower.get(name.toLowerCase()) };
}

/** The issues of the ValidationError `run` throws (fails the test when it throws nothing, or something else). */
export function issuesOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    const issues = (error as { issues?: { path: string; message: string }[] }).issues;
    if (!Array.isArray(issues)) throw error;
    return issues;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}
